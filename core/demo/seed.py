"""Deterministic, idempotent demo data.

Every company is created together with everything under it (contacts, employees,
partnership, plans, course blocks, enrollments, meetings) or not at all: a company
whose CVR already exists is skipped, so running the seed again adds nothing.
Randomness comes from a generator seeded per company, so the same company always
gets the same employees whatever the scale. Dates are relative to the week the
seed runs in, so the demo always shows "the coming 16 weeks".
"""

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import CompanyMembership, CompanyRole, SchoolMembership, SchoolRole
from companies.models import Company, Contact, EducationLevel, Employee, EmployeeGroup
from companies.validators import CVR_WEIGHTS
from competence_plans.models import CompetenceGoal, CompetencePlan, Enrollment, PlanActivity
from core.isoweek import iso_week_of
from partnerships.models import ActionItem, Experience, Meeting, Partnership, Theme
from schools.models import AmuCourse, CourseBlock, Department, Fkb, School

from . import data

DEMO_PASSWORD = "partnerskab"
WEEKS_AHEAD = 16

# username, first name, last name, school index or None, school roles, is superuser
STAFF = [
    ("tovholder", "Mette", "Kjær", 0, [SchoolRole.COORDINATOR], False),
    ("tovholder2", "Jens", "Holm", 1, [SchoolRole.COORDINATOR], False),
    ("leder", "Lars", "Bech", 0, [SchoolRole.LEADER], False),
    ("underviser", "Karin", "Dahl", 0, [SchoolRole.TEACHER], False),
    ("konsulent", "Helle", "Brandt", None, [SchoolRole.CONSULTANT], False),
    ("admin", "Ada", "Administrator", None, [], True),
]
# Staff the demo needs behind the scenes; they cannot log in (unusable password).
BACKGROUND_STAFF = [
    ("leder.amusyd", "Poul", "Nørgaard", 1, [SchoolRole.LEADER]),
    ("leder.amunord", "Inge", "Skov", 2, [SchoolRole.LEADER]),
    ("leder.tec", "Omar", "Haddad", 3, [SchoolRole.LEADER]),
    ("koordinator.nord", "Bodil", "Winther", 2, [SchoolRole.COORDINATOR]),
    ("koordinator.tec", "Simon", "Krogh", 3, [SchoolRole.COORDINATOR]),
    ("underviser.syd", "Gert", "Lauridsen", 1, [SchoolRole.TEACHER]),
    ("underviser.nord", "Lone", "Bak", 2, [SchoolRole.TEACHER]),
    ("underviser.tec", "Ali", "Demir", 3, [SchoolRole.TEACHER]),
]
HR_USERS = [
    ("hr", "Sofie", "Lund", "Østjysk Stålkonstruktion A/S"),
    ("hr2", "Mads", "Friis", "Kolding Transport & Logistik ApS"),
]

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


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, count: int = 1) -> None:
        self.created[name] = self.created.get(name, 0) + count


@dataclass
class World:
    """Reference data the per-company seeding draws on."""

    today: dt.date
    week_monday: dt.date
    schools: list[School]
    departments: dict[int, list[Department]]
    courses_by_fkb: dict[str, list[AmuCourse]]
    users: dict[str, object]
    coordinators: dict[int, list]
    teachers: dict[int, list]
    leaders: dict[int, object]


