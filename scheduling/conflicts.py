"""The one conflict engine. Every page and step that asks "does this clash?" asks here:
the block form, enrolment, moves, the conflicts page, the week plan, the dashboard.

Overlaps are found in the database: date ranges joined with date ranges (a block
against the teacher's other blocks, the person's other places, the companies' blackout
weeks, the plan's period), never pairs compared in Python. Two blocks clash when their
date ranges share a day (touching on the same day clashes, adjacent days do not); a
cancelled block or a place that takes no seat (`PARTICIPATING_STATUSES`) never clashes.
Capacity is a hard limit the services refuse; everything else may be accepted with an
explicit confirmation, so it is reported here."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import BlackoutWeek
from scheduling.calendar import (
    closed_days,
    closure_days,
    count_open_days,
    days_needed,
    public_holidays,
)
from scheduling.models import (
    PARTICIPATING_STATUSES,
    BlockReservation,
    CourseBlock,
    Enrollment,
    SchoolClosure,
)

TEACHER = "teacher"
EMPLOYEE = "employee"
PLAN_PERIOD = "plan_period"
BLACKOUT = "blackout"
CLOSED = "closed"
CAPACITY = "capacity"
KINDS = (TEACHER, EMPLOYEE, PLAN_PERIOD, BLACKOUT, CLOSED, CAPACITY)
# Block states that can clash: all but cancelled.
LIVE = (CourseBlock.Status.PLANNED, CourseBlock.Status.CONFIRMED, CourseBlock.Status.HELD)


@dataclass(frozen=True)
class Conflict:
    kind: str
    message: str


@dataclass(frozen=True)
class Finding:
    """One conflict of a block found by a scan: ids and names, read by the pages."""

    kind: str
    block_id: int
    other_id: int | None = None  # the other block (teacher, employee)
    who: str = ""  # teacher, employee or company
    detail: str = ""  # blackout reason, plan title, closed day's name, "17/16"


def _overlapping(start: dt.date, end: dt.date, exclude_pk=None) -> QuerySet:
    blocks = CourseBlock.objects.filter(start_date__lte=end, end_date__gte=start, status__in=LIVE)
    return blocks.exclude(pk=exclude_pk) if exclude_pk else blocks


def _name(block_title, week, reference) -> str:
    return _("%(course)s, week %(week)s (%(reference)s)") % {
        "course": block_title,
        "week": week,
        "reference": reference,
    }


# ---------------------------------------------------------------------------------------
# One block, before it is saved, moved or filled.


def teacher_conflicts(*, teachers, start, end, exclude_pk=None) -> list[Conflict]:
    rows = (
        CourseBlock.teachers.through.objects.filter(
            user__in=teachers, courseblock__in=_overlapping(start, end, exclude_pk)
        )
        .order_by("courseblock__start_date", "user__first_name")
        .values_list(
            "user__first_name",
            "user__last_name",
            "courseblock__course__title",
            "courseblock__iso_week",
            "courseblock__reference",
        )
    )
    return [
        Conflict(
            TEACHER,
            _("%(teacher)s already teaches %(block)s in this period.")
            % {"teacher": f"{first} {last}".strip(), "block": _name(title, week, reference)},
        )
        for first, last, title, week, reference in rows
    ]


def employee_conflicts(*, employees, start, end, exclude_pk=None) -> list[Conflict]:
    rows = (
        Enrollment.objects.filter(
            employee__in=employees,
            status__in=PARTICIPATING_STATUSES,
            course_block__in=_overlapping(start, end, exclude_pk),
        )
        .order_by("employee__name", "course_block__start_date")
        .values_list(
            "employee__name",
            "course_block__course__title",
            "course_block__iso_week",
            "course_block__reference",
        )
    )
    return [
        Conflict(
            EMPLOYEE,
            _("%(employee)s is already on %(block)s in this period.")
            % {"employee": name, "block": _name(title, week, reference)},
        )
        for name, title, week, reference in rows
    ]


def plan_period_conflicts(*, activity, start, end) -> list[Conflict]:
    if activity is None:
        return []
    plan = activity.plan
    if start < plan.period_start or end > plan.period_end:
        return [
            Conflict(
                PLAN_PERIOD,
                _("The block lies outside the plan's period (%(start)s – %(end)s).")
                % {"start": plan.period_start, "end": plan.period_end},
            )
        ]
    return []


def blackout_conflicts(*, company_ids, start, end) -> list[Conflict]:
    rows = (
        BlackoutWeek.objects.filter(
            company__in=company_ids, first_day__lte=end, last_day__gte=start
        )
        .order_by("company__name", "first_day")
        .values_list("company__name", "iso_week", "note")
    )
    return [
        Conflict(BLACKOUT, blackout_message(company, week, note)) for company, week, note in rows
    ]


def blackout_message(company, week, note) -> str:
    return _("%(company)s cannot send staff in week %(week)s%(note)s.") % {
        "company": company,
        "week": week,
        "note": f" ({note})" if note else "",
    }


def closed_conflicts(*, school_id, start, end, duration_days) -> list[Conflict]:
    """The block starts or ends on a day the school is closed, or its dates leave too few
    open days for the course (a holiday or closure fell inside after it was placed)."""
    closed = closed_days(school_id, start, end)
    return [
        Conflict(CLOSED, message) for message in _closed_messages(start, end, closed, duration_days)
    ]


def _closed_messages(start, end, closed, duration_days) -> list[str]:
    inside = {day: name for day, name in closed.items() if start <= day <= end}
    if not inside:
        return []
    if (
        start in inside
        or end in inside
        or count_open_days(start, end, closed) < days_needed(duration_days)
    ):
        return [_("The school does not teach on %(days)s.") % {"days": describe_days(inside)}]
    return []


def _only_weekend_between(first: dt.date, last: dt.date) -> bool:
    return all((first + dt.timedelta(days=n)).weekday() >= 5 for n in range(1, (last - first).days))


def describe_days(days: dict[dt.date, str]) -> str:
    """Closed days by name, a run of days under one name as one range: "Skærtorsdag
    (01.04.), Juleferie (28.12.–30.12.)"."""
    runs = []
    for day, name in sorted(days.items()):
        if runs and runs[-1][0] == name and _only_weekend_between(runs[-1][2], day):
            runs[-1][2] = day
        else:
            runs.append([name, day, day])
    return ", ".join(
        f"{name} ({first:%d.%m.})" if first == last else f"{name} ({first:%d.%m.}–{last:%d.%m.})"
        for name, first, last in runs
    )


