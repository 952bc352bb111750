"""One company and everything under it: people, partnership, plan, blocks, meetings."""

import datetime as dt
import math
import random
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import AuditEvent
from companies.models import Company, Contact, EducationLevel, Employee, EmployeeGroup
from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity
from core.isoweek import add_workdays, iso_week_of
from partnerships.models import ActionItem, Meeting, Partnership
from scheduling.models import CourseBlock, Enrollment

from . import data
from .base import WEEKS_AHEAD, SeedReport, World, block_reference, cvr_from_seed

PLAN_STATUS_BY_PARTNERSHIP = {
    "agreement_draft": CompetencePlan.Status.DRAFT,
    "active": CompetencePlan.Status.IN_PROGRESS,
    "evaluation": CompetencePlan.Status.COMPLETED,
    "concluded": CompetencePlan.Status.COMPLETED,
    "paused": CompetencePlan.Status.APPROVED,
}
# Some active partnerships show the other plan states.
ACTIVE_PLAN_VARIANTS = [
    CompetencePlan.Status.IN_PROGRESS,
    CompetencePlan.Status.APPROVED,
    CompetencePlan.Status.PROPOSED,
]
SCHEDULED_PLAN_STATES = {
    CompetencePlan.Status.APPROVED,
    CompetencePlan.Status.IN_PROGRESS,
    CompetencePlan.Status.COMPLETED,
}


