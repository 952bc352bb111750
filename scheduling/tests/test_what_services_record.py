"""What the scheduling services leave behind, field by field: the audit trail (who, what,
which block, the conflicts accepted), the notifications (to whom, by whom, the words),
block references, the waiting list's order and the certificates a pass issues.

Written after `make mutation` showed these could change unnoticed."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, CompanyRole, SchoolRole
from companies.models import CertificateType, EmployeeCertificate
from notifications.models import Notification
from scheduling.models import BlockReservation, CourseBlock, Enrollment
from scheduling.services import (
    ConflictsNeedConfirmation,
    attendance_record,
    course_block_create,
    course_block_update,
    enrollments_add,
    offer_freed_seats,
)
from tests.factories import (
    AmuCourseFactory,
    CompanyFactory,
    CompanyMembershipFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    SchoolMembershipFactory,
)

# The words are asserted in Danish (`danish` in conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("danish")]


def _events(block) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(CourseBlock), target_id=str(block.pk)
        ).order_by("pk")
    )


def _told(kind: str) -> dict:
    return {n.recipient_id: n for n in Notification.objects.filter(kind=kind)}


def _block_fields(school, course, start, **extra):
    return {
        "school": school,
        "course": course,
        "start_date": start,
        "end_date": start + dt.timedelta(days=4),
        "capacity": 12,
        **extra,
    }


def _monday(weeks: int) -> dt.date:
    from tests.factories import _monday_in

    return _monday_in(weeks)


# --- blocks: the audit trail, references, the teachers told ---------------------------


def test_a_new_block_is_audited_as_created_by_its_author_with_no_conflicts(tenants):
    block = course_block_create(
        by=tenants["coordinator"],
        **_block_fields(tenants["school_a"], AmuCourseFactory(), _monday(5)),
    )
    [event] = _events(block)
    assert (event.action, event.actor, event.data) == (
        AuditEvent.Action.CREATED,
        tenants["coordinator"],
        {},
    )
    course_block_update(block=block, by=tenants["leader"], capacity=14)
    created, updated = _events(block)
    assert (updated.action, updated.actor) == (AuditEvent.Action.UPDATED, tenants["leader"])


def test_accepted_conflicts_are_audited_and_were_the_refusals_words(tenants):
    teacher = tenants["teacher"]
    course = AmuCourseFactory()
    fields = _block_fields(tenants["school_a"], course, tenants["block_a"].start_date)
    with pytest.raises(ConflictsNeedConfirmation) as refused:
        course_block_create(by=tenants["coordinator"], teachers=[teacher], **fields)
    words = [c.message for c in refused.value.conflicts]
    assert words and refused.value.messages == words
    block = course_block_create(
        by=tenants["coordinator"], teachers=[teacher], confirm=True, **fields
    )
    [event] = _events(block)
    assert event.data == {"accepted_conflicts": words}


def test_a_block_keeps_a_reference_it_is_given(tenants):
    block = course_block_create(
        by=tenants["coordinator"],
        reference="EASY-4711",
        **_block_fields(tenants["school_a"], AmuCourseFactory(), _monday(6)),
    )
    assert block.reference == "EASY-4711"


def test_references_are_numbered_within_the_school(tenants):
    """Another school's block whose reference was typed to look like this school's does
    not move this school's numbering."""
    course = AmuCourseFactory(number="40302")
    start = _monday(7)
    school = tenants["school_a"]
    first = course_block_create(by=tenants["coordinator"], **_block_fields(school, course, start))
    prefix = f"{school.short_name.upper()}-{first.iso_year}{first.iso_week:02d}-40302"
    assert first.reference == f"{prefix}-1"
    CourseBlockFactory(school=tenants["school_b"], course=course, reference=f"{prefix}-7")
    second = course_block_create(by=tenants["coordinator"], **_block_fields(school, course, start))
    assert second.reference == f"{prefix}-2"


def test_a_teacher_given_a_block_is_told_when_and_where_by_whom(tenants):
    teacher = tenants["teacher"]
    start = _monday(8)
    block = course_block_create(
        by=tenants["coordinator"],
        teachers=[teacher],
        **_block_fields(tenants["school_a"], AmuCourseFactory(), start),
    )
    told = _told("block_teaching")
    assert set(told) == {teacher.pk}
    note = told[teacher.pk]
    assert note.actor_name == str(tenants["coordinator"])
    assert note.target_id == str(block.pk)
    end = start + dt.timedelta(days=4)
    assert note.message == f"{start:%d.%m.%Y} – {end:%d.%m.%Y}, {block.place}."


