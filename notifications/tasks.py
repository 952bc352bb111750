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


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def deliver_outsiders(kind_name, target_type_id, target_id, about, url, addresses) -> None:
    """Contacts without a login have no row to keep a failure on: Celery retries."""
    services.deliver_outsiders(kind_name, target_type_id, target_id, about, url, addresses)
