"""The one conflict engine at the boundaries of each rule, and a property test that
compares its SQL with a plain Python reference on random weeks of blocks."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from companies.models import BlackoutWeek
from scheduling import conflicts
from scheduling.models import (
    PARTICIPATING_STATUSES,
    BlockReservation,
    CourseBlock,
    Enrollment,
    SchoolClosure,
)
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    SchoolFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# A Monday with no holiday in the three weeks from it.
MONDAY = dt.date(2027, 9, 6)


def _block(start_offset, days, **fields):
    start = MONDAY + dt.timedelta(days=start_offset)
    return CourseBlockFactory(
        start_date=start, end_date=start + dt.timedelta(days=days - 1), **fields
    )


def _kinds_of(block):
    """The kinds of conflict the block has, as the pages find them: the scan (what
    exactly) and the survey (which blocks) must agree."""
    blocks = CourseBlock.objects.filter(pk=block.pk)
    scanned = {f.kind for f in conflicts.scan(blocks)}
    surveyed = {kind for kind, ids in conflicts.survey(blocks).flags.items() if block.pk in ids}
    assert scanned == surveyed
    return scanned


# --- overlaps: touching clashes, adjacent does not --------------------------------------


@pytest.mark.parametrize(("second_start", "clash"), [(4, True), (5, False), (-1, False)])
def test_a_teacher_clashes_when_blocks_share_a_day(second_start, clash):
    teacher = UserFactory()
    first = _block(0, 5, teachers=[teacher])  # Monday–Friday
    second = _block(second_start, 1, teachers=[teacher])
    assert (conflicts.TEACHER in _kinds_of(first)) is clash
    assert (conflicts.TEACHER in _kinds_of(second)) is clash
    found = conflicts.teacher_conflicts(
        teachers=[teacher], start=second.start_date, end=second.end_date, exclude_pk=second.pk
    )
    assert bool(found) is clash
    # And from the other side: the second block starts on the first one's last day.
    found = conflicts.teacher_conflicts(
        teachers=[teacher], start=first.start_date, end=first.end_date, exclude_pk=first.pk
    )
    assert bool(found) is clash


@pytest.mark.parametrize(("second_start", "clash"), [(4, True), (5, False)])
def test_an_employee_clashes_when_places_share_a_day(second_start, clash):
    employee = EmployeeFactory()
    first, second = _block(0, 5), _block(second_start, 3)
    EnrollmentFactory(employee=employee, course_block=first)
    EnrollmentFactory(employee=employee, course_block=second)
    assert (conflicts.EMPLOYEE in _kinds_of(first)) is clash
    assert (conflicts.EMPLOYEE in _kinds_of(second)) is clash
    found = conflicts.employee_conflicts(
        employees=[employee], start=second.start_date, end=second.end_date, exclude_pk=second.pk
    )
    assert bool(found) is clash
    found = conflicts.employee_conflicts(
        employees=[employee], start=first.start_date, end=first.end_date, exclude_pk=first.pk
    )
    assert bool(found) is clash


def test_a_cancelled_block_never_clashes():
    teacher, employee = UserFactory(), EmployeeFactory()
    live = _block(0, 5, teachers=[teacher])
    cancelled = _block(0, 5, teachers=[teacher], status=CourseBlock.Status.CANCELLED)
    EnrollmentFactory(employee=employee, course_block=live)
    EnrollmentFactory(employee=employee, course_block=cancelled)
    assert _kinds_of(live) == set() and _kinds_of(cancelled) == set()
    assert not conflicts.teacher_conflicts(
        teachers=[teacher], start=live.start_date, end=live.end_date, exclude_pk=live.pk
    )


@pytest.mark.parametrize(
    ("status", "clash"),
    [
        (Enrollment.Status.PLANNED, True),
        (Enrollment.Status.ENROLLED, True),
        (Enrollment.Status.COMPLETED, True),
        (Enrollment.Status.CANCELLED, False),
        (Enrollment.Status.WAITING, False),
        (Enrollment.Status.NO_SHOW, False),
    ],
)
def test_only_places_that_take_a_seat_clash(status, clash):
    employee = EmployeeFactory()
    first, second = _block(0, 5), _block(2, 1)
    EnrollmentFactory(employee=employee, course_block=first)
    EnrollmentFactory(employee=employee, course_block=second, status=status)
    assert (conflicts.EMPLOYEE in _kinds_of(first)) is clash
    assert (status in PARTICIPATING_STATUSES) is clash  # one definition, named once
    found = conflicts.employee_conflicts(
        employees=[employee], start=first.start_date, end=first.end_date, exclude_pk=first.pk
    )
    assert bool(found) is clash


def test_a_block_never_conflicts_with_itself_when_edited():
    teacher, employee = UserFactory(), EmployeeFactory()
    block = _block(0, 5, teachers=[teacher])
    EnrollmentFactory(employee=employee, course_block=block)
    assert conflicts.block_conflicts(block=block, teachers=[teacher]) == []
    assert _kinds_of(block) == set()


# --- blackout weeks ----------------------------------------------------------------------


@pytest.mark.parametrize(("blackout_week_offset", "found"), [(1, True), (2, False), (-1, False)])
def test_a_blackout_covering_only_the_last_day_is_found(blackout_week_offset, found):
    """A block from Friday to Monday reaches into the next ISO week."""
    company = CompanyFactory()
    block = _block(4, 4, company=company, location=CourseBlock.Location.COMPANY)
    week = MONDAY + dt.timedelta(weeks=blackout_week_offset)
    BlackoutWeek.objects.create(
        company=company, iso_year=week.isocalendar()[0], iso_week=week.isocalendar()[1]
    )
    assert (conflicts.BLACKOUT in _kinds_of(block)) is found
    assert (
        bool(
            conflicts.blackout_conflicts(
                company_ids=[company.pk], start=block.start_date, end=block.end_date
            )
        )
        is found
    )


@pytest.mark.parametrize("how", ["enrolled", "reserved", "runs_there"])
def test_a_blackout_counts_for_every_company_on_the_block(how):
    company = CompanyFactory()
    block = _block(0, 5)
    if how == "enrolled":
        EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=company))
    elif how == "reserved":
        BlockReservation.objects.create(block=block, company=company, seats=2)
    else:
        block.company = company
        block.save()
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36, note="Lager")
    assert _kinds_of(block) == {conflicts.BLACKOUT}
    (finding,) = conflicts.scan(CourseBlock.objects.filter(pk=block.pk))
    assert "Lager" in finding.detail and finding.who == company.name


def test_a_blackout_of_a_cancelled_place_does_not_count():
    company = CompanyFactory()
    block = _block(0, 5)
    EnrollmentFactory(
        course_block=block,
        employee=EmployeeFactory(company=company),
        status=Enrollment.Status.CANCELLED,
    )
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36)
    assert _kinds_of(block) == set()


# --- capacity ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "reserved", "over"), [(3, 0, False), (4, 0, True), (2, 2, True)]
)
def test_over_capacity_counts_places_and_unfilled_reservations(places, reserved, over):
    block = _block(0, 5, capacity=3)
    company = CompanyFactory()
    for _ in range(places):
        EnrollmentFactory(course_block=block)
    if reserved:
        BlockReservation.objects.create(block=block, company=company, seats=reserved)
    assert (conflicts.CAPACITY in _kinds_of(block)) is over


def test_completed_places_still_count_against_capacity():
    block = _block(0, 5, capacity=2)
    for _ in range(3):
        EnrollmentFactory(course_block=block, status=Enrollment.Status.COMPLETED)
    (finding,) = conflicts.scan(CourseBlock.objects.filter(pk=block.pk), [conflicts.CAPACITY])
    assert finding.detail == "3/2"


# --- the plan's period -----------------------------------------------------------------


@pytest.mark.parametrize(("period_end_offset", "outside"), [(4, False), (3, True)])
def test_a_block_past_the_plan_period_by_one_day(tenants, period_end_offset, outside):
    activity = tenants["activity_a"]
    plan = activity.plan
    block = _block(0, 5, course=activity.amu_course)
    plan.period_start = MONDAY
    plan.period_end = MONDAY + dt.timedelta(days=period_end_offset)
    plan.save()
    EnrollmentFactory(course_block=block, employee=tenants["employee_a"], plan_activity=activity)
    assert (conflicts.PLAN_PERIOD in _kinds_of(block)) is outside
    assert (
        bool(
            conflicts.plan_period_conflicts(
                activity=activity, start=block.start_date, end=block.end_date
            )
        )
        is outside
    )


# --- holidays and closed periods -----------------------------------------------------


def test_a_block_over_a_holiday_without_room_for_its_days_is_a_conflict():
    """Placed by hand Monday–Friday over Ascension Day: four teaching days for a
    five-day course."""
    course = AmuCourseFactory(duration_days=Decimal("5"))
    block = CourseBlockFactory(
        course=course, start_date=dt.date(2027, 5, 3), end_date=dt.date(2027, 5, 7)
    )
    (finding,) = conflicts.scan(CourseBlock.objects.filter(pk=block.pk))
    assert finding.kind == conflicts.CLOSED and "06.05." in finding.detail


def test_a_block_that_skips_the_holiday_is_no_conflict():
    course = AmuCourseFactory(duration_days=Decimal("4"))
    block = CourseBlockFactory(
        course=course, start_date=dt.date(2027, 5, 3), end_date=dt.date(2027, 5, 7)
    )
    assert _kinds_of(block) == set()


def test_a_block_in_a_closed_period_is_a_conflict():
    school = SchoolFactory()
    block = _block(0, 5, school=school, course=AmuCourseFactory(duration_days=Decimal("5")))
    assert _kinds_of(block) == set()
    SchoolClosure.objects.create(
        school=school,
        name="Personaledag",
        first_day=MONDAY + dt.timedelta(days=4),
        last_day=MONDAY + dt.timedelta(days=4),
    )
    assert _kinds_of(block) == {conflicts.CLOSED}
    assert conflicts.closed_conflicts(
        school_id=school.pk, start=block.start_date, end=block.end_date, duration_days=Decimal(5)
    )
    # Another school's closure is not this school's.
    other = _block(0, 5, course=AmuCourseFactory(duration_days=Decimal("5")))
    assert _kinds_of(other) == set()


def test_counts_are_blocks_per_kind():
    teacher = UserFactory()
    first = _block(0, 5, teachers=[teacher])
    second = _block(1, 1, teachers=[teacher])
    third = _block(2, 1, teachers=[teacher])
    blocks = CourseBlock.objects.filter(pk__gte=first.pk)
    findings = conflicts.scan(blocks)
    assert len([f for f in findings if f.kind == conflicts.TEACHER]) == 4  # pairs, each side
    flags = conflicts.survey(blocks).flags
    assert flags[conflicts.TEACHER] == {first.pk, second.pk, third.pk}
    assert conflicts.counts(flags) == {**dict.fromkeys(conflicts.KINDS, 0), "teacher": 3}


# --- the SQL engine against a plain Python reference ---------------------------------

blocks_strategy = st.lists(
    st.tuples(
        st.integers(0, 16),  # start offset in days
        st.integers(1, 6),  # length in days
        st.sampled_from([*CourseBlock.Status.values]),
        st.sets(st.integers(0, 2), max_size=2),  # teachers
        st.integers(1, 4),  # capacity
        st.one_of(st.none(), st.integers(0, 1)),  # company it runs at
    ),
    min_size=1,
    max_size=7,
)
places_strategy = st.lists(
    st.tuples(
        st.integers(0, 6),  # block index
        st.integers(0, 3),  # employee
        st.sampled_from([*Enrollment.Status.values]),
    ),
    max_size=14,
)
reservations_strategy = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 1), st.integers(1, 3)), max_size=4
)
blackouts_strategy = st.sets(st.tuples(st.integers(0, 1), st.integers(0, 3)), max_size=4)


def _reference(blocks, places, reservations, blackouts, companies, employees, teachers):
    """The rules written out plainly: pairs compared in Python."""
    live = {b.pk: b for b in blocks if b.status != CourseBlock.Status.CANCELLED}

    def overlap(a, b):
        return a.start_date <= b.end_date and b.start_date <= a.end_date

    found = set()
    for a in live.values():
        for b in live.values():
            if a.pk == b.pk or not overlap(a, b):
                continue
            for t in set(a.teacher_ids) & set(b.teacher_ids):
                found.add((conflicts.TEACHER, a.pk, b.pk, teachers[t]))
    seated = [p for p in places if p.status in PARTICIPATING_STATUSES and p.course_block_id in live]
    for p in seated:
        for q in seated:
            if p.pk != q.pk and p.employee_id == q.employee_id:
                a, b = live[p.course_block_id], live[q.course_block_id]
                if overlap(a, b):
                    found.add((conflicts.EMPLOYEE, a.pk, b.pk, employees[p.employee_id]))
    named = defaultdict(lambda: defaultdict(int))
    on_block = defaultdict(set)
    for p in seated:
        company = p.company_id
        named[p.course_block_id][company] += 1
        on_block[p.course_block_id].add(company)
    held = defaultdict(dict)
    for r in reservations:
        if r.block_id in live:
            held[r.block_id][r.company_id] = r.seats
            on_block[r.block_id].add(r.company_id)
    for block in live.values():
        if block.company_id is not None:
            on_block[block.pk].add(block.company_id)
        taken = sum(
            max(named[block.pk][c], held[block.pk].get(c, 0))
            for c in set(named[block.pk]) | set(held[block.pk])
        )
        if taken > block.capacity:
            found.add((conflicts.CAPACITY, block.pk, None, f"{taken}/{block.capacity}"))
        for company_id, monday in blackouts:
            if company_id in on_block[block.pk] and (
                monday <= block.end_date and block.start_date <= monday + dt.timedelta(days=6)
            ):
                found.add((conflicts.BLACKOUT, block.pk, None, companies[company_id]))
    return found


def _as_set(findings):
    return {
        (f.kind, f.block_id, f.other_id, f.detail if f.kind == conflicts.CAPACITY else f.who)
        for f in findings
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    block_specs=blocks_strategy,
    place_specs=places_strategy,
    reservation_specs=reservations_strategy,
    blackout_specs=blackouts_strategy,
)
def test_the_sql_engine_agrees_with_the_python_reference(
    block_specs, place_specs, reservation_specs, blackout_specs
):
    with transaction.atomic():
        school, course = SchoolFactory(), AmuCourseFactory(duration_days=Decimal("1"))
        companies = [CompanyFactory(), CompanyFactory()]
        employees = [EmployeeFactory(company=companies[n % 2]) for n in range(4)]
        teachers = [UserFactory() for _ in range(3)]
        blocks = []
        for offset, days, status, teacher_ids, capacity, company in block_specs:
            # Weekdays only matter for the closed-day rule, which is not compared here.
            block = _block(
                offset,
                days,
                school=school,
                course=course,
                status=status,
                capacity=capacity,
                company=companies[company] if company is not None else None,
            )
            block.teachers.set([teachers[t] for t in teacher_ids])
            block.teacher_ids = list(teacher_ids)
            blocks.append(block)
        places = {}
        for index, employee, status in place_specs:
            block = blocks[index % len(blocks)]
            if (block.pk, employee) in places:
                continue
            place = EnrollmentFactory(
                course_block=block, employee=employees[employee], status=status
            )
            place.employee_id, place.company_id = employee, employee % 2
            places[(block.pk, employee)] = place
        reservations = {}
        for index, company, seats in reservation_specs:
            block = blocks[index % len(blocks)]
            reservation = BlockReservation.objects.update_or_create(
                block=block, company=companies[company], defaults={"seats": seats}
            )[0]
            reservation.company_id = company
            reservations[(block.pk, company)] = reservation
        blackouts = set()
        for company, week in blackout_specs:
            monday = MONDAY + dt.timedelta(weeks=week - 1)
            BlackoutWeek.objects.create(
                company=companies[company],
                iso_year=monday.isocalendar()[0],
                iso_week=monday.isocalendar()[1],
            )
            blackouts.add((company, monday))
        company_of_block = {
            b.pk: companies.index(b.company) if b.company_id else None for b in blocks
        }
        # The reference refers to teachers, employees and companies by index, so
        # translate the engine's names back to those indexes.
        kinds = (conflicts.TEACHER, conflicts.EMPLOYEE, conflicts.CAPACITY, conflicts.BLACKOUT)
        engine = conflicts.scan(CourseBlock.objects.filter(school=school), kinds)
        teacher_names = [f"{t.first_name} {t.last_name}".strip() for t in teachers]
        for block in blocks:
            block.company_id = company_of_block[block.pk]
        expected = _reference(
            blocks,
            list(places.values()),
            list(reservations.values()),
            blackouts,
            [c.name for c in companies],
            [e.name for e in employees],
            teacher_names,
        )
        assert _as_set(engine) == expected
        # The flags (what pages and counts use) name exactly the blocks with findings.
        flags = conflicts.survey(CourseBlock.objects.filter(school=school), kinds).flags
        for kind in kinds:
            assert flags[kind] == {f[1] for f in expected if f[0] == kind}, kind
        transaction.set_rollback(True)


def test_closed_days_are_described_as_runs_under_their_names():
    days = {
        dt.date(2027, 3, 25): "Skærtorsdag",
        dt.date(2027, 3, 26): "Langfredag",
        dt.date(2027, 12, 27): "Juleferie",
        dt.date(2027, 12, 28): "Juleferie",
        dt.date(2027, 12, 29): "Juleferie",
        dt.date(2027, 12, 30): "Juleferie",
        dt.date(2027, 12, 31): "Juleferie",
        # after a weekend, still the same closure
        dt.date(2028, 1, 3): "Juleferie",
    }
    assert conflicts.describe_days(days) == (
        "Skærtorsdag (25.03.), Langfredag (26.03.), Juleferie (27.12.–03.01.)"
    )
    # An open day between two days of one name splits the run.
    assert (
        conflicts.describe_days(
            {dt.date(2027, 12, 27): "Juleferie", dt.date(2027, 12, 29): "Juleferie"}
        )
        == "Juleferie (27.12.), Juleferie (29.12.)"
    )


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [
        (dt.date(2027, 3, 29), dt.date(2027, 4, 2), True),  # starts on Easter Monday
        (dt.date(2027, 3, 30), dt.date(2027, 4, 2), False),
        (dt.date(2027, 3, 22), dt.date(2027, 3, 25), True),  # ends on Maundy Thursday
        (dt.date(2027, 3, 22), dt.date(2027, 3, 24), False),
    ],
)
def test_a_block_that_starts_or_ends_on_a_holiday_is_a_conflict_even_with_room(start, end, clash):
    """A two-day course with days to spare still cannot begin or end on a closed day."""
    block = CourseBlockFactory(
        course=AmuCourseFactory(duration_days=Decimal("2")), start_date=start, end_date=end
    )
    assert (conflicts.CLOSED in _kinds_of(block)) is clash


def test_a_blackout_week_touching_a_block_on_its_last_sunday_is_found():
    """A block typed from Sunday shares that Sunday with the week before."""
    company = CompanyFactory()
    block = CourseBlockFactory(
        company=company,
        location=CourseBlock.Location.COMPANY,
        start_date=dt.date(2027, 9, 12),  # a Sunday
        end_date=dt.date(2027, 9, 13),
    )
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36)  # 6–12 Sept
    assert conflicts.blackout_conflicts(
        company_ids=[company.pk], start=block.start_date, end=block.end_date
    )
    assert conflicts.BLACKOUT in _kinds_of(block)
