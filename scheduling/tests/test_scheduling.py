import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from access import employees_for
from companies.models import BlackoutWeek
from scheduling.models import CourseBlock, Enrollment
from scheduling.services import (
    ConflictsNeedConfirmation,
    attendance_record,
    course_block_create,
    enrollment_move,
    enrollments_add,
)
from schools.importing import check_catalogue, read_table
from schools.models import AmuCourse
from schools.services import catalogue_import
from tests.factories import (
    AmuCourseFactory,
    CourseBlockFactory,
    DepartmentFactory,
    EmployeeFactory,
    EnrollmentFactory,
    SchoolMembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def monday(weeks=3):
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)


def block_fields(t, **overrides):
    start = overrides.pop("start", monday())
    fields = {
        "school": t["school_a"],
        "course": AmuCourseFactory(),
        "start_date": start,
        "end_date": start + dt.timedelta(days=4),
        "capacity": 2,
    }
    fields.update(overrides)
    return fields


def test_double_booked_teacher_needs_confirmation(tenants):
    teacher = tenants["teacher"]
    existing = tenants["block_a"]  # taught by the teacher
    fields = block_fields(tenants, start=existing.start_date)
    with pytest.raises(ConflictsNeedConfirmation) as error:
        course_block_create(by=tenants["coordinator"], teachers=[teacher], **fields)
    assert "already teaches" in error.value.conflicts[0].message or "underviser allerede" in (
        error.value.conflicts[0].message
    )
    assert not CourseBlock.objects.filter(course=fields["course"]).exists()
    block = course_block_create(
        by=tenants["coordinator"], teachers=[teacher], confirm=True, **fields
    )
    assert block.reference.startswith(f"{tenants['school_a'].short_name.upper()}-")
    assert (block.iso_year, block.iso_week) == tuple(block.start_date.isocalendar())[:2]


def test_capacity_can_never_be_exceeded(tenants):
    block = CourseBlockFactory(school=tenants["school_a"], capacity=2)
    people = [EmployeeFactory(company=tenants["company_a"]) for _ in range(3)]
    with pytest.raises(ValidationError, match="2"):
        enrollments_add(
            block=block, employees=people, activity=None, by=tenants["coordinator"], confirm=True
        )
    assert block.enrollments.count() == 0
    enrollments_add(block=block, employees=people[:2], activity=None, by=tenants["coordinator"])
    with pytest.raises(ValidationError):
        enrollments_add(
            block=block,
            employees=people[2:],
            activity=None,
            by=tenants["coordinator"],
            confirm=True,
        )


def test_employee_in_two_blocks_at_once_needs_confirmation(tenants):
    employee = tenants["employee_a"]  # already on block A
    clash = CourseBlockFactory(
        school=tenants["school_a"],
        start_date=tenants["block_a"].start_date,
        end_date=tenants["block_a"].end_date,
    )
    with pytest.raises(ConflictsNeedConfirmation) as error:
        enrollments_add(block=clash, employees=[employee], activity=None, by=tenants["coordinator"])
    assert employee.name in error.value.conflicts[0].message
    enrollments_add(
        block=clash, employees=[employee], activity=None, by=tenants["coordinator"], confirm=True
    )
    assert clash.enrollments.count() == 1


def test_blackout_week_and_plan_period_are_conflicts(tenants):
    company = tenants["company_a"]
    start = monday(5)
    BlackoutWeek.objects.create(
        company=company,
        iso_year=start.isocalendar().year,
        iso_week=start.isocalendar().week,
        note="Lageroptælling",
    )
    activity = tenants["activity_a"]
    plan = activity.plan
    plan.period_end = start - dt.timedelta(days=1)
    plan.save()
    with pytest.raises(ConflictsNeedConfirmation) as error:
        course_block_create(
            by=tenants["coordinator"],
            activity=activity,
            **block_fields(
                tenants,
                start=start,
                course=activity.amu_course,
                location="company",
                company=company,
            ),
        )
    kinds = {c.kind for c in error.value.conflicts}
    assert kinds == {"blackout", "plan_period"}


