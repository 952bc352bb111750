"""What the calendar and the workers hand over: reminders once, at the day's boundaries."""

import datetime as dt

import pytest
from django.utils import timezone

from notifications import daily, kinds
from notifications.models import Notification
from partnerships.models import ActionItem
from partnerships.services import partnership_hand_over
from tests.factories import (
    CourseBlockFactory,
    EnrollmentFactory,
    PlanActivityFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 10)


def told(kind) -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=kind.name).values_list(
            "recipient__username", "target_repr"
        )
    )


@pytest.mark.parametrize(
    ("due", "kind"),
    [
        (TODAY + dt.timedelta(days=1), kinds.ACTION_ITEM_DUE),
        (TODAY - dt.timedelta(days=1), kinds.ACTION_ITEM_OVERDUE),
    ],
)
def test_action_item_reminders_at_the_boundaries(tenants, due, kind):
    owner = tenants["leader"]
    for offset, title in [(0, "on the day"), (2, "in two days")]:
        ActionItem.objects.create(
            meeting=tenants["meeting_a"],
            partnership=tenants["partnership_a"],
            title=title,
            owner=owner,
            due_date=TODAY + dt.timedelta(days=offset),
        )
    ActionItem.objects.create(
        meeting=tenants["meeting_a"], title="the one", owner=owner, due_date=due
    )
    ActionItem.objects.create(
        meeting=tenants["meeting_a"], title="done", owner=owner, due_date=due, done=True
    )
    assert daily.run(TODAY)["action_items"] == 1
    assert told(kind) == [(owner.username, "the one")]
    assert daily.run(TODAY)["action_items"] == 0  # once


def _block_with(world, *, capacity, taken, starts):
    block = CourseBlockFactory(
        school=world["school_a"],
        capacity=capacity,
        start_date=starts,
        end_date=starts + dt.timedelta(days=4),
    )
    activity = PlanActivityFactory(plan=world["plan_a"])
    for _ in range(taken):
        EnrollmentFactory(course_block=block, plan_activity=activity)
    return block


@pytest.mark.parametrize(
    ("capacity", "taken", "days", "warned"),
    [
        (10, 4, 14, True),  # under half, two weeks ahead
        (10, 5, 14, False),  # exactly half is not under half
        (10, 4, 15, False),  # one day too early
        (10, 4, 0, False),  # already started
        (9, 4, 1, True),  # 4 of 9 is under half
    ],
)
def test_blocks_under_half_full_two_weeks_before_start(tenants, capacity, taken, days, warned):
    _block_with(tenants, capacity=capacity, taken=taken, starts=TODAY + dt.timedelta(days=days))
    daily.run(TODAY)
    recipients = [name for name, _repr in told(kinds.BLOCK_UNDER_HALF)]
    assert recipients == ([tenants["coordinator"].username] if warned else [])


def test_an_empty_block_warns_the_schools_coordinators_once(tenants):
    other = SchoolMembershipFactory(school=tenants["school_a"], role="coordinator").user
    _block_with(tenants, capacity=8, taken=0, starts=TODAY + dt.timedelta(days=3))
    daily.run(TODAY)
    daily.run(TODAY + dt.timedelta(days=1))
    assert sorted(name for name, _repr in told(kinds.BLOCK_UNDER_HALF)) == sorted(
        [tenants["coordinator"].username, other.username]
    )


def test_the_new_coordinator_hears_of_a_hand_over(world):
    successor = SchoolMembershipFactory(school=world["school_a"], role="coordinator").user
    partnership_hand_over(
        partnership=world["partnership_a"], new_coordinator=successor, by=world["leader"]
    )
    assert told(kinds.PARTNERSHIP_HANDED_OVER) == [
        (successor.username, str(world["partnership_a"]))
    ]


def test_a_slow_report_is_announced_and_a_quick_one_is_not(tenants, settings):
    from reports.models import ReportJob
    from reports.services import _tell_when_slow

    settings.REPORT_NOTIFY_AFTER_SECONDS = 5
    job = tenants["report_a"]
    for seconds, expected in [(4, 0), (5, 1)]:
        Notification.objects.all().delete()
        ReportJob.objects.filter(pk=job.pk).update(
            created_at=timezone.now() - dt.timedelta(seconds=seconds)
        )
        job.refresh_from_db()
        job.finished_at = job.created_at + dt.timedelta(seconds=seconds)
        _tell_when_slow(job)
        assert (
            Notification.objects.filter(
                kind=kinds.REPORT_READY.name, recipient=tenants["hr"]
            ).count()
            == expected
        ), seconds
    assert Notification.objects.get().target_repr == str(tenants["plan_a"])


def test_the_answer_that_passes_the_anonymity_threshold_tells_the_coordinator(db, settings):
    from evaluations.models import Kind
    from evaluations.tests.helpers import answer, block_with_participants, invite
    from tests.factories import PartnershipFactory, UserFactory

    settings.EVALUATION_MIN_ANSWERS = 3
    coordinator = UserFactory()
    block, enrollments = block_with_participants(
        4, partnership=PartnershipFactory(coordinator=coordinator)
    )
    counts = []
    for enrollment in enrollments:
        answer(invite(enrollment, Kind.FOLLOW_UP), {})
        counts.append(Notification.objects.filter(kind=kinds.EVALUATION_RESULTS.name).count())
    assert counts == [0, 0, 1, 1]  # at the third answer, and only then
    (row,) = Notification.objects.filter(kind=kinds.EVALUATION_RESULTS.name)
    assert row.recipient == coordinator and row.target_repr == str(block)


def test_cancelling_a_block_with_people_asks_first_and_tells_hr_and_coordinators(tenants):
    from django.core.exceptions import ValidationError

    from scheduling.models import CourseBlock
    from scheduling.services import course_block_update

    block = tenants["block_a"]  # employee_a of company A is enrolled
    with pytest.raises(ValidationError) as refused:
        course_block_update(
            block=block, by=tenants["coordinator"], status=CourseBlock.Status.CANCELLED
        )
    assert "confirm_cancel" in refused.value.error_dict
    block.refresh_from_db()
    assert block.status != CourseBlock.Status.CANCELLED
    course_block_update(
        block=block,
        by=tenants["coordinator"],
        status=CourseBlock.Status.CANCELLED,
        confirm_cancel=True,
    )
    block.refresh_from_db()
    assert block.status == CourseBlock.Status.CANCELLED
    # HR of company A (not company B's); the coordinator did it and is not told.
    assert [name for name, _repr in told(kinds.BLOCK_CANCELLED)] == [tenants["hr"].username]


def test_the_block_page_shows_the_question_where_it_happened(tenants):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(tenants["coordinator"])
    url = reverse("scheduling:block_update", args=[tenants["block_a"].pk])
    form = client.get(url).context["form"]
    data = {
        name: form.initial.get(name) if form.initial.get(name) is not None else ""
        for name in form.fields
        if name not in ("teachers", "confirm_conflicts", "confirm_cancel")
    }
    data["status"] = "cancelled"
    data["start_date"] = tenants["block_a"].start_date.isoformat()
    data["end_date"] = tenants["block_a"].end_date.isoformat()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "confirm_cancel" in response.context["form"].errors
    data["confirm_cancel"] = "on"
    assert client.post(url, data).status_code == 302
