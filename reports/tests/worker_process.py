"""Child processes for the worker-failure tests (test_worker_processes.py).

`python -m reports.tests.worker_process request`  creates a plan and requests its PDF
    through the real service (so the task is sent to the broker on commit) and prints the
    job's id;
`python -m reports.tests.worker_process worker`   runs a real prefork Celery worker whose
    render is slowed by REPORT_TEST_RENDER_DELAY seconds, so a test can kill it mid-render;
    each render's start is appended to REPORT_TEST_RENDER_LOG, and with
    REPORT_TEST_WITH_BEAT=1 the worker runs beat too (the periodic sweep);
`python -m reports.tests.worker_process dispatch ID`  sends the job's task once more (what
    a redelivered message looks like to a worker).

Both use the database and broker given in the environment (DATABASE_URL,
CELERY_BROKER_URL), never the test run's own.
"""

import os
import sys
import time


def request() -> None:
    from reports.services import report_request
    from tests.factories import (
        CompanyFactory,
        CompanyMembershipFactory,
        CompetencePlanFactory,
        PartnershipFactory,
        PlanActivityFactory,
    )

    company = CompanyFactory(name="Limfjordens Maskinfabrik A/S")
    hr = CompanyMembershipFactory(company=company).user
    plan = CompetencePlanFactory(partnership=PartnershipFactory(company=company))
    PlanActivityFactory(plan=plan, title="Hydraulik for montører")
    job = report_request(by=hr, kind="competence_plan", subject=plan, language="da")
    print(job.pk)


def worker() -> None:
    from config.celery import app
    from reports import services

    delay = float(os.environ.get("REPORT_TEST_RENDER_DELAY", "0"))
    render = services.render_pdf

    log = os.environ.get("REPORT_TEST_RENDER_LOG")

    def slow_render(job):
        if log:
            with open(log, "a") as file:
                file.write(f"{os.getpid()} {time.time()}\n")
        time.sleep(delay)
        return render(job)

    services.render_pdf = slow_render  # inherited by the forked pool child
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            *(
                ["--beat", f"--schedule={os.environ['REPORT_TEST_BEAT_SCHEDULE']}"]
                if os.environ.get("REPORT_TEST_WITH_BEAT") == "1"
                else []
            ),
        ]
    )


def dispatch(job_id: str) -> None:
    from reports.models import ReportJob
    from reports.services import report_dispatch

    assert report_dispatch(job=ReportJob.objects.get(pk=job_id))


if __name__ == "__main__":
    import django

    django.setup()
    {"request": request, "worker": worker, "dispatch": dispatch}[sys.argv[1]](*sys.argv[2:])
