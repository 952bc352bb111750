"""From a competence goal to AMU activities: the suggested courses and the one-click add."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competence_plans.models import CompetenceGoal, CompetencePlan, PlanActivity
from tests.factories import AmuCourseFactory, FkbFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def goal(tenants):
    welding = FkbFactory(title="Svejsning og termisk skæring")
    tenants["mig"] = AmuCourseFactory(title="MIG/MAG-svejsning, grundlæggende", fkb=welding)
    tenants["tig"] = AmuCourseFactory(title="TIG-svejsning af rustfrit stål", fkb=welding)
    return CompetenceGoal.objects.create(
        plan=tenants["plan_a"],
        title="Alle svejsere har certifikat",
        description="Svejsning efter EN ISO 9606",
    )


def url(goal):
    return reverse("competence_plans:goal_courses", args=[goal.plan_id, goal.pk])


def test_the_goal_page_suggests_the_matching_courses_with_an_add_button(client, tenants, goal):
    client.force_login(tenants["coordinator"])
    plan_page = client.get(reverse("competence_plans:detail", args=[goal.plan_id])).content
    assert url(goal).encode() in plan_page
    page = client.get(url(goal)).content.decode()
    assert "MIG/MAG-svejsning, grundlæggende" in page
    assert "TIG-svejsning af rustfrit stål" in page
    assert page.count('name="course"') == 2
    assert "Tilføj som aktivitet" in page


def test_adding_a_suggestion_creates_an_activity_for_the_goal(client, tenants, goal):
    client.force_login(tenants["coordinator"])
    plan = tenants["plan_a"]
    course = tenants["mig"]
    response = client.post(url(goal), {"course": course.pk})
    activity = plan.activities.get(amu_course=course)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "competence_plans:activity_update", args=[plan.pk, activity.pk]
    )
    assert activity.goal == goal and activity.kind == PlanActivity.Kind.AMU_COURSE
    assert activity.title == course.title and activity.days == course.duration_days
    assert (activity.planned_start, activity.planned_end) == (plan.period_start, plan.period_end)
    # The page now says it is in the plan.
    assert "I planen" in client.get(url(goal)).content.decode()


@pytest.mark.parametrize("value", ["", "abc", "999999", "-1"])
def test_a_course_that_is_not_offered_adds_nothing(client, tenants, goal, value):
    client.force_login(tenants["coordinator"])
    before = PlanActivity.objects.count()
    response = client.post(url(goal), {"course": value}, follow=True)
    assert "Vælg et af de foreslåede kurser." in response.content.decode()
    assert PlanActivity.objects.count() == before


def test_an_inactive_course_is_refused(client, tenants, goal):
    client.force_login(tenants["coordinator"])
    tenants["tig"].active = False
    tenants["tig"].save()
    client.post(url(goal), {"course": tenants["tig"].pk})
    assert not PlanActivity.objects.filter(amu_course=tenants["tig"]).exists()


def test_a_plan_past_its_draft_shows_suggestions_but_adds_nothing(client, tenants, goal):
    plan = tenants["plan_a"]
    CompetencePlan.objects.filter(pk=plan.pk).update(status=CompetencePlan.Status.APPROVED)
    client.force_login(tenants["coordinator"])
    page = client.get(url(goal)).content.decode()
    assert "MIG/MAG-svejsning" in page and 'name="course"' not in page
    response = client.post(url(goal), {"course": tenants["mig"].pk}, follow=True)
    assert not plan.activities.filter(amu_course=tenants["mig"]).exists()
    assert response.status_code == 200


def test_another_plans_goal_is_not_found(client, tenants, goal):
    client.force_login(tenants["coordinator"])
    other = CompetenceGoal.objects.create(plan=tenants["plan_b"], title="Svejsning")
    wrong = reverse("competence_plans:goal_courses", args=[goal.plan_id, other.pk])
    assert client.get(wrong).status_code == 404
    assert client.post(wrong, {"course": tenants["mig"].pk}).status_code == 404


def test_the_page_takes_the_same_queries_for_two_suggestions_or_eight(client, tenants, goal):
    client.force_login(tenants["coordinator"])
    client.get(url(goal))
    with CaptureQueriesContext(connection) as few:
        client.get(url(goal))
    welding = FkbFactory(title="Svejsning, flere")
    for n in range(6):
        AmuCourseFactory(title=f"Svejsning {n}", fkb=welding)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url(goal)).content.decode()
    assert page.count('name="course"') == 8
    assert len(many) == len(few)
