import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models import DecimalField as DecimalOutput
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from access import course_blocks_for, school_people
from accounts.models import SchoolRole, User
from core.subqueries import count_of
from partnerships.models import Partnership
from scheduling.models import PARTICIPATING_STATUSES, BlockReservation, CourseBlock, Enrollment
from schools.figures import aarselever


def course_blocks_with_participation(blocks: QuerySet[CourseBlock]) -> QuerySet[CourseBlock]:
    """Annotate participant_count and participant_days (participants × course days).
    A subquery per block, not a join grouped over every enrollment: the database counts
    only for the blocks it returns (after any LIMIT), with the enrollment index."""
    places = Enrollment.objects.filter(
        course_block=OuterRef("pk"), status__in=PARTICIPATING_STATUSES
    )
    return blocks.annotate(participant_count=count_of(places, "course_block")).annotate(
        participant_days=ExpressionWrapper(
            F("participant_count") * F("course__duration_days"),
            output_field=DecimalOutput(max_digits=10, decimal_places=1),
        )
    )


def with_seats(blocks: QuerySet[CourseBlock]) -> QuerySet[CourseBlock]:
    """Also annotate reserved_open (reserved seats not yet filled by the company's named
    people) and seats_taken (places plus those): what counts against capacity."""
    named = (
        Enrollment.objects.filter(
            course_block=OuterRef("block"),
            employee__company=OuterRef("company"),
            status__in=PARTICIPATING_STATUSES,
        )
        .order_by()
        .values("course_block")
        .annotate(n=Count("pk"))
        .values("n")
    )
    unfilled = (
        BlockReservation.objects.filter(block=OuterRef("pk"))
        .annotate(named=Coalesce(Subquery(named, output_field=IntegerField()), 0))
        .annotate(unfilled=Greatest(F("seats") - F("named"), Value(0)))
        .order_by()
        .values("block")
        .annotate(total=Sum("unfilled"))
        .values("total")
    )
    return course_blocks_with_participation(blocks).annotate(
        reserved_open=Coalesce(Subquery(unfilled, output_field=IntegerField()), 0),
        seats_taken=F("participant_count") + F("reserved_open"),
    )


@dataclass(frozen=True)
class SeatUse:
    """Who holds the seats of one block: named places and reservations per company. A
    company's named places fill its reservation first, so a reserved seat is taken once."""

    named: dict
    reserved: dict

    @property
    def taken(self) -> int:
        return sum(max(self.named.get(c, 0), seats) for c, seats in self.reserved.items()) + sum(
            n for c, n in self.named.items() if c not in self.reserved
        )

    def plus(self, company_id) -> "SeatUse":
        return replace(self, named={**self.named, company_id: self.named.get(company_id, 0) + 1})

    def taken_with(self, company_id, seats: int) -> int:
        """Seats taken if the company held `seats` (0: no reservation)."""
        reserved = {c: n for c, n in self.reserved.items() if c != company_id}
        if seats:
            reserved[company_id] = seats
        return replace(self, reserved=reserved).taken

    def fit(self, employees, capacity: int) -> tuple[list, list]:
        """Split people, in order, into those who get a seat and those who do not."""
        use, seated, waiting = self, [], []
        for employee in employees:
            more = use.plus(employee.company_id)
            if more.taken <= capacity:
                use = more
                seated.append(employee)
            else:
                waiting.append(employee)
        return seated, waiting


def seat_use(block: CourseBlock) -> SeatUse:
    named = dict(
        Enrollment.objects.filter(course_block=block.pk, status__in=PARTICIPATING_STATUSES)
        .order_by()
        .values("employee__company")
        .annotate(n=Count("pk"))
        .values_list("employee__company", "n")
    )
    reserved = dict(BlockReservation.objects.filter(block=block.pk).values_list("company", "seats"))
    return SeatUse(named=named, reserved=reserved)


def fill_by_company(block: CourseBlock, companies: QuerySet) -> list[dict]:
    """Per company among `companies` with people, waiting people or seats on the block:
    named places, waiting, reserved seats."""
    from companies.models import Company

    # From the block's own enrollments and reservations, not from every company's
    # employees: the cost follows the block, not the database.
    on_block = Enrollment.objects.filter(course_block=block.pk)
    reservations = BlockReservation.objects.filter(block=block.pk)

    def places(*statuses):
        return count_of(
            on_block.filter(employee__company=OuterRef("pk"), status__in=statuses),
            "course_block",
        )

    rows = (
        Company.objects.filter(pk__in=companies.values("pk"))
        .filter(
            Q(pk__in=on_block.values("employee__company"))
            | Q(pk__in=reservations.values("company"))
        )
        .annotate(
            named=places(*PARTICIPATING_STATUSES),
            waiting=places(Enrollment.Status.WAITING),
            reserved=Coalesce(
                Subquery(reservations.filter(company=OuterRef("pk")).values("seats")[:1]), 0
            ),
        )
        .filter(Q(named__gt=0) | Q(waiting__gt=0) | Q(reserved__gt=0))
        .order_by("name")
        .values("pk", "name", "named", "waiting", "reserved")
    )
    return [{**row, "holds": max(row["named"], row["reserved"])} for row in rows]


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
    in_their_plans = Enrollment.objects.filter(
        plan_activity__plan__partnership__in=partnerships
    ).values("course_block_id")
    blocks = CourseBlock.objects.filter(
        Q(pk__in=in_their_plans) | Q(company__in=partnerships.values("company"))
    )
    return _upcoming(blocks, viewer=viewer, today=today, limit=limit)


