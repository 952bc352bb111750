from celery import shared_task
from django.db import OperationalError

from notifications import daily, services


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def deliver(ids: list[int]) -> int:
    return services.deliver(ids)


@shared_task(acks_late=True)
def deliver_pending() -> int:
    return services.deliver_pending()


@shared_task(acks_late=True)
def send_digests() -> int:
    return services.send_digests()


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True)
def daily_reminders() -> dict:
    return daily.run()
