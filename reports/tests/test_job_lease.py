"""A job is rendered by one worker at a time; the sweep gives back a job whose worker's
lease ran out, sends again one whose message was lost, and gives up visibly."""

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from reports import services
from reports.models import ReportJob
from reports.services import report_render, report_request, reports_sweep_stuck

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def job(tenants, monkeypatch):
    monkeypatch.setattr(services, "report_dispatch", lambda *, job: True)
    tenants["report_a"].delete()  # the fixture's own queued job would be swept too
    with time_machine.travel(NOW, tick=False):
        return report_request(
            by=tenants["hr"], kind="competence_plan", subject=tenants["plan_a"], language="da"
        )


def _running(job, *, lease_left: int, attempts=1):
    ReportJob.objects.filter(pk=job.pk).update(
        status="running",
        claim="other-worker",
        attempts=attempts,
        lease_until=NOW + dt.timedelta(seconds=lease_left),
    )


def test_a_second_delivery_while_another_worker_holds_the_job_is_skipped(job, monkeypatch):
    _running(job, lease_left=1)
    monkeypatch.setattr(services, "render_file", lambda job: pytest.fail("rendered twice"))
    with time_machine.travel(NOW, tick=False):
        report_render(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.claim) == ("running", 1, "other-worker")


@pytest.mark.pdf
def test_a_delivery_after_the_lease_ran_out_takes_the_job_over(job):
    _running(job, lease_left=0)
    with time_machine.travel(NOW, tick=False):
        report_render(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts, job.lease_until) == ("done", 2, None)


def test_a_render_that_lost_its_claim_throws_its_result_away(job, monkeypatch):
    def taken_over_meanwhile(rendering):
        ReportJob.objects.filter(pk=rendering.pk).update(claim="newer-worker")
        return b"%PDF-stale", 1

    monkeypatch.setattr(services, "render_file", taken_over_meanwhile)
    report_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "running" and not job.file and job.claim == "newer-worker"


@pytest.mark.django_db(transaction=True)
def test_the_lease_is_renewed_while_a_long_render_runs(job, monkeypatch):
    beats = []
    monkeypatch.setattr(services.settings, "REPORT_LEASE_SECONDS", 0.3)

    def slow(rendering):
        import time

        time.sleep(0.5)
        beats.append(ReportJob.objects.get(pk=rendering.pk).lease_until)
        return b"%PDF-1.7", 1

    monkeypatch.setattr(services, "render_file", slow)
    started = timezone.now()
    report_render(job_id=job.pk)
    # Claimed until start + 0.3 s; the heartbeat (every 0.1 s) moved it on.
    assert beats[0] > started + dt.timedelta(seconds=0.3)


@pytest.mark.parametrize(("lease_left", "sent"), [(-1, 1), (0, 0), (30, 0)])
def test_the_sweep_gives_back_exactly_the_jobs_whose_lease_ran_out(job, lease_left, sent):
    _running(job, lease_left=lease_left)
    with time_machine.travel(NOW, tick=False):
        assert reports_sweep_stuck() == sent
    job.refresh_from_db()
    assert job.status == ("queued" if sent else "running")


@override_settings(REPORT_MAX_ATTEMPTS=3)
@pytest.mark.parametrize(("attempts", "status"), [(2, "queued"), (3, "failed")])
def test_a_job_that_used_up_its_attempts_fails_visibly(job, attempts, status):
    _running(job, lease_left=-1, attempts=attempts)
    with time_machine.travel(NOW, tick=False):
        reports_sweep_stuck()
    job.refresh_from_db()
    assert job.status == status
    assert (job.error == services.GAVE_UP) is (status == "failed")


@override_settings(REPORT_STUCK_AFTER_MINUTES=15)
@pytest.mark.parametrize(("waited", "sent"), [(15, 0), (16, 1)])
def test_a_queued_job_whose_message_was_lost_is_sent_again(job, waited, sent):
    with time_machine.travel(NOW + dt.timedelta(minutes=waited, seconds=-1 if not sent else 0)):
        assert reports_sweep_stuck() == sent
