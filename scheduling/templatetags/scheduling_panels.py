"""What scheduling shows on the pages of the apps below it (they cannot import it): the
partnership page's upcoming blocks."""

from django import template
from django.utils import timezone

from access import partnerships_for
from scheduling.selectors import upcoming_blocks_of_partnerships

register = template.Library()


@register.simple_tag(takes_context=True)
def partnership_blocks(context, partnership, limit=10):
    """The partnership's upcoming blocks, as its viewer may see them."""
    user = context["request"].user
    return upcoming_blocks_of_partnerships(
        partnerships_for(user).filter(pk=partnership.pk),
        viewer=user,
        today=timezone.localdate(),
        limit=limit,
    )
