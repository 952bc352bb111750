"""What waits for whom in the demo: the notifications the steps would have made had they
been taken in the product (the seed writes states directly), marked as already e-mailed
so seeding sends no mail."""

from django.urls import reverse
from django.utils import timezone

from access import company_people, school_people
from accounts.models import CompanyRole, SchoolRole
from competence_plans.models import CompetencePlan
from notifications import kinds
from notifications.models import Notification
from notifications.services import notify
from partnerships.models import ActionItem, Partnership

from .base import SeedReport


def seed_waiting(report: SeedReport) -> None:
    """Once: a seed run again finds the rows and adds nothing."""
    if Notification.objects.exists():
        return
    made = []
    for plan in CompetencePlan.objects.filter(status=CompetencePlan.Status.PROPOSED).select_related(
        "partnership"
    ):
        hr = company_people(plan.partnership.company_id, CompanyRole.HR)
        made += notify(
            kinds.PLAN_PROPOSED,
            recipients=hr,
            target=plan,
            url=reverse("competence_plans:detail", args=[plan.pk]),
            actor=plan.partnership.coordinator,
        )
    for partnership in Partnership.objects.filter(
        status=Partnership.Status.AGREEMENT_DRAFT
    ).select_related("coordinator"):
        leaders = school_people(partnership.lead_school_id, SchoolRole.LEADER)
        made += notify(
            kinds.AGREEMENT_AWAITING,
            recipients=leaders,
            target=partnership,
            url=reverse("partnerships:detail", args=[partnership.pk]),
            actor=partnership.coordinator,
        )
    for item in ActionItem.objects.filter(done=False, owner__isnull=False).select_related(
        "owner", "meeting"
    ):
        if item.meeting_id:
            made += notify(
                kinds.ACTION_ITEM_ASSIGNED,
                recipients=[item.owner],
                target=item,
                url=reverse("partnerships:meeting_detail", args=[item.meeting_id]),
            )
    # The demo's mail "went out" when the steps were taken: nothing to send now.
    Notification.objects.filter(pk__in=[n.pk for n in made]).update(emailed_at=timezone.now())
    report.add("notifications", len(made))
