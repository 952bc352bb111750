"""Proposed schedules from the database: what the planner is told, what it proposes,
and what accepting, pinning and discarding write."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent, SchoolRole
from companies.models import BlackoutWeek
from notifications.models import Notification
from scheduling import proposals
from scheduling.conflicts import block_conflicts
from scheduling.models import CourseBlock, Enrollment, ScheduleProposal, TeacherQualification
from tests.factories import (
    AmuCourseFactory,
    CompetencePlanFactory,
    CourseBlockFactory,
    EmployeeFactory,
    EmployeeGroupFactory,
    EnrollmentFactory,
    PlanActivityFactory,
    SchoolMembershipFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 6)  # a Wednesday; proposals start from Monday 11 January (W02)
W = {n: dt.date(2027, 1, 4) + dt.timedelta(weeks=n - 1) for n in range(1, 20)}  # Mondays


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2027, 1, 6, 9, 0), tick=True):
        yield


@pytest.fixture
def setup(world):
    school, company = world["school_a"], world["company_a"]
    teacher = SchoolMembershipFactory(school=school, role=SchoolRole.TEACHER).user
    course = AmuCourseFactory(duration_days=Decimal("5"))
    TeacherQualification.objects.create(school=school, teacher=teacher, fkb=course.fkb)
    plan = CompetencePlanFactory(
        partnership=world["partnership_a"],
        status="approved",
        period_start=dt.date(2027, 1, 4),
        period_end=dt.date(2027, 6, 30),
    )
    group = EmployeeGroupFactory(company=company, name="Svejsere")
    people = [EmployeeFactory(company=company, group=group) for _ in range(4)]
    activity = PlanActivityFactory(
        plan=plan, amu_course=course, planned_start=W[2], planned_end=W[6] + dt.timedelta(4)
    )
    activity.target_groups.add(group)
    return {
        **world,
        "school": school,
        "company": company,
        "teacher": teacher,
        "course": course,
        "plan": plan,
        "group": group,
        "people": people,
        "activity": activity,
    }


def ask(setup, **kwargs) -> ScheduleProposal:
    """Ask in English (the reasons are written in the asker's language) and solve."""
    with translation.override("en"):
        proposal = _request(setup, **kwargs)
    proposals.proposal_solve(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    return proposal


def _request(setup, **kwargs) -> ScheduleProposal:
    return proposals.proposal_request(
        plan=setup["plan"],
        school=setup["school"],
        by=setup["coordinator"],
        capacity=kwargs.pop("capacity", 16),
        minimum=kwargs.pop("minimum", 0),
        **kwargs,
    )


def test_the_group_goes_on_one_new_block_in_the_first_possible_week(setup):
    proposal = ask(setup)
    assert proposal.status == "done"
    [item] = proposal.items
    assert item["week"] == [2027, 2] and item["block"] is None
    assert item["teacher"] == setup["teacher"].pk
    assert sorted(item["employees"]) == sorted(p.pk for p in setup["people"])
    assert item["start"] == "2027-01-11" and item["end"] == "2027-01-15"
    assert proposal.summary["new_blocks"] == 1 and proposal.summary["placed"] == 4
    assert proposal.unscheduled == []


def test_a_blackout_week_is_skipped_and_named_as_the_reason(setup):
    BlackoutWeek.objects.create(
        company=setup["company"], iso_year=2027, iso_week=2, note="Lageroptælling"
    )
    [item] = ask(setup).items
    assert item["week"] == [2027, 3]
    assert any("Lageroptælling" in reason and "2027-W02" in reason for reason in item["reasons"])


def test_joining_an_existing_block_with_room_beats_an_earlier_new_one(setup):
    block = CourseBlockFactory(
        school=setup["school"],
        course=setup["course"],
        start_date=W[4],
        end_date=W[4] + dt.timedelta(4),
    )
    EnrollmentFactory(course_block=block)  # another company's person: 15 seats left
    proposal = ask(setup)
    [item] = proposal.items
    assert item["block"] == block.pk
    assert item["filled"] == 5 and item["capacity"] == 16
    assert proposal.summary["new_blocks"] == 0 and proposal.summary["greedy_new_blocks"] == 1


def test_a_block_without_room_for_the_company_is_not_joined(setup):
    block = CourseBlockFactory(
        school=setup["school"],
        course=setup["course"],
        start_date=W[4],
        end_date=W[4] + dt.timedelta(4),
        capacity=1,
    )
    EnrollmentFactory(course_block=block)
    [item] = ask(setup).items
    assert item["block"] is None


def test_a_teacher_busy_in_the_first_weeks_pushes_the_new_block_later(setup):
    for week in (2, 3):
        CourseBlockFactory(
            school=setup["school"],
            start_date=W[week],
            end_date=W[week] + dt.timedelta(4),
            teachers=[setup["teacher"]],
        )
    [item] = ask(setup).items
    assert item["week"] == [2027, 4]
    assert (
        "Week 2027-W02: every teacher qualified for the course teaches another block"
        in (item["reasons"])
    )


def test_a_group_limit_spreads_the_group_and_explains_who_is_left(setup):
    setup["group"].max_away = 1
    setup["group"].save()
    # Two weeks in the activity's period: two of the four can go.
    setup["activity"].planned_end = W[3] + dt.timedelta(4)
    setup["activity"].save()
    proposal = ask(setup)
    assert sorted(tuple(i["week"]) for i in proposal.items) == [(2027, 2), (2027, 3)]
    assert all(len(i["employees"]) == 1 for i in proposal.items)
    [row] = proposal.unscheduled
    assert row["people"] == 2
    text = " ".join(row["reasons"])
    assert "Svejsere" in text and "4" in text and "2" in text


def test_people_already_on_a_block_for_the_activity_are_left_out(setup):
    placed = setup["people"][0]
    EnrollmentFactory(
        employee=placed,
        plan_activity=setup["activity"],
        course_block=CourseBlockFactory(school=setup["school"], course=setup["course"]),
    )
    [item] = ask(setup).items
    assert placed.pk not in item["employees"] and len(item["employees"]) == 3


def test_someone_busy_on_another_block_in_a_week_is_placed_another_week(setup):
    busy = setup["people"][0]
    EnrollmentFactory(
        employee=busy,
        course_block=CourseBlockFactory(
            school=setup["school"], start_date=W[2], end_date=W[2] + dt.timedelta(1)
        ),
    )
    proposal = ask(setup)
    # One block for all four in week 3 beats two blocks.
    [item] = proposal.items
    assert item["week"] == [2027, 3] and busy.pk in item["employees"]


def test_an_activity_that_comes_after_one_on_blocks_starts_after_it(setup):
    earlier = PlanActivityFactory(plan=setup["plan"], amu_course=AmuCourseFactory())
    block = CourseBlockFactory(
        school=setup["school"],
        course=earlier.amu_course,
        start_date=W[3],
        end_date=W[3] + dt.timedelta(4),
    )
    for person in setup["people"]:
        EnrollmentFactory(employee=person, course_block=block, plan_activity=earlier)
    setup["activity"].after = earlier
    setup["activity"].save()
    [item] = ask(setup).items
    assert item["week"] == [2027, 4]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no_amu", "no AMU course activities"),
        ("all_placed", "already has a place"),
        ("past", "period has passed"),
        ("nobody_teaches", "add a teaching qualification"),
    ],
)
def test_a_plan_with_nothing_to_schedule_is_refused_and_no_job_starts(setup, change, message):
    activity = setup["activity"]
    if change == "no_amu":
        activity.delete()
    elif change == "all_placed":
        block = CourseBlockFactory(school=setup["school"], course=setup["course"])
        for person in setup["people"]:
            EnrollmentFactory(employee=person, course_block=block, plan_activity=activity)
    elif change == "past":
        activity.planned_start, activity.planned_end = dt.date(2026, 9, 1), dt.date(2027, 1, 8)
        activity.save()
    else:
        TeacherQualification.objects.all().delete()
    with pytest.raises(proposals.NothingToPropose) as error, translation.override("en"):
        proposals.proposal_request(
            plan=setup["plan"],
            school=setup["school"],
            by=setup["coordinator"],
            capacity=16,
            minimum=0,
        )
    assert message in " ".join(error.value.messages)
    assert not ScheduleProposal.objects.exists()


