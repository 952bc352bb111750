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

pytestmark = pytest.mark.django_db

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
    holding = CompanyFactory()
    block = _block()
    BlockReservation.objects.create(block=block, company=holding, seats=2)
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
