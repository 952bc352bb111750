"""Seats without names, pooling across companies, waiting lists and un-enrolment: the
capacity rule at its boundaries, whoever holds the seats."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import CompanyRole
from notifications.models import Notification
from scheduling.models import BlockReservation, CourseBlock, Enrollment
from scheduling.reminders import below_minimum_warnings
from scheduling.selectors import seat_use, with_seats
from scheduling.services import (
    course_block_update,
    enrollment_cancel,
    enrollment_move,
    enrollments_add,
    reservation_set,
)
from tests.factories import (
    CompanyFactory,
    CompanyMembershipFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
)

pytestmark = pytest.mark.django_db


def _people(company, n):
    return [EmployeeFactory(company=company) for _ in range(n)]


def _seats_taken(block):
    return with_seats(CourseBlock.objects.filter(pk=block.pk)).get().seats_taken


# --- reservations ----------------------------------------------------------------------


def test_reserved_seats_count_against_capacity_until_named(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=4)
    company = CompanyFactory()
    by = tenants["coordinator"]
    reservation_set(block=block, company=company, seats=3, by=by)
    assert _seats_taken(block) == seat_use(block).taken == 3
    # One seat is left for anyone else, and not two.
    with pytest.raises(ValidationError):
        enrollments_add(
            block=block, employees=_people(tenants["company_a"], 2), activity=None, by=by
        )
    enrollments_add(block=block, employees=_people(tenants["company_a"], 1), activity=None, by=by)
    assert _seats_taken(block) == 4
    # The company names its three into its own reservation: no extra seat is taken.
    enrollments_add(block=block, employees=_people(company, 3), activity=None, by=by)
    assert _seats_taken(block) == seat_use(block).taken == 4
    # A fourth of theirs is one over.
    with pytest.raises(ValidationError):
        enrollments_add(block=block, employees=_people(company, 1), activity=None, by=by)


def test_named_people_beyond_a_reservation_take_their_own_seats(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=10)
    company = CompanyFactory()
    reservation_set(block=block, company=company, seats=2, by=tenants["coordinator"])
    enrollments_add(
        block=block, employees=_people(company, 3), activity=None, by=tenants["coordinator"]
    )
    # Three named, two reserved: three seats, not two and not five.
    assert _seats_taken(block) == seat_use(block).taken == 3


def test_a_smaller_reservation_offers_the_seat_to_the_waiting(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=2)
    by = tenants["coordinator"]
    holder = CompanyFactory()
    reservation_set(block=block, company=holder, seats=2, by=by)
    (waiting,) = _people(tenants["company_a"], 1)
    enrollments_add(block=block, employees=[waiting], activity=None, by=by, waitlist=True)
    assert block.enrollments.get().status == "waiting"
    reservation_set(block=block, company=holder, seats=1, by=by)
    assert block.enrollments.get().status == "planned"


@pytest.mark.parametrize(("seats", "allowed"), [(3, True), (4, False)])
def test_a_reservation_fits_the_free_seats_exactly(tenants, seats, allowed):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=4)
    EnrollmentFactory(course_block=block)
    company = CompanyFactory()
    if allowed:
        reservation_set(block=block, company=company, seats=seats, by=tenants["coordinator"])
        assert BlockReservation.objects.get(block=block).seats == seats
    else:
        with pytest.raises(ValidationError):
            reservation_set(block=block, company=company, seats=seats, by=tenants["coordinator"])
        assert not BlockReservation.objects.exists()


def test_capacity_cannot_be_lowered_below_reserved_seats(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=6)
    reservation_set(block=block, company=CompanyFactory(), seats=4, by=tenants["coordinator"])
    course_block_update(block=block, by=tenants["coordinator"], capacity=4)
    with pytest.raises(ValidationError) as refused:
        course_block_update(block=block, by=tenants["coordinator"], capacity=3)
    assert "capacity" in refused.value.message_dict
    block.refresh_from_db()
    assert block.capacity == 4


def test_a_block_kept_for_one_company_takes_no_one_else(tenants):
    company = tenants["company_a"]
    block = CourseBlockFactory(
        school=tenants["school_a"], company=company, location="company", pooled=False
    )
    by = tenants["coordinator"]
    enrollments_add(block=block, employees=_people(company, 1), activity=None, by=by)
    with pytest.raises(ValidationError, match="not open|ikke åben"):
        enrollments_add(block=block, employees=_people(CompanyFactory(), 1), activity=None, by=by)
    with pytest.raises(ValidationError):
        reservation_set(block=block, company=CompanyFactory(), seats=1, by=by)


def test_hr_sees_only_their_own_companys_people_and_fill_on_a_pooled_block(client, tenants):
    block = tenants["block_a"]
    other = EnrollmentFactory(course_block=block, employee=tenants["employee_b"])
    client.force_login(tenants["hr"])
    page = client.get(reverse("scheduling:block_detail", args=[block.pk]))
    html = page.content.decode()
    assert tenants["employee_a"].name in html
    assert other.employee.name not in html and tenants["company_b"].name not in html
    assert [row["name"] for row in page.context["fill"]] == [tenants["company_a"].name]
    client.force_login(tenants["coordinator"])
    fill = client.get(reverse("scheduling:block_detail", args=[block.pk])).context["fill"]
    assert {row["name"] for row in fill} >= {tenants["company_a"].name}


# --- the waiting list ----------------------------------------------------------------


def test_people_beyond_the_free_seats_go_on_the_waiting_list_in_order(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=2)
    people = _people(tenants["company_a"], 4)
    by = tenants["coordinator"]
    with pytest.raises(ValidationError, match="2"):
        enrollments_add(block=block, employees=people, activity=None, by=by)
    assert not block.enrollments.exists(), "nothing is half-written"
    enrollments_add(block=block, employees=people, activity=None, by=by, waitlist=True)
    seated = set(block.enrollments.filter(status="planned").values_list("employee", flat=True))
    assert seated == {people[0].pk, people[1].pk}
    waiting = list(
        block.enrollments.filter(status="waiting")
        .order_by("queued_at")
        .values_list("employee", flat=True)
    )
    assert waiting == [people[2].pk, people[3].pk]


def test_a_freed_seat_goes_to_the_first_waiting_and_their_hr_is_told(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1)
    company = tenants["company_a"]
    first, second, third = _people(company, 3)
    by = tenants["coordinator"]
    enrollments_add(block=block, employees=[first], activity=None, by=by)
    enrollments_add(block=block, employees=[second, third], activity=None, by=by, waitlist=True)
    given = enrollment_cancel(enrollment=block.enrollments.get(employee=first), by=by)
    assert [e.employee for e in given] == [second]
    statuses = dict(block.enrollments.values_list("employee", "status"))
    assert statuses == {
        first.pk: Enrollment.Status.CANCELLED,
        second.pk: Enrollment.Status.PLANNED,
        third.pk: Enrollment.Status.WAITING,
    }
    told = Notification.objects.filter(kind="seat_offered")
    assert tenants["hr"].pk in set(told.values_list("recipient", flat=True))
    assert second.name in told.first().message


def test_leaving_the_waiting_list_frees_no_seat(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1)
    first, second, third = _people(tenants["company_a"], 3)
    by = tenants["coordinator"]
    enrollments_add(
        block=block, employees=[first, second, third], activity=None, by=by, waitlist=True
    )
    assert enrollment_cancel(enrollment=block.enrollments.get(employee=second), by=by) == []
    assert block.enrollments.get(employee=third).status == Enrollment.Status.WAITING


def test_a_reserved_seat_is_kept_for_its_company_when_a_seat_frees(tenants):
    """The waiting person of another company does not take a seat held for a company."""
    block = CourseBlockFactory(school=tenants["school_a"], capacity=2)
    by = tenants["coordinator"]
    holder = CompanyFactory()
    reservation_set(block=block, company=holder, seats=1, by=by)
    first, waiting = _people(tenants["company_a"], 2)
    enrollments_add(block=block, employees=[first, waiting], activity=None, by=by, waitlist=True)
    assert block.enrollments.get(employee=waiting).status == "waiting"
    # The holder's seat is released: the waiting person gets it.
    reservation_set(block=block, company=holder, seats=0, by=by)
    assert block.enrollments.get(employee=waiting).status == "planned"


def test_a_move_frees_a_seat_for_the_waiting_list(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1)
    later = CourseBlockFactory(
        school=block.school,
        course=block.course,
        start_date=block.start_date + dt.timedelta(weeks=2),
        end_date=block.end_date + dt.timedelta(weeks=2),
    )
    first, waiting = _people(tenants["company_a"], 2)
    by = tenants["coordinator"]
    enrollments_add(block=block, employees=[first, waiting], activity=None, by=by, waitlist=True)
    enrollment_move(enrollment=block.enrollments.get(employee=first), to_block=later, by=by)
    assert block.enrollments.get(employee=waiting).status == "planned"


def test_someone_cancelled_can_be_enrolled_again(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=3)
    (person,) = _people(tenants["company_a"], 1)
    by = tenants["coordinator"]
    enrollments_add(block=block, employees=[person], activity=None, by=by)
    enrollment_cancel(enrollment=block.enrollments.get(), by=by)
    enrollments_add(block=block, employees=[person], activity=None, by=by)
    assert block.enrollments.get().status == Enrollment.Status.PLANNED


def test_a_completed_place_is_never_cancelled(tenants):
    enrollment = tenants["enrollment_a"]
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.COMPLETED)
    enrollment.refresh_from_db()
    with pytest.raises(ValidationError):
        enrollment_cancel(enrollment=enrollment, by=tenants["coordinator"])
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


@pytest.mark.parametrize("status", [CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD])
def test_no_unenrolment_from_a_closed_block(tenants, status):
    enrollment = tenants["enrollment_a"]
    CourseBlock.objects.filter(pk=enrollment.course_block_id).update(status=status)
    enrollment.course_block.refresh_from_db()
    with pytest.raises(ValidationError):
        enrollment_cancel(enrollment=enrollment, by=tenants["coordinator"])


def test_unenrol_from_the_block_page(client, tenants):
    enrollment = tenants["enrollment_a"]
    url = reverse("scheduling:enrollment_cancel", args=[enrollment.course_block_id, enrollment.pk])
    client.force_login(tenants["hr"])
    assert client.post(url).status_code == 403
    client.force_login(tenants["coordinator"])
    # First it says what will happen, and nothing happens.
    asked = client.post(url)
    assert asked.status_code == 200 and 'name="confirm"' in asked.content.decode()
    enrollment.refresh_from_db()
    assert enrollment.status != Enrollment.Status.CANCELLED
    response = client.post(url, {"confirm": "on"}, follow=True)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert enrollment.employee.name not in [e.employee.name for e in response.context["places"]]


def test_reserve_from_the_block_page_with_a_clear_error_when_too_many(client, tenants):
    block = tenants["block_a"]
    url = reverse("scheduling:reservation", args=[block.pk])
    client.force_login(tenants["coordinator"])
    response = client.post(url, {"company": tenants["company_a"].pk, "seats": 999}, follow=True)
    assert not BlockReservation.objects.exists()
    assert any("free" in str(m) or "ledige" in str(m) for m in response.context["messages"])
    client.post(url, {"company": tenants["company_a"].pk, "seats": 3})
    assert BlockReservation.objects.get().seats == 3
    response = client.post(url, {"company": tenants["company_a"].pk, "seats": "many"}, follow=True)
    assert response.status_code == 200 and BlockReservation.objects.get().seats == 3


# --- minimum class size ----------------------------------------------------------------


@pytest.mark.parametrize(("places", "warned"), [(2, True), (3, False)])
def test_the_coordinators_are_warned_when_the_minimum_is_not_reached(tenants, places, warned):
    today = dt.date.today()
    block = CourseBlockFactory(
        school=tenants["school_a"],
        start_date=today + dt.timedelta(days=14),
        end_date=today + dt.timedelta(days=14),
        min_participants=3,
    )
    for _ in range(places):
        EnrollmentFactory(course_block=block)
    CompanyMembershipFactory(company=tenants["company_a"], role=CompanyRole.HR)
    assert bool(below_minimum_warnings(today)) is warned
    # Once only.
    assert below_minimum_warnings(today) == 0


def test_the_minimum_cannot_exceed_the_capacity(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=4)
    with pytest.raises(ValidationError) as refused:
        course_block_update(block=block, by=tenants["coordinator"], min_participants=5)
    assert "min_participants" in refused.value.message_dict


def test_the_question_names_who_gets_the_seat(client, tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1)
    first, waiting = _people(tenants["company_a"], 2)
    by = tenants["coordinator"]
    enrollments_add(block=block, employees=[first, waiting], activity=None, by=by, waitlist=True)
    place = block.enrollments.get(employee=first)
    client.force_login(by)
    page = client.post(reverse("scheduling:enrollment_cancel", args=[block.pk, place.pk]))
    assert waiting.name in page.content.decode()
    assert block.enrollments.get(employee=waiting).status == Enrollment.Status.WAITING


def test_fill_by_company_counts_each_companys_places_waiting_and_reserved_seats(tenants):
    from companies.models import Company
    from scheduling.selectors import fill_by_company

    block = CourseBlockFactory(school=tenants["school_a"], pooled=True, capacity=20)
    a, b, c, hidden = (CompanyFactory(name=name) for name in ("A", "B", "C", "D"))
    Status = Enrollment.Status
    for status in (Status.ENROLLED, Status.COMPLETED, Status.WAITING, Status.CANCELLED):
        EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=a), status=status)
    BlockReservation.objects.create(block=block, company=b, seats=3)
    EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=b))
    # Only a cancelled place: nothing to show. Another block's places do not count.
    EnrollmentFactory(
        course_block=block, employee=EmployeeFactory(company=c), status=Status.CANCELLED
    )
    EnrollmentFactory(employee=EmployeeFactory(company=c))
    EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=hidden))

    visible = Company.objects.exclude(pk=hidden.pk)
    assert fill_by_company(block, visible) == [
        {"pk": a.pk, "name": "A", "named": 2, "waiting": 1, "reserved": 0, "holds": 2},
        {"pk": b.pk, "name": "B", "named": 1, "waiting": 0, "reserved": 3, "holds": 3},
    ]
