"""A server without Pango and HarfBuzz: PDFs fail with words, not a loader's traceback.
The libraries' absence is simulated (the module's probe answers as on such a machine);
everything else is the real flow."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from reports import pdf_libraries
from reports.models import ReportJob

pytestmark = pytest.mark.django_db

LOADER = "cannot load library 'libpango-1.0-0': cannot open shared object file"


@pytest.fixture
def without_pango(monkeypatch):
    monkeypatch.setattr(pdf_libraries, "missing", lambda: LOADER)


@pytest.fixture
def ask_for_plan_pdf(django_capture_on_commit_callbacks, caplog, eager_tasks):
    # Rendered in the request (as without a broker), whether or not the tests have one.
    def ask(user, plan) -> tuple[ReportJob, str]:
        client = Client()
        client.force_login(user)
        with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("reports:start", args=["competence_plan", plan.pk]))
        page = client.get(response["Location"])
        assert page.status_code == 200
        job = ReportJob.objects.filter(requested_by=user).latest("created_at")
        return job, page.content.decode()

    return ask


def test_a_user_is_told_plainly_and_the_log_says_why(
    without_pango, tenants, caplog, ask_for_plan_pdf
):
    job, page = ask_for_plan_pdf(tenants["hr"], tenants["plan_a"])
    assert job.status == ReportJob.Status.FAILED
    assert job.error.startswith("pdf-libraries-missing: the PDF libraries are not installed")
    assert "PDF-filer kan ikke laves på denne server lige nu" in page
    assert "apt-get" not in page  # the fix is for the administrator
    lines = [r.getMessage() for r in caplog.records if r.name == "reports.services"]
    assert lines == [f"Report {job.pk} failed: {pdf_libraries.REASON}"]
    assert not any("Broker" in r.getMessage() for r in caplog.records)


def test_an_administrator_is_told_what_to_install(without_pango, tenants, ask_for_plan_pdf):
    job, page = ask_for_plan_pdf(tenants["admin"], tenants["plan_a"])
    assert job.status == ReportJob.Status.FAILED
    assert "PDF-bibliotekerne er ikke installeret på serveren" in page
    assert f"apt-get install {pdf_libraries.PACKAGES}" in page


def test_any_other_failure_keeps_the_general_message(
    tenants, caplog, monkeypatch, ask_for_plan_pdf
):
    from reports import services

    def broken(job):
        raise ValueError("a bug in a template")

    monkeypatch.setattr(services, "render_file", broken)
    job, page = ask_for_plan_pdf(tenants["admin"], tenants["plan_a"])
    assert job.status == ReportJob.Status.FAILED
    assert "PDF-bibliotekerne" not in page
    assert "Broker" not in caplog.text
    assert f"Report {job.pk} failed" in caplog.text


def test_the_deployment_check_warns_before_serving(without_pango):
    (warning,) = pdf_libraries.pdf_libraries_installed(None)
    assert warning.id == "reports.W001"
    assert "PDFs cannot be made: the PDF libraries are not installed" in warning.msg
    assert LOADER in warning.hint


def test_with_the_libraries_there_is_nothing_to_say():
    if pdf_libraries.missing():
        pytest.skip(pdf_libraries.REASON)
    assert pdf_libraries.pdf_libraries_installed(None) == []
