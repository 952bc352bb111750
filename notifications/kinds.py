"""Every kind of message the product sends: who it is for is decided where the step
happens (services call `notify`); what it says, whether it waits for an action and
whether it can be turned off is decided here, once."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    name: str
    label: Promise  # in the preferences and the notifications list
    waits: bool  # shows under "waiting for you" until the step is taken
    optional: bool = True  # may the recipient turn it off?


PLAN_PROPOSED = Kind("plan_proposed", _("A competence plan awaits your approval"), waits=True)
PLAN_APPROVED = Kind("plan_approved", _("The company approved a competence plan"), waits=False)
PLAN_SENT_BACK = Kind("plan_sent_back", _("The company sent a competence plan back"), waits=True)
AGREEMENT_AWAITING = Kind(
    "agreement_awaiting", _("A partnership agreement awaits your approval"), waits=True
)
AGREEMENT_APPROVED = Kind(
    "agreement_approved", _("A partnership agreement was approved"), waits=False
)
AGREEMENT_SENT_BACK = Kind(
    "agreement_sent_back", _("A partnership agreement was sent back"), waits=True
)
ACTION_ITEM_ASSIGNED = Kind("action_item_assigned", _("An action item is yours"), waits=True)
INVITATION_ACCEPTED = Kind(
    "invitation_accepted", _("Someone you invited has accepted"), waits=False, optional=False
)

KINDS = {
    kind.name: kind
    for kind in [
        PLAN_PROPOSED,
        PLAN_APPROVED,
        PLAN_SENT_BACK,
        AGREEMENT_AWAITING,
        AGREEMENT_APPROVED,
        AGREEMENT_SENT_BACK,
        ACTION_ITEM_ASSIGNED,
        INVITATION_ACCEPTED,
    ]
}
