"""Each role's home page: the right content, valid HTML, and a fixed query count."""

import datetime as dt

import html5lib
import pytest
from django.urls import reverse
from django.utils import timezone

from competence_plans.models import CompetencePlan
from tests.factories import (
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    EnrollmentFactory,
    PartnershipFactory,
    PlanActivityFactory,
)

pytestmark = pytest.mark.django_db


def populate(world, copies: int) -> None:
    """For both tenants: partnerships, plans with participants, and taught blocks."""
    today = timezone.localdate()
    for n in range(copies):
        for side in ("a", "b"):
            company, school = world[f"company_{side}"], world[f"school_{side}"]
            coordinator = world["coordinator" if side == "a" else "other_coordinator"]
            partnership = PartnershipFactory(
                company=company, lead_school=school, coordinator=coordinator
            )
            plan = CompetencePlanFactory(
                partnership=partnership, status=CompetencePlan.Status.APPROVED
            )
            group = EmployeeGroupFactory(company=company)
            employees = [EmployeeFactory(company=company, group=group) for _ in range(2)]
            activity = PlanActivityFactory(plan=plan)
            activity.target_groups.add(group)
            block = CourseBlockFactory(
                school=school,
                course=activity.amu_course,
                start_date=today + dt.timedelta(weeks=1 + n % 4),
                teachers=[world["teacher"]] if side == "a" else [],
            )
            for employee in employees:
                EnrollmentFactory(employee=employee, course_block=block, plan_activity=activity)


def home(client, user, **headers):
    client.force_login(user)
    return client.get(reverse("home"), **headers)


# (persona, queries): session, user, school memberships, company memberships, then
# coordinator: status counts, rows, upcoming blocks of the partnerships (7)
# leader / consultant / admin: status counts, rows (6)
# teacher: blocks they teach (5)
# hr: status counts, rows, plans, plan figures (activities, named, grouped), blocks (11)
# nobody: nothing beyond the memberships (4)
# and for everyone: upcoming meetings, my open action items, what waits for me (+3)
QUERY_COUNTS = [
    ("coordinator", 10),
    ("leader", 9),
    ("consultant", 9),
    ("teacher", 8),
    ("hr", 15),  # and the funding rates the plan figures are priced at
    ("admin", 9),
    ("nobody", 7),
]


@pytest.mark.parametrize(("persona", "queries"), QUERY_COUNTS)
def test_home_query_count_does_not_grow_with_the_data(
    client, world, django_assert_num_queries, persona, queries
):
    populate(world, 1)
    client.force_login(world[persona])
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200
    populate(world, 9)  # 10× the rows
    with django_assert_num_queries(queries):
        assert client.get(reverse("home")).status_code == 200


def test_coordinator_sees_own_partnerships_and_their_blocks_only(client, world):
    populate(world, 1)
    page = home(client, world["coordinator"]).content.decode()
    assert world["partnership_a"].company.name in page
    assert world["company_b"].name not in page
    assert "Partnerskaber du er tovholder for" in page
    assert "Kommende hold i dine partnerskaber" in page


def test_leader_sees_the_schools_partnerships_not_another_schools(client, world):
    page = home(client, world["leader"]).content.decode()
    assert f"Partnerskaber på {world['school_a'].name}" in page
    assert world["partnership_a"].title in page
    assert world["partnership_b"].title not in page


def test_leader_also_sees_partnerships_the_school_joined(client, world):
    world["partnership_b"].other_schools.add(world["school_a"])
    page = home(client, world["leader"]).content.decode()
    assert world["partnership_b"].title in page


def test_teacher_sees_the_blocks_they_teach(client, world):
    populate(world, 1)
    taught = CourseBlockFactory(school=world["school_a"], teachers=[world["teacher"]])
    not_taught = CourseBlockFactory(school=world["school_a"])
    page = home(client, world["teacher"]).content.decode()
    assert "Dine kommende hold" in page
    assert taught.course.title in page
    assert not_taught.course.title not in page
    assert "Partnerskaber" not in page.split("<main")[1].split("Dine kommende hold")[0]


def test_hr_sees_their_company_plans_with_figures_and_never_another_company(client, world):
    populate(world, 1)
    page = home(client, world["hr"]).content.decode()
    assert f"Partnerskaber for {world['company_a'].name}" in page
    assert "Kompetenceplaner" in page
    plan_a = CompetencePlan.objects.filter(partnership__company=world["company_a"]).first()
    plan_b = CompetencePlan.objects.filter(partnership__company=world["company_b"]).first()
    assert plan_a.partnership.title in page
    assert plan_b.partnership.title not in page
    assert world["company_b"].name not in page


def test_consultant_sees_the_served_schools(client, world):
    page = home(client, world["consultant"]).content.decode()
    assert "Partnerskaber på de skoler, du betjener" in page
    assert world["partnership_a"].title in page
    assert world["partnership_b"].title not in page


def test_user_without_role_is_told_what_to_do(client, world):
    page = home(client, world["nobody"]).content.decode()
    assert "Din konto har endnu ingen rolle" in page
    assert world["partnership_a"].title not in page


def test_admin_without_memberships_sees_all_partnerships(client, world):
    page = home(client, world["admin"]).content.decode()
    assert "Alle partnerskaber" in page
    assert world["partnership_a"].title in page
    assert world["partnership_b"].title in page
    assert reverse("admin:index") in page


def test_home_page_in_english(client, world):
    page = home(client, world["coordinator"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page
    assert "Partnerships you coordinate" in page


def test_language_switcher_sets_the_language(client, world):
    client.force_login(world["coordinator"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Partnerships you coordinate" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("persona", [p for p, _ in QUERY_COUNTS])
def test_home_page_is_valid_html5_with_one_h1_and_landmarks(client, world, persona):
    populate(world, 1)
    assert_valid_page(home(client, world[persona]).content.decode())


def test_login_page_is_valid_html5_with_labelled_fields(client):
    document = assert_valid_page(client.get(reverse("login")).content.decode())
    labelled = {label.get("for") for label in document.iter("label")}
    inputs = {
        field.get("id")
        for field in document.iter("input")
        if field.get("type") not in {"hidden", "submit"}
    }
    assert inputs == {"id_username", "id_password"}
    assert inputs <= labelled


def assert_valid_page(page: str):
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    document = parser.parse(page)  # raises on any HTML5 parse error
    assert len(document.findall(".//h1")) == 1
    for landmark in ("header", "nav", "main", "footer"):
        assert len(document.findall(f".//{landmark}")) >= 1, landmark
    assert document.get("lang") in {"da", "en"}
    ids = [element.get("id") for element in document.iter() if element.get("id")]
    assert len(ids) == len(set(ids)), "duplicate id attributes"
    return document


def test_menu_offers_school_pages_to_staff_only(client, world):
    client.force_login(world["coordinator"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("scheduling:week_plan") in page and reverse("partnerships:experiences") in page
    client.force_login(world["hr"])
    page = client.get(reverse("home")).content.decode()
    assert reverse("scheduling:week_plan") not in page
    assert reverse("partnerships:experiences") not in page
    assert reverse("companies:list") in page