def generated_company(index: int, world: World) -> tuple:
    rng = random.Random(f"company-{index}")
    prefix = data.GENERATED_PREFIXES[index % len(data.GENERATED_PREFIXES)]
    kind, sector = data.GENERATED_KINDS[
        (index // len(data.GENERATED_PREFIXES)) % len(data.GENERATED_KINDS)
    ]
    school_index = index % len(world.schools)
    statuses = [s for s, _label in Partnership.Status.choices]
    coordinators = world.coordinators[world.schools[school_index].pk]
    return (
        f"{prefix} {kind} {index} A/S",
        sector,
        rng.choice(["10-49", "50-249", "50-249", "250+"]),
        False,
        world.schools[school_index].city,
        world.schools[school_index].postal_code,
        school_index,
        [],
        statuses[(index // len(world.schools)) % len(statuses)],
        coordinators[index % len(coordinators)].username,
        "Styrke konkurrenceevnen gennem et mere fleksibelt og kvalificeret personale.",
        "Investeringer i ny teknologi og mere selvstyrende teams.",
    )


def seed_company(index: int, spec: tuple, world: World, report: SeedReport) -> None:
    (
        name,
        sector,
        size_band,
        is_public,
        city,
        postal_code,
        school_index,
        other_indexes,
        status,
        coordinator_name,
        strategy,
        plans,
    ) = spec
    cvr = cvr_from_seed(index)
    if Company.objects.filter(cvr=cvr).exists():
        return
    rng = random.Random(f"company-{index}")
    company = Company.objects.create(
        name=name,
        cvr=cvr,
        sector=sector,
        size_band=size_band,
        is_public=is_public,
        address=f"Industrivej {index + 1}",
        postal_code=postal_code,
        city=city,
        strategy=strategy,
        development_plans=plans,
        registered_by=world.schools[school_index],
    )
    report.add("companies")
    Contact.objects.bulk_create(
        [
            Contact(
                company=company,
                name=_person(rng),
                role=role,
                job_title=title,
                email=f"{role.replace('_', '')}{index}@example.com",
                phone=f"+45 70 {index:02d} {n}0 {n}0",
            )
            for n, (role, title) in enumerate(
                [
                    (Contact.Role.HR, "HR-partner"),
                    (Contact.Role.MANAGEMENT, "Produktionschef"),
                    (Contact.Role.SHOP_STEWARD, "Tillidsrepræsentant"),
                ],
                start=1,
            )
        ]
    )
    report.add("contacts", 3)
    groups = EmployeeGroup.objects.bulk_create(
        [
            EmployeeGroup(company=company, name=group_name)
            for group_name in data.SECTOR_GROUPS[sector]
        ]
    )
    employees = _seed_employees(company, groups, rng, report)

    school = world.schools[school_index]
    coordinator = world.users[coordinator_name]
    partnership = _seed_partnership(
        company, school, other_indexes, status, coordinator, world, rng, report
    )
    if status not in PLAN_STATUS_BY_PARTNERSHIP:
        return
    plan_status = PLAN_STATUS_BY_PARTNERSHIP[status]
    if status == "active":
        plan_status = ACTIVE_PLAN_VARIANTS[index % len(ACTIVE_PLAN_VARIANTS)]
    activities = _seed_plan(partnership, plan_status, sector, groups, employees, world, rng, report)
    if plan_status in SCHEDULED_PLAN_STATES:
        _seed_blocks_for_plan(partnership, plan_status, activities, employees, world, rng, report)
    _seed_partnership_meetings(partnership, status, world, rng, report)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(data.FIRST_NAMES)} {rng.choice(data.LAST_NAMES)}"


def _seed_employees(company, groups, rng, report) -> list[Employee]:
    count = rng.randint(10, 80)
    names: set[str] = set()
    while len(names) < count:
        name = _person(rng)
        if name in names:
            name = f"{name.split()[0]} {rng.choice('ABCDEFGHJKLMNOPRST')}. {name.split()[1]}"
        names.add(name)
    levels = (
        [EducationLevel.UNSKILLED] * 4
        + [EducationLevel.SKILLED] * 4
        + [
            EducationLevel.SHORT_HIGHER,
            EducationLevel.MEDIUM_HIGHER,
            EducationLevel.UNKNOWN,
        ]
    )
    employees = Employee.objects.bulk_create(
        [
            Employee(
                company=company,
                name=name,
                group=groups[n % len(groups)],
                job_title=groups[n % len(groups)].name,
                education_level=rng.choice(levels),
                email=f"medarbejder{n}.{company.cvr}@example.com" if n % 3 else "",
                active=n % 17 != 16,
            )
            for n, name in enumerate(sorted(names))
        ]
    )
    report.add("employees", len(employees))
    return employees


def _seed_partnership(company, school, other_indexes, status, coordinator, world, rng, report):
    today = world.today
    started = status not in ("prospect", "agreement_draft")
    start = today - dt.timedelta(days=rng.randint(120, 420)) if started else None
    if status == "concluded":
        start = today - dt.timedelta(days=800)
    end = None
    if start:
        end = start + dt.timedelta(days=730)
        if status == "concluded":
            end = today - dt.timedelta(days=rng.randint(20, 90))
    approved = status in ("active", "evaluation", "concluded", "paused")
    partnership = Partnership.objects.create(
        company=company,
        lead_school=school,
        coordinator=coordinator,
        title=f"Kompetencepartnerskab {company.name.split(' ')[0]}",
        goals=(
            "Alle medarbejdere har en plan for deres kompetenceudvikling, der understøtter "
            "virksomhedens strategi. Mindst 80 % gennemfører de planlagte AMU-forløb."
        ),
        agreement_terms=(
            "Skolen stiller en tovholder til rådighed, udarbejder kompetenceplan og afholder "
            "AMU-forløb i aftalte ugeblokke. Virksomheden frigiver medarbejdere og deltager i "
            "evaluering. Aftalen løber to år."
        )
        if status != "prospect"
        else "",
        status=status,
        start_date=start,
        end_date=end,
        agreement_approved_by=world.leaders.get(school.pk) if approved else None,
        agreement_approved_at=(
            timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=7), dt.time(10)))
            if approved
            else None
        ),
        # Some partnerships have gone quiet: the dashboards' attention list needs them.
        last_activity_at=timezone.now() - dt.timedelta(days=rng.choice([1, 3, 8, 15, 30, 45, 75])),
    )
    if other_indexes:
        partnership.other_schools.set([world.schools[i] for i in other_indexes])
    _seed_history(partnership, world, report)
    report.add("partnerships")
    return partnership


# The lifecycle path each demo status went through, for the timeline.
LIFECYCLE_PATHS = {
    "prospect": [],
    "agreement_draft": ["agreement_draft"],
    "active": ["agreement_draft", "active"],
    "evaluation": ["agreement_draft", "active", "evaluation"],
    "concluded": ["agreement_draft", "active", "evaluation", "concluded"],
    "paused": ["agreement_draft", "active", "paused"],
}


