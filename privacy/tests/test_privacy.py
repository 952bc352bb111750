"""Export holds exactly one person's data; anonymisation leaves their name nowhere (no
page, no new PDF, no text column) while figures stay; retention removes exactly what is due."""

import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from access.tests.test_permission_matrix import MATRIX, PERSONAS, client_for
from accounts.models import AuditEvent
from competence_plans.models import PlanComment
from competence_plans.selectors import plan_figures
from evaluations import selectors as evaluation_selectors
from evaluations.models import Answer, Invitation, Response
from evaluations.tests.helpers import answer, invite
from privacy import services
from reports.models import ReportJob
from reports.services import report_render, report_request
from tests.factories import EmployeeFactory, EnrollmentFactory, PlanActivityFactory

pytestmark = pytest.mark.django_db
NAME = "Gudrun Sigurðsdóttir Testesen"
OTHER = "Bjarke Naboholm"


@pytest.fixture
def people(tenants):
    """Two employees of company A sharing a plan activity and a block, both answering."""
    plan, block = tenants["plan_a"], tenants["block_a"]
    activity = PlanActivityFactory(plan=plan, amu_course=block.course, title="Kranførercertifikat")
    person = tenants["employee_a"]
    person.name, person.email, person.job_title = NAME, "gudrun@example.org", "Kranfører"
    person.save()
    enrollment = tenants["enrollment_a"]
    enrollment.plan_activity, enrollment.status = activity, "completed"
    enrollment.save()
    activity.target_employees.add(person)
    other = EmployeeFactory(company=person.company, name=OTHER, email="bjarke@example.org")
    other_enrollment = EnrollmentFactory(
        employee=other, course_block=block, plan_activity=activity, status="completed"
    )
    activity.target_employees.add(other)
    tenants["invitation_a"].delete()
    answer(invite(enrollment), {"learned": 5, "teacher": 4}, {"comments": f"Tak fra {NAME}"})
    answer(invite(other_enrollment), {"learned": 3, "teacher": 2}, {"comments": "Fint kursus"})
    # The name written into free text elsewhere.
    PlanComment.objects.create(plan=plan, author=tenants["hr"], body=f"{NAME} skal med i maj.")
    meeting = tenants["meeting_a"]
    meeting.minutes = f"Aftalt: {NAME.upper()} starter først."
    meeting.save()
    return {"person": person, "other": other, "plan": plan, "block": block}


@pytest.mark.pdf
def test_the_export_holds_exactly_the_persons_data(client, tenants, people):
    hr = tenants["hr"]
    # HR downloaded the plan PDF that lists both participants: the export says so.
    job = report_render(
        job_id=report_request(
            by=hr, kind="competence_plan", subject=people["plan"], language="da"
        ).pk
    )
    client.force_login(hr)
    client.get(reverse("reports:download", args=[job.pk]))

    response = client.post(reverse("reports:start", args=["employee_export", people["person"].pk]))
    export = ReportJob.objects.get(kind=ReportJob.Kind.EMPLOYEE_EXPORT)
    assert response["Location"] == reverse("reports:status", args=[export.pk])
    assert AuditEvent.objects.filter(action="exported", actor=hr).exists()
    export = report_render(job_id=export.pk)
    assert export.status == "done", export.error
    archive = zipfile.ZipFile(io.BytesIO(export.file.read()))
    assert sorted(archive.namelist()) == ["data.json", "summary.html"]
    data = json.loads(archive.read("data.json"))
    everything = archive.read("data.json").decode() + archive.read("summary.html").decode()
    assert data["employee"]["name"] == NAME and data["employee"]["email"] == "gudrun@example.org"
    assert [e["block"] for e in data["enrollments"]] == [people["block"].reference]
    assert {a["text"] for a in data["evaluation_answers"] if a["text"]} == {f"Tak fra {NAME}"}
    assert {a["score"] for a in data["evaluation_answers"] if a["score"]} == {5, 4}
    assert [a["activity"] for a in data["plan_activities"]] == ["Kranførercertifikat"]
    assert len(data["report_downloads_naming_them"]) == 1
    assert OTHER not in everything and "bjarke@example.org" not in everything
    assert "Fint kursus" not in everything

    status = client.get(reverse("reports:status", args=[export.pk]))
    assert status.status_code == 200 and "ZIP-filen er klar" in status.content.decode()
    assert "ZIP" in client.get(reverse("reports:list")).content.decode()
    download = client.get(reverse("reports:download", args=[export.pk]))
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].endswith('.zip"')


