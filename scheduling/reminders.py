"""Thin blocks: the daily warning to their coordinators (registered with notifications
from SchedulingConfig.ready)."""

import datetime as dt

from django.db.models import Count, F, Q
from django.urls import reverse

from notifications import kinds
from notifications.daily import not_told
from notifications.hooks import daily_reminder
from notifications.services import notify

from .models import PARTICIPATING_STATUSES, CourseBlock
from .selectors import block_coordinators

# "Less than half full two weeks before start" (the dashboard's attention rule too).
BLOCK_WARNING_DAYS = 14


def _starting_soon(blocks, kind, today: dt.date):
    """Open blocks starting within two weeks whose coordinators were not told of `kind`
    yet, with `taken`: the places that take a seat."""
    return (
        not_told(blocks, kind)
        .filter(
            start_date__gt=today,
            start_date__lte=today + dt.timedelta(days=BLOCK_WARNING_DAYS),
        )
        .exclude(status__in=[CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD])
        .annotate(
            taken=Count("enrollments", filter=Q(enrollments__status__in=PARTICIPATING_STATUSES))
        )
        .select_related("course")
    )


@daily_reminder("blocks")
def thin_block_warnings(today: dt.date) -> int:
    """Blocks starting within two weeks with fewer than half their seats taken."""
    thin = _starting_soon(CourseBlock.objects.all(), kinds.BLOCK_UNDER_HALF, today)
    made = 0
    for block in thin:
        if block.taken * 2 >= block.capacity:
            continue
        made += len(
            notify(
                kinds.BLOCK_UNDER_HALF,
                recipients=block_coordinators(block),
                target=block,
                url=reverse("scheduling:block_detail", args=[block.pk]),
                message=f"{block.taken}/{block.capacity}",
            )
        )
    return made


@daily_reminder("blocks_below_minimum")
def below_minimum_warnings(today: dt.date) -> int:
    """Blocks starting within two weeks with fewer participants than their minimum class
    size: the coordinators can still pool more companies in or move the block."""
    thin = _starting_soon(
        CourseBlock.objects.filter(min_participants__gt=0), kinds.BLOCK_BELOW_MINIMUM, today
    ).filter(taken__lt=F("min_participants"))
    made = 0
    for block in thin:
        made += len(
            notify(
                kinds.BLOCK_BELOW_MINIMUM,
                recipients=block_coordinators(block),
                target=block,
                url=reverse("scheduling:block_detail", args=[block.pk]),
                message=f"{block.taken}/{block.min_participants}",
            )
        )
    return made
