import datetime as dt
from decimal import Decimal

from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.db.models import DecimalField as DecimalOutput

from access import course_blocks_for, school_people
from accounts.models import SchoolRole, User
from partnerships.models import Partnership
from scheduling.models import PARTICIPATING_STATUSES, CourseBlock
from schools.figures import aarselever


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


def _upcoming(
    blocks: QuerySet[CourseBlock], *, viewer, today: dt.date, limit: int
) -> list[CourseBlock]:
    """Upcoming blocks, each with `openable`: whether `viewer` may open its page. A
    partnership's blocks can be held by a school the viewer does not belong to."""
    upcoming = CourseBlock.objects.filter(
        pk__in=blocks.filter(end_date__gte=today).values("pk")
    ).exclude(status=CourseBlock.Status.CANCELLED)
    return list(
        course_blocks_with_participation(upcoming)
        .annotate(openable=Exists(course_blocks_for(viewer).filter(pk=OuterRef("pk"))))
        .select_related("course", "school", "company")
        .order_by("start_date", "course__number")[:limit]
    )


def upcoming_blocks_taught_by(user, *, today: dt.date, limit: int = 25) -> list[CourseBlock]:
    blocks = CourseBlock.objects.filter(teachers=user)
    return _upcoming(blocks, viewer=user, today=today, limit=limit)


def upcoming_blocks_of_partnerships(
    partnerships: QuerySet, *, viewer, today: dt.date, limit: int = 25
) -> list[CourseBlock]:
    """Blocks where the partnerships' plans have enrolled people, or held at their companies."""
    blocks = CourseBlock.objects.filter(
        Q(enrollments__plan_activity__plan__partnership__in=partnerships)
        | Q(company__in=partnerships.values("company"))
    )
    return _upcoming(blocks, viewer=viewer, today=today, limit=limit)


def week_grid(
    blocks: QuerySet[CourseBlock], *, school, monday: dt.date, weeks: int, rows: str, filters: dict
):
    """ISO weeks (columns) × departments or teachers (rows) for one school, with each
    block's fill. Three queries whatever the number of blocks."""
    from accounts.models import SchoolMembership

    end = monday + dt.timedelta(weeks=weeks, days=-1)
    blocks = blocks.filter(school=school, start_date__lte=end, end_date__gte=monday)
    if department := filters.get("department"):
        blocks = blocks.filter(department=department)
    if teacher := filters.get("teacher"):
        blocks = blocks.filter(teachers=teacher)
    if company := filters.get("company"):
        blocks = blocks.filter(
            Q(company__name__icontains=company)
            | Q(enrollments__employee__company__name__icontains=company)
        ).distinct()
    blocks = list(
        course_blocks_with_participation(blocks)
        .select_related("course", "department", "company")
        .prefetch_related("teachers")
        .order_by("start_date", "course__number")
    )
    columns = [monday + dt.timedelta(weeks=n) for n in range(weeks)]
    if rows == "teacher":
        labels = list(
            User.objects.filter(
                pk__in=SchoolMembership.objects.filter(
                    school=school, role=SchoolRole.TEACHER
                ).values("user_id")
            ).order_by("first_name", "last_name")
        )
        keys = lambda block: [t.pk for t in block.teachers.all()] or [None]  # noqa: E731
    else:
        labels = list(school.departments.order_by("name"))
        keys = lambda block: [block.department_id]  # noqa: E731
    grid = {label.pk: [[] for _ in columns] for label in labels}
    grid[None] = [[] for _ in columns]
    for block in blocks:
        for key in keys(block):
            for index, week_start in enumerate(columns):
                week_end = week_start + dt.timedelta(days=6)
                if block.start_date <= week_end and block.end_date >= week_start:
                    grid.setdefault(key, [[] for _ in columns])[index].append(block)
    table = [(label, grid[label.pk]) for label in labels]
    if any(grid[None]):
        table.append((None, grid[None]))
    return columns, table, len(blocks)


def upcoming_conflicts(blocks: QuerySet[CourseBlock], *, today: dt.date) -> dict:
    """Double-booked teachers and employees and over-full blocks among the given
    blocks from today on; a constant number of queries."""
    from collections import defaultdict

    from scheduling.models import Enrollment

    upcoming = list(
        course_blocks_with_participation(
            blocks.filter(end_date__gte=today).exclude(status=CourseBlock.Status.CANCELLED)
        )
        .select_related("course", "school")
        .prefetch_related("teachers")
        .order_by("start_date")
    )
    by_id = {b.pk: b for b in upcoming}

    def overlaps(a, b):
        return a.start_date <= b.end_date and b.start_date <= a.end_date

    teacher_blocks = defaultdict(list)
    for block in upcoming:
        for teacher in block.teachers.all():
            teacher_blocks[teacher].append(block)
    teachers = [
        (teacher, a, b)
        for teacher, items in teacher_blocks.items()
        for i, a in enumerate(items)
        for b in items[i + 1 :]
        if overlaps(a, b)
    ]
    employee_blocks = defaultdict(list)
    for employee_id, name, block_id in Enrollment.objects.filter(
        course_block__in=by_id.keys(), status__in=PARTICIPATING_STATUSES
    ).values_list("employee_id", "employee__name", "course_block_id"):
        employee_blocks[(employee_id, name)].append(by_id[block_id])
    employees = [
        (name, a, b)
        for (_pk, name), items in employee_blocks.items()
        for i, a in enumerate(items)
        for b in items[i + 1 :]
        if overlaps(a, b)
    ]
    over = [b for b in upcoming if b.participant_count > b.capacity]
    return {"teachers": teachers, "employees": employees, "over_capacity": over}


def block_coordinators(block: CourseBlock) -> list:
    """The coordinators whose partnerships have people on the block, or else the
    school's coordinators."""
    partnerships = Partnership.objects.filter(
        Q(plans__activities__enrollments__course_block=block) | Q(company=block.company_id)
    ).values("coordinator_id")
    people = list(User.objects.filter(pk__in=partnerships, is_active=True))
    if people:
        return people
    return list(school_people(block.school_id, SchoolRole.COORDINATOR))
