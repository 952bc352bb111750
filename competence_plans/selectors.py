from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from companies.models import VEU_ELIGIBLE_LEVELS, Employee
from companies.selectors import expiring_certificates
from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity
from schools.figures import NO_ECONOMICS, Economics, Volumes, funding_rates


@dataclass(frozen=True)
class PlanFigures:
    """Planned volume of a plan's AMU activities (what ÅE and VEU are paid for), and
    what it costs and brings at the rates of the years the activities start in."""

    participants: int
    economics: Economics

    @property
    def participant_days(self) -> Decimal:
        return self.economics.participant_days

    @property
    def eligible_participant_days(self) -> Decimal:
        return self.economics.eligible_days

    @property
    def aarselever(self) -> Decimal:
        return self.economics.aarselever


EMPTY_FIGURES = PlanFigures(0, NO_ECONOMICS)


def _enrollment_model():
    """Enrollments belong to scheduling, above this app: they are read through the
    plan activity's own reverse relation, never by importing scheduling."""
    return PlanActivity._meta.get_field("enrollments").related_model


def plans_figures(plans: list[CompetencePlan]) -> dict[int, PlanFigures]:
    """Figures for many plans in four queries, whatever their number.

    A participant of an activity is an active employee named on it or belonging to
    one of its target groups, counted once even when both apply. An activity's days
    count in the year it is planned to start.
    """
    plan_ids = [plan.pk for plan in plans]
    activities = {
        pk: (plan_id, days, start.year)
        for pk, plan_id, days, start in PlanActivity.objects.filter(
            plan__in=plan_ids, kind=PlanActivity.Kind.AMU_COURSE
        ).values_list("pk", "plan_id", "days", "planned_start")
    }
    participants: dict[int, dict[int, bool]] = defaultdict(dict)
    for activity_id, employee_id, level in _target_rows(activities.keys()):
        participants[activity_id][employee_id] = level in VEU_ELIGIBLE_LEVELS

    people: dict[int, set[int]] = {pk: set() for pk in plan_ids}
    volumes: dict[int, Volumes] = {pk: Volumes() for pk in plan_ids}
    for activity_id, (plan_id, days, year) in activities.items():
        targets = participants[activity_id]
        people[plan_id].update(targets)
        volumes[plan_id].add(year, days * len(targets), days * sum(targets.values()))
    rates = funding_rates() if plan_ids else {}
    return {
        pk: PlanFigures(len(people[pk]), Economics.of(volumes[pk].result(), rates))
        for pk in plan_ids
    }


def partnership_economics(
    plans: list[CompetencePlan], figures: dict[int, PlanFigures]
) -> dict[int, Economics]:
    """Per partnership, its plans' figures added up: only each plan's newest version
    counts (an earlier version is the same plan before it changed). No query: the rates
    are those the plans' figures were priced with."""
    superseded = {plan.previous_version_id for plan in plans if plan.previous_version_id}
    volumes: dict[int, Volumes] = defaultdict(Volumes)
    rates: dict[int, dict] = defaultdict(dict)
    for plan in plans:
        volumes[plan.partnership_id]  # a partnership whose plans plan nothing shows zero
        if plan.pk in superseded or plan.pk not in figures:
            continue
        economics = figures[plan.pk].economics
        volumes[plan.partnership_id].extend(economics.volumes)
        rates[plan.partnership_id].update({rate.year: rate for rate in economics.rates})
    return {pk: Economics.of(total.result(), rates[pk]) for pk, total in volumes.items()}


def plan_figures(plan: CompetencePlan) -> PlanFigures:
    return plans_figures([plan]).get(plan.pk, EMPTY_FIGURES)


def _target_rows(activity_ids) -> list[tuple[int, int, str]]:
    """(activity, employee, education level) for every active employee an activity
    targets, by name or through a group; two queries. An employee may appear twice."""
    named = PlanActivity.target_employees.through.objects.filter(
        planactivity__in=activity_ids, employee__active=True
    ).values_list("planactivity_id", "employee_id", "employee__education_level")
    grouped = Employee.objects.filter(
        active=True, group__plan_activities__in=activity_ids
    ).values_list("group__plan_activities", "pk", "education_level")
    return [*named, *grouped]


