"""The conflict engine's words, and every way a company or person is on a block when a
block is edited: the company it runs at, the people with places (only those who take a
seat), the companies holding seats; the school's own closures; and a scan never reaching
past the blocks it was given. Written after `make mutation` showed these could change
unnoticed. Week 36 of 2027 (6–12 September) has no public holiday."""

import datetime as dt

import pytest

from companies.models import BlackoutWeek
from scheduling import conflicts
from scheduling.models import BlockReservation, CourseBlock, Enrollment, SchoolClosure
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    SchoolFactory,
    UserFactory,
)

# The words are asserted in Danish (`danish` in conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("danish")]


MONDAY = dt.date(2027, 9, 6)
FRIDAY = MONDAY + dt.timedelta(days=4)


def _block(**fields):
    return CourseBlockFactory(start_date=MONDAY, end_date=FRIDAY, **fields)


def _edited(block) -> list[conflicts.Conflict]:
    return conflicts.block_conflicts(block=block, teachers=list(block.teachers.all()))


def test_a_teachers_clash_names_the_other_block_by_course_week_and_reference():
    teacher = UserFactory(first_name="Ida", last_name="Holm")
    course = AmuCourseFactory(title="Truck A")
    _block(teachers=[teacher], course=course, reference="ATS-1")
    new = CourseBlock(
        school=SchoolFactory(), course=AmuCourseFactory(), start_date=MONDAY, end_date=FRIDAY
    )
    [clash] = conflicts.block_conflicts(block=new, teachers=[teacher])
    assert clash.message == (
        "Ida Holm underviser allerede på Truck A, uge 36 (ATS-1) i denne periode."
    )


@pytest.mark.parametrize(
    ("note", "words"),
    [
        ("Lager", "Plast A/S kan ikke sende medarbejdere af sted i uge 36 (Lager)."),
        ("", "Plast A/S kan ikke sende medarbejdere af sted i uge 36."),
    ],
)
def test_a_blackout_week_is_told_with_its_reason_when_it_has_one(note, words):
    company = CompanyFactory(name="Plast A/S")
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36, note=note)
    block = _block(company=company)
    assert [c.message for c in _edited(block)] == [words]


def _blackout(company):
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36)


def test_a_pooled_block_hears_of_the_blackout_of_the_company_it_runs_at_and_of_its_people():
    host, sending = CompanyFactory(), CompanyFactory()
    block = _block(company=host)
    EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=sending))
    _blackout(host)
    _blackout(sending)
    told = [c.message for c in _edited(block) if c.kind == conflicts.BLACKOUT]
    assert len(told) == 2
    assert any(str(host) in m for m in told) and any(str(sending) in m for m in told)


def test_a_company_holding_seats_is_asked_about_its_blackout_week():
    # Companies first, so that no reservation's id is its company's.
    for _ in range(3):
        CompanyFactory()
    holding = CompanyFactory()
    block = _block()
    BlockReservation.objects.create(block=block, company=holding, seats=2)
    assert BlockReservation.objects.get().pk != holding.pk
    _blackout(holding)
    assert [c.kind for c in _edited(block)] == [conflicts.BLACKOUT]


def test_a_cancelled_place_brings_neither_its_person_nor_its_company_into_the_edit():
    person = EmployeeFactory()
    block = _block()
    EnrollmentFactory(course_block=block, employee=person, status=Enrollment.Status.CANCELLED)
    EnrollmentFactory(course_block=_block(), employee=person)  # their other block that week
    _blackout(person.company)
    assert _edited(block) == []


def test_editing_a_block_over_the_schools_own_closure_is_a_closed_conflict():
    block = _block()
    SchoolClosure.objects.create(
        school=block.school,
        name="Kursusdag",
        first_day=MONDAY + dt.timedelta(days=2),
        last_day=MONDAY + dt.timedelta(days=2),
    )
    [closed] = _edited(block)
    assert closed.kind == conflicts.CLOSED
    assert closed.message == "Skolen underviser ikke Kursusdag (08.09.)."


def test_a_survey_flags_only_the_live_blocks_it_was_given():
    teacher = UserFactory()
    here, there = SchoolFactory(), SchoolFactory()
    # Two clashing blocks at another school, and a cancelled block here that shares
    # the teacher's week with a live one here.
    _block(school=there, teachers=[teacher])
    _block(school=there, teachers=[teacher])
    cancelled = _block(school=here, teachers=[teacher], status=CourseBlock.Status.CANCELLED)
    found = conflicts.survey(CourseBlock.objects.filter(school=here))
    assert all(not ids for ids in found.flags.values())
    assert conflicts.scan(CourseBlock.objects.filter(pk=cancelled.pk)) == []


