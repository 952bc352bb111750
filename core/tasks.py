"""Tasks of the kernel: the workers' heartbeat for /healthz (core/health.py)."""

from celery import shared_task
from celery.signals import worker_ready

from core.health import record_heartbeat


@shared_task(ignore_result=True)
def heartbeat() -> None:
    record_heartbeat()


@worker_ready.connect
def _beat_when_ready(**kwargs):
    # Healthy as soon as a worker is up, not only after beat's first heartbeat.
    record_heartbeat()