def cvr_from_seed(n: int) -> str:
    """The n-th valid CVR number in a fixed sequence starting at 3xxxxxxx."""
    candidate = 31_000_000 + n * 97
    while True:
        digits = str(candidate)
        for check in range(10):
            number = digits[:7] + str(check)
            if sum(int(d) * w for d, w in zip(number, CVR_WEIGHTS, strict=True)) % 11 == 0:
                return number
        candidate += 10  # the 7-digit prefix has no valid check digit; try the next


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date of the last of `days` working days beginning on `start`."""
    current, remaining = start, days - 1
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@transaction.atomic
def seed_demo(*, scale: int = 1, today: dt.date | None = None) -> SeedReport:
    today = today or timezone.localdate()
    report = SeedReport()
    world = _seed_reference_data(today=today, report=report)
    companies = [*data.COMPANIES]
    for index in range(len(data.COMPANIES), len(data.COMPANIES) * scale):
        companies.append(_generated_company(index, world))
    for index, spec in enumerate(companies):
        _seed_company(index, spec, world, report)
    _seed_hr_users(world, report)
    _seed_open_blocks(world, scale, report)
    _seed_network(world, report)
    return report


# --- reference data -----------------------------------------------------------


def _seed_reference_data(*, today: dt.date, report: SeedReport) -> World:
    schools, departments = [], {}
    for spec in data.SCHOOLS:
        school, created = School.objects.get_or_create(
            name=spec["name"],
            defaults={k: spec[k] for k in ("short_name", "address", "postal_code", "city")},
        )
        report.add("schools", created)
        schools.append(school)
        departments[school.pk] = []
        for name in spec["departments"]:
            department, created = Department.objects.get_or_create(school=school, name=name)
            report.add("departments", created)
            departments[school.pk].append(department)

    courses_by_fkb = {}
    for code, title, courses in data.CATALOGUE:
        fkb, created = Fkb.objects.get_or_create(code=code, defaults={"title": title})
        report.add("fkbs", created)
        courses_by_fkb[code] = []
        for number, course_title, days in courses:
            course, created = AmuCourse.objects.get_or_create(
                number=number,
                defaults={
                    "title": course_title,
                    "duration_days": Decimal(days),
                    "fkb": fkb,
                    "is_sample": True,
                },
            )
            report.add("amu_courses", created)
            courses_by_fkb[code].append(course)

    users = {}
    User = get_user_model()
    for username, first, last, school_index, roles, superuser in STAFF:
        user = _user(User, username, first, last, report, usable=True, superuser=superuser)
        users[username] = user
        member_of = schools if school_index is None else [schools[school_index]]
        for school in member_of:
            for role in roles:
                _, created = SchoolMembership.objects.get_or_create(
                    user=user, school=school, role=role
                )
                report.add("school_memberships", created)
    for username, first, last, school_index, roles in BACKGROUND_STAFF:
        user = _user(User, username, first, last, report, usable=False)
        users[username] = user
        for role in roles:
            _, created = SchoolMembership.objects.get_or_create(
                user=user, school=schools[school_index], role=role
            )
            report.add("school_memberships", created)

    def staff_of(role):
        by_school = {school.pk: [] for school in schools}
        for membership in SchoolMembership.objects.filter(
            role=role, user__username__in=users
        ).order_by("user__username"):
            by_school[membership.school_id].append(users[_username(users, membership.user_id)])
        return by_school

    leaders = {pk: people[0] for pk, people in staff_of(SchoolRole.LEADER).items() if people}
    monday = today - dt.timedelta(days=today.weekday())
    return World(
        today=today,
        week_monday=monday,
        schools=schools,
        departments=departments,
        courses_by_fkb=courses_by_fkb,
        users=users,
        coordinators=staff_of(SchoolRole.COORDINATOR),
        teachers=staff_of(SchoolRole.TEACHER),
        leaders=leaders,
    )


def _username(users: dict, user_id: int) -> str:
    return next(name for name, user in users.items() if user.pk == user_id)


def _user(User, username, first, last, report, *, usable, superuser=False):
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username.replace('.', '-')}@example.org",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        if usable:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    report.add("users", created)
    return user


def _generated_company(index: int, world: World) -> tuple:
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
        statuses[index % len(statuses)],
        coordinators[index % len(coordinators)].username,
        "Styrke konkurrenceevnen gennem et mere fleksibelt og kvalificeret personale.",
        "Investeringer i ny teknologi og mere selvstyrende teams.",
    )


# --- one company and everything under it ---------------------------------------


def _seed_company(index: int, spec: tuple, world: World, report: SeedReport) -> None:
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
    )
    if other_indexes:
        partnership.other_schools.set([world.schools[i] for i in other_indexes])
    report.add("partnerships")
    return partnership


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
                reference=_block_reference(
                    school,
                    year,
                    week,
                    f"{activity.amu_course.number}-P{activity.pk}-{block_no + 1}",
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


def _block_reference(school, year: int, week: int, suffix: str) -> str:
    return f"{school.short_name.replace(' ', '').upper()}-{year}{week:02d}-{suffix}"


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


def _seed_hr_users(world: World, report: SeedReport) -> None:
    User = get_user_model()
    for username, first, last, company_name in HR_USERS:
        user = _user(User, username, first, last, report, usable=True)
        company = Company.objects.get(name=company_name)
        _, created = CompanyMembership.objects.get_or_create(
            user=user, company=company, role=CompanyRole.HR
        )
        report.add("company_memberships", created)


def _seed_open_blocks(world: World, scale: int, report: SeedReport) -> None:
    """Open AMU blocks in every school's week plan for the coming weeks."""
    all_courses = [c for courses in world.courses_by_fkb.values() for c in courses]
    existing = set(
        CourseBlock.objects.filter(reference__contains="-OPEN-").values_list(
            "school_id", "reference"
        )
    )
    new_blocks, teacher_links = [], []
    for school_index, school in enumerate(world.schools):
        rng = random.Random(f"open-{school_index}")
        for week_offset in range(WEEKS_AHEAD):
            start = world.week_monday + dt.timedelta(weeks=week_offset)
            year, week = iso_week_of(start)
            for n in range(scale):
                course = all_courses[
                    (school_index * 7 + week_offset * 3 + n * 5) % len(all_courses)
                ]
                reference = (
                    f"{school.short_name.replace(' ', '').upper()}-{year}{week:02d}-OPEN-{n + 1}"
                )
                if (school.pk, reference) in existing:
                    continue
                new_blocks.append(
                    CourseBlock(
                        school=school,
                        department=world.departments[school.pk][n % 3],
                        course=course,
                        reference=reference,
                        iso_year=year,
                        iso_week=week,
                        start_date=start,
                        end_date=add_workdays(start, max(1, math.ceil(course.duration_days))),
                        capacity=rng.choice([12, 16, 20]),
                        status=CourseBlock.Status.CONFIRMED
                        if week_offset < 3
                        else CourseBlock.Status.PLANNED,
                    )
                )
    created = CourseBlock.objects.bulk_create(new_blocks)
    for n, block in enumerate(created):
        teachers = world.teachers.get(block.school_id, [])
        if teachers and n % 2 == 0:
            teacher_links.append(
                CourseBlock.teachers.through(courseblock_id=block.pk, user_id=teachers[0].pk)
            )
    CourseBlock.teachers.through.objects.bulk_create(teacher_links)
    report.add("course_blocks", len(created))


