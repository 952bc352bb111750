"""Schools, departments, the sample AMU catalogue and the school staff."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.models import SchoolMembership, SchoolRole
from scheduling.models import TeacherQualification
from schools.models import AmuCourse, Department, Fkb, FundingRate, School
from schools.published_rates import seed_rates

from . import data
from .base import SeedReport, World, demo_user, username_of

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


def seed_reference_data(*, today: dt.date, report: SeedReport) -> World:
    # The migration seeded the rates; a database emptied since gets them back.
    report.add("funding_rates", seed_rates(FundingRate))
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
        user = demo_user(User, username, first, last, report, usable=True, superuser=superuser)
        users[username] = user
        member_of = schools if school_index is None else [schools[school_index]]
        for school in member_of:
            for role in roles:
                _, created = SchoolMembership.objects.get_or_create(
                    user=user, school=school, role=role
                )
                report.add("school_memberships", created)
    for username, first, last, school_index, roles in BACKGROUND_STAFF:
        user = demo_user(User, username, first, last, report, usable=False)
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
            by_school[membership.school_id].append(users[username_of(users, membership.user_id)])
        return by_school

    leaders = {pk: people[0] for pk, people in staff_of(SchoolRole.LEADER).items() if people}
    teachers = staff_of(SchoolRole.TEACHER)
    _seed_qualifications(teachers, list(Fkb.objects.filter(code__in=courses_by_fkb)))
    monday = today - dt.timedelta(days=today.weekday())
    return World(
        today=today,
        week_monday=monday,
        schools=schools,
        departments=departments,
        courses_by_fkb=courses_by_fkb,
        users=users,
        coordinators=staff_of(SchoolRole.COORDINATOR),
        teachers=teachers,
        leaders=leaders,
    )


def _seed_qualifications(teachers: dict, fkbs: list) -> None:
    """Each demo teacher may teach every course of the sample catalogue's FKBs at their
    school, so the planner has teachers to give blocks to."""
    for school_id, people in teachers.items():
        for teacher in people:
            for fkb in fkbs:
                TeacherQualification.objects.get_or_create(
                    school_id=school_id, teacher=teacher, fkb=fkb
                )
