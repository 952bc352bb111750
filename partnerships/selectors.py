from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, QuerySet

from access import of_schools
from accounts.models import AuditEvent, SchoolMembership
from companies.models import Company
from core.subqueries import count_of
from partnerships.models import ActionItem, Partnership, plan_model


def partnership_rows(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Partnerships with what a list row shows, in one query."""
    return partnerships.select_related("company", "lead_school", "coordinator").annotate(
        plan_count=count_of(plan_model().objects.filter(partnership=OuterRef("pk")), "partnership"),
        open_action_count=count_of(
            ActionItem.objects.filter(partnership=OuterRef("pk"), done=False), "partnership"
        ),
    )


def status_counts(partnerships: QuerySet[Partnership]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every lifecycle state, zeros included; one query."""
    counted = dict(partnerships.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status, label, counted.get(status, 0)) for status, label in Partnership.Status.choices]


def partnership_list(
    partnerships: QuerySet[Partnership], *, user, filters: dict, now
) -> QuerySet[Partnership]:
    """The partnership list: scope tab, filters, newest activity first; one query."""
    scope = filters.get("scope") or "all"
    if scope == "mine":
        partnerships = partnerships.filter(coordinator=user)
    elif scope == "school":
        schools = SchoolMembership.objects.filter(user=user).values("school_id")
        partnerships = partnerships.filter(of_schools(schools))
    if status := filters.get("status"):
        partnerships = partnerships.filter(status=status)
    if school := filters.get("school"):
        partnerships = partnerships.filter(of_schools([school]))
    if coordinator := filters.get("coordinator"):
        partnerships = partnerships.filter(coordinator=coordinator)
    if q := filters.get("q"):
        partnerships = partnerships.filter(Q(title__icontains=q) | Q(company__name__icontains=q))
    activity = filters.get("activity")
    if activity in ("7", "30"):
        partnerships = partnerships.filter(
            last_activity_at__gte=now - timedelta(days=int(activity))
        )
    elif activity == "stale60":
        partnerships = partnerships.filter(last_activity_at__lt=now - timedelta(days=60))
    return partnership_rows(partnerships).order_by("-last_activity_at", "pk")


COMPANY_PEOPLE_EVENTS = (
    AuditEvent.Action.INVITATION_ACCEPTED,
    AuditEvent.Action.ACCESS_GRANTED,
    AuditEvent.Action.ACCESS_ENDED,
)


def partnership_timeline(partnership: Partnership, *, limit: int = 30):
    """What happened: audit events on the partnership and its plans, newest first."""
    partnership_type = ContentType.objects.get_for_model(Partnership)
    plan_type = ContentType.objects.get_for_model(plan_model())
    company_type = ContentType.objects.get_for_model(Company)
    plan_ids = [str(pk) for pk in partnership.plans.values_list("pk", flat=True)]
    return list(
        AuditEvent.objects.filter(
            Q(target_type=partnership_type, target_id=str(partnership.pk))
            | Q(target_type=plan_type, target_id__in=plan_ids)
            # When the company's people joined or left.
            | Q(
                target_type=company_type,
                target_id=str(partnership.company_id),
                action__in=COMPANY_PEOPLE_EVENTS,
            )
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")[:limit]
    )