def test_enrollment_moves_to_another_block_of_the_same_course(tenants):
    enrollment = tenants["enrollment_a"]
    other = CourseBlockFactory(school=tenants["school_a"], course=enrollment.course_block.course)
    enrollment_move(enrollment=enrollment, to_block=other, by=tenants["coordinator"])
    enrollment.refresh_from_db()
    assert enrollment.course_block == other
    with pytest.raises(ValidationError):
        enrollment_move(
            enrollment=enrollment, to_block=CourseBlockFactory(), by=tenants["coordinator"]
        )


def _held_ten_days_ago(block):
    """Move a block into the past, where attendance can be recorded."""
    block.start_date = timezone.localdate() - dt.timedelta(days=10)
    block.end_date = block.start_date + dt.timedelta(days=2)
    block.iso_year, block.iso_week = tuple(block.start_date.isocalendar())[:2]
    block.save()


def test_attendance_after_the_block(tenants):
    block = tenants["block_a"]
    with pytest.raises(ValidationError):
        attendance_record(block=block, statuses={}, by=tenants["teacher"])
    _held_ten_days_ago(block)
    attendance_record(
        block=block, statuses={tenants["enrollment_a"].pk: "no_show"}, by=tenants["teacher"]
    )
    tenants["enrollment_a"].refresh_from_db()
    block.refresh_from_db()
    assert (tenants["enrollment_a"].status, block.status) == ("no_show", "held")


def test_enroll_page_preselects_the_target_group_and_enrols_it(client, tenants):
    activity = tenants["activity_a"]
    members = [
        EmployeeFactory(company=tenants["company_a"], group=tenants["group_a"]) for _ in range(2)
    ]
    block = CourseBlockFactory(school=tenants["school_a"], course=activity.amu_course, capacity=5)
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:block_enroll", args=[block.pk]) + f"?activity={activity.pk}"
    form = client.get(url).context["form"]
    assert set(form.initial["employees"]) == {m.pk for m in members}
    response = client.post(url, {"activity": activity.pk, "employees": [m.pk for m in members]})
    assert response.status_code == 302
    assert set(block.enrollments.values_list("plan_activity", flat=True)) == {activity.pk}


def test_catalogue_import_reports_bad_rows_and_writes_atomically(tenants):
    text = (
        "nummer;titel;dage;fkb;fkb-titel\n"
        "22906;Svejsning;5;2711;Svejsning\n"
        "1234;Forkert nummer;2;2711;Svejsning\n"
        "22907;Halv dag;1,3;2711;Svejsning\n"
    )
    rows = check_catalogue(read_table(SimpleUploadedFile("k.csv", text.encode())))
    assert [bool(r["errors"]) for r in rows] == [False, True, True]
    good = check_catalogue(
        read_table(SimpleUploadedFile("k.csv", text.split("\n1234")[0].encode()))
    )
    summary = catalogue_import(rows=good, by=UserFactory())
    assert summary == {"created": 1, "updated": 0}
    course = AmuCourse.objects.get(number="22906")
    assert (course.duration_days, course.fkb.code, course.is_sample) == (
        Decimal("5"),
        "2711",
        False,
    )


def test_week_plan_shows_fill_and_keeps_its_query_count(client, tenants):
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:week_plan") + f"?school={tenants['school_a'].pk}"

    def grow(n):
        for i in range(n):
            block = CourseBlockFactory(
                school=tenants["school_a"],
                # Departments grow too: their labels (rows and filter) name their school.
                department=DepartmentFactory(school=tenants["school_a"]) if i % 5 == 0 else None,
                start_date=monday(i % 6),
                teachers=[tenants["teacher"]],
            )
            EnrollmentFactory(course_block=block)

    client.get(url)
    grow(5)
    with CaptureQueriesContext(connection) as small:
        page = client.get(url).content.decode()
    assert "1/16" in page or "1/16 pladser" in page
    grow(50)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    # session, user, has schools?, first school, school choice validated, the blocks'
    # dates (how many weeks fit), double-booked teachers (the conflict engine), blocks
    # with seats, their teachers, row labels (departments), may schedule?, may keep the
    # calendar?, rendering the filter's choices (schools ×2, departments, teachers) (16)
    assert len(small) == len(large) == 16