def block_conflicts(*, block: CourseBlock, teachers, activity=None) -> list[Conflict]:
    """Everything that clashes with this (possibly unsaved) block: its teachers', its
    people's and its companies' other commitments, the plan's period, closed days."""
    start, end = block.start_date, block.end_date
    company_ids = {block.company_id} if block.company_id else set()
    people = []
    if block.pk:
        taking = Enrollment.objects.filter(course_block=block.pk, status__in=PARTICIPATING_STATUSES)
        people = taking.values("employee")
        company_ids |= set(taking.values_list("employee__company", flat=True).distinct())
        company_ids |= set(
            BlockReservation.objects.filter(block=block.pk).values_list("company", flat=True)
        )
    return [
        *teacher_conflicts(teachers=teachers, start=start, end=end, exclude_pk=block.pk),
        *(
            employee_conflicts(employees=people, start=start, end=end, exclude_pk=block.pk)
            if block.pk
            else []
        ),
        *plan_period_conflicts(activity=activity, start=start, end=end),
        *blackout_conflicts(company_ids=company_ids, start=start, end=end),
        *closed_conflicts(
            school_id=block.school_id,
            start=start,
            end=end,
            duration_days=block.course.duration_days,
        ),
    ]


# ---------------------------------------------------------------------------------------
# Many blocks at once: the conflicts page, the week plan and the dashboard. A constant
# number of queries, each joining in the database.


class Live(list):
    """The ids of the live blocks of a scan, read once: each scan then starts from a
    plain list of ids, which the database answers from its indexes, instead of
    re-planning the caller's scope (nested subqueries over the user's schools and
    partnerships) in every query."""

    @classmethod
    def of(cls, blocks: "QuerySet | Live") -> "Live":
        if isinstance(blocks, cls):
            return blocks
        return cls(_live(blocks).order_by().values_list("pk", flat=True))


def _live(blocks: "QuerySet | Live") -> QuerySet:
    if isinstance(blocks, Live):
        return CourseBlock.objects.filter(pk__in=blocks)
    return CourseBlock.objects.filter(pk__in=blocks.values("pk"), status__in=LIVE)


def scan_teachers(blocks: QuerySet) -> list[Finding]:
    """Each (block, teacher, other block) where the teacher's other block shares a day."""
    other = "user__taught_blocks"
    rows = (
        CourseBlock.teachers.through.objects.filter(courseblock__in=_live(blocks))
        .filter(
            Q(**{f"{other}__lt": F("courseblock")}) | Q(**{f"{other}__gt": F("courseblock")}),
            **{
                f"{other}__status__in": LIVE,
                f"{other}__start_date__lte": F("courseblock__end_date"),
                f"{other}__end_date__gte": F("courseblock__start_date"),
            },
        )
        .values_list("courseblock_id", other, "user__first_name", "user__last_name")
    )
    return [
        Finding(TEACHER, block, other_block, f"{first} {last}".strip())
        for block, other_block, first, last in rows
    ]