def test_an_activity_ending_in_the_first_proposable_week_is_still_scheduled(setup):
    # Boundary of "its period has passed": ends Friday of the first week proposals use.
    setup["activity"].planned_end = W[2] + dt.timedelta(4)
    setup["activity"].save()
    assert [i["week"] for i in ask(setup).items] == [[2027, 2]]


def test_a_teacher_who_left_the_school_is_not_given_blocks(setup):
    from accounts.models import SchoolMembership

    SchoolMembership.objects.filter(user=setup["teacher"]).delete()
    with pytest.raises(proposals.NothingToPropose):
        ask(setup)


def test_accepting_writes_the_block_and_places_through_the_planning_services(setup):
    proposal = ask(setup)
    blocks = proposals.proposal_accept(
        proposal=proposal, keys=[proposal.items[0]["key"]], by=setup["coordinator"]
    )
    [block] = blocks
    assert (block.start_date, block.end_date) == (W[2], W[2] + dt.timedelta(4))
    assert list(block.teachers.all()) == [setup["teacher"]]
    places = Enrollment.objects.filter(course_block=block)
    assert places.count() == 4
    assert set(places.values_list("plan_activity", flat=True)) == {setup["activity"].pk}
    assert (
        block_conflicts(block=block, teachers=[setup["teacher"]], activity=setup["activity"]) == []
    )
    assert AuditEvent.objects.filter(target_id=str(block.pk)).count() == 2  # created, filled
    # The teacher is told they teach it.
    assert Notification.objects.filter(recipient=setup["teacher"], kind="block_teaching").exists()
    proposal.refresh_from_db()
    assert proposal.items[0]["accepted"] and proposal.items[0]["written_block"] == block.pk
    # Accepting it twice is refused; nothing more is written.
    with pytest.raises(ValidationError):
        proposals.proposal_accept(
            proposal=proposal, keys=[proposal.items[0]["key"]], by=setup["coordinator"]
        )
    assert CourseBlock.objects.filter(course=setup["course"]).count() == 1