def test_cancelling_tells_the_coordinators_and_the_hr_of_companies_with_people_or_seats(
    tenants,
):
    block = CourseBlockFactory(school=tenants["school_a"], pooled=True)
    EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=tenants["company_a"]))
    reserving = CompanyFactory()
    reserving_hr = CompanyMembershipFactory(company=reserving, role=CompanyRole.HR).user
    BlockReservation.objects.create(block=block, company=reserving, seats=2)
    coordinator = SchoolMembershipFactory(
        school=tenants["school_a"], role=SchoolRole.COORDINATOR
    ).user
    course_block_update(
        block=block,
        by=tenants["leader"],
        status=CourseBlock.Status.CANCELLED,
        confirm_cancel=True,
    )
    told = set(_told("block_cancelled"))
    # The school's coordinators (no partnership has people on it), the HR of the
    # company with a place and of the company holding seats.
    assert {tenants["hr"].pk, reserving_hr.pk, coordinator.pk, tenants["coordinator"].pk} <= told
    assert tenants["other_hr"].pk not in told


# --- enrolment: the words of a refusal ------------------------------------------------


@pytest.mark.parametrize("status", [CourseBlock.Status.CANCELLED, CourseBlock.Status.HELD])
def test_enrolling_on_a_closed_block_says_why(tenants, status):
    block = CourseBlockFactory(school=tenants["school_a"], status=status)
    with pytest.raises(ValidationError) as refused:
        enrollments_add(
            block=block, employees=[tenants["employee_a"]], activity=None, by=tenants["coordinator"]
        )
    assert refused.value.messages == ["Ingen kan tilmeldes et aflyst eller afholdt hold."]


def test_a_block_kept_for_one_company_names_it_when_it_refuses_another(tenants):
    block = CourseBlockFactory(
        school=tenants["school_a"], company=tenants["company_a"], pooled=False
    )
    with pytest.raises(ValidationError) as refused:
        enrollments_add(
            block=block, employees=[tenants["employee_b"]], activity=None, by=tenants["coordinator"]
        )
    assert refused.value.messages == [
        f"Forløbet er forbeholdt {tenants['company_a']}; det er ikke åbent for andre virksomheder."
    ]


# --- the waiting list -----------------------------------------------------------------


def _waiting(block, company, queued_at):
    return EnrollmentFactory(
        course_block=block,
        employee=EmployeeFactory(company=company),
        status=Enrollment.Status.WAITING,
        queued_at=queued_at,
    )


def test_a_free_seat_goes_to_who_waited_longest_not_to_who_came_first(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1, pooled=True)
    now = timezone.now()
    later = _waiting(block, tenants["company_a"], now)
    earlier = _waiting(block, tenants["company_a"], now - dt.timedelta(hours=1))
    assert later.pk < earlier.pk
    given = offer_freed_seats(block=block, by=tenants["coordinator"])
    assert given == [earlier]
    later.refresh_from_db()
    assert later.status == Enrollment.Status.WAITING


def test_a_person_who_does_not_fit_lets_the_next_one_who_does_through(tenants):
    """Full but for company B's reserved seats: A's person waits on, B's person after
    them takes a reserved seat."""
    block = CourseBlockFactory(school=tenants["school_a"], capacity=3, pooled=True)
    EnrollmentFactory(course_block=block, employee=EmployeeFactory(company=tenants["company_a"]))
    BlockReservation.objects.create(block=block, company=tenants["company_b"], seats=2)
    now = timezone.now()
    first = _waiting(block, tenants["company_a"], now - dt.timedelta(hours=2))
    second = _waiting(block, tenants["company_b"], now - dt.timedelta(hours=1))
    assert offer_freed_seats(block=block, by=tenants["coordinator"]) == [second]
    first.refresh_from_db()
    assert first.status == Enrollment.Status.WAITING