def scan_employees(blocks: QuerySet) -> list[Finding]:
    """Each (block, employee, other block) where the person holds two places at once."""
    other = "employee__enrollments"
    rows = (
        Enrollment.objects.filter(course_block__in=_live(blocks), status__in=PARTICIPATING_STATUSES)
        .filter(
            Q(**{f"{other}__course_block__lt": F("course_block")})
            | Q(**{f"{other}__course_block__gt": F("course_block")}),
            **{
                f"{other}__status__in": PARTICIPATING_STATUSES,
                f"{other}__course_block__status__in": LIVE,
                f"{other}__course_block__start_date__lte": F("course_block__end_date"),
                f"{other}__course_block__end_date__gte": F("course_block__start_date"),
            },
        )
        .values_list("course_block_id", f"{other}__course_block", "employee__name")
    )
    return [Finding(EMPLOYEE, block, other_block, name) for block, other_block, name in rows]


def scan_capacity(blocks: QuerySet) -> list[Finding]:
    """Blocks whose places and unfilled reservations exceed the capacity. Places plus
    every reserved seat bound the seats taken from above, so only the blocks over that
    bound are counted exactly."""
    from scheduling.selectors import with_seats

    reserved = (
        BlockReservation.objects.filter(block=OuterRef("pk"))
        .order_by()
        .values("block")
        .annotate(total=Sum("seats"))
        .values("total")
    )
    at_risk = (
        _live(blocks)
        .annotate(
            places=Count("enrollments", filter=Q(enrollments__status__in=PARTICIPATING_STATUSES)),
            reserved=Coalesce(Subquery(reserved, output_field=IntegerField()), 0),
        )
        .filter(capacity__lt=F("places") + F("reserved"))
    )
    # Materialised: as a subquery the planner would count every block's seats first.
    at_risk_ids = list(at_risk.values_list("pk", flat=True))
    rows = (
        with_seats(CourseBlock.objects.filter(pk__in=at_risk_ids))
        .filter(seats_taken__gt=F("capacity"))
        .values_list("pk", "seats_taken", "capacity")
    )
    return [Finding(CAPACITY, pk, detail=f"{taken}/{capacity}") for pk, taken, capacity in rows]


def scan_blackouts(blocks: QuerySet) -> list[Finding]:
    """Blocks in a blackout week of the company they run at, of a company with people on
    them, or of a company holding seats on them."""
    live = _live(blocks)
    overlap = {
        "first_day__lte": "end_date",
        "last_day__gte": "start_date",
    }
    sources = [
        (CourseBlock.objects.filter(pk__in=live.values("pk")), "company", "pk"),
        (
            Enrollment.objects.filter(course_block__in=live, status__in=PARTICIPATING_STATUSES),
            "employee__company",
            "course_block",
        ),
        (BlockReservation.objects.filter(block__in=live), "company", "block"),
    ]
    queries = []
    for rows, company, block in sources:
        prefix = "" if block == "pk" else f"{block}__"
        queries.append(
            rows.filter(
                **{
                    f"{company}__blackout_weeks__{field}": F(f"{prefix}{date}")
                    for field, date in overlap.items()
                }
            )
            .order_by()
            .values_list(
                block,
                f"{company}__name",
                f"{company}__blackout_weeks__iso_week",
                f"{company}__blackout_weeks__note",
            )
        )
    # One query: the three ways a company is on a block, united in the database.
    found = set(queries[0].union(*queries[1:]))
    return [
        Finding(BLACKOUT, pk, who=name, detail=blackout_message(name, week, note))
        for pk, name, week, note in sorted(found)
    ]


def scan_plan_periods(blocks: QuerySet) -> list[Finding]:
    """Blocks with places of a plan whose period does not hold the block."""
    rows = (
        Enrollment.objects.filter(
            course_block__in=_live(blocks),
            status__in=PARTICIPATING_STATUSES,
        )
        .filter(
            Q(plan_activity__plan__period_start__gt=F("course_block__start_date"))
            | Q(plan_activity__plan__period_end__lt=F("course_block__end_date"))
        )
        .values_list(
            "course_block_id",
            "plan_activity__plan__title",
            "plan_activity__plan__period_start",
            "plan_activity__plan__period_end",
        )
        .distinct()
    )
    return [
        Finding(PLAN_PERIOD, pk, who=title, detail=f"{first:%d.%m.%Y} – {last:%d.%m.%Y}")
        for pk, title, first, last in sorted(rows)
    ]