def activity_targets(activity_ids) -> dict[int, set[int]]:
    """Active employees each activity targets (named, or through a group); two queries."""
    targets: dict[int, set[int]] = defaultdict(set)
    for activity_id, employee_id, _level in _target_rows(activity_ids):
        targets[activity_id].add(employee_id)
    return targets


def _enrollment_states(plan: CompetencePlan) -> dict[tuple[int, int], str]:
    Enrollment = _enrollment_model()

    return {
        (activity_id, employee_id): status
        for activity_id, employee_id, status in Enrollment.objects.filter(plan_activity__plan=plan)
        .exclude(status=Enrollment.Status.CANCELLED)
        .values_list("plan_activity_id", "employee_id", "status")
    }


@dataclass(frozen=True)
class Progress:
    planned: int
    enrolled: int
    completed: int


def plan_progress(plan: CompetencePlan, activities: list[PlanActivity]) -> dict[int, Progress]:
    """Per activity: targeted people, those placed on a block, those who completed it."""
    Enrollment = _enrollment_model()

    targets = activity_targets([a.pk for a in activities])
    placed_by_activity: dict[int, list[str]] = defaultdict(list)
    for (activity_id, _employee_id), status in _enrollment_states(plan).items():
        placed_by_activity[activity_id].append(status)
    progress = {}
    for activity in activities:
        placed = placed_by_activity[activity.pk]
        progress[activity.pk] = Progress(
            planned=len(targets[activity.pk]),
            enrolled=sum(
                s in (Enrollment.Status.PLANNED, Enrollment.Status.ENROLLED) for s in placed
            ),
            completed=sum(s == Enrollment.Status.COMPLETED for s in placed),
        )
    return progress


@dataclass
class MatrixGroup:
    name: str
    rows: list  # (employee, [cell per activity])
    totals: list[int]  # planned people per activity
    has_activity: bool


def staff_matrix(plan: CompetencePlan, activities: list[PlanActivity]) -> list[MatrixGroup]:
    """Employees (rows, by group) × activities (columns). A cell is "" (not in the plan),
    "planned", "enrolled", "completed" or "no_show"."""
    Enrollment = _enrollment_model()

    company = plan.partnership.company
    targets = activity_targets([a.pk for a in activities])
    states = _enrollment_states(plan)
    employees = list(
        company.employees.filter(active=True)
        .select_related("group")
        .order_by("group__name", "name")
    )
    groups: dict[str, MatrixGroup] = {}
    for employee in employees:
        name = employee.group.name if employee.group else ""
        group = groups.setdefault(name, MatrixGroup(name, [], [0] * len(activities), False))
        cells = []
        for index, activity in enumerate(activities):
            enrollment = states.get((activity.pk, employee.pk))
            if enrollment in (Enrollment.Status.PLANNED, Enrollment.Status.ENROLLED):
                state = "enrolled"  # placed on a course block
            elif enrollment:
                state = enrollment  # completed or no-show
            elif employee.pk in targets[activity.pk]:
                state = "planned"
            else:
                state = ""
            if state:
                group.totals[index] += 1
                group.has_activity = True
            cells.append(state or "")
        group.rows.append((employee, cells))
    return list(groups.values())


# --- what changed between two versions ------------------------------------------------


@dataclass
class Change:
    kind: str  # "added", "removed" or "changed"
    name: str
    fields: list[str]  # for "changed": the labels of what differs


@dataclass
class VersionChanges:
    previous: CompetencePlan
    plan_fields: list[str]
    goals: list[Change]
    activities: list[Change]

    def __bool__(self) -> bool:
        return bool(self.plan_fields or self.goals or self.activities)


PLAN_FIELDS = ("title", "period_start", "period_end", "strategy_background", "needs_analysis")
ACTIVITY_FIELDS = ("title", "description", "planned_start", "planned_end", "days", "responsible")

