"""ÅE against target: hand-computed months, year boundaries, missing targets, the
department's own target, the targets page and its rules."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, SchoolRole
from dashboards import selectors
from scheduling.models import CourseBlock, Enrollment
from schools.models import AeTarget
from tests.factories import (
    AmuCourseFactory,
    CourseBlockFactory,
    DepartmentFactory,
    EnrollmentFactory,
    SchoolFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def block(school, start, days, participants, *, status="planned", completed=0, department=None):
    """A block of a `days`-day course with `participants` enrolled, `completed` of them
    marked completed (the rest enrolled)."""
    made = CourseBlockFactory(
        school=school,
        department=department,
        course=AmuCourseFactory(duration_days=D(days)),
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        capacity=max(participants, 1),
        status=status,
    )
    for n in range(participants):
        EnrollmentFactory(
            course_block=made,
            status=Enrollment.Status.COMPLETED if n < completed else Enrollment.Status.ENROLLED,
        )
    return made


def figures(school, start, end, today, department=None, schools=None):
    filters = selectors.Filters(
        schools=schools or [school], start=start, end=end, department=department
    )
    scope = selectors.scope_for(
        selectors.Partnership.objects.all(), CourseBlock.objects.all(), filters
    )
    return selectors.against_target(filters, selectors.months(scope), today)


def test_months_against_target_hand_computed():
    school = SchoolFactory()
    AeTarget.objects.create(school=school, year=2026, target=D(24))  # 2 a month
    # January, held: 40 on a 5-day course, 30 completed → planned 1 ÅE, realised 0.75.
    block(school, dt.date(2026, 1, 5), 5, 40, status="held", completed=30)
    # March, planned: 20 on a 10-day course → 1 ÅE planned.
    block(school, dt.date(2026, 3, 2), 10, 20)
    # A cancelled block counts for nothing.
    block(school, dt.date(2026, 3, 9), 10, 20, status=CourseBlock.Status.CANCELLED)
    t = figures(school, dt.date(2026, 1, 1), dt.date(2026, 12, 31), today=dt.date(2026, 2, 15))
    assert t["shown"] and t["missing"] == []
    months = {m["month"].month: m for m in t["months"]}
    assert len(months) == 12
    jan, feb, mar = months[1], months[2], months[3]
    assert (jan["target"], jan["planned"], jan["realised"]) == (D(2), D(1), D("0.75"))
    assert jan["past"] and jan["forecast"] == D("0.75")  # gone by: what was realised
    assert not feb["past"] and feb["forecast"] == D(0)  # this month: what is planned
    assert (mar["planned"], mar["realised"], mar["forecast"]) == (D(1), D(0), D(1))
    assert mar["cumulative_target"] == D(6)
    assert mar["cumulative_forecast"] == D("1.75")
    assert mar["cumulative_realised"] == D("0.75")
    assert months[12]["cumulative_target"] == D(24)
    assert (t["target"], t["planned"], t["realised"], t["forecast"]) == (
        D(24),
        D(2),
        D("0.75"),
        D("1.75"),
    )
    assert t["forecast_share"] == D("1.75") / D(24)


def test_the_month_of_today_counts_what_is_planned_and_the_month_before_what_was_realised():
    school = SchoolFactory()
    AeTarget.objects.create(school=school, year=2026, target=D(12))
    block(school, dt.date(2026, 3, 2), 5, 40, status="held", completed=20)
    end_of_march = figures(school, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 3, 31))
    first_of_april = figures(school, dt.date(2026, 3, 1), dt.date(2026, 3, 31), dt.date(2026, 4, 1))
    assert end_of_march["forecast"] == D(1)  # still this month: planned
    assert first_of_april["forecast"] == D("0.5")  # gone by: realised


def test_each_month_takes_the_target_of_its_own_year():
    school = SchoolFactory()
    AeTarget.objects.create(school=school, year=2025, target=D(12))
    AeTarget.objects.create(school=school, year=2026, target=D(24))
    t = figures(school, dt.date(2025, 11, 1), dt.date(2026, 2, 28), dt.date(2026, 1, 1))
    assert [m["target"] for m in t["months"]] == [D(1), D(1), D(2), D(2)]
    assert t["target"] == D(6)


def test_a_year_without_a_target_leaves_its_months_without_one_and_says_whose():
    school = SchoolFactory()
    AeTarget.objects.create(school=school, year=2025, target=D(12))
    t = figures(school, dt.date(2025, 12, 1), dt.date(2026, 1, 31), dt.date(2026, 1, 1))
    assert [m["target"] for m in t["months"]] == [D(1), None]
    assert [m["cumulative_target"] for m in t["months"]] == [D(1), None]
    assert t["target"] is None and t["forecast_share"] is None
    assert t["missing"] == [(2026, school)]


def test_a_department_is_compared_with_its_own_target_not_the_schools():
    school = SchoolFactory()
    welding, other = DepartmentFactory(school=school), DepartmentFactory(school=school)
    AeTarget.objects.create(school=school, year=2026, target=D(120))
    AeTarget.objects.create(school=school, department=welding, year=2026, target=D(12))
    block(school, dt.date(2026, 5, 4), 5, 40, department=welding)
    block(school, dt.date(2026, 5, 4), 5, 80, department=other)
    start, end, today = dt.date(2026, 5, 1), dt.date(2026, 5, 31), dt.date(2026, 1, 1)
    t = figures(school, start, end, today, department=welding)
    assert (t["target"], t["planned"]) == (D(1), D(1))
    assert figures(school, start, end, today)["target"] == D(10)
    assert figures(school, start, end, today)["planned"] == D(3)
    t = figures(school, start, end, today, department=other)
    assert t["target"] is None and t["missing"] == [(2026, other)]


def test_schools_side_by_side_add_their_targets_up_and_one_missing_is_named():
    a, b = SchoolFactory(), SchoolFactory()
    AeTarget.objects.create(school=a, year=2026, target=D(12))
    start, end, today = dt.date(2026, 1, 1), dt.date(2026, 1, 31), dt.date(2026, 1, 1)
    t = figures(a, start, end, today, schools=[a, b])
    assert t["target"] is None and t["missing"] == [(2026, b)]
    AeTarget.objects.create(school=b, year=2026, target=D(36))
    assert figures(a, start, end, today, schools=[a, b])["target"] == D(4)


def test_a_partnership_filter_or_a_very_long_period_shows_no_target():
    school = SchoolFactory()
    filters = selectors.Filters(
        schools=[school], start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), sector="metal"
    )
    assert selectors.against_target(filters, [], dt.date(2026, 1, 1)) == {
        "shown": False,
        "reason": "partnership_filter",
    }
    sixty = figures(school, dt.date(2026, 1, 1), dt.date(2030, 12, 31), dt.date(2026, 1, 1))
    assert sixty["shown"] and len(sixty["months"]) == 60
    longer = figures(school, dt.date(2026, 1, 1), dt.date(2031, 1, 1), dt.date(2026, 1, 1))
    assert longer == {"shown": False, "reason": "too_long"}


# --- The dashboard and the targets page ------------------------------------------------


@pytest.fixture
def leader(client):
    school = SchoolFactory(name="Vestjysk AMU")
    DepartmentFactory(school=school, name="Svejsning")
    user = SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user
    client.force_login(user)
    return user, school


def test_the_dashboard_shows_the_target_table_and_exports_it(client, leader):
    _user, school = leader
    AeTarget.objects.create(school=school, year=2025, target=D("30"))
    block(school, dt.date(2025, 2, 3), 5, 40, status="held", completed=40)
    period = {"start": "2025-01-01", "end": "2025-12-31"}
    response = client.get(reverse("dashboards:school"), period)
    html = response.content.decode()
    assert 'id="targets-heading"' in html
    assert reverse("schools:ae_targets_year", args=[2025]) in html
    t = response.context["dashboard"].targets
    assert (t["target"], t["realised"], t["forecast"]) == (D(30), D(1), D(1))
    export = client.get(reverse("dashboards:school"), {**period, "export": "targets"})
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 13
    assert rows[2] == ["2025-02", "2,500", "1,000", "1,000", "1,000", "5,000", "1,000"]


def test_a_coordinator_sees_targets_but_is_not_offered_to_set_them(client):
    school = SchoolFactory()
    AeTarget.objects.create(school=school, year=2026, target=D(12))
    client.force_login(SchoolMembershipFactory(school=school, role=SchoolRole.LEADER).user)
    coordinator = SchoolMembershipFactory(school=school, role=SchoolRole.COORDINATOR).user
    client.force_login(coordinator)
    html = client.get(reverse("dashboards:school")).content.decode()
    assert 'id="targets-heading"' in html
    assert reverse("schools:ae_targets") not in html
    assert client.get(reverse("schools:ae_targets")).status_code == 403


def test_a_leader_sets_targets_with_a_decimal_comma_and_clears_one(client, leader):
    user, school = leader
    department = school.departments.get()
    url = reverse("schools:ae_targets_year", args=[2027])
    page = client.get(url)
    assert f'name="s{school.pk}"' in page.content.decode()
    response = client.post(url, {f"s{school.pk}": "120,5", f"d{department.pk}": "40"})
    assert response.status_code == 302
    assert AeTarget.objects.get(school=school, department=None, year=2027).target == D("120.5")
    assert AeTarget.objects.get(department=department, year=2027).target == D(40)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATED, actor=user)
    assert event.data["ae_targets"]["year"] == 2027
    assert len(event.data["ae_targets"]["changes"]) == 2
    client.post(url, {f"s{school.pk}": "120,5", f"d{department.pk}": ""})
    assert not AeTarget.objects.filter(department=department).exists()
    assert AeTarget.objects.filter(school=school, department=None, year=2027).exists()
    assert client.get(url).context["form"][f"s{school.pk}"].value() == D("120.5")


@pytest.mark.parametrize("value", ["-1", "12,34", "abc", "1000000"])
def test_bad_targets_are_refused_at_the_field_and_nothing_is_saved(client, leader, value):
    _user, school = leader
    department = school.departments.get()
    url = reverse("schools:ae_targets_year", args=[2027])
    response = client.post(url, {f"s{school.pk}": "10", f"d{department.pk}": value})
    assert response.status_code == 200
    assert f"d{department.pk}" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AeTarget.objects.exists()


def test_zero_and_the_largest_target_are_accepted(client, leader):
    _user, school = leader
    department = school.departments.get()
    url = reverse("schools:ae_targets_year", args=[2027])
    client.post(url, {f"s{school.pk}": "0", f"d{department.pk}": "99999,9"})
    assert sorted(AeTarget.objects.values_list("target", flat=True)) == [D(0), D("99999.9")]


def test_a_leader_cannot_set_another_schools_targets(client, leader):
    _user, _school = leader
    other = SchoolFactory()
    url = reverse("schools:ae_targets_year", args=[2027])
    response = client.post(url, {f"s{other.pk}": "50"})
    assert response.status_code == 302
    assert not AeTarget.objects.filter(school=other).exists()
    assert f"s{other.pk}" not in client.get(url).content.decode()


def test_years_outside_the_kept_range_are_404(client, leader):
    assert client.get(reverse("schools:ae_targets_year", args=[1999])).status_code == 404
    assert client.get(reverse("schools:ae_targets_year", args=[2101])).status_code == 404
    assert client.get(reverse("schools:ae_targets_year", args=[2100])).status_code == 200
    assert client.get(reverse("schools:ae_targets_year", args=[2000])).status_code == 200


def test_a_department_target_must_be_of_its_school():
    from django.core.exceptions import ValidationError

    target = AeTarget(
        school=SchoolFactory(), department=DepartmentFactory(), year=2026, target=D(1)
    )
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert "department" in error.value.message_dict


def test_the_database_keeps_one_target_a_year_for_a_school_and_for_a_department():
    from django.db import IntegrityError, transaction

    school = SchoolFactory()
    department = DepartmentFactory(school=school)
    AeTarget.objects.create(school=school, year=2026, target=D(1))
    AeTarget.objects.create(school=school, department=department, year=2026, target=D(1))
    AeTarget.objects.create(school=school, year=2027, target=D(1))
    for duplicate in ({}, {"department": department}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AeTarget.objects.create(school=school, year=2026, target=D(2), **duplicate)