def test_only_the_companys_hr_or_an_admin_handle_personal_data(tenants, people):
    person = people["person"]
    url = reverse("privacy:employee", args=[person.pk])
    expected = {"hr": 200, "admin": 200, "coordinator": 403, "leader": 403, "other_hr": 404}
    for persona, status in expected.items():
        assert client_for(persona, tenants).get(url).status_code == status, persona
    start = reverse("reports:start", args=["employee_export", person.pk])
    assert client_for("coordinator", tenants).post(start).status_code == 403
    assert client_for("other_hr", tenants).post(start).status_code == 404
    anonymise = reverse("privacy:anonymise", args=[person.pk])
    assert client_for("coordinator", tenants).post(anonymise, {"confirm": "on"}).status_code == 403
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_anonymising_needs_the_confirmation_tick(tenants, people):
    client = client_for("hr", tenants)
    response = client.post(reverse("privacy:anonymise", args=[people["person"].pk]), {})
    assert response.status_code == 400
    assert "Sæt kryds for at bekræfte." in response.content.decode()
    people["person"].refresh_from_db()
    assert people["person"].name == NAME


@pytest.mark.pdf
def test_after_anonymisation_the_name_is_nowhere_and_the_figures_stay(tenants, people):
    plan, block = people["plan"], people["block"]
    old_pdf = report_render(
        job_id=report_request(
            by=tenants["hr"], kind="competence_plan", subject=plan, language="da"
        ).pk
    )
    figures_before = plan_figures(plan)
    results_before = evaluation_selectors.results_for(
        evaluation_selectors.scope_block(block), min_answers=1
    )
    client = client_for("hr", tenants)
    client.post(reverse("privacy:anonymise", args=[people["person"].pk]), {"confirm": "on"})
    person = people["person"]
    person.refresh_from_db()
    alias = services.pseudonym(person)
    assert person.name == alias and person.anonymised_at and person.email == ""
    event = AuditEvent.objects.get(action="anonymised")
    assert event.actor == tenants["hr"] and event.data["employee"] == alias

    # No text column anywhere holds the name (or the e-mail) any more.
    for model, field in services.text_columns():
        for needle in (NAME, "gudrun@example.org"):
            assert not model._default_manager.filter(**{f"{field}__icontains": needle}).exists(), (
                model,
                field,
            )
    assert not AuditEvent.objects.filter(data__icontains=NAME).exists()
    assert PlanComment.objects.get(plan=plan).body == f"{alias} skal med i maj."
    people["other"].refresh_from_db()
    assert people["other"].name == OTHER, "the other participant keeps their name"

    # The stored plan PDF named them: it is gone.
    old_pdf.refresh_from_db()
    assert not old_pdf.file and old_pdf.status == "failed"
    status = client.get(reverse("reports:status", args=[old_pdf.pk])).content.decode()
    assert "Filen er slettet, fordi den nævnte en person" in status

    # Figures are unchanged.
    assert plan_figures(plan) == figures_before
    results_after = evaluation_selectors.results_for(
        evaluation_selectors.scope_block(block), min_answers=1
    )
    assert [i.value for i in results_after.indices] == [i.value for i in results_before.indices]

    # A new PDF names the pseudonym, not the person.
    new_pdf = report_render(
        job_id=report_request(
            by=tenants["coordinator"], kind="competence_plan", subject=plan, language="da"
        ).pk
    )
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(new_pdf.file.read())).pages)
    assert NAME not in text and alias in text

    # No page any role can reach shows it.
    for persona in PERSONAS:
        browser = client_for(persona, tenants)
        for name, row in MATRIX.items():
            if name in {"logout", "set_language"}:
                continue
            page = browser.get(row.url(name, tenants))
            body = page.content.decode(errors="ignore") if not page.streaming else ""
            assert NAME not in body and "Gudrun" not in body, (persona, name)