def test_conflicts_page_groups_by_block_with_readable_names(client, tenants):
    clash = CourseBlockFactory(
        school=tenants["school_a"],
        start_date=tenants["block_a"].start_date,
        end_date=tenants["block_a"].end_date,
        teachers=[tenants["teacher"]],
    )
    client.force_login(tenants["coordinator"])
    response = client.get(reverse("scheduling:conflicts"))
    groups = dict(response.context["groups"])
    assert set(groups) == {tenants["block_a"], clash}
    ((finding, other, visible),) = groups[clash]
    assert (finding.kind, other, visible) == ("teacher", tenants["block_a"], True)
    page = response.content.decode()
    assert clash.course.title in page and tenants["block_a"].course.title in page
    assert f"Underviser {finding.who} er også på" in page
    # Filtered by kind: no teacher clash is a capacity problem.
    response = client.get(reverse("scheduling:conflicts"), {"kind": "capacity"})
    assert response.context["groups"] == []
    # An unknown kind is ignored, not a 500.
    assert (
        client.get(reverse("scheduling:conflicts"), {"kind": "x", "page": "9"}).status_code == 200
    )


def test_conflicts_page_pages_by_25_blocks(client, tenants):
    for _ in range(13):  # 26 blocks, each clashing with its twin
        teacher = SchoolMembershipFactory(school=tenants["school_a"]).user
        for _twin in range(2):
            CourseBlockFactory(school=tenants["school_a"], teachers=[teacher])
    client.force_login(tenants["coordinator"])
    first = client.get(reverse("scheduling:conflicts"))
    assert len(first.context["groups"]) == 25 and first.context["page"].paginator.num_pages == 2
    second = client.get(reverse("scheduling:conflicts"), {"page": 2})
    assert len(second.context["groups"]) == 1


def test_hr_sees_only_their_own_employees_on_a_block(client, tenants):
    EnrollmentFactory(course_block=tenants["block_a"], employee=tenants["employee_b"])
    client.force_login(tenants["hr"])
    page = client.get(
        reverse("scheduling:block_detail", args=[tenants["block_a"].pk])
    ).content.decode()
    assert tenants["employee_a"].name in page
    assert tenants["employee_b"].name not in page
    assert Enrollment.objects.filter(course_block=tenants["block_a"]).count() == 2


def test_catalogue_rows_longer_than_the_database_allows_are_errors():
    text = "nummer;titel;dage;fkb;fkb-titel\n22906;" + "x" * 251 + ";5;2711;" + "y" * 251 + "\n"
    row = check_catalogue(read_table(SimpleUploadedFile("k.csv", text.encode())))[0]
    assert len(row["errors"]) == 2


def test_ids_past_999_print_plainly_so_the_attendance_form_still_posts(client, tenants):
    """With a thousands separator, enrollment 1234 printed as "attendance-1.234": the
    field was silently ignored once a school passed a thousand enrollments."""
    from scheduling.models import Enrollment

    block = tenants["block_a"]
    _held_ten_days_ago(block)
    EnrollmentFactory(id=1234, employee=tenants["bystander_a"], course_block=block)
    client.force_login(tenants["teacher"])
    page = client.get(reverse("scheduling:block_detail", args=[block.pk])).content.decode()
    assert 'name="attendance-1234"' in page
    client.post(reverse("scheduling:attendance", args=[block.pk]), {"attendance-1234": "no_show"})
    assert Enrollment.objects.get(pk=1234).status == "no_show"