def _week_plan_blocks(blocks: QuerySet[CourseBlock], *, school, monday, weeks, filters):
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
    return blocks


def weeks_that_fit(
    blocks: QuerySet[CourseBlock], *, school, monday, weeks: int, filters: dict, most_blocks: int
) -> tuple[int, int]:
    """How many of the `weeks` asked for (halved until they fit) the week plan shows so
    that it holds at most `most_blocks` blocks, and how many the weeks asked for hold:
    a big school's plan pages by weeks instead of drawing hundreds of blocks. One query
    (the blocks' dates)."""
    spans = list(
        _week_plan_blocks(blocks, school=school, monday=monday, weeks=weeks, filters=filters)
        .order_by()
        .values_list("start_date", "end_date")
    )

    def held(n):
        last = monday + dt.timedelta(weeks=n, days=-1)
        return sum(1 for start, end in spans if start <= last and end >= monday)

    shown = weeks
    while shown > 1 and held(shown) > most_blocks:
        shown //= 2
    return shown, len(spans)


def week_grid(
    blocks: QuerySet[CourseBlock], *, school, monday: dt.date, weeks: int, rows: str, filters: dict
):
    """ISO weeks (columns) × departments or teachers (rows) for one school, with each
    block's fill. Three queries whatever the number of blocks."""
    from accounts.models import SchoolMembership

    blocks = _week_plan_blocks(blocks, school=school, monday=monday, weeks=weeks, filters=filters)
    from scheduling.conflicts import flag_teachers

    double_booked = flag_teachers(blocks)
    blocks = list(
        with_seats(blocks)
        .select_related("course", "department", "company")
        .prefetch_related("teachers")
        .order_by("start_date", "course__number")
    )
    for block in blocks:
        block.double_booked = block.pk in double_booked
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
        labels = list(school.departments.select_related("school").order_by("name"))
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


def upcoming_conflicts(blocks: QuerySet[CourseBlock], *, today: dt.date) -> dict[str, int]:
    """How many of the given blocks, from today on, have a conflict of each kind."""
    from scheduling.conflicts import counts, survey

    return counts(survey(blocks.filter(end_date__gte=today)).flags)


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


# --- Hand-off to the school's administrative system (EASY-A, Uddata+) -----------------


def hand_off_columns() -> list[str]:
    """The export's columns, in order (documented in the README and on the page)."""
    return [
        _("AMU number"),
        _("Title"),
        _("Start date"),
        _("End date"),
        _("ISO week"),
        _("Days"),
        _("Place"),
        _("Address"),
        _("CVR of the company it runs at"),
        _("Teachers"),
        _("Capacity"),
        _("Minimum class size"),
        _("Participants"),
        _("Reserved seats not yet named"),
        _("Companies (CVR): participants"),
        _("Status"),
        _("Reference"),
    ]


def hand_off_rows(blocks: QuerySet[CourseBlock], *, school, first: dt.date, last: dt.date):
    """One row per block of the school that starts within [first, last] and is not
    cancelled, for creating the runs in the administrative system. Three queries."""
    shown = list(
        with_seats(
            blocks.filter(school=school, start_date__gte=first, start_date__lte=last).exclude(
                status=CourseBlock.Status.CANCELLED
            )
        )
        .select_related("course", "company", "school")
        .prefetch_related("teachers")
        .order_by("start_date", "course__number", "pk")
    )
    companies: dict[int, list[str]] = {block.pk: [] for block in shown}
    per_company = (
        Enrollment.objects.filter(
            course_block__in=[block.pk for block in shown], status__in=PARTICIPATING_STATUSES
        )
        .values("course_block", "employee__company__name", "employee__company__cvr")
        .annotate(n=Count("pk"))
        .order_by("course_block", "employee__company__name")
    )
    for row in per_company:
        companies[row["course_block"]].append(
            f"{row['employee__company__name']} ({row['employee__company__cvr']}): {row['n']}"
        )
    for block in shown:
        at_company = block.location == CourseBlock.Location.COMPANY and block.company
        yield [
            block.course.number,
            block.course.title,
            block.start_date,
            block.end_date,
            f"{block.iso_year}-W{block.iso_week:02d}",
            block.course.duration_days,
            block.get_location_display(),
            block.place,
            block.company.cvr if at_company else "",
            "; ".join(teacher.get_full_name() for teacher in block.teachers.all()),
            block.capacity,
            block.min_participants or "",
            block.participant_count,
            block.reserved_open,
            "; ".join(companies[block.pk]),
            block.get_status_display(),
            block.reference,
        ]