def test_a_teachers_clashes_come_in_date_order_then_by_teacher():
    # Bo first, so that the rows' own order is not the names' order.
    bo = UserFactory(first_name="Bo")
    ane = UserFactory(first_name="Ane")
    later = CourseBlockFactory(
        start_date=MONDAY + dt.timedelta(days=3), end_date=FRIDAY, teachers=[ane, bo]
    )
    earlier = CourseBlockFactory(start_date=MONDAY, end_date=MONDAY, teachers=[bo])
    found = conflicts.teacher_conflicts(teachers=[bo, ane], start=MONDAY, end=FRIDAY)
    assert [c.kind for c in found] == [conflicts.TEACHER] * 3
    assert [(c.message.split()[0], c.message.split("(")[-1][:-1]) for c in found] == [
        ("Bo", f"{earlier.reference}) i denne periode"),
        ("Ane", f"{later.reference}) i denne periode"),
        ("Bo", f"{later.reference}) i denne periode"),
    ]


def test_a_persons_clash_is_named_and_people_come_by_name_then_date():
    course = AmuCourseFactory(title="Svejs")
    anna, bent = EmployeeFactory(name="Anna Berg"), EmployeeFactory(name="Bent Dal")
    later = CourseBlockFactory(
        start_date=MONDAY + dt.timedelta(days=2), end_date=FRIDAY, course=course, reference="R-2"
    )
    earlier = CourseBlockFactory(
        start_date=MONDAY, end_date=MONDAY + dt.timedelta(days=2), course=course, reference="R-1"
    )
    for block, person in [(later, bent), (later, anna), (earlier, bent)]:
        EnrollmentFactory(course_block=block, employee=person)
    found = conflicts.employee_conflicts(employees=[bent, anna], start=MONDAY, end=FRIDAY)
    assert [c.kind for c in found] == [conflicts.EMPLOYEE] * 3
    assert [c.message for c in found] == [
        "Anna Berg er allerede på Svejs, uge 36 (R-2) i denne periode.",
        "Bent Dal er allerede på Svejs, uge 36 (R-1) i denne periode.",
        "Bent Dal er allerede på Svejs, uge 36 (R-2) i denne periode.",
    ]
    [scanned] = conflicts.scan(CourseBlock.objects.filter(pk=earlier.pk))
    assert scanned == conflicts.Finding(conflicts.EMPLOYEE, earlier.pk, later.pk, "Bent Dal")


def test_a_block_outside_its_plans_period_says_which_period():
    from tests.factories import CompetencePlanFactory, PlanActivityFactory

    plan = CompetencePlanFactory(
        period_start=MONDAY + dt.timedelta(days=1), period_end=MONDAY + dt.timedelta(days=60)
    )
    activity = PlanActivityFactory(plan=plan)
    [found] = conflicts.plan_period_conflicts(activity=activity, start=MONDAY, end=FRIDAY)
    assert found.kind == conflicts.PLAN_PERIOD
    assert found.message == (
        f"Holdet ligger uden for planens periode ({plan.period_start} – {plan.period_end})."
    )


def test_blackout_weeks_are_those_of_the_companies_asked_about_by_name_then_date():
    b, a, elsewhere = CompanyFactory(name="B ApS"), CompanyFactory(name="A ApS"), CompanyFactory()
    for company in (b, a, elsewhere):
        BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=37)
    BlackoutWeek.objects.create(company=b, iso_year=2027, iso_week=36)
    found = conflicts.blackout_conflicts(
        company_ids={b.pk, a.pk}, start=MONDAY, end=MONDAY + dt.timedelta(days=11)
    )
    assert [c.message for c in found] == [
        "A ApS kan ikke sende medarbejdere af sted i uge 37.",
        "B ApS kan ikke sende medarbejdere af sted i uge 36.",
        "B ApS kan ikke sende medarbejdere af sted i uge 37.",
    ]


def test_a_scan_of_plan_periods_names_the_plan_and_period_of_the_blocks_places_that_count():
    from tests.factories import CompetencePlanFactory, PlanActivityFactory

    plan = CompetencePlanFactory(
        title="Plan 2027", period_start=MONDAY + dt.timedelta(days=2), period_end=FRIDAY
    )
    activity = PlanActivityFactory(plan=plan)
    block, other = _block(), _block()
    EnrollmentFactory(course_block=block, plan_activity=activity)
    EnrollmentFactory(course_block=other, plan_activity=activity)
    cancelled = _block()
    EnrollmentFactory(
        course_block=cancelled, plan_activity=activity, status=Enrollment.Status.CANCELLED
    )
    assert conflicts.scan_plan_periods(CourseBlock.objects.filter(pk=block.pk)) == [
        conflicts.Finding(
            conflicts.PLAN_PERIOD, block.pk, who="Plan 2027", detail="08.09.2027 – 10.09.2027"
        )
    ]
    assert conflicts.scan_plan_periods(CourseBlock.objects.filter(pk=cancelled.pk)) == []