def test_accepting_after_the_week_plan_changed_writes_nothing(setup):
    setup["activity"].planned_end = W[3] + dt.timedelta(4)
    setup["activity"].save()
    setup["group"].max_away = 2
    setup["group"].save()
    proposal = ask(setup)
    assert len(proposal.items) == 2
    # Meanwhile the teacher is given another block in the second proposed week.
    CourseBlockFactory(
        school=setup["school"],
        start_date=W[3],
        end_date=W[3] + dt.timedelta(4),
        teachers=[setup["teacher"]],
    )
    with pytest.raises(proposals.ProposalOutOfDate) as error:
        proposals.proposal_accept(
            proposal=proposal, keys=[i["key"] for i in proposal.items], by=setup["coordinator"]
        )
    assert "2027-W03" in " ".join(error.value.messages)
    assert not CourseBlock.objects.filter(course=setup["course"]).exists()
    assert not Enrollment.objects.filter(employee__in=setup["people"]).exists()
    proposal.refresh_from_db()
    assert not any(i["accepted"] for i in proposal.items)


def test_pinning_a_block_to_another_week_asks_again_with_it_held_there(setup):
    proposal = ask(setup)
    new = proposals.proposal_pin(
        proposal=proposal, key=proposal.items[0]["key"], week=(2027, 5), by=setup["coordinator"]
    )
    proposals.proposal_solve(proposal_id=new.pk)
    new.refresh_from_db()
    assert [i["week"] for i in new.items] == [[2027, 5]]
    assert new.fixed[0]["week"] == [2027, 5]
    proposal.refresh_from_db()
    assert proposal.status == "discarded"


@pytest.mark.parametrize(
    ("week", "message"), [((2027, 2), "Lageroptælling"), ((2027, 9), "outside")]
)
def test_pinning_to_a_week_that_breaks_a_rule_is_refused_with_why(setup, week, message):
    BlackoutWeek.objects.create(
        company=setup["company"], iso_year=2027, iso_week=2, note="Lageroptælling"
    )
    proposal = ask(setup)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        proposals.proposal_pin(
            proposal=proposal, key=proposal.items[0]["key"], week=week, by=setup["coordinator"]
        )
    assert message in " ".join(error.value.messages)
    assert ScheduleProposal.objects.count() == 1


