"""What competence plans show on the pages of the apps below them (they cannot import
this app): the partnership page's plans with their figures."""

from django import template

from access import plans_for
from competence_plans.selectors import plans_figures

register = template.Library()


@register.simple_tag(takes_context=True)
def partnership_plans(context, partnership):
    """(plan, figures) for the partnership's plans the viewer sees, newest first."""
    plans = list(
        plans_for(context["request"].user).filter(partnership=partnership).order_by("-period_start")
    )
    figures = plans_figures(plans)
    return [(plan, figures[plan.pk]) for plan in plans]