def test_retention_removes_exactly_what_is_due(tenants, people, settings):
    settings.RETENTION_DAYS = {
        "inactive_employees": 365,
        "evaluation_free_text": 365,
        "report_files": 0,
        "audit_events": 730,
        "unanswered_invitations": 30,
        "notifications": 365,
        "people_invitations": 90,
        "expired_sessions": 0,
        "login_records": 30,
    }
    now = timezone.now()
    # Sessions: one expired a second ago, one good for another minute.
    from axes.models import AccessAttempt, AccessLog

    from accounts.models import Throttle, UserSession

    UserSession.objects.all().delete()
    for key, expires in (("gone", -1), ("alive", 60)):
        UserSession.objects.create(
            session_key=key, session_data="", expire_date=now + dt.timedelta(seconds=expires)
        )
    # Login records: a sign-in and a failed attempt a day past the period, one a day within.
    AccessLog.objects.all().delete()
    for days in (31, 29):
        log = AccessLog.objects.create(username="tovholder", ip_address="192.0.2.7")
        attempt = AccessAttempt.objects.create(
            username=f"x{days}", ip_address="192.0.2.8", failures_since_start=1
        )
        for model, row in ((AccessLog, log), (AccessAttempt, attempt)):
            model.objects.filter(pk=row.pk).update(attempt_time=now - dt.timedelta(days=days))
        Throttle.objects.create(
            scope="two_factor_account",
            key_digest=f"d{days}",
            window_start=now - dt.timedelta(days=days),
        )
    person, other = people["person"], people["other"]
    # The person left long ago; the other is inactive since last month only.
    type(person).objects.filter(pk=person.pk).update(
        active=False, updated_at=now - dt.timedelta(days=400)
    )
    type(other).objects.filter(pk=other.pk).update(
        active=False, updated_at=now - dt.timedelta(days=20)
    )
    Response.objects.filter(invitation__enrollment__employee=other).update(
        submitted_at=now - dt.timedelta(days=400)
    )
    old_event = AuditEvent.objects.create(action="login")
    AuditEvent.objects.filter(pk=old_event.pk).update(created_at=now - dt.timedelta(days=800))
    from notifications import kinds
    from notifications.models import Notification
    from notifications.services import notify
    from people.models import Invitation as PeopleInvitation

    (old_note,) = notify(
        kinds.PLAN_APPROVED, recipients=[tenants["coordinator"]], target=tenants["plan_a"], url="/"
    )
    notify(
        kinds.PLAN_APPROVED, recipients=[tenants["coordinator"]], target=tenants["plan_a"], url="/"
    )
    Notification.objects.filter(pk=old_note.pk).update(created_at=now - dt.timedelta(days=366))
    PeopleInvitation.objects.filter(pk=tenants["people_invitation_a"].pk).update(
        expires_at=now - dt.timedelta(days=91)
    )
    stale = invite(tenants["enrollment_b"])
    Invitation.objects.filter(pk=stale.pk).update(
        opens_on=timezone.localdate() - dt.timedelta(days=80),
        expires_on=timezone.localdate() - dt.timedelta(days=40),
    )
    counts_before = {
        "events": AuditEvent.objects.count(),
        "invitations": Invitation.objects.count(),
        "texts": Answer.objects.exclude(text="").count(),
    }
    with time_machine.travel(now, tick=False):
        dry = services.apply_retention(dry_run=True)
    assert dry == {
        "inactive_employees": 1,
        "evaluation_free_text": 1,
        "report_files": 0,
        "audit_events": 1,
        "unanswered_invitations": 1,
        "notifications": 1,
        "people_invitations": 1,
        "expired_sessions": 1,
        "login_records": 3,
    }
    assert AuditEvent.objects.count() == counts_before["events"], "a dry run writes nothing"
    assert Invitation.objects.count() == counts_before["invitations"]
    person.refresh_from_db()
    assert person.anonymised_at is None

    with time_machine.travel(now, tick=False):
        done = services.apply_retention()
    assert done == dry
    person.refresh_from_db()
    other.refresh_from_db()
    assert person.anonymised_at and other.anonymised_at is None
    assert not Answer.objects.filter(text="Fint kursus").exists()
    assert Answer.objects.exclude(text="").count() == counts_before["texts"] - 1
    assert Notification.objects.count() == 1
    tenants["coordinator"].refresh_from_db()
    assert tenants["coordinator"].unread_notifications == 1  # the menu's count follows
    assert not PeopleInvitation.objects.exists()
    assert not AuditEvent.objects.filter(pk=old_event.pk).exists()
    assert not Invitation.objects.filter(pk=stale.pk).exists()
    assert AuditEvent.objects.filter(action="retention_applied").exists()
    assert list(UserSession.objects.values_list("session_key", flat=True)) == ["alive"]
    assert list(AccessLog.objects.values_list("attempt_time", flat=True)) == [
        now - dt.timedelta(days=29)
    ]
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["x29"]
    assert list(Throttle.objects.values_list("key_digest", flat=True)) == ["d29"]


def test_apply_retention_command_dry_run(capsys, tenants):
    from django.core.management import call_command

    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "inactive_employees: 0 would be removed" in out


