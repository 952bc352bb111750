"""Exact query counts for the scheduling and report pages, unchanged with 10× the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportJob
from scheduling.models import SchoolClosure
from tests.factories import AmuCourseFactory, CourseBlockFactory, EmployeeFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def grow(t, copies: int) -> None:
    block_a = t["block_a"]
    for _ in range(copies):
        # Clashing blocks for the same teacher, people on block A, courses, report jobs.
        CourseBlockFactory(
            school=t["school_a"],
            start_date=block_a.start_date,
            end_date=block_a.end_date,
            teachers=[t["teacher"]],
        )
        EnrollmentFactory(course_block=block_a, employee=EmployeeFactory(company=t["company_a"]))
        EmployeeFactory(company=t["company_a"])  # one more to choose from when enrolling
        first = timezone.localdate() + dt.timedelta(days=30 + SchoolClosure.objects.count())
        SchoolClosure.objects.create(
            school=t["school_a"], name="Lukket", first_day=first, last_day=first
        )
        AmuCourseFactory()
        ReportJob.objects.create(
            kind="competence_plan",
            plan=t["plan_a"],
            partnership=t["partnership_a"],
            source_version="x",
            language="da",
            requested_by=t["hr"],
            expires_at=timezone.now() + dt.timedelta(days=1),
        )


# Every page starts with the session and the user (2). Then:
PAGES = [
    # block with its seats, scope check, places shown, may edit, teachers, fill by
    # company, closed days inside it; the conflict engine: teachers' other blocks, the
    # people's other places, companies with places, companies with seats, blackout
    # weeks, closed periods; other blocks to move to, companies to reserve for (14)
    ("coordinator", "scheduling:block_detail", "block_a", 16),
    # may browse, count, may import, FKB choices, page of courses (5)
    ("coordinator", "schools:catalogue", None, 7),
    # school staff?; the engine's survey: the live blocks' ids (read once, so that no
    # scan re-plans the user's scope), blocks with a double-booked teacher, with a
    # double-booked person, plan periods, blackout weeks (one union), the blocks' date
    # range, blocks over holidays or closures, closures, capacity (9); the flagged blocks
    # in order, the page's teacher and employee pairs (2), their names, which others are
    # visible (15)
    ("coordinator", "scheduling:conflicts", None, 17),
    # keeps a school's calendar?, the form's schools (counted, then listed), the closed
    # periods with their schools; holidays are computed, not read (4)
    ("coordinator", "scheduling:closures", None, 6),
    # block, may edit, who is on it, the candidates with company and group, seats taken:
    # places by company and reservations (6)
    ("coordinator", "scheduling:block_enroll", "block_a", 8),
    # existing feeds, school and company memberships (3)
    ("coordinator", "scheduling:calendar_feeds", None, 5),
    # the user's recent jobs with their subjects (1)
    ("hr", "reports:list", None, 3),
    # the job (1)
    ("hr", "reports:status", "report_a", 3),
]


@pytest.mark.parametrize(("persona", "name", "key", "expected"), PAGES)
def test_page_query_count_is_constant(client, tenants, persona, name, key, expected):
    client.force_login(tenants[persona])
    url = reverse(name, args=[tenants[key].pk] if key else [])
    client.get(url)  # warm per-process caches
    grow(tenants, 1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(tenants, 9)  # 10× the rows
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert (len(small), len(large)) == (expected, expected)
