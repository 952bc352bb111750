"""Exact query counts for the workspace's list and detail pages, unchanged with 10× the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partnerships.models import ActionItem, Experience, Meeting
from tests.factories import (
    CompetencePlanFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    PartnershipFactory,
    PlanActivityFactory,
)

pytestmark = pytest.mark.django_db


def grow(t, copies: int) -> None:
    """More of everything the coordinator of school A sees."""
    soon = timezone.now() + dt.timedelta(days=3)
    start = Meeting.objects.count()
    for n in range(start, start + copies):
        partnership = PartnershipFactory(
            company=t["company_a"], lead_school=t["school_a"], coordinator=t["coordinator"]
        )
        partnership.other_schools.add(t["school_b"])
        plan = CompetencePlanFactory(partnership=t["partnership_a"])
        group = EmployeeGroupFactory(company=t["company_a"])
        PlanActivityFactory(plan=plan).target_groups.add(group)
        employee = EmployeeFactory(company=t["company_a"], group=group)
        # A certificate to renew: the company page lists the first few.
        employee.certificates.create(
            type=t["certificate_a"].type,
            issued_on=dt.date(2024, 1, 1),
            expires_on=timezone.localdate() + dt.timedelta(days=n % 80),
        )
        t["company_a"].contacts.create(name=f"Kontakt {n}", role="hr")
        meeting = Meeting.objects.create(
            kind="partnership",
            partnership=t["partnership_a"],
            title=f"Møde {n}",
            starts_at=soon + dt.timedelta(days=n),
        )
        meeting.participants.add(t["coordinator"])
        ActionItem.objects.create(
            meeting=t["meeting_a"],
            partnership=t["partnership_a"],
            title=f"Punkt {n}",
            owner=t["coordinator"],
        )
        experience = Experience.objects.create(
            title=f"Erfaring {n}",
            body="…",
            author=t["coordinator"],
            school=t["school_a"],
            partnership=t["partnership_a"],
        )
        experience.themes.create(name=f"Tema {n}")


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


# Every page starts with the session and the user (2). Then:
PAGES = [
    # filter choices (schools), count, page of rows, registering schools? (4)
    ("companies:list", {}, 6),
    # company, contacts, groups with counts, partnerships with counts,
    # capability checks for edit / manage employees / manage people / view employees
    # (10 small EXISTS), blackout weeks, certificates to renew (16)
    ("companies:detail", {"pk": "company_a"}, 18),
    # company, may view employees (4), count, may manage (2), groups, rows,
    # may handle personal data? (11)
    ("companies:employees", {"pk": "company_a"}, 13),
    # is coordinator?, filter choices (schools, coordinators), count, rows, may add? (6)
    ("partnerships:list", {}, 8),
    # partnership, plans, plan figures and their funding rates, meetings, row with counts,
    # other schools, blocks, action items, transitions' capability, experiences,
    # timeline (2), edit checks (15)
    ("partnerships:detail", {"pk": "partnership_a"}, 17),
    # count, page of rows (2)
    ("partnerships:meetings", {}, 4),
    # meeting with its partnership and company, schools, participants,
    # contacts, action items, action-item owners (2) (7)
    ("partnerships:meeting_detail", {"pk": "meeting_a"}, 9),
    # filter choices (themes, schools, partnerships), is staff?, count, rows, ... (7)
    ("partnerships:experiences", {}, 9),
    # experience, themes, may edit (3)
    ("partnerships:experience_detail", {"pk": "experience_a"}, 5),
]


@pytest.mark.parametrize(("name", "kwargs", "expected"), PAGES)
def test_page_query_count_is_constant(client, tenants, name, kwargs, expected):
    client.force_login(tenants["coordinator"])
    url = reverse(name, kwargs={k: tenants[v].pk for k, v in kwargs.items()})
    client.get(url)  # warm per-process caches (content types)
    grow(tenants, 1)
    assert count(client, url) == expected
    grow(tenants, 9)  # 10× the rows
    assert count(client, url) == expected