def _seed_history(partnership, world, report) -> None:
    """Audit events as the services would have written them, at plausible times."""
    coordinator, leader = partnership.coordinator, world.leaders.get(partnership.lead_school_id)
    begun = partnership.start_date or (world.today - dt.timedelta(days=40))
    moment = timezone.make_aware(dt.datetime.combine(begun - dt.timedelta(days=60), dt.time(10)))
    events = [AuditEvent(action=AuditEvent.Action.CREATED, created_at=moment)]
    old = "prospect"
    for step, new in enumerate(LIFECYCLE_PATHS[partnership.status]):
        moment = moment + dt.timedelta(days=20 + 30 * step)
        if new == "active" and partnership.agreement_approved_at:
            moment = partnership.agreement_approved_at
        actor = leader if new == "active" else coordinator
        if new == "active":
            events.append(
                AuditEvent(
                    action=AuditEvent.Action.AGREEMENT_APPROVED, created_at=moment, actor=leader
                )
            )
        events.append(
            AuditEvent(
                action=AuditEvent.Action.STATE_CHANGED,
                created_at=moment,
                data={"field": "status", "from": old, "to": new},
                actor=actor,
            )
        )
        old = new
    partnership_type = ContentType.objects.get_for_model(Partnership)
    for event in events:
        event.actor = event.actor or coordinator
        event.actor_name = event.actor.get_username() if event.actor else ""
        event.target_type = partnership_type
        event.target_id = str(partnership.pk)
        event.target_repr = str(partnership)[:250]
    AuditEvent.objects.bulk_create(events)
    report.add("audit_events", len(events))


def _seed_plan(partnership, plan_status, sector, groups, employees, world, rng, report):
    if plan_status == CompetencePlan.Status.COMPLETED:
        start = world.week_monday - dt.timedelta(weeks=30)
    else:
        start = world.week_monday - dt.timedelta(weeks=8)
    approved = plan_status in SCHEDULED_PLAN_STATES
    hr_contact = partnership.company.contacts.filter(role=Contact.Role.HR).first()
    plan = CompetencePlan.objects.create(
        partnership=partnership,
        title=f"Kompetenceplan {start.year}",
        period_start=start,
        period_end=start + dt.timedelta(weeks=52),
        status=plan_status,
        strategy_background=partnership.company.strategy,
        needs_analysis=(
            "Behovsanalysen bygger på interviews med ledere og tillidsrepræsentant samt en "
            "kortlægning af medarbejdernes uddannelse. Især ufaglærte mangler certifikater, "
            "og teamlederne efterspørger ledelsesværktøjer."
        ),
        created_by=partnership.coordinator,
        approved_by=world.leaders.get(partnership.lead_school_id) if approved else None,
        approved_at=(
            timezone.make_aware(dt.datetime.combine(start - dt.timedelta(days=3), dt.time(9)))
            if approved
            else None
        ),
        # A proposed demo plan has waited three weeks: the leader's dashboard flags it.
        proposed_at=(
            timezone.make_aware(dt.datetime.combine(world.today, dt.time(9)))
            - dt.timedelta(days=21)
            if plan_status == CompetencePlan.Status.PROPOSED
            else None
        ),
    )
    report.add("plans")
    goals = CompetenceGoal.objects.bulk_create(
        [
            CompetenceGoal(
                plan=plan, position=1, title="Faglige certifikater til alle i produktionen"
            ),
            CompetenceGoal(plan=plan, position=2, title="Stærkere teamledelse og samarbejde"),
            CompetenceGoal(plan=plan, position=3, title="Læring fastholdes i det daglige arbejde"),
        ]
    )
    courses = [c for code in data.SECTOR_FKBS[sector] for c in world.courses_by_fkb[code]]
    common = world.courses_by_fkb["2311"]
    chosen = rng.sample(courses, k=min(3, len(courses))) + [rng.choice(common)]
    activities = []
    for n, course in enumerate(chosen):
        activities.append(
            PlanActivity(
                plan=plan,
                position=n + 1,
                kind=PlanActivity.Kind.AMU_COURSE,
                amu_course=course,
                title=course.title,
                goal=goals[0] if n < 3 else goals[1],
                planned_start=start + dt.timedelta(weeks=4 * n),
                planned_end=start + dt.timedelta(weeks=4 * n + 20),
                days=course.duration_days,
                responsible=partnership.coordinator.get_full_name(),
            )
        )
    activities += [
        PlanActivity(
            plan=plan,
            position=len(chosen) + 1,
            kind=PlanActivity.Kind.STAGED_LEARNING,
            title="Sidemandsoplæring med erfaren kollega efter kurset",
            goal=goals[2],
            description="Fire uger med fast sidemand og ugentlig opfølgning.",
            planned_start=start + dt.timedelta(weeks=6),
            planned_end=start + dt.timedelta(weeks=30),
            days=Decimal("4"),
            responsible="Produktionschef",
        ),
        PlanActivity(
            plan=plan,
            position=len(chosen) + 2,
            kind=PlanActivity.Kind.INFORMAL_LEARNING,
            title="Erfaringsudveksling på tavlemøder",
            goal=goals[2],
            planned_start=start,
            planned_end=start + dt.timedelta(weeks=52),
            days=Decimal("2"),
            responsible="Teamlederne",
        ),
        PlanActivity(
            plan=plan,
            position=len(chosen) + 3,
            kind=PlanActivity.Kind.OTHER_EDUCATION,
            title="Diplommodul i ledelse for teamledere",
            goal=goals[1],
            planned_start=start + dt.timedelta(weeks=10),
            planned_end=start + dt.timedelta(weeks=40),
            days=Decimal("10"),
            responsible=hr_contact.name if hr_contact else "",
        ),
    ]
    activities = PlanActivity.objects.bulk_create(activities)
    report.add("activities", len(activities))
    Through = PlanActivity.target_groups.through
    Through.objects.bulk_create(
        [
            Through(planactivity_id=activity.pk, employeegroup_id=groups[n % len(groups)].pk)
            for n, activity in enumerate(activities)
        ]
    )
    named = [e for e in employees if e.group_id != groups[0].pk][:3]
    PlanActivity.target_employees.through.objects.bulk_create(
        [
            PlanActivity.target_employees.through(
                planactivity_id=activities[-1].pk, employee_id=e.pk
            )
            for e in named
        ]
    )
    return activities