def _one_day_block(day, **fields):
    return CourseBlockFactory(
        start_date=day, end_date=day, course=AmuCourseFactory(duration_days=1), **fields
    )


def test_a_survey_finds_each_block_on_its_own_holiday():
    ascension, whit_monday = dt.date(2027, 5, 6), dt.date(2027, 5, 17)
    school = SchoolFactory()
    on_ascension = _one_day_block(ascension, school=school)
    on_whit_monday = _one_day_block(whit_monday, school=school)
    _one_day_block(dt.date(2027, 5, 10), school=school)  # an ordinary Monday between
    found = conflicts.survey(CourseBlock.objects.filter(school=school))
    assert found.flags[conflicts.CLOSED] == {on_ascension.pk, on_whit_monday.pk}


def test_a_scan_names_the_schools_closure_a_block_lies_in():
    block = _block()
    SchoolClosure.objects.create(
        school=block.school, name="Kursusdag", first_day=FRIDAY, last_day=FRIDAY
    )
    [finding] = conflicts.scan(CourseBlock.objects.filter(pk=block.pk), [conflicts.CLOSED])
    assert finding == conflicts.Finding(
        conflicts.CLOSED, block.pk, detail="Skolen underviser ikke Kursusdag (10.09.)."
    )


def test_a_holiday_on_a_saturday_does_not_close_a_block_that_ends_that_day():
    """Grundlovsdag 2027 is a Saturday: no teaching day is lost."""
    monday, saturday = dt.date(2027, 5, 31), dt.date(2027, 6, 5)
    block = CourseBlockFactory(
        start_date=monday, end_date=saturday, course=AmuCourseFactory(duration_days=5)
    )
    assert conflicts.scan(CourseBlock.objects.filter(pk=block.pk), [conflicts.CLOSED]) == []
    assert conflicts.block_conflicts(block=block, teachers=[]) == []


def test_a_survey_flags_the_blocks_of_a_double_booked_person_by_their_own_ids():
    # Places on a block elsewhere first, so that no place's id is its block's id.
    spare = CourseBlockFactory(start_date=MONDAY + dt.timedelta(weeks=5))
    for _ in range(3):
        EnrollmentFactory(course_block=spare)
    person = EmployeeFactory()
    first, second = _block(), _block()
    for block in (first, second):
        EnrollmentFactory(course_block=block, employee=person)
    found = conflicts.survey(CourseBlock.objects.filter(pk__in=[first.pk, second.pk]))
    assert found.flags[conflicts.EMPLOYEE] == {first.pk, second.pk}


def test_the_week_plans_teacher_flags_keep_to_the_live_blocks_shown():
    teacher = UserFactory()
    here, there = SchoolFactory(), SchoolFactory()
    _block(school=there, teachers=[teacher])
    _block(school=there, teachers=[teacher])
    _block(school=here, teachers=[teacher], status=CourseBlock.Status.CANCELLED)
    assert conflicts.flag_teachers(CourseBlock.objects.filter(school=here)) == set()


def test_cancelled_places_take_no_seat_in_the_capacity_scan():
    block = _block(capacity=1)
    EnrollmentFactory(course_block=block)
    EnrollmentFactory(course_block=block, status=Enrollment.Status.CANCELLED)
    assert conflicts.scan_capacity(CourseBlock.objects.filter(pk=block.pk)) == []
    EnrollmentFactory(course_block=block)
    assert conflicts.scan_capacity(CourseBlock.objects.filter(pk=block.pk)) == [
        conflicts.Finding(conflicts.CAPACITY, block.pk, detail="2/1")
    ]


def test_a_blackout_scan_gives_the_company_and_its_words():
    company = CompanyFactory(name="Plast A/S")
    BlackoutWeek.objects.create(company=company, iso_year=2027, iso_week=36, note="Lager")
    block = _block(company=company)
    assert conflicts.scan_blackouts(CourseBlock.objects.filter(pk=block.pk)) == [
        conflicts.Finding(
            conflicts.BLACKOUT,
            block.pk,
            who="Plast A/S",
            detail="Plast A/S kan ikke sende medarbejdere af sted i uge 36 (Lager).",
        )
    ]


def test_a_holiday_on_the_saturday_a_block_ends_is_no_lost_day_beside_a_weekday_one():
    """Christmas 2027: the 24th (agreed day off) is a Friday, the 25th a Saturday. A
    four-day course from Monday the 20th to Saturday the 25th still has its four days."""
    block = CourseBlockFactory(
        start_date=dt.date(2027, 12, 20),
        end_date=dt.date(2027, 12, 25),
        course=AmuCourseFactory(duration_days=4),
    )
    assert conflicts.scan(CourseBlock.objects.filter(pk=block.pk), [conflicts.CLOSED]) == []
