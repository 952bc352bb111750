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


def test_competence_plan_pdf_holds_company_activities_and_page_numbers(tenants):
    job = report_request(
        user=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    job = report_render(job_id=job.pk)
    assert (job.status, job.progress, len(job.checksum)) == ("done", 100, 64)
    text = pdf_text(job)
    assert tenants["company_a"].name in text
    assert tenants["activity_a"].title in text
    assert "side 1 af" in text
    assert "Underskrifter" in text


def test_english_report_for_an_english_requester(tenants):
    job = report_request(
        user=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="en"
    )
    assert "page 1 of" in pdf_text(report_render(job_id=job.pk))


def test_rendering_twice_gives_one_done_job_with_one_file(tenants):
    job = report_request(
        user=tenants["coordinator"],
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
    first = report_request(user=tenants["hr"], kind="competence_plan", subject=plan, language="da")
    again = report_request(user=tenants["hr"], kind="competence_plan", subject=plan, language="da")
    assert first.pk == again.pk
    plan.needs_analysis = "Ny analyse"
    plan.revision += 1
    plan.save()
    changed = report_request(
        user=tenants["hr"], kind="competence_plan", subject=plan, language="da"
    )
    assert changed.pk != first.pk


def test_broker_down_leaves_the_job_queued_and_the_sweep_sends_it_again(tenants, monkeypatch):
    from reports import tasks

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.render_report, "apply_async", broker_down)
    job = report_request(
        user=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    from reports.services import report_dispatch

    assert report_dispatch(job=job) is False
    job.refresh_from_db()
    assert job.status == "queued"
    sent = []
    monkeypatch.setattr(tasks.render_report, "apply_async", lambda *a, **k: sent.append(a))
    ReportJob.objects.filter(pk=job.pk).update(created_at="2000-01-01T00:00:00Z")
    assert reports_sweep_stuck() == 1 and sent


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


@pytest.mark.parametrize("name", ["reports:status", "reports:status_json", "reports:download"])
def test_another_companys_hr_gets_404_for_everything(client, tenants, name):
    job = report_request(
        user=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
    )
    report_render(job_id=job.pk)
    client.force_login(tenants["other_hr"])
    assert client.get(reverse(name, args=[job.pk])).status_code == 404


def test_url_fetcher_refuses_files_and_the_network():
    from weasyprint.urls import URLFetchingError

    from reports.fetcher import safe_url_fetcher

    for url in ["file:///etc/passwd", "https://example.org/x.png", "static:../../etc/passwd"]:
        with pytest.raises(URLFetchingError):
            safe_url_fetcher.fetch(url)
