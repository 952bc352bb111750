import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from reports.models import ReportJob
from reports.services import report_render, report_request, reports_sweep_stuck

pytestmark = pytest.mark.django_db


def pdf_text(job) -> str:
    job.file.open("rb")
    reader = PdfReader(io.BytesIO(job.file.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.pdf
def test_competence_plan_pdf_holds_company_activities_and_page_numbers(tenants):
    job = report_request(
        by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    job = report_render(job_id=job.pk)
    assert (job.status, job.progress, len(job.checksum)) == ("done", 100, 64)
    text = pdf_text(job)
    assert tenants["company_a"].name in text
    assert tenants["activity_a"].title in text
    assert "side 1 af" in text
    assert "Underskrifter" in text


@pytest.mark.pdf
def test_english_report_for_an_english_requester(tenants):
    job = report_request(
        by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="en"
    )
    assert "page 1 of" in pdf_text(report_render(job_id=job.pk))


@pytest.mark.pdf
def test_rendering_twice_gives_one_done_job_with_one_file(tenants):
    job = report_request(
        by=tenants["coordinator"],
        kind="partnership_status",
        subject=tenants["partnership_a"],
        language="da",
    )
    first = report_render(job_id=job.pk)
    second = report_render(job_id=job.pk)  # a redelivered message
    assert first.file.name == second.file.name == f"reports/{job.pk}.pdf"
    assert ReportJob.objects.filter(status="done").count() == 1


def test_a_fresh_job_is_reused_until_the_source_changes(tenants):
    plan = tenants["plan_a"]
    first = report_request(by=tenants["hr"], kind="competence_plan", subject=plan, language="da")
    again = report_request(by=tenants["hr"], kind="competence_plan", subject=plan, language="da")
    assert first.pk == again.pk
    plan.needs_analysis = "Ny analyse"
    plan.revision += 1
    plan.save()
    changed = report_request(by=tenants["hr"], kind="competence_plan", subject=plan, language="da")
    assert changed.pk != first.pk


@pytest.mark.pdf
def test_broker_down_leaves_the_job_queued_and_the_sweep_sends_it_again(tenants, monkeypatch):
    from reports import tasks

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.render_report, "apply_async", broker_down)
    job = report_request(
        by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    from reports.services import report_dispatch

    assert report_dispatch(job=job) is False
    job.refresh_from_db()
    assert job.status == "queued"
    sent = []
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda *a, **k: sent.append(a))
    ReportJob.objects.filter(pk=job.pk).update(created_at="2000-01-01T00:00:00Z")
    assert reports_sweep_stuck() == 1 and sent


@pytest.mark.pdf
def test_download_through_the_views_is_audited_and_not_cached(client, tenants):
    client.force_login(tenants["hr"])
    response = client.post(reverse("reports:start", args=["competence_plan", tenants["plan_a"].pk]))
    job = ReportJob.objects.exclude(pk=tenants["report_a"].pk).get()
    assert response["Location"] == reverse("reports:status", args=[job.pk])
    report_render(job_id=job.pk)
    assert client.get(reverse("reports:status_json", args=[job.pk])).json()["status"] == "done"
    download = client.get(reverse("reports:download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="download", actor=tenants["hr"]).exists()


@pytest.mark.pdf
@pytest.mark.parametrize("name", ["reports:status", "reports:status_json", "reports:download"])
def test_another_companys_hr_gets_404_for_everything(client, tenants, name):
    job = report_request(
        by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    report_render(job_id=job.pk)
    client.force_login(tenants["other_hr"])
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


@pytest.mark.pdf
def test_url_fetcher_refuses_files_and_the_network():
    from weasyprint.urls import URLFetchingError

    from reports.fetcher import safe_url_fetcher

    for url in ["file:///etc/passwd", "https://example.org/x.png", "static:../../etc/passwd"]:
        with pytest.raises(URLFetchingError):
            safe_url_fetcher.fetch(url)


def _plan_with_participants(count: int):
    """A plan whose one AMU activity has `count` enrolled employees on a block in ISO
    week 50 of 2026, plus one cancelled place."""
    import datetime as dt

    from tests.factories import (
        CompetencePlanFactory,
        CourseBlockFactory,
        EmployeeFactory,
        EnrollmentFactory,
        PlanActivityFactory,
    )

    plan = CompetencePlanFactory()
    company = plan.partnership.company
    activity = PlanActivityFactory(plan=plan)
    block = CourseBlockFactory(course=activity.amu_course, start_date=dt.date(2026, 12, 7))
    for n in range(count):
        EnrollmentFactory(
            employee=EmployeeFactory(company=company, name=f"Deltager {n:03d}"),
            course_block=block,
            plan_activity=activity,
        )
    EnrollmentFactory(
        employee=EmployeeFactory(company=company, name="Aflyst Person"),
        course_block=CourseBlockFactory(course=activity.amu_course),
        plan_activity=activity,
        status="cancelled",
    )
    return plan, activity, block


def _plan_job(plan, language="da"):
    """An unsaved job for the plan, asked for by the company's HR (who sees names)."""
    from accounts.models import CompanyRole
    from tests.factories import CompanyMembershipFactory

    hr = CompanyMembershipFactory(company=plan.partnership.company, role=CompanyRole.HR).user
    return ReportJob(
        kind="competence_plan",
        plan=plan,
        partnership=plan.partnership,
        language=language,
        requested_by=hr,
    )


def _text(pdf: bytes) -> str:
    """The PDF's text with its line breaks and runs of spaces as single spaces."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


@pytest.mark.pdf
@pytest.mark.parametrize(
    ("language", "participants", "week"),
    [
        ("da", "Deltagere: Deltager 000 (gennemført), Deltager 001 (tilmeldt)", "Uge 50, 2026:"),
        ("en", "Participants: Deltager 000 (completed), Deltager 001 (enrolled)", "Week 50, 2026:"),
    ],
)
def test_competence_plan_lists_participants_by_name_and_blocks_by_week(
    language, participants, week
):
    from reports.services import render_pdf

    plan, activity, block = _plan_with_participants(2)
    activity.enrollments.filter(employee__name="Deltager 000").update(status="completed")
    text = _text(render_pdf(_plan_job(plan, language))[0])
    assert participants in text
    # A cancelled place is neither a participant nor a block of the plan; the year is
    # not printed with a thousands separator ("2.026").
    assert "Aflyst Person" not in text
    assert f"{week} {block.course.number} {block.course.title}" in text
    assert text.count(block.course.title) == 2  # the activity and the one block


@pytest.mark.pdf
def test_competence_plan_queries_do_not_grow_with_the_participants():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.services import render_pdf

    counts = []
    for size in (1, 25):
        plan, _activity, _block = _plan_with_participants(size)
        job = _plan_job(plan)
        with CaptureQueriesContext(connection) as queries:
            render_pdf(job)
        counts.append(len(queries))
    # partnership, plan, activities + target groups + named targets, progress (targets ×2,
    # enrollment states), goals, figures (activities, targets ×2), whether the requester
    # may see names (their company role), participants, blocks, funding rates
    assert counts == [16, 16]


@pytest.mark.pdf
def test_bench_compares_the_plan_with_plain_pages_of_the_same_count_and_text(monkeypatch):
    from django.core.management import call_command

    from reports.management.commands import bench_reports

    monkeypatch.setattr(bench_reports, "SIZES", (3,))
    monkeypatch.setattr(bench_reports, "ROUNDS", 1)
    margin = bench_reports.margin_text()
    assert 40 < margin < 200  # the running header and "side 1 af 1" are there
    for pages, characters in ((1, 900), (2, 2300), (2, 5600)):  # 5,600 needs the list type
        _seconds, count, per_page = bench_reports.reference_pdf(pages, characters)
        assert count == pages
        assert per_page == pytest.approx(characters + margin, rel=0.02)
    out = io.StringIO()
    call_command("bench_reports", stdout=out)
    header, row, memory = out.getvalue().splitlines()
    employees, pages, per_page, reference, ratio, chars, ref_chars = row.split()
    assert employees == "3" and int(pages) >= 1
    assert float(ratio) == pytest.approx(float(per_page) / float(reference), rel=0.05)
    assert int(ref_chars) == pytest.approx(int(chars), rel=0.02)  # the same text per page
    assert memory.startswith("peak memory of this process:")
    from companies.models import Company

    assert not Company.objects.exists()  # the company the bench built was rolled back


@pytest.mark.pdf
def test_competence_plan_pdf_names_people_only_for_those_who_may_see_employees(tenants):
    """The plan page's rule, asked by the PDF too: a consultant reads the plan but not who
    is on it; the coordinator and the company's HR see the names."""
    person = tenants["employee_a"]
    enrollment = tenants["enrollment_a"]
    enrollment.plan_activity = tenants["activity_a"]
    enrollment.save()
    tenants["activity_a"].target_employees.add(person)
    texts = {}
    for persona in ("consultant", "coordinator", "hr"):
        job = report_request(
            by=tenants[persona], kind="competence_plan", subject=tenants["plan_a"], language="da"
        )
        texts[persona] = " ".join(pdf_text(report_render(job_id=job.pk)).split())
    assert person.name not in texts["consultant"]
    assert "1 deltager" in texts["consultant"] and "1 navngiven medarbejder" in texts["consultant"]
    assert person.name in texts["coordinator"] and person.name in texts["hr"]
