"""Scopes at their edges: whose people a company's role reaches, the plan activities a
user sees, and the schools a plan's blocks may go to. Written after `make mutation`
showed these could change unnoticed."""

import pytest

from access import company_people, plan_activities_for, plan_schools
from accounts.models import CompanyRole, SchoolRole
from tests.factories import (
    CompanyMembershipFactory,
    CompetencePlanFactory,
    PlanActivityFactory,
    SchoolFactory,
    SchoolMembershipFactory,
)

# The words are asserted in Danish (`danish` in conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("danish")]


def test_company_people_are_the_active_holders_of_the_role_asked_for(world):
    company = world["company_a"]
    manager = CompanyMembershipFactory(company=company, role=CompanyRole.MANAGER).user
    gone = CompanyMembershipFactory(company=company, role=CompanyRole.HR).user
    gone.is_active = False
    gone.save()
    assert set(company_people(company.pk, CompanyRole.HR)) == {world["hr"]}
    assert set(company_people([company.pk], CompanyRole.HR, CompanyRole.MANAGER)) == {
        world["hr"],
        manager,
    }


def test_a_user_sees_the_activities_of_their_partnerships_plans_only(world):
    mine = PlanActivityFactory(plan=CompetencePlanFactory(partnership=world["partnership_a"]))
    PlanActivityFactory(plan=CompetencePlanFactory(partnership=world["partnership_b"]))
    assert list(plan_activities_for(world["coordinator"])) == [mine]
    assert list(plan_activities_for(world["nobody"])) == []


def test_a_plans_blocks_go_to_its_schools_where_the_user_schedules(world):
    coordinator = world["coordinator"]
    partnership = world["partnership_a"]
    joined, joined_elsewhere, unrelated = SchoolFactory(), SchoolFactory(), SchoolFactory()
    partnership.other_schools.add(joined, joined_elsewhere)
    SchoolMembershipFactory(school=joined, user=coordinator, role=SchoolRole.COORDINATOR)
    # A teacher at a joined school does not schedule there; nor does anyone at a school
    # that is not the plan's.
    SchoolMembershipFactory(school=joined_elsewhere, user=coordinator, role=SchoolRole.TEACHER)
    SchoolMembershipFactory(school=unrelated, user=coordinator, role=SchoolRole.COORDINATOR)
    plan = CompetencePlanFactory(partnership=partnership)
    assert set(plan_schools(coordinator, plan)) == {world["school_a"], joined}
    assert set(plan_schools(world["other_coordinator"], plan)) == set()


# --- the words of a refusal -------------------------------------------------------------


def test_a_refusal_names_the_capability_in_the_users_words(world):
    from django.core.exceptions import PermissionDenied

    from access import Capability, require

    with pytest.raises(PermissionDenied) as refused:
        require(world["nobody"], Capability.EDIT, world["partnership_a"])
    assert str(refused.value) == "Du må ikke redigere her."
    with pytest.raises(PermissionDenied) as refused:
        require(world["nobody"], "tinker", world["partnership_a"])
    assert str(refused.value) == "Du må ikke tinker her."


def test_asking_about_an_object_with_no_rules_is_a_programming_error(world):
    from access import Capability, can

    with pytest.raises(TypeError, match="^No capability rules for User$"):
        can(world["coordinator"], Capability.VIEW, world["nobody"])


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/dashboard/", "Dashboardet er for skoleledere, konsulenter og tovholdere."),
        ("/dashboard/network/", "Netværksoverblikket er for konsulenter."),
    ],
)
def test_a_dashboard_refused_says_who_it_is_for(client, world, path, words):
    client.force_login(world["hr"])
    response = client.get(path)
    assert response.status_code == 403
    assert words in response.content.decode()


