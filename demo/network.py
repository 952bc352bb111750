"""What spans companies: HR logins, open blocks in the week plans, network meetings."""

import datetime as dt
import math
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import CompanyMembership, CompanyRole
from companies.models import Company
from core.isoweek import add_workdays, iso_week_of, week_monday
from partnerships.models import ActionItem, Experience, Meeting, Partnership, Theme
from scheduling.models import CourseBlock

from . import data
from .base import WEEKS_AHEAD, SeedReport, World, demo_user

HR_USERS = [
    ("hr", "Sofie", "Lund", "Østjysk Stålkonstruktion A/S"),
    ("hr2", "Mads", "Friis", "Kolding Transport & Logistik ApS"),
]


def seed_hr_users(world: World, report: SeedReport) -> None:
    User = get_user_model()
    for username, first, last, company_name in HR_USERS:
        user = demo_user(User, username, first, last, report, usable=True)
        company = Company.objects.get(name=company_name)
        _, created = CompanyMembership.objects.get_or_create(
            user=user, company=company, role=CompanyRole.HR
        )
        report.add("company_memberships", created)


def seed_open_blocks(world: World, scale: int, report: SeedReport) -> None:
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
                        min_participants=6,
                        status=CourseBlock.Status.CONFIRMED
                        if week_offset < 3
                        else CourseBlock.Status.PLANNED,
                    )
                )
    created = CourseBlock.objects.bulk_create(new_blocks)
    for n, block in enumerate(created):
        teachers = world.teachers.get(block.school_id, [])
        # Every other week's first open block has the school's teacher. At a larger
        # scale the extra blocks of a week (-OPEN-2, -3 …) have none: one teacher on
        # fifteen blocks a week would be a demo of nothing but double bookings.
        if teachers and n % 2 == 0 and block.reference.endswith("-OPEN-1"):
            teacher_links.append(
                CourseBlock.teachers.through(courseblock_id=block.pk, user_id=teachers[0].pk)
            )
    CourseBlock.teachers.through.objects.bulk_create(teacher_links)
    report.add("course_blocks", len(created))


def seed_school_calendar(world: World, report: SeedReport) -> None:
    """Every school closes for Christmas and four summer weeks; a partner company holds
    seats on two of its school's open blocks before naming people."""
    from partnerships.models import Partnership
    from scheduling.models import BlockReservation, SchoolClosure

    year = world.today.year
    summer = week_monday(year + 1, 28)
    for school in world.schools:
        for name, first, last in [
            ("Juleferie", dt.date(year, 12, 23), dt.date(year + 1, 1, 1)),
            ("Sommerferie", summer, summer + dt.timedelta(weeks=4, days=-1)),
        ]:
            _closure, created = SchoolClosure.objects.get_or_create(
                school=school, name=name, first_day=first, defaults={"last_day": last}
            )
            report.add("school_closures", int(created))
        partner = (
            Partnership.objects.filter(lead_school=school).order_by("pk").values("company").first()
        )
        if not partner:
            continue
        for block in CourseBlock.objects.filter(
            school=school, reference__contains="-OPEN-", start_date__gt=world.today
        ).order_by("start_date")[1:3]:
            _reservation, created = BlockReservation.objects.get_or_create(
                block=block, company_id=partner["company"], defaults={"seats": 3}
            )
            report.add("seat_reservations", int(created))


def seed_network(world: World, report: SeedReport) -> None:
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