def _seed_network(world: World, report: SeedReport) -> None:
    consultant = world.users["konsulent"]
    themes = {}
    for name in data.THEMES:
        themes[name], created = Theme.objects.get_or_create(name=name)
        report.add("themes", created)
    network_meetings = [
        (
            Meeting.Kind.ACTOR_SEMINAR,
            "Aktørseminar: læringsrum på arbejdspladsen",
            21,
            "Hotel Koldingfjord",
        ),
        (
            Meeting.Kind.LEADER_SEMINAR,
            "Lederseminar: skolen som strategisk partner",
            49,
            "Comwell Aarhus",
        ),
        (Meeting.Kind.NETWORK, "Netværksmøde for tovholdere", -14, "AMU Syd, Kolding"),
        (
            Meeting.Kind.INTERNAL_FORUM,
            "Tværfagligt forum: erfaringer fra partnerskaberne",
            9,
            "Århus Tekniske Skole",
        ),
    ]
    for kind, title, days, place in network_meetings:
        if Meeting.objects.filter(title=title).exists():
            continue
        starts = timezone.make_aware(
            dt.datetime.combine(world.today + dt.timedelta(days=days), dt.time(9, 30))
        )
        meeting = Meeting.objects.create(
            kind=kind,
            title=title,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=6),
            place=place,
            agenda="Velkomst\nOplæg fra proceskonsulent\nErfaringsudveksling i grupper\nOpsamling",
            organiser=consultant,
        )
        meeting.schools.set(
            world.schools if kind != Meeting.Kind.INTERNAL_FORUM else world.schools[:1]
        )
        meeting.participants.add(consultant, world.users["tovholder"], world.users["tovholder2"])
        report.add("meetings")
        if days < 0:
            ActionItem.objects.create(
                meeting=meeting,
                title="Saml eksempler på iscenesat læring til næste seminar",
                owner=consultant,
                due_date=world.today + dt.timedelta(days=10),
            )
            report.add("action_items")
    partnership_of_school = {
        p.lead_school_id: p for p in Partnership.objects.filter(status="active").order_by("pk")
    }
    authors = [
        world.users["tovholder"],
        world.users["tovholder2"],
        world.users["koordinator.nord"],
        world.users["koordinator.tec"],
    ]
    for title, body, theme_names, visibility, school_index in data.EXPERIENCES:
        if Experience.objects.filter(title=title).exists():
            continue
        school = world.schools[school_index]
        experience = Experience.objects.create(
            title=title,
            body=body,
            author=authors[school_index],
            school=school,
            visibility=visibility,
            partnership=partnership_of_school.get(school.pk),
        )
        experience.themes.set([themes[name] for name in theme_names])
        report.add("experiences")