@pytest.mark.pdf
def test_personal_data_pages_have_exact_query_counts(tenants, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client, url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    hr, admin = client_for("hr", tenants), client_for("admin", tenants)
    page = reverse("privacy:employee", args=[people["person"].pk])
    retention = reverse("privacy:retention")
    hr.get(page)
    admin.get(retention)
    # session, user, employee in scope, may handle personal data, stored reports naming them
    assert count(hr, page) == 5
    # session, user, one count per table of the 9 retention categories (12 tables)
    assert count(admin, retention) == 14
    for persona in ("hr", "coordinator", "leader", "admin"):  # four stored plan PDFs
        job = report_request(
            by=tenants[persona], kind="competence_plan", subject=people["plan"], language="da"
        )
        report_render(job_id=job.pk)
    assert services.reports_naming(people["person"]).exclude(file="").count() == 4
    assert count(hr, page) == 5


def _all_prose():
    """Every free-text value in the database, by (model, pk, field)."""
    return {
        (model.__name__, pk, field): value
        for model, field in services.text_columns()
        for pk, value in model._default_manager.values_list("pk", field)
    }


@pytest.mark.parametrize(
    "name_like",
    ["other_company", "school", "user", "common_word"],
)
def test_anonymising_rewrites_only_the_persons_own_records(tenants, name_like):
    """An employee named like another company, a school, a user or a common word: only the
    person's own row and the free text of their own company's records change."""
    company_b, school_a = tenants["company_b"], tenants["school_a"]
    coordinator = tenants["coordinator"]
    coordinator.first_name, coordinator.last_name = "Tove", "Holdersen"
    coordinator.save()
    name = {
        "other_company": company_b.name,
        "school": school_a.name,
        "user": "Tove Holdersen",
        "common_word": "med",
    }[name_like]
    person = EmployeeFactory(company=tenants["company_a"], name=name)
    # The name written into the person's own records (company A)...
    own_comment = PlanComment.objects.create(
        plan=tenants["plan_a"], author=tenants["hr"], body=f"Aftalt {name} starter i maj."
    )
    # ...and everywhere else, where it means something else.
    tenants["partnership_b"].goals = f"Vi går {name} ind i samarbejdet."
    tenants["partnership_b"].save()
    tenants["meeting_b"].minutes = f"Referat: {name}."
    tenants["meeting_b"].save()
    tenants["bystander_a"].name = f"{name} Jensen"
    tenants["bystander_a"].save()
    before = _all_prose()

    alias = services.employee_anonymise(employee=person, by=tenants["hr"])

    after = _all_prose()
    changed = {key for key in before if before[key] != after.get(key)}
    assert changed == {
        ("Employee", person.pk, "name"),
        ("PlanComment", own_comment.pk, "body"),
    }
    assert after[("PlanComment", own_comment.pk, "body")] == f"Aftalt {alias} starter i maj."
    company_b.refresh_from_db()
    school_a.refresh_from_db()
    coordinator.refresh_from_db()
    assert (company_b.name, school_a.name) == (
        before[("Company", company_b.pk, "name")],
        before[("School", school_a.pk, "name")],
    )
    assert coordinator.get_full_name() == "Tove Holdersen"


def test_anonymising_leaves_another_companys_text_and_audit_alone(tenants, people):
    """The same name written in company B's records is another person's business."""
    from accounts.services import audit_record

    tenants["partnership_b"].agreement_terms = f"Kontakt: {NAME}"
    tenants["partnership_b"].save()
    foreign = audit_record(
        action=AuditEvent.Action.UPDATED, target=tenants["partnership_b"], data={"note": NAME}
    )
    own = audit_record(
        action=AuditEvent.Action.UPDATED, target=people["person"], data={"note": NAME}
    )
    plan = tenants["plan_a"]
    plan.title = f"Plan for {NAME}"
    plan_event = audit_record(action=AuditEvent.Action.UPDATED, target=plan)
    # Named only in the details (SQLite stores "ð" there as "\u00f0").
    detail_event = audit_record(
        action=AuditEvent.Action.UPDATED, target=tenants["partnership_a"], data={"note": NAME}
    )
    company = tenants["company_a"]
    company.name = f"{NAME} ApS"  # a company named after its owner keeps its name
    company.save()
    company_event = audit_record(action=AuditEvent.Action.UPDATED, target=company)
    services.employee_anonymise(employee=people["person"], by=tenants["hr"])
    tenants["partnership_b"].refresh_from_db()
    assert tenants["partnership_b"].agreement_terms == f"Kontakt: {NAME}"
    foreign.refresh_from_db()
    own.refresh_from_db()
    assert foreign.data == {"note": NAME}
    alias = services.pseudonym(people["person"])
    assert own.data == {"note": alias} and own.target_repr == alias
    plan_event.refresh_from_db()
    company_event.refresh_from_db()
    assert plan_event.target_repr == f"Plan for {alias} (v1)"
    detail_event.refresh_from_db()
    assert detail_event.data == {"note": alias}
    assert company_event.target_repr == f"{NAME} ApS"
    company.refresh_from_db()
    assert company.name == f"{NAME} ApS"
