"""Planning in ISO weeks: the dates a block takes skip Danish public holidays and the
school's closed periods; a block moves to another week through its form, re-checked,
and the people on it are told."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from notifications.models import Notification
from scheduling.calendar import NoTeachingDays, block_dates, closed_days, public_holidays
from scheduling.models import CourseBlock, SchoolClosure
from tests.factories import AmuCourseFactory, CourseBlockFactory, EnrollmentFactory, SchoolFactory

pytestmark = pytest.mark.django_db


def _dates(school, year, week, days, weekday=0):
    found = block_dates(
        school_id=school.pk,
        iso_year=year,
        iso_week=week,
        weekday=weekday,
        duration_days=Decimal(days),
    )
    return found.start, found.end


@pytest.mark.parametrize(
    ("year", "week", "days", "start", "end"),
    [
        # An ordinary week: Monday to Friday.
        (2026, 37, "5", dt.date(2026, 9, 7), dt.date(2026, 9, 11)),
        # Easter: Maundy Thursday, Good Friday and Easter Monday are skipped.
        (2026, 14, "5", dt.date(2026, 3, 30), dt.date(2026, 4, 8)),
        # Christmas Eve and Christmas Day (Thursday, Friday) are skipped.
        (2026, 52, "5", dt.date(2026, 12, 21), dt.date(2026, 12, 29)),
        # Grundlovsdag, Friday 5 June 2026.
        (2026, 23, "5", dt.date(2026, 6, 1), dt.date(2026, 6, 8)),
        # Ascension Day, Thursday 14 May 2026.
        (2026, 20, "5", dt.date(2026, 5, 11), dt.date(2026, 5, 18)),
        # Store Bededag, Friday 5 May 2023, was still a holiday...
        (2023, 18, "5", dt.date(2023, 5, 1), dt.date(2023, 5, 8)),
        # ...and is gone from 2024 (it would have been Friday 26 April).
        (2024, 17, "5", dt.date(2024, 4, 22), dt.date(2024, 4, 26)),
        # Half days: 2.5 AMU days take three days, the last a half day.
        (2026, 37, "2.5", dt.date(2026, 9, 7), dt.date(2026, 9, 9)),
        (2026, 37, "0.5", dt.date(2026, 9, 7), dt.date(2026, 9, 7)),
        # A course longer than a week runs on into the next.
        (2026, 37, "7", dt.date(2026, 9, 7), dt.date(2026, 9, 15)),
    ],
)
def test_the_dates_follow_the_course_days_and_skip_holidays(year, week, days, start, end):
    assert _dates(SchoolFactory(), year, week, days) == (start, end)


def test_a_closed_start_day_moves_the_start_within_the_week():
    # Week 15 of 2026 begins with Easter Monday.
    assert _dates(SchoolFactory(), 2026, 15, "2") == (dt.date(2026, 4, 7), dt.date(2026, 4, 8))


def test_a_later_start_day_is_kept():
    assert _dates(SchoolFactory(), 2026, 37, "2", weekday=3) == (
        dt.date(2026, 9, 10),
        dt.date(2026, 9, 11),
    )


def test_the_schools_closed_period_is_skipped_but_not_another_schools():
    school, other = SchoolFactory(), SchoolFactory()
    SchoolClosure.objects.create(
        school=school,
        name="Efterårsferie",
        first_day=dt.date(2026, 10, 14),
        last_day=dt.date(2026, 10, 16),
    )
    assert _dates(school, 2026, 42, "5") == (dt.date(2026, 10, 12), dt.date(2026, 10, 21))
    assert _dates(other, 2026, 42, "5") == (dt.date(2026, 10, 12), dt.date(2026, 10, 16))


def test_a_week_the_school_is_closed_from_the_start_day_is_refused():
    school = SchoolFactory()
    SchoolClosure.objects.create(
        school=school,
        name="Sommerferie",
        first_day=dt.date(2026, 7, 8),
        last_day=dt.date(2026, 7, 31),
    )
    # From Monday there are two open days; from Wednesday none in that week.
    assert _dates(school, 2026, 28, "2") == (dt.date(2026, 7, 6), dt.date(2026, 7, 7))
    with pytest.raises(NoTeachingDays, match="Sommerferie"):
        _dates(school, 2026, 28, "1", weekday=2)


def test_closed_days_are_weekdays_only():
    """Boxing Day 2026 is a Saturday: no teaching day is lost to it."""
    school = SchoolFactory()
    with translation.override("da"):
        assert closed_days(school.pk, dt.date(2026, 12, 21), dt.date(2026, 12, 27)) == {
            dt.date(2026, 12, 24): "Juleaftensdag",
            dt.date(2026, 12, 25): "Juledag",
        }


def test_holidays_are_named_in_the_active_language():
    day = dt.date(2026, 6, 5)
    with translation.override("da"):
        assert public_holidays(day, day) == {day: "Grundlovsdag"}
    with translation.override("en"):
        assert public_holidays(day, day) == {day: "Constitution Day"}
    # 1 May is not a day off under the schools' agreements.
    assert public_holidays(dt.date(2026, 5, 1), dt.date(2026, 5, 1)) == {}


# --- the block form ----------------------------------------------------------------------


def _form_data(block, week, **extra):
    return {
        "school": block.school_id,
        "course": block.course_id,
        "week": week,
        "start_day": "0",
        "location": block.location,
        "capacity": block.capacity,
        "min_participants": 0,
        "pooled": "on",
        "status": block.status,
        **extra,
    }


def test_a_block_is_created_by_week_with_its_dates_derived(client, tenants):
    client.force_login(tenants["coordinator"])
    course = AmuCourseFactory(duration_days=Decimal("5"))
    response = client.post(
        reverse("scheduling:block_create"),
        {
            "school": tenants["school_a"].pk,
            "course": course.pk,
            "week": "2026-W14",
            "start_day": "0",
            "location": "school",
            "capacity": 12,
            "min_participants": 6,
            "pooled": "on",
            "status": "planned",
        },
    )
    assert response.status_code == 302
    block = CourseBlock.objects.get(course=course)
    assert (block.iso_year, block.iso_week) == (2026, 14)
    assert (block.start_date, block.end_date) == (dt.date(2026, 3, 30), dt.date(2026, 4, 8))
    page = client.get(reverse("scheduling:block_detail", args=[block.pk])).content.decode()
    assert "Skærtorsdag" in page and "Anden påskedag" in page


def test_a_block_moves_to_another_week_and_the_people_on_it_are_told(client, tenants):
    block = tenants["block_a"]
    client.force_login(tenants["coordinator"])
    target = block.start_date + dt.timedelta(weeks=3)
    year, week = target.isocalendar()[:2]
    response = client.post(
        reverse("scheduling:block_update", args=[block.pk]),
        _form_data(block, f"{year}-W{week:02d}", confirm_conflicts="on"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    block.refresh_from_db()
    assert (block.iso_year, block.iso_week) == (year, week)
    assert block.start_date.isocalendar()[:2] == (year, week)
    told = set(
        Notification.objects.filter(kind="block_moved", target_id=str(block.pk)).values_list(
            "recipient__username", flat=True
        )
    )
    # The HR of the company with a person on it, and the block's teacher.
    assert {tenants["hr"].username, tenants["teacher"].username} <= told
    assert tenants["other_hr"].username not in told


def test_saving_a_block_in_its_own_week_tells_nobody(client, tenants):
    block = tenants["block_a"]
    client.force_login(tenants["coordinator"])
    client.post(
        reverse("scheduling:block_update", args=[block.pk]),
        _form_data(
            block,
            f"{block.iso_year}-W{block.iso_week:02d}",
            confirm_conflicts="on",
            capacity=block.capacity + 1,
        ),
    )
    block.refresh_from_db()
    assert block.capacity == 17
    assert not Notification.objects.filter(kind="block_moved").exists()


@pytest.mark.parametrize("week", ["2026-W54", "next week", "", "2026-W00"])
def test_a_week_that_does_not_exist_is_a_clear_error(client, tenants, week):
    block = tenants["block_a"]
    client.force_login(tenants["coordinator"])
    response = client.post(
        reverse("scheduling:block_update", args=[block.pk]), _form_data(block, week)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["week"]


def test_a_block_at_the_school_shows_the_schools_address(client, tenants):
    school = tenants["school_a"]
    school.address, school.postal_code, school.city = "Skolevej 1", "8000", "Aarhus C"
    school.save()
    block = CourseBlockFactory(school=school, company=tenants["company_a"], location="school")
    assert block.place == f"{school.name}, Skolevej 1, 8000 Aarhus C"
    assert tenants["company_a"].name not in block.place
    at_company = CourseBlockFactory(school=school, company=tenants["company_a"], location="company")
    assert at_company.place.startswith(tenants["company_a"].name)
    typed = CourseBlockFactory(school=school, location="other", address="Havnen 3, Grenaa")
    assert typed.place == "Havnen 3, Grenaa"


def test_the_week_plan_marks_a_double_booked_teacher(client, tenants):
    block = tenants["block_a"]
    CourseBlockFactory(
        school=block.school,
        start_date=block.end_date,
        end_date=block.end_date,
        teachers=[tenants["teacher"]],
    )
    EnrollmentFactory(course_block=block)
    client.force_login(tenants["coordinator"])
    monday = block.start_date - dt.timedelta(days=block.start_date.weekday())
    year, week = monday.isocalendar()[:2]
    page = client.get(
        reverse("scheduling:week_plan"), {"week": f"{year}-W{week:02d}", "rows": "teacher"}
    ).content.decode()
    assert page.count(' clash"') == 2


# --- the school calendar page -----------------------------------------------------------


def test_a_leader_adds_and_removes_a_closed_period(client, tenants):
    client.force_login(tenants["leader"])
    url = reverse("scheduling:closures")
    data = {
        "school": tenants["school_a"].pk,
        "name": "Vinterferie",
        "first_day": "2027-02-15",
        "last_day": "2027-02-19",
    }
    assert client.post(url, data).status_code == 302
    closure = SchoolClosure.objects.get(name="Vinterferie")
    assert (closure.school, closure.last_day) == (tenants["school_a"], dt.date(2027, 2, 19))
    with pytest.raises(NoTeachingDays):  # the whole of week 7 is closed
        _dates(tenants["school_a"], 2027, 7, "2")
    assert client.post(url, {"remove": closure.pk}).status_code == 302
    assert not SchoolClosure.objects.exists()


@pytest.mark.parametrize(
    ("first", "last", "field"),
    [
        ("2027-02-19", "2027-02-18", "last_day"),  # one day before the first
        ("2027-02-01", "2027-05-05", "last_day"),  # more than three months
        ("2027-02-30", "2027-03-01", "first_day"),  # no such day
        ("\x00", "2027-03-01", "first_day"),
    ],
)
def test_a_wrong_closed_period_is_refused_at_its_field(client, tenants, first, last, field):
    client.force_login(tenants["coordinator"])
    response = client.post(
        reverse("scheduling:closures"),
        {"school": tenants["school_a"].pk, "name": "X", "first_day": first, "last_day": last},
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SchoolClosure.objects.exists()


def test_a_three_month_closed_period_is_allowed():
    school = SchoolFactory()
    from scheduling.forms import ClosureForm

    form = ClosureForm(
        {
            "school": school.pk,
            "name": "Ombygning",
            "first_day": "2027-02-01",
            "last_day": "2027-05-04",
        },
        schools=type(school).objects.filter(pk=school.pk),
    )
    assert form.is_valid(), form.errors  # 92 days


def test_nobody_removes_another_schools_closed_period(client, tenants):
    theirs = SchoolClosure.objects.create(
        school=tenants["school_b"],
        name="Deres",
        first_day=dt.date(2027, 2, 1),
        last_day=dt.date(2027, 2, 2),
    )
    client.force_login(tenants["coordinator"])
    response = client.post(reverse("scheduling:closures"), {"remove": theirs.pk})
    assert response.status_code == 404
    assert client.post(reverse("scheduling:closures"), {"remove": "x"}).status_code == 404
    assert SchoolClosure.objects.filter(pk=theirs.pk).exists()
    client.force_login(tenants["teacher"])
    assert client.post(reverse("scheduling:closures"), {"remove": theirs.pk}).status_code == 403
