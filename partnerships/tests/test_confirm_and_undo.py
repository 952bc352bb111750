"""Far-reaching lifecycle steps ask first and say what they will do; a leader can send an
agreement back with a comment and reopen a concluded partnership."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from competence_plans.models import CompetencePlan
from notifications import kinds
from notifications import services as notifications
from partnerships.models import Partnership
from partnerships.services import conclusion_consequences, partnership_transition
from scheduling.models import CourseBlock, Enrollment
from tests.factories import (
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EnrollmentFactory,
    PlanActivityFactory,
)

pytestmark = pytest.mark.django_db
Status = Partnership.Status


@pytest.fixture
def evaluating(world):
    partnership = world["partnership_a"]
    partnership.status = Status.EVALUATION
    partnership.end_date = timezone.localdate()
    partnership.save()
    plan = CompetencePlanFactory(partnership=partnership, status=CompetencePlan.Status.IN_PROGRESS)
    activity = PlanActivityFactory(plan=plan)
    today = timezone.localdate()

    def enrol(start, *, block=None, status=Enrollment.Status.ENROLLED):
        block = block or CourseBlockFactory(
            school=world["school_a"], start_date=start, end_date=start + dt.timedelta(days=4)
        )
        EnrollmentFactory(
            employee=EmployeeFactory(company=world["company_a"]),
            course_block=block,
            plan_activity=activity,
            status=status,
        )
        return block

    world.update(
        plan=plan,
        only_ours=enrol(today + dt.timedelta(days=1)),
        started_today=enrol(today),
        shared=enrol(today + dt.timedelta(days=14)),
    )
    # Another company's employee on the shared block keeps it alive.
    EnrollmentFactory(course_block=world["shared"], employee=EmployeeFactory())
    return partnership


def post(user, partnership, **data):
    client = Client()
    client.force_login(user)
    return client.post(reverse("partnerships:transition", args=[partnership.pk]), data)


def test_concluding_asks_first_and_lists_what_is_left_behind(world, evaluating):
    response = post(world["coordinator"], evaluating, transition="conclude")
    assert response.status_code == 200
    found = response.context["consequences"]
    # From tomorrow on: a block that starts today has started.
    assert {b.pk for b in found.blocks} == {world["only_ours"].pk, world["shared"].pk}
    assert len(found.enrollments) == 2 and found.plans == [world["plan"]]
    assert "2 kommende hold" in response.content.decode()
    evaluating.refresh_from_db()
    assert evaluating.status == Status.EVALUATION  # nothing written yet


def test_concluding_with_wind_up_cancels_our_enrolments_and_closes_plans(world, evaluating):
    response = post(
        world["coordinator"], evaluating, transition="conclude", confirmed="1", wind_up="1"
    )
    assert response.status_code == 302
    evaluating.refresh_from_db()
    assert evaluating.status == Status.CONCLUDED
    for key, block_status in [
        ("only_ours", CourseBlock.Status.CANCELLED),
        ("shared", CourseBlock.Status.PLANNED),
    ]:
        block = CourseBlock.objects.get(pk=world[key].pk)
        assert block.status == block_status, key
    ours = Enrollment.objects.filter(plan_activity__plan=world["plan"])
    assert set(ours.values_list("course_block", "status")) == {
        (world["only_ours"].pk, "cancelled"),
        (world["shared"].pk, "cancelled"),
        (world["started_today"].pk, "enrolled"),
    }
    assert Enrollment.objects.filter(course_block=world["shared"], status="enrolled").count() == 1
    world["plan"].refresh_from_db()
    assert world["plan"].status == CompetencePlan.Status.COMPLETED
    assert not conclusion_consequences(evaluating)


def test_concluding_without_anything_left_asks_all_the_same(world):
    partnership = world["partnership_a"]
    partnership.status = Status.EVALUATION
    partnership.end_date = timezone.localdate()
    partnership.save()
    response = post(world["coordinator"], partnership, transition="conclude")
    assert response.status_code == 200 and not response.context["consequences"]
    assert (
        post(world["coordinator"], partnership, transition="conclude", confirmed="1").status_code
        == 302
    )
    partnership.refresh_from_db()
    assert partnership.status == Status.CONCLUDED


def test_a_leader_reopens_a_concluded_partnership_and_it_is_audited(world, evaluating):
    partnership_transition(partnership=evaluating, name="conclude", by=world["coordinator"])
    with pytest.raises(PermissionDenied):
        partnership_transition(partnership=evaluating, name="reopen", by=world["coordinator"])
    with pytest.raises(PermissionDenied):
        partnership_transition(partnership=evaluating, name="reopen", by=world["other_leader"])
    assert post(world["leader"], evaluating, transition="reopen").status_code == 200  # asks
    assert post(world["leader"], evaluating, transition="reopen", confirmed="1").status_code == 302
    evaluating.refresh_from_db()
    assert evaluating.status == Status.EVALUATION
    event = AuditEvent.objects.filter(action="state_changed").first()
    assert (event.data["from"], event.data["to"], event.actor) == (
        "concluded",
        "evaluation",
        world["leader"],
    )


@pytest.fixture
def drafted(world):
    partnership = world["partnership_a"]
    partnership.status = Status.AGREEMENT_DRAFT
    partnership.agreement_terms = "To år"
    partnership.goals = "Certifikater"
    partnership.start_date = dt.date(2027, 1, 4)
    partnership.save()
    return partnership


def test_a_leader_sends_the_agreement_back_with_a_comment(world, drafted):
    empty = post(world["leader"], drafted, transition="send_back_agreement", confirmed="1")
    assert empty.status_code == 400 and empty.context["errors"]
    drafted.refresh_from_db()
    assert drafted.status == Status.AGREEMENT_DRAFT
    response = post(
        world["leader"],
        drafted,
        transition="send_back_agreement",
        confirmed="1",
        comment="Start først i marts",
    )
    assert response.status_code == 302
    drafted.refresh_from_db()
    assert drafted.status == Status.PROSPECT
    (waiting,) = notifications.waiting_for(world["coordinator"])
    assert (waiting.kind, waiting.message) == (
        kinds.AGREEMENT_SENT_BACK.name,
        "Start først i marts",
    )
    event = AuditEvent.objects.filter(action="state_changed").first()
    assert event.data["comment"] == "Start først i marts"
    # Drafting again ends the coordinator's wait and puts it before the leaders again.
    partnership_transition(partnership=drafted, name="draft_agreement", by=world["coordinator"])
    assert notifications.waiting_for(world["coordinator"]) == []
    assert [n.kind for n in notifications.waiting_for(world["leader"])] == [
        kinds.AGREEMENT_AWAITING.name
    ]


def test_nobody_but_the_lead_schools_leader_sends_back(world, drafted):
    for persona in ("coordinator", "other_leader"):
        with pytest.raises(PermissionDenied):
            partnership_transition(
                partnership=drafted, name="send_back_agreement", by=world[persona], comment="x"
            )
    with pytest.raises(ValidationError):
        partnership_transition(partnership=drafted, name="send_back_agreement", by=world["leader"])


def test_approving_the_agreement_asks_first(world, drafted):
    page = post(world["leader"], drafted, transition="approve_agreement")
    assert page.status_code == 200 and "To år" in page.content.decode()
    drafted.refresh_from_db()
    assert drafted.status == Status.AGREEMENT_DRAFT
    assert post(world["coordinator"], drafted, transition="approve_agreement").status_code == 403
    done = post(world["leader"], drafted, transition="approve_agreement", confirmed="1")
    assert done.status_code == 302
    drafted.refresh_from_db()
    assert drafted.status == Status.ACTIVE


def test_concluding_without_winding_up_leaves_blocks_and_plans_alone(world, evaluating):
    partnership_transition(partnership=evaluating, name="conclude", by=world["coordinator"])
    evaluating.refresh_from_db()
    assert evaluating.status == Status.CONCLUDED
    assert CourseBlock.objects.get(pk=world["only_ours"].pk).status != CourseBlock.Status.CANCELLED
    world["plan"].refresh_from_db()
    assert world["plan"].status == CompetencePlan.Status.IN_PROGRESS
    assert len(conclusion_consequences(evaluating).enrollments) == 2
