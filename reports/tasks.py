"""Thin Celery tasks: load by id, call the service. Reliability lives here."""

from celery import shared_task
from django.db import OperationalError

from reports import services


@shared_task(
    bind=True,
    acks_late=True,  # a worker that dies mid-render leaves the message for another
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=(OperationalError,),  # a database blip is worth another try
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def render_report(self, job_id: str) -> str:
    return services.report_render(job_id=job_id).status


@shared_task
def sweep_stuck_reports() -> int:
    return services.reports_sweep_stuck()