def _seed_blocks_for_plan(partnership, plan_status, activities, employees, world, rng, report):
    """Course blocks for the plan's AMU activities, with the target group enrolled."""
    by_group: dict[int, list[Employee]] = {}
    for employee in employees:
        if employee.active:
            by_group.setdefault(employee.group_id, []).append(employee)
    target_group = dict(
        PlanActivity.target_groups.through.objects.filter(
            planactivity__in=[a.pk for a in activities]
        ).values_list("planactivity_id", "employeegroup_id")
    )
    school = partnership.lead_school
    teachers = world.teachers.get(school.pk, [])
    departments = world.departments[school.pk]
    enrollments, block_teachers = [], []
    for n, activity in enumerate(a for a in activities if a.kind == PlanActivity.Kind.AMU_COURSE):
        participants = by_group.get(target_group.get(activity.pk), [])
        capacity = rng.choice([12, 14, 16, 18])
        if plan_status == CompetencePlan.Status.COMPLETED:
            week_offset = -rng.randint(10, 26)
        elif plan_status == CompetencePlan.Status.IN_PROGRESS:
            week_offset = rng.randint(-6, WEEKS_AHEAD - 1)
        else:
            week_offset = rng.randint(2, WEEKS_AHEAD - 1)
        for block_no in range(min(2, max(1, math.ceil(len(participants) / capacity)))):
            start = world.week_monday + dt.timedelta(weeks=week_offset + 3 * block_no)
            year, week = iso_week_of(start)
            at_company = (n + block_no) % 3 == 2
            days = max(1, math.ceil(activity.amu_course.duration_days))
            end = add_workdays(start, days)
            status = CourseBlock.Status.PLANNED
            if end < world.today:
                status = CourseBlock.Status.HELD
            elif start <= world.today + dt.timedelta(weeks=3):
                status = CourseBlock.Status.CONFIRMED
            block = CourseBlock.objects.create(
                school=school,
                department=departments[n % len(departments)],
                course=activity.amu_course,
                reference=block_reference(
                    school,
                    year,
                    week,
                    f"{activity.amu_course.number}-{partnership.company.cvr}"
                    f"-{activity.position}.{block_no + 1}",
                ),
                iso_year=year,
                iso_week=week,
                start_date=start,
                end_date=end,
                location=CourseBlock.Location.COMPANY
                if at_company
                else CourseBlock.Location.SCHOOL,
                company=partnership.company if at_company else None,
                address=partnership.company.address if at_company else "",
                capacity=capacity,
                status=status,
            )
            report.add("course_blocks")
            if teachers:
                block_teachers.append((block.pk, teachers[(n + block_no) % len(teachers)].pk))
            for person in participants[block_no * capacity : (block_no + 1) * capacity]:
                enrollments.append(
                    Enrollment(
                        employee=person,
                        course_block=block,
                        plan_activity=activity,
                        status=_enrollment_status(status, rng),
                    )
                )
    Enrollment.objects.bulk_create(enrollments)
    report.add("enrollments", len(enrollments))
    Through = CourseBlock.teachers.through
    Through.objects.bulk_create([Through(courseblock_id=b, user_id=u) for b, u in block_teachers])