def test_enroll_page_lists_at_most_its_limit_and_search_finds_the_others(
    client, tenants, monkeypatch
):
    from scheduling.views import BlockEnrollView

    monkeypatch.setattr(BlockEnrollView, "shown_at_most", 3)
    company = tenants["company_a"]
    for name in ("Ane", "Bo", "Cai"):
        EmployeeFactory(company=company, name=f"{name} Andersen")
    block = CourseBlockFactory(school=tenants["school_a"], company=company)
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:block_enroll", args=[block.pk])
    everyone = employees_for(tenants["coordinator"]).filter(company=company, active=True)
    total = everyone.count()
    assert total > 3

    page = client.get(url)
    assert len(page.context["candidates"]) == 3
    assert page.context["matching"] == total
    assert f"de første 3 af {total}" in page.content.decode()

    found = client.get(url, {"q": "andersen"})  # any case, in the name
    assert [e.name for e in found.context["candidates"]] == [
        "Ane Andersen",
        "Bo Andersen",
        "Cai Andersen",
    ]
    assert found.context["matching"] == 3  # exactly the limit: all shown, no note
    assert "Søg for at finde" not in found.content.decode()
    assert "Ingen passer på" in client.get(url, {"q": "zzz"}).content.decode()

    # Someone not listed on the first page may still be enrolled from a search.
    last = everyone.order_by("company__name", "group__name", "name").last()
    response = client.post(url + "?q=" + last.name, {"employees": [last.pk]})
    assert response.status_code == 302
    assert block.enrollments.filter(employee=last).exists()


def test_a_busy_week_plan_shows_fewer_weeks_at_a_time(client, tenants, settings):
    """At most MOST_BLOCKS_SHOWN blocks are drawn: the weeks asked for are halved until
    they fit, and the page says so; narrowing by department brings the weeks back."""
    from scheduling import views

    start = monday(40)  # weeks that hold only this test's blocks
    school = tenants["school_a"]
    department = DepartmentFactory(school=school)
    most = views.MOST_BLOCKS_SHOWN
    for i in range(most):
        CourseBlockFactory(
            school=school,
            start_date=start + dt.timedelta(weeks=0 if i % 2 else 4),
            department=department if i == 0 else None,
        )
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:week_plan")
    week = f"{start.isocalendar().year}-W{start.isocalendar().week:02d}"

    exactly = client.get(url, {"school": school.pk, "week": week})
    assert len(exactly.context["columns"]) == 8  # the limit itself still fits
    assert exactly.context["block_count"] == most
    CourseBlockFactory(school=school, start_date=start + dt.timedelta(weeks=7))
    one_more = client.get(url, {"school": school.pk, "week": week})
    assert len(one_more.context["columns"]) == 4
    assert one_more.context["block_count"] == most // 2  # the first week's, of weeks 1–4
    page = one_more.content.decode()
    assert f"De 8 uger har {most + 1} hold, så planen viser 4 uger ad gangen" in page
    later = one_more.context["next_url"]
    nxt = start + dt.timedelta(weeks=4)
    assert f"week={nxt.isocalendar().year}-W{nxt.isocalendar().week:02d}" in later
    # Asked for two weeks: two weeks, and no note.
    two = client.get(url, {"school": school.pk, "week": week, "weeks": "2"})
    assert len(two.context["columns"]) == 2
    assert "ad gangen" not in two.content.decode()
    # One department: few blocks, all eight weeks.
    narrowed = client.get(url, {"school": school.pk, "week": week, "department": department.pk})
    assert len(narrowed.context["columns"]) == 8
    assert narrowed.context["block_count"] == 1
    # A week count that is not offered is ignored, not a 500.
    assert client.get(url, {"school": school.pk, "weeks": "3"}).status_code == 200
