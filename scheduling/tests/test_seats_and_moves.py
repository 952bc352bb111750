"""Seats can never be oversold, by any path: a capacity edit takes the same row lock as
enrolment, a move obeys every rule of enrolment, and enrolling from a plan needs the
block's capability as well as the plan's."""

import datetime as dt
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from accounts.models import SchoolRole
from companies.models import BlackoutWeek
from scheduling.models import CourseBlock, Enrollment
from scheduling.services import (
    ConflictsNeedConfirmation,
    course_block_update,
    enrollment_move,
    enrollments_add,
)
from tests.factories import (
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db


def _same_course_block(enrollment, **fields):
    return CourseBlockFactory(
        school=enrollment.course_block.school, course=enrollment.course_block.course, **fields
    )


def _fill(block, n, company):
    for _ in range(n):
        EnrollmentFactory(employee=EmployeeFactory(company=company), course_block=block)


# --- moves obey every rule of enrolment -------------------------------------------------


@pytest.mark.parametrize("status", [CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD])
def test_no_move_onto_a_cancelled_or_held_block(tenants, status):
    enrollment = tenants["enrollment_a"]
    target = _same_course_block(enrollment, status=status)
    with pytest.raises(ValidationError, match="cancelled or held|aflyst eller afholdt"):
        enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    enrollment.refresh_from_db()
    assert enrollment.course_block == tenants["block_a"]


def test_a_move_takes_the_last_seat_but_not_one_more(tenants):
    enrollment = tenants["enrollment_a"]
    target = _same_course_block(
        enrollment, capacity=3, start_date=tenants["block_a"].start_date + dt.timedelta(weeks=2)
    )
    _fill(target, 2, tenants["company_a"])
    enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    assert target.enrollments.count() == 3
    second = EnrollmentFactory(
        employee=EmployeeFactory(company=tenants["company_a"]), course_block=tenants["block_a"]
    )
    with pytest.raises(ValidationError):
        enrollment_move(enrollment=second, to_block=target, by=tenants["coordinator"])
    second.refresh_from_db()
    assert second.course_block == tenants["block_a"]


def test_a_cancelled_place_moves_without_taking_a_seat(tenants):
    enrollment = tenants["enrollment_a"]
    enrollment.status = Enrollment.Status.CANCELLED
    enrollment.save()
    target = _same_course_block(
        enrollment, capacity=1, start_date=tenants["block_a"].start_date + dt.timedelta(weeks=2)
    )
    _fill(target, 1, tenants["company_a"])
    enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    assert target.enrollments.count() == 2


def test_a_move_into_a_clash_needs_confirmation(tenants):
    enrollment = tenants["enrollment_a"]
    employee = enrollment.employee
    target = _same_course_block(
        enrollment, start_date=tenants["block_a"].start_date + dt.timedelta(weeks=3)
    )
    # The person is already on another course in the target's week...
    EnrollmentFactory(
        employee=employee,
        course_block=CourseBlockFactory(start_date=target.start_date, end_date=target.end_date),
    )
    # ...which is also a blackout week of their company, on its last day only.
    last = target.end_date.isocalendar()
    BlackoutWeek.objects.create(company=employee.company, iso_year=last.year, iso_week=last.week)
    with pytest.raises(ConflictsNeedConfirmation) as error:
        enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    assert {c.kind for c in error.value.conflicts} == {"employee", "blackout"}
    enrollment.refresh_from_db()
    assert enrollment.course_block == tenants["block_a"]
    enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"], confirm=True)
    enrollment.refresh_from_db()
    assert enrollment.course_block == target


def test_the_block_a_place_leaves_is_no_clash_for_its_move(tenants):
    """Moving a place one week on: the block it leaves overlaps nothing that counts."""
    enrollment = tenants["enrollment_a"]
    source = enrollment.course_block
    target = _same_course_block(enrollment, start_date=source.start_date, end_date=source.end_date)
    enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    enrollment.refresh_from_db()
    assert enrollment.course_block == target


def test_a_move_outside_the_plans_period_needs_confirmation(tenants):
    enrollment = tenants["enrollment_a"]
    enrollment.plan_activity = tenants["activity_a"]
    enrollment.save()
    plan = tenants["activity_a"].plan
    target = _same_course_block(enrollment, start_date=plan.period_end + dt.timedelta(days=3))
    with pytest.raises(ConflictsNeedConfirmation) as error:
        enrollment_move(enrollment=enrollment, to_block=target, by=tenants["coordinator"])
    assert [c.kind for c in error.value.conflicts] == ["plan_period"]


def test_the_move_page_asks_before_moving_into_a_clash(client, tenants):
    enrollment = tenants["enrollment_a"]
    target = _same_course_block(
        enrollment, start_date=tenants["block_a"].start_date + dt.timedelta(weeks=3)
    )
    week = target.start_date.isocalendar()
    BlackoutWeek.objects.create(
        company=enrollment.employee.company, iso_year=week.year, iso_week=week.week, note="Lager"
    )
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:enrollment_move", args=[tenants["block_a"].pk, enrollment.pk])
    page = client.post(url, {"to_block": target.pk})
    assert page.status_code == 200
    assert "Lager" in page.content.decode() and 'name="confirm_conflicts"' in page.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.course_block == tenants["block_a"]
    done = client.post(url, {"to_block": target.pk, "confirm_conflicts": "on"})
    assert done.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.course_block == target


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999", "1\x00"])
def test_a_move_to_a_block_that_is_no_block_is_an_error_not_a_500(client, tenants, value):
    enrollment = tenants["enrollment_a"]
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:enrollment_move", args=[tenants["block_a"].pk, enrollment.pk])
    response = client.post(url, {"to_block": value}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def _leader_elsewhere(tenants):
    """The coordinator of school A who also leads school B: sees B's blocks, may not schedule
    them."""
    SchoolMembershipFactory(
        user=tenants["coordinator"], school=tenants["school_b"], role=SchoolRole.LEADER
    )


def test_a_move_needs_the_right_to_schedule_the_target_block(client, tenants):
    _leader_elsewhere(tenants)
    enrollment = tenants["enrollment_a"]
    target = CourseBlockFactory(school=tenants["school_b"], course=enrollment.course_block.course)
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:enrollment_move", args=[tenants["block_a"].pk, enrollment.pk])
    assert client.post(url, {"to_block": target.pk}).status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.course_block == tenants["block_a"]


def test_enrolling_from_my_plan_onto_another_schools_block_is_refused(client, tenants):
    _leader_elsewhere(tenants)
    activity = tenants["activity_a"]
    block = CourseBlockFactory(school=tenants["school_b"], course=activity.amu_course)
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:block_enroll", args=[block.pk]) + f"?activity={activity.pk}"
    assert client.get(url).status_code == 403
    response = client.post(url, {"activity": activity.pk, "employees": [tenants["employee_a"].pk]})
    assert response.status_code == 403
    assert not block.enrollments.exists()


def test_capacity_cannot_be_lowered_below_the_places_taken(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=4)
    _fill(block, 3, tenants["company_a"])
    with pytest.raises(ValidationError) as refused:
        course_block_update(block=block, by=tenants["coordinator"], capacity=2)
    # Said at the capacity field, with how many are enrolled.
    assert refused.value.message_dict == {
        "capacity": [
            "3 pladser er optaget (tilmeldte og reservationer); kapaciteten kan ikke være lavere."
        ]
    }
    block.refresh_from_db()
    assert block.capacity == 4
    course_block_update(block=block, by=tenants["coordinator"], capacity=3)
    block.refresh_from_db()
    assert block.capacity == 3


# --- real concurrency (PostgreSQL row locks) ---------------------------------------------


def _in_thread(target, results, key):
    def run():
        try:
            results[key] = target()
        except Exception as error:  # recorded for the assertions
            results[key] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_capacity_edit_waits_for_an_enrolment_in_progress(world):
    """An enrolment holds the block's lock; a capacity edit meanwhile must wait for it and
    then count the new place (before the fix it saw 3, saved capacity 3, and 4 sat)."""
    block = CourseBlockFactory(school=world["school_a"], capacity=4)
    _fill(block, 3, world["company_a"])
    newcomer = EmployeeFactory(company=world["company_a"])
    enrolled, release = threading.Event(), threading.Event()
    results = {}

    def enrol():
        with transaction.atomic():
            enrollments_add(block=block, employees=[newcomer], activity=None, by=None)
            enrolled.set()
            release.wait(10)
        return "enrolled"

    def lower_capacity():
        enrolled.wait(10)
        fresh = CourseBlock.objects.get(pk=block.pk)
        return course_block_update(block=fresh, by=None, capacity=3)

    threads = [_in_thread(enrol, results, "enrol"), _in_thread(lower_capacity, results, "edit")]
    time.sleep(0.5)  # the edit is now waiting for the lock (or, unlocked, already saved)
    release.set()
    for thread in threads:
        thread.join(20)
    block.refresh_from_db()
    taken = block.enrollments.exclude(status="cancelled").count()
    assert results["enrol"] == "enrolled"
    assert isinstance(results["edit"], ValidationError)
    assert (block.capacity, taken) == (4, 4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_edits_and_moves_never_oversell(world):
    """Twenty rounds of an enrolment, a move and a capacity edit racing for the last seat."""
    for round_ in range(20):
        target = CourseBlockFactory(school=world["school_a"], capacity=3)
        _fill(target, 2, world["company_a"])
        source = CourseBlockFactory(
            school=world["school_a"],
            course=target.course,
            start_date=target.start_date + dt.timedelta(weeks=2),
        )
        mover = EnrollmentFactory(
            employee=EmployeeFactory(company=world["company_a"]), course_block=source
        )
        newcomer = EmployeeFactory(company=world["company_a"])
        start = threading.Barrier(3)
        results = {}

        def enrol(block=target, person=newcomer, barrier=start):
            barrier.wait(5)
            return enrollments_add(
                block=block, employees=[person], activity=None, by=None, confirm=True
            )

        def move(block=target, enrollment=mover, barrier=start):
            barrier.wait(5)
            return enrollment_move(enrollment=enrollment, to_block=block, by=None, confirm=True)

        def edit(block=target, barrier=start, capacity=2 + round_ % 2):
            barrier.wait(5)
            return course_block_update(
                block=CourseBlock.objects.get(pk=block.pk), by=None, capacity=capacity
            )

        threads = [
            _in_thread(enrol, results, "enrol"),
            _in_thread(move, results, "move"),
            _in_thread(edit, results, "edit"),
        ]
        for thread in threads:
            thread.join(20)
        target.refresh_from_db()
        taken = target.enrollments.exclude(status="cancelled").count()
        assert taken <= target.capacity, (round_, results)
        assert not any(
            isinstance(r, Exception) and not isinstance(r, ValidationError)
            for r in results.values()
        ), results


def test_a_new_block_is_numbered_by_school_week_and_course(tenants):
    """The reference a block gets when none is given: school, ISO year and week, course,
    and a running number among that school's blocks of the course in the week."""
    from scheduling.services import course_block_create
    from tests.factories import AmuCourseFactory

    school = tenants["school_a"]
    school.short_name = "Aarhus TS"
    school.save()
    course = AmuCourseFactory(number="48101")
    fields = {
        "school": school,
        "course": course,
        "start_date": dt.date(2027, 3, 1),  # ISO week 9 of 2027
        "end_date": dt.date(2027, 3, 3),
        "capacity": 12,
    }
    first = course_block_create(by=tenants["coordinator"], **fields)
    second = course_block_create(by=tenants["coordinator"], **fields)
    assert (first.reference, second.reference) == (
        "AARHUSTS-202709-48101-1",
        "AARHUSTS-202709-48101-2",
    )
    other = course_block_create(
        by=tenants["coordinator"], **{**fields, "school": tenants["school_b"]}
    )
    assert other.reference.endswith("-202709-48101-1")
