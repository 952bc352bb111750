"""A real Celery worker against the machine's Redis, not eager mode."""

import io
import os
import time

import pytest
from django.db import OperationalError
from pypdf import PdfReader

from reports.models import ReportJob
from reports.services import report_request
from reports.tests.brokers import celery_against

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_worker(transactional_db):
    import redis
    from celery.contrib.testing.worker import start_worker

    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {BROKER} (needed for worker tests)")
    redis.Redis.from_url(BROKER).flushdb()
    with (
        celery_against(BROKER) as app,
        start_worker(app, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20),
    ):
        yield app


def wait_for(job, statuses, seconds=60):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            job.refresh_from_db()
        except OperationalError as error:
            # The test database is in-memory SQLite with a shared cache, where a read that
            # meets the worker thread's write transaction fails at once instead of waiting.
            if "locked" not in str(error):
                raise
            time.sleep(0.05)
            continue
        if not seen or seen[-1] != job.status:
            seen.append(job.status)
        if job.status in statuses:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"job stayed {job.status}; went through {seen}")


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)
def test_worker_renders_a_queued_job_into_a_pdf(redis_worker):
    from tests.factories import (
        CompanyFactory,
        CompanyMembershipFactory,
        CompetencePlanFactory,
        PartnershipFactory,
        PlanActivityFactory,
    )

    company = CompanyFactory(name="Kattegat Smedie ApS")
    hr = CompanyMembershipFactory(company=company).user
    plan = CompetencePlanFactory(partnership=PartnershipFactory(company=company))
    PlanActivityFactory(plan=plan, title="MIG/MAG-svejsning for smede")

    job = report_request(by=hr, kind="competence_plan", subject=plan, language="da")
    assert job.status == "queued"
    seen = wait_for(job, {ReportJob.Status.DONE, ReportJob.Status.FAILED})
    assert job.status == "done", job.error
    assert seen[0] in ("queued", "running")
    job.file.open("rb")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Kattegat Smedie ApS" in text
    assert "MIG/MAG-svejsning for smede" in text
