"""A real Celery worker against the machine's Redis works a proposal out, not eager mode."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import SchoolRole
from reports.tests.test_worker import redis_worker, wait_for  # noqa: F401 (a fixture)
from scheduling import proposals
from scheduling.models import TeacherQualification
from tests.factories import (
    AmuCourseFactory,
    CompetencePlanFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    PlanActivityFactory,
    SchoolMembershipFactory,
)


@pytest.mark.django_db(transaction=True)
def test_a_worker_works_out_a_requested_proposal(redis_worker, world, settings):  # noqa: F811
    settings.PLANNER_TIME_LIMIT_SECONDS = 5
    school, company = world["school_a"], world["company_a"]
    teacher = SchoolMembershipFactory(school=school, role=SchoolRole.TEACHER).user
    course = AmuCourseFactory(duration_days=Decimal("2"))
    TeacherQualification.objects.create(school=school, teacher=teacher, course=course)
    today = dt.date.today()
    plan = CompetencePlanFactory(
        partnership=world["partnership_a"],
        status="approved",
        period_start=today,
        period_end=today + dt.timedelta(days=200),
    )
    group = EmployeeGroupFactory(company=company)
    for _ in range(3):
        EmployeeFactory(company=company, group=group)
    activity = PlanActivityFactory(
        plan=plan,
        amu_course=course,
        planned_start=today,
        planned_end=today + dt.timedelta(days=200),
    )
    activity.target_groups.add(group)
    proposal = proposals.proposal_request(
        plan=plan, school=school, by=world["coordinator"], capacity=16, minimum=0
    )
    seen = wait_for(proposal, {"done", "failed"})
    assert proposal.status == "done", (seen, proposal.error)
    assert proposal.summary["placed"] == 3 and len(proposal.items) == 1