def _enrollment_status(block_status: str, rng: random.Random) -> str:
    if block_status == CourseBlock.Status.HELD:
        return Enrollment.Status.NO_SHOW if rng.random() < 0.08 else Enrollment.Status.COMPLETED
    if block_status == CourseBlock.Status.CONFIRMED:
        return Enrollment.Status.ENROLLED
    return Enrollment.Status.PLANNED


def _seed_partnership_meetings(partnership, status, world, rng, report):
    if status in ("prospect",):
        return
    past = timezone.make_aware(
        dt.datetime.combine(world.today - dt.timedelta(days=rng.randint(10, 40)), dt.time(9))
    )
    upcoming = timezone.make_aware(
        dt.datetime.combine(world.today + dt.timedelta(days=rng.randint(5, 45)), dt.time(13))
    )
    held = Meeting.objects.create(
        kind=Meeting.Kind.PARTNERSHIP,
        partnership=partnership,
        title="Statusmøde om kompetenceplanen",
        starts_at=past,
        ends_at=past + dt.timedelta(hours=2),
        place=partnership.company.name,
        agenda="1. Status på holdene\n2. Tilmeldinger næste kvartal\n3. Evaluering",
        minutes=(
            "Holdene kører efter planen. HR sender tilmeldinger til næste kvartal "
            "inden for to uger."
        ),
        organiser=partnership.coordinator,
    )
    held.schools.add(partnership.lead_school)
    held.participants.add(partnership.coordinator)
    held.contact_participants.set(partnership.company.contacts.all()[:2])
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                partnership=partnership,
                meeting=held,
                title="Send tilmeldinger til næste kvartal",
                owner=partnership.coordinator,
                due_date=world.today + dt.timedelta(days=rng.randint(-10, 14)),
                # A concluded partnership has tied up its loose ends.
                done=status == "concluded",
                done_at=past + dt.timedelta(days=5) if status == "concluded" else None,
            ),
            ActionItem(
                partnership=partnership,
                meeting=held,
                title="Book lokale til virksomhedsforlagt hold",
                owner=partnership.coordinator,
                due_date=world.today - dt.timedelta(days=5),
                done=True,
                done_at=past + dt.timedelta(days=2),
            ),
        ]
    )
    report.add("action_items", 2)
    report.add("meetings")
    if status in ("active", "agreement_draft", "evaluation"):
        next_meeting = Meeting.objects.create(
            kind=Meeting.Kind.PARTNERSHIP,
            partnership=partnership,
            title="Partnerskabsmøde",
            starts_at=upcoming,
            ends_at=upcoming + dt.timedelta(hours=2),
            place=partnership.lead_school.name,
            agenda="1. Evaluering af gennemførte forløb\n2. Næste ugeblokke",
            organiser=partnership.coordinator,
        )
        next_meeting.schools.add(partnership.lead_school)
        next_meeting.participants.add(partnership.coordinator)
        report.add("meetings")
