"""What the calendar hands over: reminders made once a day by a beat task. Each is made
once per object (a missed day is caught up the next), so running twice tells nobody twice."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from access import school_people
from accounts.models import SchoolRole, User
from partnerships.models import ActionItem, Partnership
from scheduling.models import PARTICIPATING_STATUSES, CourseBlock

from . import kinds
from .models import Notification
from .services import notify

# "Less than half full two weeks before start" (the dashboard's attention rule too).
BLOCK_WARNING_DAYS = 14


def _not_told(queryset, kind: kinds.Kind):
    """The rows of `queryset` with no notification of this kind yet (a subquery, so the
    cost does not grow with every reminder ever made)."""
    told = Notification.objects.filter(
        kind=kind.name,
        target_type=ContentType.objects.get_for_model(queryset.model),
        target_id=Cast(OuterRef("pk"), CharField()),
    )
    return queryset.exclude(Exists(told))


def action_item_reminders(today: dt.date) -> int:
    """Due tomorrow, and overdue: once each, to the item's owner (a company contact's
    login included; a contact without one was e-mailed when the item was given)."""
    made = 0
    open_items = ActionItem.objects.filter(
        Q(owner__isnull=False) | Q(owner_contact__user__isnull=False), done=False
    ).select_related("owner", "owner_contact__user", "meeting")
    for kind, items in [
        (kinds.ACTION_ITEM_DUE, open_items.filter(due_date=today + dt.timedelta(days=1))),
        (kinds.ACTION_ITEM_OVERDUE, open_items.filter(due_date__lt=today)),
    ]:
        for item in _not_told(items, kind):
            url = reverse("partnerships:meeting_detail", args=[item.meeting_id])
            owner = item.owner or item.owner_contact.user
            made += len(notify(kind, recipients=[owner], target=item, url=url))
    return made


def block_coordinators(block: CourseBlock) -> list[User]:
    """The coordinators whose partnerships have people on the block, or else the
    school's coordinators."""
    partnerships = Partnership.objects.filter(
        Q(plans__activities__enrollments__course_block=block) | Q(company=block.company_id)
    ).values("coordinator_id")
    people = list(User.objects.filter(pk__in=partnerships, is_active=True))
    if people:
        return people
    return list(school_people(block.school_id, SchoolRole.COORDINATOR))


def thin_block_warnings(today: dt.date) -> int:
    """Blocks starting within two weeks with fewer than half their seats taken."""
    thin = (
        _not_told(CourseBlock.objects.all(), kinds.BLOCK_UNDER_HALF)
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


def run(today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    return {"action_items": action_item_reminders(today), "blocks": thin_block_warnings(today)}
