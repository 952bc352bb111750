"""What partnerships show on the pages of the apps below them (they cannot import this
app): the company page's partnerships."""

from django import template

from access import partnerships_for
from partnerships.selectors import partnership_rows

register = template.Library()


@register.simple_tag(takes_context=True)
def company_partnerships(context, company):
    """The company's partnerships the viewer sees, most recently active first."""
    visible = partnerships_for(context["request"].user).filter(company=company)
    return list(partnership_rows(visible).order_by("-last_activity_at"))