def test_personal_data_refused_says_who_handles_it(world):
    from django.core.exceptions import PermissionDenied

    from access import personal_data_employee
    from tests.factories import EmployeeFactory

    employee = EmployeeFactory(company=world["company_a"])
    manager = CompanyMembershipFactory(company=world["company_a"], role=CompanyRole.MANAGER).user
    with pytest.raises(PermissionDenied) as refused:
        personal_data_employee(manager, employee.pk)
    assert str(refused.value) == "Kun virksomhedens HR eller en administrator kan gøre dette."
    assert personal_data_employee(world["hr"], employee.pk) == employee


def test_only_hr_handles_a_companys_personal_data(world):
    from access import personal_data_companies

    manager = CompanyMembershipFactory(company=world["company_a"], role=CompanyRole.MANAGER).user
    assert list(personal_data_companies(manager)) == []
    assert list(personal_data_companies(world["hr"])) == [world["company_a"]]


# --- who reads a company's employees ----------------------------------------------------


def test_the_registering_schools_coordinator_reads_the_employees_of_a_company_with_no_partnership(
    world,
):
    from access import Capability, can
    from tests.factories import CompanyFactory

    company = CompanyFactory(registered_by=world["school_b"])
    assert can(world["other_coordinator"], Capability.VIEW_EMPLOYEES, company)
    assert not can(world["coordinator"], Capability.VIEW_EMPLOYEES, company)


def test_a_partnerships_coordinator_reads_its_companys_employees_without_a_role_at_its_school(
    world,
):
    from access import Capability, can
    from tests.factories import CompanyFactory, PartnershipFactory, UserFactory

    outside = UserFactory()  # no role at any school
    company, elsewhere = CompanyFactory(), CompanyFactory()
    PartnershipFactory(company=company, lead_school=world["school_b"], coordinator=outside)
    assert can(outside, Capability.VIEW_EMPLOYEES, company)
    assert not can(outside, Capability.VIEW_EMPLOYEES, elsewhere)
    assert not can(world["nobody"], Capability.VIEW_EMPLOYEES, company)


# --- dashboards: whose schools ----------------------------------------------------------


def test_an_administrator_sees_every_schools_dashboard_not_only_their_own(world):
    from access import dashboard_schools

    schools, own_only = dashboard_schools(world["admin"])
    assert own_only is False
    assert set(schools) == {world["school_a"], world["school_b"]}


def test_a_dashboards_scope_leaves_out_the_schools_where_the_user_only_teaches(world):
    from access import dashboard_scope
    from tests.factories import CourseBlockFactory

    user = world["coordinator"]
    SchoolMembershipFactory(school=world["school_b"], user=user, role=SchoolRole.TEACHER)
    here = CourseBlockFactory(school=world["school_a"])
    CourseBlockFactory(school=world["school_b"])
    partnerships, blocks = dashboard_scope(user)
    assert list(blocks) == [here]
    assert list(partnerships) == [world["partnership_a"]]


def test_a_users_roles_come_by_school_and_company_name_then_role(world):
    from access import roles_of
    from tests.factories import CompanyFactory

    user = world["nobody"]
    b, a = SchoolFactory(name="B-skolen"), SchoolFactory(name="A-skolen")
    for school, role in [(b, SchoolRole.TEACHER), (a, SchoolRole.TEACHER), (a, SchoolRole.LEADER)]:
        SchoolMembershipFactory(school=school, user=user, role=role)
    y, x = CompanyFactory(name="Y ApS"), CompanyFactory(name="X ApS")
    for company, role in [(y, CompanyRole.HR), (x, CompanyRole.MANAGER), (x, CompanyRole.HR)]:
        CompanyMembershipFactory(company=company, user=user, role=role)
    roles = roles_of(user)
    assert [(m.school.name, m.role) for m in roles.school_memberships] == [
        ("A-skolen", SchoolRole.LEADER),
        ("A-skolen", SchoolRole.TEACHER),
        ("B-skolen", SchoolRole.TEACHER),
    ]
    assert [(m.company.name, m.role) for m in roles.company_memberships] == [
        ("X ApS", CompanyRole.HR),
        ("X ApS", CompanyRole.MANAGER),
        ("Y ApS", CompanyRole.HR),
    ]
