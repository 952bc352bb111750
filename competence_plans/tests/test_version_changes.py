"""HR approving version 2 sees what changed from version 1."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competence_plans.models import CompetenceGoal, CompetencePlan
from competence_plans.selectors import version_changes
from competence_plans.services import plan_new_version
from tests.factories import EmployeeGroupFactory, PlanActivityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions(tenants):
    plan = tenants["plan_a"]
    plan.status = CompetencePlan.Status.APPROVED
    plan.save()
    kept = PlanActivityFactory(plan=plan, goal=tenants["goal_a"], title="Kept")
    PlanActivityFactory(plan=plan, title="Dropped")
    CompetenceGoal.objects.create(plan=plan, title="Old goal")
    second = plan_new_version(plan=plan, by=tenants["coordinator"])
    return plan, second, kept


def test_an_unchanged_copy_has_no_changes(versions):
    _first, second, _kept = versions
    changes = version_changes(second)
    assert changes is not None and not changes


def test_added_removed_and_changed_items_with_the_fields(tenants, versions):
    first, second, kept = versions
    second.period_end = first.period_end + dt.timedelta(days=30)
    second.save()
    second.activities.get(title="Dropped").delete()
    copy = second.activities.get(amu_course=kept.amu_course)
    copy.days = kept.days + 1
    copy.save()
    copy.target_groups.add(EmployeeGroupFactory(company=tenants["company_a"], name="Lager"))
    PlanActivityFactory(plan=second, title="New one")
    second.goals.filter(title="Old goal").delete()
    CompetenceGoal.objects.create(plan=second, title="New goal")
    changes = version_changes(second)
    assert changes.plan_fields == ["periodens slut"]
    assert [(c.kind, c.name) for c in changes.goals] == [
        ("added", "New goal"),
        ("removed", "Old goal"),
    ]
    by_name = {c.name: c for c in changes.activities}
    assert by_name["New one"].kind == "added"
    assert by_name["Dropped"].kind == "removed"
    assert by_name["Kept"].kind == "changed"
    assert sorted(by_name["Kept"].fields) == sorted(["dage pr. deltager", "målgrupper"])
    assert "Mål A" not in by_name  # unchanged activities are not listed


def test_the_plan_page_shows_the_changes_to_hr_in_a_fixed_number_of_queries(tenants, versions):
    _first, second, _kept = versions
    client = Client()
    client.force_login(tenants["hr"])
    url = reverse("competence_plans:detail", args=[second.pk])
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert "Hvad er ændret siden version 1" in page.content.decode()
    for n in range(10):
        PlanActivityFactory(plan=second, title=f"Extra {n}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    assert page.content.decode().count("tilføjet") >= 10


def test_removing_a_goal_asks_first_and_says_what_its_activities_keep(tenants):
    plan, goal = tenants["plan_a"], tenants["goal_a"]
    client = Client()
    client.force_login(tenants["coordinator"])
    url = reverse("competence_plans:goal_delete", args=[plan.pk, goal.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["activities"] == [tenants["activity_a"]]
    assert CompetenceGoal.objects.filter(pk=goal.pk).exists()
    assert client.post(url).status_code == 302
    assert not CompetenceGoal.objects.filter(pk=goal.pk).exists()
    tenants["activity_a"].refresh_from_db()
    assert tenants["activity_a"].goal is None
