"""What a user may do with an object they can see: ``can`` and ``require``.

Each domain module of this package registers one rule per model (``@rule_for``), so
there is one place that answers every question about a model, as Wagtail's permission
policies do. Superusers may do everything; inactive users nothing.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .roles import active


class Capability:
    """What a user may do with an object they can see."""

    VIEW = "view"
    EDIT = "edit"
    APPROVE_AGREEMENT = "approve_agreement"
    APPROVE_PLAN = "approve_plan"
    # The coordinator, or a leader of the lead school: status reports, evaluation
    # reports, and taking the partnership's steps that are not the leader's alone.
    MANAGE_PARTNERSHIP = "manage_partnership"
    HAND_OVER = "hand_over"
    SCHEDULE_BLOCKS = "schedule_blocks"
    # Ask the planner for a proposed schedule of a plan's AMU activities.
    PROPOSE_SCHEDULE = "propose_schedule"
    VIEW_EMPLOYEES = "view_employees"
    MANAGE_EMPLOYEES = "manage_employees"
    HANDLE_PERSONAL_DATA = "handle_personal_data"
    VIEW_COMPANY_DASHBOARD = "view_company_dashboard"
    MANAGE_CATALOGUE = "manage_catalogue"
    MANAGE_NETWORK = "manage_network"
    DOWNLOAD = "download"
    PRINT_EVALUATION_SHEETS = "print_evaluation_sheets"
    RECORD_ATTENDANCE = "record_attendance"
    MANAGE_QUESTIONNAIRES = "manage_questionnaires"
    MANAGE_PEOPLE = "manage_people"

    LABELS = {
        VIEW: _("view"),
        EDIT: _("edit"),
        APPROVE_AGREEMENT: _("approve the agreement"),
        APPROVE_PLAN: _("approve the plan"),
        MANAGE_PARTNERSHIP: _("manage the partnership"),
        HAND_OVER: _("hand the partnership over"),
        SCHEDULE_BLOCKS: _("schedule course blocks"),
        PROPOSE_SCHEDULE: _("have the planner propose a schedule"),
        VIEW_EMPLOYEES: _("see the employees"),
        MANAGE_EMPLOYEES: _("manage employees"),
        HANDLE_PERSONAL_DATA: _("handle personal data"),
        VIEW_COMPANY_DASHBOARD: _("see the company's overview"),
        MANAGE_CATALOGUE: _("manage the AMU catalogue"),
        MANAGE_NETWORK: _("manage network meetings and experiences"),
        DOWNLOAD: _("download"),
        PRINT_EVALUATION_SHEETS: _("print evaluation sheets"),
        RECORD_ATTENDANCE: _("record attendance"),
        MANAGE_QUESTIONNAIRES: _("edit the school's questionnaires"),
        MANAGE_PEOPLE: _("invite people and manage their access"),
    }


# Model label ("partnerships.Partnership") -> rule(user, capability, obj) -> bool.
RULES = {}


def rule_for(label: str):
    def register(function):
        RULES[label] = function
        return function

    return register


def can(user, capability: str, obj: Model) -> bool:
    if not active(user):
        return False
    if user.is_superuser:
        return True
    rule = RULES.get(obj._meta.label)
    if rule is None:
        raise TypeError(f"No capability rules for {type(obj).__name__}")
    return rule(user, capability, obj)


def require(user, capability: str, obj: Model, message=None) -> None:
    """Raise PermissionDenied (403) unless the user may do this."""
    if not can(user, capability, obj):
        raise PermissionDenied(
            message
            or _("You may not %(capability)s here.")
            % {"capability": Capability.LABELS.get(capability, capability)}
        )
