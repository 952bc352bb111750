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


def upcoming_blocks_taught_by(user, *, today: dt.date, limit: int = 25) -> list[CourseBlock]:
    blocks = CourseBlock.objects.filter(teachers=user, end_date__gte=today).exclude(
        status=CourseBlock.Status.CANCELLED
    )
    return list(
        course_blocks_with_participation(blocks)
        .select_related("course", "school", "company")
        .order_by("start_date", "course__number")[:limit]
    )
