from django import template

from competence_plans.models import CompetencePlan
from partnerships.models import Partnership

register = template.Library()


@register.filter
def status_label(code: str) -> str:
    """The translated label of a partnership or plan status code (for audit data)."""
    labels = {**dict(CompetencePlan.Status.choices), **dict(Partnership.Status.choices)}
    return labels.get(code, code or "–")
