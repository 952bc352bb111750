from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from competence_plans.models import CompetencePlan
from partnerships.models import ActionItem, Partnership


def _count_subquery(queryset) -> Coalesce:
    counted = queryset.order_by().values("partnership").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def partnership_rows(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Partnerships with what a list row shows, in one query."""
    return partnerships.select_related("company", "lead_school", "coordinator").annotate(
        plan_count=_count_subquery(CompetencePlan.objects.filter(partnership=OuterRef("pk"))),
        open_action_count=_count_subquery(
            ActionItem.objects.filter(partnership=OuterRef("pk"), done=False)
        ),
    )


def status_counts(partnerships: QuerySet[Partnership]) -> list[tuple[str, str, int]]:
    """(status, label, count) for every lifecycle state, zeros included; one query."""
    counted = dict(partnerships.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status, label, counted.get(status, 0)) for status, label in Partnership.Status.choices]
