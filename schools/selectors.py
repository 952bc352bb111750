import datetime as dt
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models import DecimalField as DecimalOutput

from competence_plans.models import PARTICIPATING_STATUSES
from schools.models import CourseBlock

from .figures import aarselever


def course_blocks_with_participation(blocks: QuerySet[CourseBlock]) -> QuerySet[CourseBlock]:
    """Annotate participant_count and participant_days (participants × course days)."""
    return blocks.annotate(
        participant_count=Count(
            "enrollments", filter=Q(enrollments__status__in=PARTICIPATING_STATUSES)
        ),
    ).annotate(
        participant_days=ExpressionWrapper(
            F("participant_count") * F("course__duration_days"),
            output_field=DecimalOutput(max_digits=10, decimal_places=1),
        )
    )


def course_block_aarselever(block: CourseBlock) -> Decimal:
    """ÅE of one block: participating enrollments × course days / 200."""
    count = block.enrollments.filter(status__in=PARTICIPATING_STATUSES).count()
    return aarselever(count * block.course_days)


def _upcoming(blocks: QuerySet[CourseBlock], *, today: dt.date, limit: int) -> list[CourseBlock]:
    upcoming = CourseBlock.objects.filter(
        pk__in=blocks.filter(end_date__gte=today).values("pk")
    ).exclude(status=CourseBlock.Status.CANCELLED)
    return list(
        course_blocks_with_participation(upcoming)
        .select_related("course", "school", "company")
        .order_by("start_date", "course__number")[:limit]
    )


def upcoming_blocks_taught_by(user, *, today: dt.date, limit: int = 25) -> list[CourseBlock]:
    return _upcoming(CourseBlock.objects.filter(teachers=user), today=today, limit=limit)


def upcoming_blocks_of_partnerships(
    partnerships: QuerySet, *, today: dt.date, limit: int = 25
) -> list[CourseBlock]:
    """Blocks where the partnerships' plans have enrolled people, or held at their companies."""
    blocks = CourseBlock.objects.filter(
        Q(enrollments__plan_activity__plan__partnership__in=partnerships)
        | Q(company__in=partnerships.values("company"))
    )
    return _upcoming(blocks, today=today, limit=limit)
