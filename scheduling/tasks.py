"""Thin Celery tasks: load by id, call the service. Reliability lives here."""

from celery import shared_task
from django.db import OperationalError

from scheduling import proposals


@shared_task(
    acks_late=True,  # a worker that dies mid-solve leaves the message for another
    reject_on_worker_lost=True,
    time_limit=300,
    soft_time_limit=240,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def solve_proposal(proposal_id: int) -> str | None:
    proposal = proposals.proposal_solve(proposal_id=proposal_id)
    return proposal.status if proposal else None


@shared_task
def sweep_stuck_proposals() -> int:
    return proposals.proposals_sweep()