def test_waiting_people_fill_their_companys_reserved_seats_one_each(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=2, pooled=True)
    BlockReservation.objects.create(block=block, company=tenants["company_b"], seats=2)
    now = timezone.now()
    people = [_waiting(block, tenants["company_b"], now - dt.timedelta(hours=n)) for n in (2, 1)]
    assert offer_freed_seats(block=block, by=tenants["coordinator"]) == people


def test_a_seat_given_from_the_waiting_list_is_told_and_audited(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=1)
    waiting = _waiting(block, tenants["company_a"], timezone.now())
    coordinator = SchoolMembershipFactory(
        school=tenants["school_a"], role=SchoolRole.COORDINATOR
    ).user
    offer_freed_seats(block=block, by=tenants["leader"])
    waiting.refresh_from_db()
    assert (waiting.status, waiting.queued_at) == (Enrollment.Status.PLANNED, None)
    told = _told("seat_offered")
    assert {tenants["hr"].pk, coordinator.pk} <= set(told)
    note = told[tenants["hr"].pk]
    assert (note.actor_name, note.target_id) == (str(tenants["leader"]), str(block.pk))
    assert note.message == (
        f"{waiting.employee.name} har ventet og har nu en plads. Tag personen af forløbet, "
        "hvis vedkommende ikke kan deltage."
    )
    [event] = _events(block)
    assert (event.action, event.actor, event.data) == (
        AuditEvent.Action.UPDATED,
        tenants["leader"],
        {"from_waiting_list": [waiting.employee_id]},
    )


# --- certificates a pass issues -------------------------------------------------------


@pytest.fixture
def held_block(tenants):
    course = AmuCourseFactory(has_test=True)
    end = timezone.localdate() - dt.timedelta(days=3)
    block = CourseBlockFactory(
        school=tenants["school_a"],
        course=course,
        start_date=end - dt.timedelta(days=4),
        end_date=end,
        reference="ATS-X-1",
    )
    enrollment = EnrollmentFactory(course_block=block, employee=tenants["employee_a"])
    return block, enrollment


def _pass(block, enrollment, by, result=Enrollment.TestResult.PASSED):
    attendance_record(
        block=block,
        statuses={enrollment.pk: Enrollment.Status.COMPLETED},
        results={enrollment.pk: result},
        by=by,
    )


def test_a_pass_issues_each_certificate_the_course_renews_with_its_dates_and_source(
    tenants, held_block
):
    block, enrollment = held_block
    forklift = CertificateType.objects.create(
        name="Truckcertifikat", validity_months=60, renewing_course=block.course
    )
    crane = CertificateType.objects.create(
        name="Kranbevis", validity_months=12, renewing_course=block.course
    )
    _pass(block, enrollment, tenants["coordinator"])
    issued = {
        c.type_id: c
        for c in EmployeeCertificate.objects.filter(
            employee=enrollment.employee, source=EmployeeCertificate.Source.AMU
        )
    }
    assert set(issued) == {forklift.pk, crane.pk}
    for kind in (forklift, crane):
        certificate = issued[kind.pk]
        assert certificate.issued_on == block.end_date
        assert certificate.expires_on == kind.expiry_from(block.end_date)
        assert certificate.note == f"{block.course.number} ATS-X-1"


def test_a_corrected_result_takes_back_only_the_certificate_the_block_issued(tenants, held_block):
    block, enrollment = held_block
    kind = CertificateType.objects.create(
        name="Truckcertifikat", validity_months=60, renewing_course=block.course
    )
    employee = enrollment.employee
    # Entered by hand on the same day, and issued by an earlier course: both stay.
    by_hand = EmployeeCertificate.objects.create(
        employee=employee,
        type=kind,
        issued_on=block.end_date,
        source=EmployeeCertificate.Source.ENTERED,
    )
    earlier = EmployeeCertificate.objects.create(
        employee=employee,
        type=kind,
        issued_on=block.end_date - dt.timedelta(days=400),
        source=EmployeeCertificate.Source.AMU,
    )
    _pass(block, enrollment, tenants["coordinator"])
    held = EmployeeCertificate.objects.filter(employee=employee, type=kind)
    assert held.count() == 3
    _pass(block, enrollment, tenants["coordinator"], result=Enrollment.TestResult.NOT_PASSED)
    assert set(held) == {by_hand, earlier}