def test_a_failed_solve_is_recorded_on_the_proposal(setup, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(proposals.planner, "solve", broken)
    proposal = proposals.proposal_request(
        plan=setup["plan"], school=setup["school"], by=setup["coordinator"], capacity=16, minimum=0
    )
    with pytest.raises(RuntimeError):
        proposals.proposal_solve(proposal_id=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == "failed" and "solver exploded" in proposal.error


def test_the_sweep_sends_a_stuck_proposal_again_and_gives_up_after_the_attempts(setup, monkeypatch):
    sent = []
    monkeypatch.setattr(
        proposals, "proposal_dispatch", lambda proposal: sent.append(proposal.pk) or True
    )
    proposal = proposals.proposal_request(
        plan=setup["plan"], school=setup["school"], by=setup["coordinator"], capacity=16, minimum=0
    )
    ScheduleProposal.objects.filter(pk=proposal.pk).update(
        status="running", started_at=dt.datetime(2027, 1, 6, 8, 0, tzinfo=dt.UTC), attempts=1
    )
    assert proposals.proposals_sweep() == 1
    proposal.refresh_from_db()
    assert proposal.status == "queued" and sent == [proposal.pk]
    ScheduleProposal.objects.filter(pk=proposal.pk).update(
        status="running", started_at=dt.datetime(2027, 1, 6, 8, 0, tzinfo=dt.UTC), attempts=3
    )
    proposals.proposals_sweep()
    proposal.refresh_from_db()
    assert proposal.status == "failed" and proposal.error


def test_a_running_proposal_within_its_time_is_left_alone(setup, monkeypatch):
    monkeypatch.setattr(proposals, "proposal_dispatch", lambda proposal: True)
    proposal = proposals.proposal_request(
        plan=setup["plan"], school=setup["school"], by=setup["coordinator"], capacity=16, minimum=0
    )
    ScheduleProposal.objects.filter(pk=proposal.pk).update(
        status="running", started_at=dt.datetime(2027, 1, 6, 8, 59, tzinfo=dt.UTC), attempts=1
    )
    assert proposals.proposals_sweep() == 0


@override_settings(REPORT_NOTIFY_AFTER_SECONDS=0)
def test_the_requester_is_told_when_the_proposal_is_ready(setup):
    proposal = ask(setup)
    note = Notification.objects.get(recipient=setup["coordinator"], kind="proposal_ready")
    assert note.url == proposals.proposal_url(proposal)


# ---------------------------------------------------------------------------------------
# The pages.


def test_the_pages_ask_follow_accept_and_discard(
    setup, client, django_capture_on_commit_callbacks, eager_tasks
):
    client.force_login(setup["coordinator"])
    plan = setup["plan"]
    page = client.get(reverse("scheduling:proposal_request", args=[plan.pk]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scheduling:proposal_request", args=[plan.pk]),
            {"school": setup["school"].pk, "capacity": 16, "min_participants": 2},
        )
    proposal = ScheduleProposal.objects.get()
    assert response.status_code == 302 and response.url == proposals.proposal_url(proposal)
    status = client.get(reverse("scheduling:proposal_status", args=[plan.pk, proposal.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    page = client.get(proposal.pk and proposals.proposal_url(proposal))
    assert page.status_code == 200 and "2027-W02" in page.content.decode()
    key = proposal.items[0]["key"]
    response = client.post(
        reverse("scheduling:proposal_accept", args=[plan.pk, proposal.pk]), {"item": [key]}
    )
    assert response.status_code == 302
    assert CourseBlock.objects.filter(course=setup["course"]).count() == 1
    response = client.post(reverse("scheduling:proposal_discard", args=[plan.pk, proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "discarded"


def test_bad_input_on_the_pages_gets_a_message_not_an_error(setup, client):
    client.force_login(setup["coordinator"])
    plan = setup["plan"]
    response = client.post(
        reverse("scheduling:proposal_request", args=[plan.pk]),
        {"school": setup["school"].pk, "capacity": 5, "min_participants": 6},
    )
    assert response.status_code == 400 and not ScheduleProposal.objects.exists()
    proposal = ask(setup)
    for data in ({"item": "1", "week": "uge fem"}, {"item": "99", "week": "2027-W05"}, {}):
        response = client.post(
            reverse("scheduling:proposal_pin", args=[plan.pk, proposal.pk]), data, follow=True
        )
        assert response.status_code == 200
        assert response.context["messages"]
    response = client.post(
        reverse("scheduling:proposal_accept", args=[plan.pk, proposal.pk]), {}, follow=True
    )
    assert "Vælg mindst ét foreslået hold." in response.content.decode()


def test_a_proposal_of_another_plan_is_not_found(setup, client):
    proposal = ask(setup)
    client.force_login(setup["coordinator"])
    other = CompetencePlanFactory(partnership=setup["partnership_a"], status="approved")
    response = client.get(reverse("scheduling:proposal", args=[other.pk, proposal.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("limit", "blocks"), [(None, 1), (1, 4)])
def test_the_proposal_page_reads_a_fixed_number_of_queries(
    setup, client, django_assert_num_queries, limit, blocks
):
    """One proposed block or four: the same queries (the items are stored with the
    names they show)."""
    setup["group"].max_away = limit
    setup["group"].save()
    proposal = ask(setup)
    assert len(proposal.items) == blocks
    client.force_login(setup["coordinator"])
    url = proposals.proposal_url(proposal)
    client.get(url)
    with django_assert_num_queries(11):
        client.get(url)


def test_an_activity_that_loses_the_teacher_to_another_says_so(setup):
    """Two activities, one teacher, one week each can use: one is placed, the other
    is told its teacher teaches the other proposed block."""
    for activity in [setup["activity"]]:
        activity.planned_end = W[2] + dt.timedelta(4)
        activity.save()
    second = PlanActivityFactory(
        plan=setup["plan"],
        amu_course=AmuCourseFactory(fkb=setup["course"].fkb),
        planned_start=W[2],
        planned_end=W[2] + dt.timedelta(4),
    )
    second.target_employees.add(EmployeeFactory(company=setup["company"]))
    proposal = ask(setup)
    assert [i["activity"] for i in proposal.items] == [setup["activity"].pk]
    [row] = proposal.unscheduled
    assert row["activity"] == second.pk and row["people"] == 1
    assert (
        "In 1 possible week the qualified teachers teach other proposed blocks." in row["reasons"]
    )


@pytest.mark.parametrize(
    ("status", "may"),
    [
        ("draft", False),
        ("proposed", False),
        ("approved", True),
        ("in_progress", True),
        ("completed", False),
    ],
)
def test_only_an_approved_plan_in_hand_can_be_proposed_for(setup, status, may):
    from access import Capability, can

    plan = setup["plan"]
    plan.status = status
    plan.save()
    assert can(setup["coordinator"], Capability.PROPOSE_SCHEDULE, plan) is may
    # Not for the school's leader, nor a coordinator of another partnership's school.
    assert not can(setup["leader"], Capability.PROPOSE_SCHEDULE, plan)
    assert not can(setup["other_coordinator"], Capability.PROPOSE_SCHEDULE, plan)


def test_a_coordinator_who_no_longer_plans_at_the_school_cannot_propose(setup):
    from access import Capability, can
    from accounts.models import SchoolMembership

    SchoolMembership.objects.filter(user=setup["coordinator"]).delete()
    assert not can(setup["coordinator"], Capability.PROPOSE_SCHEDULE, setup["plan"])


@pytest.mark.parametrize(
    ("people", "max_away", "percent", "limit"),
    [
        (10, None, None, None),
        (10, 3, None, 3),
        (10, None, 25, 2),
        (10, None, 30, 3),
        (10, 2, 50, 2),
        (10, 6, 50, 5),
        (3, None, 10, 1),  # a percentage always lets one go
    ],
)
def test_a_groups_absence_limit(people, max_away, percent, limit):
    from companies.models import EmployeeGroup

    group = EmployeeGroup(max_away=max_away, max_away_percent=percent)
    assert group.away_limit(people) == limit


def test_an_activity_cannot_come_after_itself_or_in_a_circle(setup):
    activity = setup["activity"]
    activity.after = activity
    with pytest.raises(ValidationError, match="after itself|efter sig selv"):
        activity.full_clean()
    other = PlanActivityFactory(plan=setup["plan"], after=activity)
    activity.after = other
    with pytest.raises(ValidationError, match="circle|i ring"):
        activity.full_clean()
    foreign = PlanActivityFactory()
    activity.after = foreign
    with pytest.raises(ValidationError, match="same plan|samme plan"):
        activity.full_clean()
    activity.after = None
    activity.full_clean()


def test_qualifications_are_kept_on_their_page_by_the_schools_staff(setup, client):
    client.force_login(setup["coordinator"])
    url = reverse("scheduling:qualifications")
    assert client.get(url).status_code == 200
    course = AmuCourseFactory()
    data = {"school": setup["school"].pk, "teacher": setup["teacher"].pk, "course": course.pk}
    assert client.post(url, data).status_code == 302
    row = TeacherQualification.objects.get(course=course)
    # The same again, neither nor both, or a teacher of another school: refused, shown.
    for bad in (
        data,
        {"school": setup["school"].pk, "teacher": setup["teacher"].pk},
        {**data, "fkb": course.fkb_id},
        {**data, "teacher": setup["other_coordinator"].pk},
    ):
        response = client.post(url, bad)
        assert response.status_code == 400, bad
    assert TeacherQualification.objects.filter(course=course).count() == 1
    assert client.post(url, {"remove": row.pk}).status_code == 302
    assert not TeacherQualification.objects.filter(course=course).exists()
    # Another school's qualification is out of reach.
    other = TeacherQualification.objects.create(
        school=setup["school_b"], teacher=setup["other_coordinator"], course=course
    )
    assert client.post(url, {"remove": other.pk}).status_code == 404
    assert client.post(url, {"remove": "x"}).status_code == 404


def _second_activity_of_the_course(setup, size=3, start=W[2], end=W[6]):
    group = EmployeeGroupFactory(company=setup["company"], name="Montører")
    people = [EmployeeFactory(company=setup["company"], group=group) for _ in range(size)]
    other = PlanActivityFactory(
        plan=setup["plan"],
        amu_course=setup["course"],
        planned_start=start,
        planned_end=end + dt.timedelta(4),
        title="Montører på samme kursus",
    )
    other.target_groups.add(group)
    return other, people


def test_two_activities_of_one_course_share_one_new_block(setup, client):
    other, people = _second_activity_of_the_course(setup)
    proposal = ask(setup)
    assert proposal.summary["new_blocks"] == 1
    assert len(proposal.items) == 2
    first, second = proposal.items
    assert first["joint"] and first["joint"] == second["joint"]
    assert first["week"] == second["week"] == [2027, 2]
    assert first["filled"] == second["filled"] == 7
    assert {first["activity"], second["activity"]} == {setup["activity"].pk, other.pk}
    mine = next(i for i in proposal.items if i["activity"] == setup["activity"].pk)
    assert mine["shared_with"] == ["Montører på samme kursus"]
    assert "Montører på samme kursus" in mine["reasons"][0]
    client.force_login(setup["coordinator"])
    page = client.get(proposals.proposal_url(proposal), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "One block together with Montører på samme kursus" in html
    # The grid marks each part with the fill of the one block: 4 + 3 of 16.
    assert html.count(">7/16<") == 2


def test_accepting_the_parts_of_a_shared_block_writes_one_block(setup):
    other, people = _second_activity_of_the_course(setup)
    proposal = ask(setup)
    first, second = proposal.items
    [block] = proposals.proposal_accept(
        proposal=proposal, keys=[first["key"]], by=setup["coordinator"]
    )
    proposal.refresh_from_db()
    # Accepted later, the other activity's part joins the block written for the first.
    [again] = proposals.proposal_accept(
        proposal=proposal, keys=[second["key"]], by=setup["coordinator"]
    )
    assert again == block
    assert CourseBlock.objects.filter(course=setup["course"]).count() == 1
    places = Enrollment.objects.filter(course_block=block)
    assert places.count() == 7
    assert set(places.values_list("plan_activity", flat=True)) == {setup["activity"].pk, other.pk}


def test_accepting_both_parts_at_once_writes_one_block(setup):
    _second_activity_of_the_course(setup)
    proposal = ask(setup)
    blocks = proposals.proposal_accept(
        proposal=proposal, keys=[i["key"] for i in proposal.items], by=setup["coordinator"]
    )
    assert len(set(blocks)) == 1
    assert Enrollment.objects.filter(course_block=blocks[0]).count() == 7


def test_a_course_whose_people_do_not_fit_one_block_opens_a_second(setup):
    """4 + 13 people, 16 seats, one teacher: two weeks, one block each."""
    _second_activity_of_the_course(setup, size=13)
    proposal = ask(setup)
    assert proposal.summary["new_blocks"] == 2 and proposal.summary["placed"] == 17
    by_joint = {}
    for item in proposal.items:
        by_joint[item["joint"]] = by_joint.get(item["joint"], 0) + len(item["employees"])
    assert len(by_joint) == 2 and max(by_joint.values()) <= 16
