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
PARTNERSHIP_HANDED_OVER = Kind(
    "partnership_handed_over", _("You are now the coordinator of a partnership"), waits=False
)
ACTION_ITEM_ASSIGNED = Kind("action_item_assigned", _("An action item is yours"), waits=True)
ACTION_ITEM_DUE = Kind("action_item_due", _("An action item of yours is due tomorrow"), waits=False)
ACTION_ITEM_OVERDUE = Kind(
    "action_item_overdue", _("An action item of yours is overdue"), waits=False
)
BLOCK_UNDER_HALF = Kind(
    "block_under_half",
    _("A course block is less than half full two weeks before start"),
    waits=False,
)
BLOCK_CANCELLED = Kind("block_cancelled", _("A course block was cancelled"), waits=False)
BLOCK_MOVED = Kind("block_moved", _("A course block was moved to other dates"), waits=False)
BLOCK_BELOW_MINIMUM = Kind(
    "block_below_minimum",
    _("A course block has fewer participants than its minimum two weeks before start"),
    waits=False,
)
SEAT_OFFERED = Kind(
    "seat_offered", _("A freed seat went to the first on a waiting list"), waits=False
)
MEETING_INVITATION = Kind("meeting_invitation", _("You are invited to a meeting"), waits=False)
MEETING_CHANGED = Kind("meeting_changed", _("A meeting was moved"), waits=False)
MEETING_CANCELLED = Kind("meeting_cancelled", _("A meeting was cancelled"), waits=False)
MINUTES_PUBLISHED = Kind("minutes_published", _("The minutes of a meeting are out"), waits=False)
EVALUATION_RESULTS = Kind(
    "evaluation_results", _("Evaluation results of a course block can be seen"), waits=False
)
REPORT_READY = Kind("report_ready", _("Your report is ready"), waits=False)
PROPOSAL_READY = Kind("proposal_ready", _("The planner's proposed schedule is ready"), waits=False)
BLOCK_TEACHING = Kind("block_teaching", _("You teach a new course block"), waits=False)
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
        PARTNERSHIP_HANDED_OVER,
        ACTION_ITEM_ASSIGNED,
        ACTION_ITEM_DUE,
        ACTION_ITEM_OVERDUE,
        BLOCK_UNDER_HALF,
        BLOCK_CANCELLED,
        BLOCK_MOVED,
        BLOCK_BELOW_MINIMUM,
        SEAT_OFFERED,
        MEETING_INVITATION,
        MEETING_CHANGED,
        MEETING_CANCELLED,
        MINUTES_PUBLISHED,
        EVALUATION_RESULTS,
        REPORT_READY,
        PROPOSAL_READY,
        BLOCK_TEACHING,
        INVITATION_ACCEPTED,
    ]
}

# Kinds whose e-mail carries the meeting's calendar file.
