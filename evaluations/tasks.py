"""Daily: create due invitations, then e-mail them and send the one reminder."""

from celery import shared_task
from django.db import OperationalError

from evaluations import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def run_invitations() -> dict:
    created = services.invitations_create()
    sent, reminded = services.invitations_send()
    return {"created": created, "sent": sent, "reminded": reminded}
