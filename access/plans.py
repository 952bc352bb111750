"""Competence plans and their activities follow their partnership."""

from django.db.models import QuerySet

from accounts.models import CompanyRole

from .capabilities import Capability, rule_for
from .partnerships import partnership_rule, partnerships_for
from .roles import has_company_role, model
from .schools import scheduling_schools

# A plan's AMU activities are put on blocks once the company has approved it.
SCHEDULABLE_PLAN_STATUSES = ("approved", "in_progress")


def plans_for(user) -> QuerySet:
    return model("competence_plans.CompetencePlan").objects.filter(
        partnership__in=partnerships_for(user)
    )


def plan_activities_for(user) -> QuerySet:
    return model("competence_plans.PlanActivity").objects.filter(
        plan__partnership__in=partnerships_for(user)
    )


@rule_for("competence_plans.CompetencePlan")
def plan_rule(user, capability: str, plan) -> bool:
    if capability == Capability.APPROVE_PLAN:
        return has_company_role(user, plan.partnership.company_id, CompanyRole.HR)
    if capability == Capability.PROPOSE_SCHEDULE:
        return (
            plan.status in SCHEDULABLE_PLAN_STATUSES
            and partnership_rule(user, Capability.SCHEDULE_BLOCKS, plan.partnership)
            and plan_schools(user, plan).exists()
        )
    return partnership_rule(user, capability, plan.partnership)


def plan_schools(user, plan) -> QuerySet:
    """The plan's schools (the lead school and those that joined) whose week plan the
    user schedules into: where a proposal for the plan can put blocks."""
    partnership = plan.partnership
    return scheduling_schools(user).filter(
        pk__in=[partnership.lead_school_id, *partnership.other_schools.values_list("pk", flat=True)]
    )
