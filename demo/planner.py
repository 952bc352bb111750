"""Something for the planner to propose in the demo: the coordinator's plan in progress
gains a certificate course not yet on any block, for a group of which production can
spare at most two people a week, and the same course for a second group, so the proposal
puts both groups in the same new blocks."""

import datetime as dt

from companies.models import EmployeeGroup
from competence_plans.models import CompetencePlan, PlanActivity

from .base import SeedReport, World

TITLE = "Certifikat til hele gruppen (foreslå hold med planlæggeren)"
SECOND_TITLE = "Samme certifikat for {group}"


def seed_planner_example(world: World, report: SeedReport) -> None:
    coordinator = world.users["tovholder"]
    plan = (
        CompetencePlan.objects.filter(
            partnership__coordinator=coordinator, status=CompetencePlan.Status.IN_PROGRESS
        )
        .select_related("partnership__company")
        .order_by("pk")
        .first()
    )
    if plan is None or plan.activities.filter(title=TITLE).exists():
        return
    group = EmployeeGroup.objects.filter(company=plan.partnership.company).order_by("-pk").first()
    taken = set(plan.activities.values_list("amu_course", flat=True))
    course = next(
        c
        for code in ("2311", *world.courses_by_fkb)
        for c in world.courses_by_fkb[code]
        if c.pk not in taken
    )
    start = world.week_monday + dt.timedelta(weeks=2)
    activity = PlanActivity.objects.create(
        plan=plan,
        position=plan.activities.count() + 1,
        kind=PlanActivity.Kind.AMU_COURSE,
        amu_course=course,
        title=TITLE,
        planned_start=start,
        planned_end=min(plan.period_end, start + dt.timedelta(weeks=12, days=-3)),
        days=course.duration_days,
        responsible=coordinator.get_full_name(),
    )
    activity.target_groups.add(group)
    group.max_away = 2
    group.save(update_fields=["max_away", "updated_at"])
    report.add("activities")
    other = (
        EmployeeGroup.objects.filter(company=plan.partnership.company)
        .exclude(pk=group.pk)
        .order_by("pk")
        .first()
    )
    if other is not None:
        second = PlanActivity.objects.create(
            plan=plan,
            position=activity.position + 1,
            kind=PlanActivity.Kind.AMU_COURSE,
            amu_course=course,
            title=SECOND_TITLE.format(group=other.name.lower()),
            planned_start=activity.planned_start,
            planned_end=activity.planned_end,
            days=course.duration_days,
            responsible=coordinator.get_full_name(),
        )
        second.target_groups.add(other)
        report.add("activities")
