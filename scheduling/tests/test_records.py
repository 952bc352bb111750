"""Test results and competence records: attendance with results, the certificates a pass
issues, certificates that expire, the record page, renewal proposals in the plan editor,
and the personal-data export and anonymisation of the new records."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from companies.models import CertificateType, EmployeeCertificate
from companies.selectors import expiring_certificates
from competence_plans.models import PlanActivity
from scheduling import services
from scheduling.models import CourseBlock, Enrollment
from tests.factories import (
    AmuCourseFactory,
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def held_block(*, has_test=True, days_ago=3, participants=3):
    course = AmuCourseFactory(has_test=has_test)
    end = TODAY - dt.timedelta(days=days_ago)
    block = CourseBlockFactory(course=course, start_date=end - dt.timedelta(days=2), end_date=end)
    people = [
        EnrollmentFactory(course_block=block, status=Enrollment.Status.ENROLLED)
        for _ in range(participants)
    ]
    return block, people


def record(block, by, statuses, results=None):
    return services.attendance_record(
        block=block,
        statuses={e.pk: s for e, s in statuses.items()},
        results={e.pk: r for e, r in (results or {}).items()},
        by=by,
    )


# --- Test results and the certificates they issue ---------------------------------------


def test_a_pass_issues_the_certificate_the_course_renews_and_a_fail_does_not(world):
    block, (anna, bo, carl) = held_block()
    first_aid = CertificateType.objects.create(
        name="Førstehjælp", validity_months=24, renewing_course=block.course
    )
    record(
        block,
        world["coordinator"],
        {anna: "completed", bo: "completed", carl: "no_show"},
        {anna: "passed", bo: "not_passed", carl: "passed"},
    )
    for e in (anna, bo, carl):
        e.refresh_from_db()
    assert (anna.test_result, bo.test_result, carl.test_result) == ("passed", "not_passed", "")
    assert anna.certified and not bo.certified and not carl.certified
    issued = EmployeeCertificate.objects.get()
    assert issued.employee == anna.employee and issued.type == first_aid
    assert issued.source == "amu" and issued.issued_on == block.end_date
    assert issued.expires_on == block.end_date.replace(year=block.end_date.year + 2)
    block.refresh_from_db()
    assert block.status == CourseBlock.Status.HELD


def test_a_corrected_result_takes_back_the_certificate_and_saving_again_adds_none(world):
    block, (anna,) = held_block(participants=1)
    CertificateType.objects.create(name="Truck", renewing_course=block.course)
    record(block, world["coordinator"], {anna: "completed"}, {anna: "passed"})
    record(block, world["coordinator"], {anna: "completed"}, {anna: "passed"})
    assert EmployeeCertificate.objects.count() == 1
    assert EmployeeCertificate.objects.get().expires_on is None  # the type never expires
    record(block, world["coordinator"], {anna: "completed"}, {anna: "not_taken"})
    assert not EmployeeCertificate.objects.exists()


def test_without_a_test_completing_certifies_and_results_are_ignored(world):
    block, (anna, bo) = held_block(has_test=False, participants=2)
    CertificateType.objects.create(name="Stabling", renewing_course=block.course)
    record(block, world["coordinator"], {anna: "completed", bo: "no_show"}, {anna: "not_passed"})
    anna.refresh_from_db()
    assert anna.test_result == "" and anna.certified
    assert list(EmployeeCertificate.objects.values_list("employee", flat=True)) == [
        anna.employee_id
    ]


def test_an_unknown_result_is_refused_and_nothing_is_written(world):
    block, (anna,) = held_block(participants=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        record(block, world["coordinator"], {anna: "completed"}, {anna: "brilliant"})
    anna.refresh_from_db()
    block.refresh_from_db()
    assert (anna.status, anna.test_result, block.status) == ("enrolled", "", "planned")


def test_the_waiting_list_is_never_marked_completed(world):
    block, (anna,) = held_block(participants=1)
    waiting = EnrollmentFactory(
        course_block=block, status=Enrollment.Status.WAITING, queued_at=timezone.now()
    )
    record(block, world["coordinator"], {anna: "completed", waiting: "completed"})
    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.WAITING


def test_the_block_page_offers_results_only_for_a_course_with_a_test(client, tenants):
    client.force_login(tenants["coordinator"])
    block = tenants["block_a"]
    block.start_date, block.end_date = TODAY - dt.timedelta(days=5), TODAY - dt.timedelta(days=3)
    block.save()
    url = reverse("scheduling:block_detail", args=[block.pk])
    enrollment = tenants["enrollment_a"]
    assert f'name="result-{enrollment.pk}"' not in client.get(url).content.decode()
    block.course.has_test = True
    block.course.save()
    page = client.get(url).content.decode()
    assert f'name="result-{enrollment.pk}"' in page and "Bestået" in page
    client.post(
        reverse("scheduling:attendance", args=[block.pk]),
        {f"attendance-{enrollment.pk}": "completed", f"result-{enrollment.pk}": "not_passed"},
    )
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.test_result) == ("completed", "not_passed")


def test_the_database_refuses_a_result_for_a_no_show():
    from django.db import IntegrityError

    block, (anna,) = held_block(participants=1)
    with pytest.raises(IntegrityError):
        Enrollment.objects.filter(pk=anna.pk).update(status="no_show", test_result="passed")


# --- Expiring certificates ---------------------------------------------------------------


def certificate(employee, expires_in_days, type_=None, **fields):
    type_ = type_ or CertificateType.objects.get_or_create(name="Førstehjælp")[0]
    expires = None if expires_in_days is None else TODAY + dt.timedelta(days=expires_in_days)
    return EmployeeCertificate.objects.create(
        employee=employee,
        type=type_,
        issued_on=TODAY - dt.timedelta(days=700),
        expires_on=expires,
        **fields,
    )


def test_expiring_means_expired_or_within_90_days_and_not_since_renewed(world):
    company = world["company_a"]
    people = [EmployeeFactory(company=company) for _ in range(6)]
    ninety = certificate(people[0], 90)
    certificate(people[1], 91)
    expired = certificate(people[2], -1)
    certificate(people[3], 10)
    certificate(people[3], 800)  # renewed: the old one is history
    certificate(people[4], None)  # never expires
    inactive = EmployeeFactory(company=company, active=False)
    certificate(inactive, 5)
    certificate(EmployeeFactory(company=world["company_b"]), 5)  # another company
    rows = list(expiring_certificates(company.employees.all(), TODAY))
    assert rows == [expired, ninety]


def test_which_certificate_of_a_type_is_current(world):
    from companies.models import Employee
    from companies.selectors import current_certificates

    anna, bo, carl = (EmployeeFactory(company=world["company_a"]) for _ in range(3))
    lasting = certificate(anna, None)  # never expires: current on its own
    old, renewed = certificate(bo, 10), certificate(bo, None)  # a lasting one replaces it
    first = certificate(carl, None)
    later = EmployeeCertificate.objects.create(
        employee=carl, type=first.type, issued_on=first.issued_on + dt.timedelta(days=1)
    )
    people = Employee.objects.filter(pk__in=[anna.pk, bo.pk, carl.pk])
    assert set(current_certificates(people)) == {lasting, renewed, later}
    assert old not in set(current_certificates(people))


def test_a_renewal_with_the_same_expiry_leaves_one_to_renew(world):
    anna = EmployeeFactory(company=world["company_a"])
    certificate(anna, 10)
    newest = certificate(anna, 10)
    assert list(expiring_certificates(world["company_a"].employees.all(), TODAY)) == [newest]


def test_hr_sees_only_their_own_companys_certificates_to_renew(client, world):
    anna = EmployeeFactory(company=world["company_a"], name="Anna Andersen")
    certificate(anna, 20)
    certificate(EmployeeFactory(company=world["company_b"], name="Bodil Berg"), 20)
    client.force_login(world["hr"])
    for url in (
        reverse("dashboards:company", args=[world["company_a"].pk]),
        reverse("companies:detail", args=[world["company_a"].pk]),
        reverse("records:expiring", args=[world["company_a"].pk]),
    ):
        page = client.get(url).content.decode()
        assert "Anna Andersen" in page and "Bodil Berg" not in page, url
    assert client.get(reverse("records:expiring", args=[world["company_b"].pk])).status_code == 404
    export = client.get(
        reverse("records:expiring", args=[world["company_a"].pk]), {"export": "csv"}
    )
    lines = export.content.decode("utf-8-sig").splitlines()
    assert lines[1].startswith("Anna Andersen;Førstehjælp;")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == 1


# --- The record page ---------------------------------------------------------------------


def record_url(world, employee):
    return reverse("records:employee", args=[world["company_a"].pk, employee.pk])


def test_the_record_lists_courses_with_certificates_activities_and_certificates(client, world):
    anna = EmployeeFactory(company=world["company_a"], name="Anna")
    passed_block, (passed,) = held_block(participants=1)
    failed_block, (failed,) = held_block(participants=1)
    for enrollment, result in ((passed, "passed"), (failed, "not_passed")):
        Enrollment.objects.filter(pk=enrollment.pk).update(
            employee=anna, status="completed", test_result=result
        )
    plan = CompetencePlanFactory(partnership=world["partnership_a"])
    staged = PlanActivity.objects.create(
        plan=plan,
        kind=PlanActivity.Kind.STAGED_LEARNING,
        title="Sidemandsoplæring i svejsecellen",
        days=3,
        planned_start=TODAY,
        planned_end=TODAY + dt.timedelta(days=60),
    )
    staged.target_employees.add(anna)
    certificate(anna, -5)
    client.force_login(world["hr"])
    response = client.get(record_url(world, anna))
    record_ = response.context["record"]
    assert [e.course_block for e in record_.completed] == sorted(
        [passed_block, failed_block], key=lambda b: b.start_date, reverse=True
    )
    by_block = {e.course_block_id: e for e in record_.completed}
    assert by_block[passed_block.pk].certified and not by_block[failed_block.pk].certified
    assert record_.activities == [staged]
    assert [row.state for row in record_.certificates] == ["expired"]
    page = response.content.decode()
    assert "Sidemandsoplæring i svejsecellen" in page and "udløbet" in page


def test_another_companys_employee_or_hr_gets_404_and_a_consultant_403(client, world):
    anna = EmployeeFactory(company=world["company_a"])
    stranger = EmployeeFactory(company=world["company_b"])
    client.force_login(world["hr"])
    assert client.get(record_url(world, stranger)).status_code == 404
    client.force_login(world["other_hr"])
    assert client.get(record_url(world, anna)).status_code == 404
    client.force_login(world["consultant"])
    assert client.get(record_url(world, anna)).status_code == 403


def test_adding_a_certificate_takes_the_types_validity(client, world):
    anna = EmployeeFactory(company=world["company_a"])
    welding = CertificateType.objects.create(name="Svejsecertifikat", validity_months=24)
    client.force_login(world["coordinator"])
    response = client.post(
        record_url(world, anna),
        {"type": welding.pk, "issued_on": "2026-01-31", "note": "Nr. 4711"},
    )
    assert response.status_code == 302
    added = EmployeeCertificate.objects.get(employee=anna)
    assert added.expires_on == dt.date(2028, 1, 31) and added.source == "entered"
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATED, target_id=str(added.pk)
    ).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"issued_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "issued_on"),
        ({"issued_on": "2026-01-31", "expires_on": "2026-01-30"}, "expires_on"),
        ({"issued_on": "1850-01-01"}, "issued_on"),
        ({"issued_on": "31-31-2026"}, "issued_on"),
        ({"issued_on": "2026-01-31", "type": "999999"}, "type"),
    ],
)
def test_bad_certificates_are_refused_at_the_field(client, world, data, field):
    anna = EmployeeFactory(company=world["company_a"])
    welding = CertificateType.objects.create(name="Svejsecertifikat")
    client.force_login(world["hr"])
    response = client.post(record_url(world, anna), {"type": welding.pk, **data})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not EmployeeCertificate.objects.filter(employee=anna).exists()


def test_issued_today_and_expiring_the_same_day_are_accepted(client, world):
    anna = EmployeeFactory(company=world["company_a"])
    first_aid = CertificateType.objects.create(name="Førstehjælp")
    client.force_login(world["hr"])
    today = TODAY.isoformat()
    response = client.post(
        record_url(world, anna), {"type": first_aid.pk, "issued_on": today, "expires_on": today}
    )
    assert response.status_code == 302


def test_removing_a_certificate_asks_first_and_is_audited(client, world):
    anna = EmployeeFactory(company=world["company_a"])
    held = certificate(anna, 40)
    url = reverse("records:certificate_remove", args=[world["company_a"].pk, anna.pk, held.pk])
    client.force_login(world["hr"])
    assert "kan ikke fortrydes" in client.get(url).content.decode()
    assert EmployeeCertificate.objects.filter(pk=held.pk).exists()
    assert client.post(url).status_code == 302
    assert not EmployeeCertificate.objects.filter(pk=held.pk).exists()
    assert AuditEvent.objects.filter(data__certificate_removed="Førstehjælp").exists()
    client.force_login(world["leader"])  # reads employees, does not keep them
    again = certificate(anna, 40)
    url = reverse("records:certificate_remove", args=[world["company_a"].pk, anna.pk, again.pk])
    assert client.post(url).status_code == 403


# --- Renewal proposals in the plan editor --------------------------------------------------


def test_the_plan_proposes_the_renewing_course_and_adds_it_for_those_people(client, world):
    course = AmuCourseFactory(title="Førstehjælp på arbejdspladsen", duration_days=1)
    first_aid = CertificateType.objects.create(name="Førstehjælpsbevis", renewing_course=course)
    anna = EmployeeFactory(company=world["company_a"], name="Anna")
    bo = EmployeeFactory(company=world["company_a"], name="Bo")
    certificate(anna, 30, first_aid)
    certificate(bo, 89, first_aid)
    certificate(EmployeeFactory(company=world["company_a"]), 200, first_aid)  # not yet
    certificate(EmployeeFactory(company=world["company_b"]), 10, first_aid)  # not theirs
    plan = CompetencePlanFactory(partnership=world["partnership_a"])
    client.force_login(world["coordinator"])
    url = reverse("competence_plans:detail", args=[plan.pk])
    renewals = client.get(url).context["renewals"]
    assert [(r.certificate_type, r.course, r.employees) for r in renewals] == [
        (first_aid, course, [anna, bo])
    ]
    response = client.post(
        reverse("competence_plans:renewal", args=[plan.pk]), {"certificate_type": first_aid.pk}
    )
    activity = plan.activities.get()
    assert response.status_code == 302 and activity.amu_course == course
    assert set(activity.target_employees.all()) == {anna, bo}
    assert client.get(url).context["renewals"] == []  # covered now
    again = client.post(
        reverse("competence_plans:renewal", args=[plan.pk]), {"certificate_type": first_aid.pk}
    )
    assert again.status_code == 302 and plan.activities.count() == 1


def test_an_approved_plan_or_hr_gets_no_proposal(client, world):
    course = AmuCourseFactory()
    first_aid = CertificateType.objects.create(name="Førstehjælpsbevis", renewing_course=course)
    certificate(EmployeeFactory(company=world["company_a"]), 30, first_aid)
    approved = CompetencePlanFactory(partnership=world["partnership_a"], status="approved")
    client.force_login(world["coordinator"])
    url = reverse("competence_plans:detail", args=[approved.pk])
    assert client.get(url).context["renewals"] == []
    draft = CompetencePlanFactory(partnership=world["partnership_a"])
    client.force_login(world["hr"])  # may not edit the plan
    assert client.get(reverse("competence_plans:detail", args=[draft.pk])).context["renewals"] == []
    response = client.post(
        reverse("competence_plans:renewal", args=[draft.pk]), {"certificate_type": first_aid.pk}
    )
    assert response.status_code == 403


# --- Personal data -----------------------------------------------------------------------


def test_the_export_holds_certificates_and_results_and_anonymising_blanks_the_note(client, world):
    from privacy import services as privacy

    anna = EmployeeFactory(company=world["company_a"], name="Gudrun Testesen")
    certificate(anna, 30, note="Udstedt til Gudrun Testesen")
    block, (enrollment,) = held_block(participants=1)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        employee=anna, status="completed", test_result="passed"
    )
    archive = zipfile.ZipFile(io.BytesIO(privacy.employee_export_zip(anna, "da")))
    data = json.loads(archive.read("data.json"))
    assert data["certificates"][0]["certificate"] == "Førstehjælp"
    assert data["certificates"][0]["note"] == "Udstedt til Gudrun Testesen"
    assert data["enrollments"][0]["test_result"] == "Bestået"
    assert "Førstehjælp" in archive.read("summary.html").decode()
    privacy.employee_anonymise(employee=anna, by=world["hr"])
    held = EmployeeCertificate.objects.get(employee=anna)
    assert "Gudrun" not in held.note
    assert held.expires_on and held.type.name == "Førstehjælp"  # the record itself stays


def test_a_certificates_state_at_each_boundary():
    from scheduling.records import certificate_state

    def state(days, current=True):
        expires = None if days is None else TODAY + dt.timedelta(days=days)
        return certificate_state(
            EmployeeCertificate(issued_on=TODAY, expires_on=expires), current=current, today=TODAY
        )

    assert state(-1) == "expired"
    assert state(0) == "expiring"  # valid through its last day
    assert state(90) == "expiring"
    assert state(91) == "valid"
    assert state(None) == "valid"
    assert state(-400, current=False) == "history"


def test_a_renewing_course_taken_out_of_the_catalogue_is_not_proposed(client, world):
    course = AmuCourseFactory(active=False)
    first_aid = CertificateType.objects.create(name="Førstehjælpsbevis", renewing_course=course)
    certificate(EmployeeFactory(company=world["company_a"]), 30, first_aid)
    plan = CompetencePlanFactory(partnership=world["partnership_a"])
    client.force_login(world["coordinator"])
    assert client.get(reverse("competence_plans:detail", args=[plan.pk])).context["renewals"] == []


def test_the_record_and_renewal_pages_take_the_same_queries_whatever_the_data(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    anna = EmployeeFactory(company=world["company_a"])
    client.force_login(world["hr"])
    urls = [record_url(world, anna), reverse("records:expiring", args=[world["company_a"].pk])]
    counts = []
    for more in (1, 6):
        for n in range(more):
            certificate(anna, n)
            certificate(EmployeeFactory(company=world["company_a"]), n)
            block, (enrollment,) = held_block(participants=1)
            Enrollment.objects.filter(pk=enrollment.pk).update(
                employee=anna, status="completed", test_result="passed"
            )
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    # record: session, user, company, may view employees (memberships), employee, may
    # manage, current certificates, certificates, enrollments, activities (11);
    # certificates to renew: session, user, company, may view, may manage, count, page (7)
    assert counts == [11, 7, 11, 7]
