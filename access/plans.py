"""Competence plans and their activities follow their partnership."""

from django.db.models import QuerySet

from accounts.models import CompanyRole

from .capabilities import Capability, rule_for
from .partnerships import partnership_rule, partnerships_for
from .roles import has_company_role, model


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
    return partnership_rule(user, capability, plan.partnership)
