from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from companies.models import VEU_ELIGIBLE_LEVELS, Employee
from competence_plans.models import CompetencePlan, PlanActivity
from schools.figures import aarselever, veu_compensation_dkk


@dataclass(frozen=True)
class PlanFigures:
    """Planned volume of a plan's AMU activities (what ÅE and VEU are paid for)."""

    participants: int
    participant_days: Decimal
    eligible_participant_days: Decimal

    @property
    def aarselever(self) -> Decimal:
        return aarselever(self.participant_days)

    @property
    def veu_estimate_dkk(self) -> Decimal:
        return veu_compensation_dkk(self.eligible_participant_days)


EMPTY_FIGURES = PlanFigures(0, Decimal(0), Decimal(0))


def plans_figures(plans: list[CompetencePlan]) -> dict[int, PlanFigures]:
    """Figures for many plans in three queries, whatever their number.

    A participant of an activity is an active employee named on it or belonging to
    one of its target groups, counted once even when both apply.
    """
    plan_ids = [plan.pk for plan in plans]
    activities = {
        pk: (plan_id, days)
        for pk, plan_id, days in PlanActivity.objects.filter(
            plan__in=plan_ids, kind=PlanActivity.Kind.AMU_COURSE
        ).values_list("pk", "plan_id", "days")
    }
    participants: dict[int, dict[int, bool]] = defaultdict(dict)
    named = PlanActivity.target_employees.through.objects.filter(
        planactivity__in=activities.keys(), employee__active=True
    ).values_list("planactivity_id", "employee_id", "employee__education_level")
    grouped = Employee.objects.filter(
        active=True, group__plan_activities__in=activities.keys()
    ).values_list("group__plan_activities", "pk", "education_level")
    for activity_id, employee_id, level in [*named, *grouped]:
        participants[activity_id][employee_id] = level in VEU_ELIGIBLE_LEVELS

    totals: dict[int, list] = {pk: [set(), Decimal(0), Decimal(0)] for pk in plan_ids}
    for activity_id, (plan_id, days) in activities.items():
        people = participants[activity_id]
        total = totals[plan_id]
        total[0].update(people)
        total[1] += days * len(people)
        total[2] += days * sum(people.values())
    return {
        pk: PlanFigures(len(people), days, eligible)
        for pk, (people, days, eligible) in totals.items()
    }


def plan_figures(plan: CompetencePlan) -> PlanFigures:
    return plans_figures([plan]).get(plan.pk, EMPTY_FIGURES)