def scan_closed(blocks: QuerySet) -> list[Finding]:
    """Blocks on a public holiday or in a closed period of their school. Holidays are not
    in the database: the blocks over any holiday of the blocks' years or any closure of
    their school are found in one query, then their open days are counted."""
    live = _live(blocks)
    bounds = live.aggregate(first=Min("start_date"), last=Max("end_date"))
    first = bounds["first"] or timezone.localdate()
    last = bounds["last"] or first
    holidays = public_holidays(first, last)
    on_a_day = Q()
    for day in holidays:
        if day.weekday() < 5:
            on_a_day |= Q(start_date__lte=day, end_date__gte=day)
    on_a_day |= Q(
        school__closures__first_day__lte=F("end_date"),
        school__closures__last_day__gte=F("start_date"),
    )
    candidates = list(
        live.filter(on_a_day)
        .distinct()
        .values_list("pk", "school_id", "start_date", "end_date", "course__duration_days")
    )
    closures = defaultdict(dict)
    in_range = SchoolClosure.objects.filter(
        school__in=live.values("school"), first_day__lte=last, last_day__gte=first
    )
    for school, day, name in closure_days(in_range, first, last):
        closures[school].setdefault(day, name)
    found = []
    for pk, school, start, end, duration in candidates:
        closed = {
            day: name
            for day, name in {**holidays, **closures[school]}.items()
            if day.weekday() < 5 and start <= day <= end
        }
        for message in _closed_messages(start, end, closed, duration):
            found.append(Finding(CLOSED, pk, detail=message))
    return found


def flag_teachers(blocks: QuerySet) -> set[int]:
    """Ids of the blocks with a teacher who is on another block that shares a day: a
    semi-join from each block, which stops at the first clash however many there are."""
    Teaching = CourseBlock.teachers.through
    elsewhere = Teaching.objects.filter(
        user_id=OuterRef("user_id"),
        courseblock__status__in=LIVE,
        courseblock__start_date__lte=OuterRef("courseblock__end_date"),
        courseblock__end_date__gte=OuterRef("courseblock__start_date"),
    ).exclude(courseblock_id=OuterRef("courseblock_id"))
    return set(
        Teaching.objects.filter(courseblock__in=_live(blocks))
        .filter(Exists(elsewhere))
        .values_list("courseblock_id", flat=True)
    )


def flag_employees(blocks: QuerySet) -> set[int]:
    """Ids of the blocks with a person who holds another place on a day of theirs."""
    elsewhere = Enrollment.objects.filter(
        employee_id=OuterRef("employee_id"),
        status__in=PARTICIPATING_STATUSES,
        course_block__status__in=LIVE,
        course_block__start_date__lte=OuterRef("course_block__end_date"),
        course_block__end_date__gte=OuterRef("course_block__start_date"),
    ).exclude(course_block_id=OuterRef("course_block_id"))
    return set(
        Enrollment.objects.filter(course_block__in=_live(blocks), status__in=PARTICIPATING_STATUSES)
        .filter(Exists(elsewhere))
        .values_list("course_block_id", flat=True)
    )


SCANS = {
    TEACHER: scan_teachers,
    EMPLOYEE: scan_employees,
    PLAN_PERIOD: scan_plan_periods,
    BLACKOUT: scan_blackouts,
    CLOSED: scan_closed,
    CAPACITY: scan_capacity,
}


def scan(blocks: QuerySet, kinds=KINDS) -> list[Finding]:
    """Every conflict of the given blocks, of the kinds asked for."""
    blocks = Live.of(blocks)
    return [finding for kind in kinds for finding in SCANS[kind](blocks)]


PAIR_KINDS = (TEACHER, EMPLOYEE)


@dataclass
class Survey:
    """For each kind, the ids of the blocks with such a conflict; and the findings of
    the kinds that are about one block (not pairs), which are few."""

    flags: dict[str, set[int]]
    findings: list[Finding]


def survey(blocks: QuerySet, kinds=KINDS) -> Survey:
    """What the conflicts page pages through and the dashboard counts. Double bookings
    are flagged without listing every pair (a teacher on many blocks has many pairs);
    `scan` gives their pairs for the blocks shown."""
    blocks = Live.of(blocks)
    findings = [f for kind in kinds if kind not in PAIR_KINDS for f in SCANS[kind](blocks)]
    flags = {kind: set() for kind in kinds}
    for finding in findings:
        flags[finding.kind].add(finding.block_id)
    if TEACHER in kinds:
        flags[TEACHER] = flag_teachers(blocks)
    if EMPLOYEE in kinds:
        flags[EMPLOYEE] = flag_employees(blocks)
    return Survey(flags=flags, findings=findings)


def counts(flags: dict[str, set[int]]) -> dict[str, int]:
    """Blocks per kind of conflict."""
    return {kind: len(flags.get(kind, ())) for kind in KINDS}
