"""Calendar feeds of course blocks (a subscribable .ics link per person and purpose)."""

import datetime as dt
import secrets

from django.db.models import Q, QuerySet
from django.utils import timezone

from access import course_blocks_for, roles_of
from accounts.models import CompanyRole, SchoolRole
from core import ics
from partnerships.models import Partnership
from scheduling.models import CalendarFeed, CourseBlock

PAST_WEEKS = 8


def available_feeds(user) -> list[tuple[str, object]]:
    """(kind, company) pairs this user may subscribe to."""
    roles = roles_of(user)
    kinds = []
    if roles.has_school_role(SchoolRole.COORDINATOR):
        kinds.append((CalendarFeed.Kind.COORDINATOR, None))
    if roles.has_school_role(SchoolRole.TEACHER):
        kinds.append((CalendarFeed.Kind.TEACHER, None))
    for membership in roles.company_memberships:
        if membership.role in (CompanyRole.HR, CompanyRole.MANAGER):
            pair = (CalendarFeed.Kind.COMPANY, membership.company)
            if pair not in kinds:
                kinds.append(pair)
    return kinds


def feed_get_or_create(*, user, kind: str, company=None) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(
        user=user,
        kind=kind,
        company=company,
        defaults={"token": secrets.token_urlsafe(32)},
    )
    return feed


def feed_regenerate(*, feed: CalendarFeed) -> CalendarFeed:
    """A new secret link; the old one stops working at once."""
    feed.token = secrets.token_urlsafe(32)
    feed.save(update_fields=["token", "updated_at"])
    return feed


def feed_blocks(feed: CalendarFeed) -> QuerySet[CourseBlock]:
    """The blocks in the feed, limited to what the user may see *now* (a removed role
    empties the feed)."""
    user = feed.user
    blocks = course_blocks_for(user)
    if feed.kind == CalendarFeed.Kind.COORDINATOR:
        coordinated = Partnership.objects.filter(coordinator=user)
        blocks = blocks.filter(
            Q(enrollments__plan_activity__plan__partnership__in=coordinated)
            | Q(company__in=coordinated.values("company"))
        )
    elif feed.kind == CalendarFeed.Kind.TEACHER:
        blocks = blocks.filter(teachers=user)
    else:
        blocks = blocks.filter(
            Q(company=feed.company) | Q(enrollments__employee__company=feed.company)
        )
    since = timezone.localdate() - dt.timedelta(weeks=PAST_WEEKS)
    return (
        CourseBlock.objects.filter(pk__in=blocks.values("pk"), end_date__gte=since)
        .select_related("course", "school", "company")
        .order_by("start_date")
    )


def feed_ics(feed: CalendarFeed, *, host: str) -> bytes:
    events = []
    for block in feed_blocks(feed):
        events.append(
            ics.CalendarEvent(
                uid=f"block-{block.pk}@{host}",
                start=block.start_date,
                end=block.end_date + dt.timedelta(days=1),
                summary=f"{block.course.number} {block.course.title}",
                location=block.place,
                description=block.reference,
                cancelled=block.status == "cancelled",
            )
        )
    return ics.calendar(events, name=feed.get_kind_display())