# An item of a version: its key (what makes it "the same" across versions), the name to
# show, and its values by field label.
Snapshot = tuple[str, dict[str, object]]


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _compare(old: dict[object, Snapshot], new: dict[object, Snapshot]) -> list[Change]:
    changes = [Change("added", new[key][0], []) for key in new.keys() - old.keys()]
    changes += [Change("removed", old[key][0], []) for key in old.keys() - new.keys()]
    for key in old.keys() & new.keys():
        (_name, before), (name, after) = old[key], new[key]
        differing = [label for label, value in after.items() if before.get(label) != value]
        if differing:
            changes.append(Change("changed", name, differing))
    order = {"added": 0, "changed": 1, "removed": 2}
    return sorted(changes, key=lambda c: (order[c.kind], c.name))


def _goals(plan: CompetencePlan) -> dict[object, Snapshot]:
    return {
        goal.title.strip().lower(): (
            goal.title,
            {_label(CompetenceGoal, "description"): goal.description},
        )
        for goal in CompetenceGoal.objects.filter(plan=plan)
    }


def _activities(plan: CompetencePlan) -> dict[object, Snapshot]:
    rows = {}
    activities = (
        PlanActivity.objects.filter(plan=plan)
        .select_related("goal")
        .prefetch_related("target_groups", "target_employees")
    )
    for activity in activities:
        values = {_label(PlanActivity, f): getattr(activity, f) for f in ACTIVITY_FIELDS}
        values[_label(PlanActivity, "goal")] = activity.goal.title if activity.goal_id else ""
        values[_label(PlanActivity, "target_groups")] = sorted(
            g.name for g in activity.target_groups.all()
        )
        values[_label(PlanActivity, "target_employees")] = sorted(
            e.pk for e in activity.target_employees.all()
        )
        key = (activity.kind, activity.amu_course_id or activity.title.strip().lower())
        rows[key] = (activity.title, values)
    return rows


def version_changes(plan: CompetencePlan) -> VersionChanges | None:
    """What version N changed from version N-1: the plan's texts and period, goals (by
    title) and activities (by AMU course, or by kind and title): added, removed or
    changed, and which fields. A fixed number of queries whatever the plans' size."""
    previous = plan.previous_version
    if previous is None:
        return None
    return VersionChanges(
        previous=previous,
        plan_fields=[
            _label(CompetencePlan, f)
            for f in PLAN_FIELDS
            if getattr(previous, f) != getattr(plan, f)
        ],
        goals=_compare(_goals(previous), _goals(plan)),
        activities=_compare(_activities(previous), _activities(plan)),
    )


@dataclass(frozen=True)
class Renewal:
    """People of the plan's company whose certificate of one type is expiring, and the
    AMU course that renews it."""

    certificate_type: object
    course: object
    certificates: list

    @property
    def employees(self) -> list:
        return [c.employee for c in self.certificates]


def renewal_proposals(plan: CompetencePlan, today) -> list[Renewal]:
    """For the plan's company: certificates expiring within 90 days (or expired) whose
    type names an active renewing course, grouped by type, leaving out the people an
    activity of the plan already gives that course. Three queries."""
    certificates = list(
        expiring_certificates(Employee.objects.filter(company=plan.partnership.company_id), today)
        .filter(type__renewing_course__active=True)
        .select_related("type__renewing_course")
    )
    if not certificates:
        return []
    courses = {c.type.renewing_course_id for c in certificates}
    people_ids = {c.employee_id for c in certificates}
    only_them = Employee.objects.filter(pk__in=people_ids)
    covered = set()
    for activity in plan.activities.filter(amu_course__in=courses).prefetch_related(
        Prefetch("target_employees", queryset=only_them),
        Prefetch("target_groups__employees", queryset=only_them),
    ):
        people = {e.pk for e in activity.target_employees.all()} | {
            e.pk for g in activity.target_groups.all() for e in g.employees.all()
        }
        covered |= {(activity.amu_course_id, pk) for pk in people}
    grouped: dict[int, list] = {}
    for certificate in certificates:
        if (certificate.type.renewing_course_id, certificate.employee_id) not in covered:
            grouped.setdefault(certificate.type_id, []).append(certificate)
    return [
        Renewal(rows[0].type, rows[0].type.renewing_course, rows)
        for rows in sorted(grouped.values(), key=lambda r: (r[0].expires_on, r[0].type.name))
    ]
