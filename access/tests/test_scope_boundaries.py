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

pytestmark = pytest.mark.django_db


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
