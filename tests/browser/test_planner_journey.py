"""The coordinator asks the planner for a proposal on their plan, watches it being
worked out, accepts all but one block, moves that one to another week and accepts it.
Danish and English."""

import re

import pytest

from accounts.models import SchoolMembership, SchoolRole
from competence_plans.models import PlanActivity
from demo.base import DEMO_PASSWORD
from demo.planner import TITLE
from demo.seed import seed_demo
from scheduling import proposals
from scheduling.models import CourseBlock, Enrollment, ScheduleProposal, TeacherQualification
from tests.factories import UserFactory

from .conftest import screenshot
from .test_accessibility import audit

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = {
    "da-DK": {
        "propose": "Foreslå hold",
        "work_out": "Udarbejd et forslag",
        "blocks": "De foreslåede hold",
        "accept": "Godkend de afkrydsede hold",
        "move": "Flyt og spørg igen",
        "put": "blev sat på ugeplanen",
        "queued": "I kø",
    },
    "en-GB": {
        "propose": "Propose a schedule",
        "work_out": "Work out a proposal",
        "blocks": "The proposed blocks",
        "accept": "Accept the ticked blocks",
        "move": "Move and ask again",
        "put": "put on the week plan",
        "queued": "Queued",
    },
}


@pytest.fixture
def worker_by_hand(monkeypatch):
    """No worker picks the proposal up by itself: the test plays the worker, so the page
    is seen waiting first."""
    monkeypatch.setattr(proposals, "proposal_dispatch", lambda proposal: True)

    def work():
        proposal = ScheduleProposal.objects.filter(status="queued").get()
        proposals.proposal_solve(proposal_id=proposal.pk)
        proposal.refresh_from_db()
        return proposal

    return work


@pytest.mark.parametrize("locale", ["da-DK", "en-GB"])
def test_propose_accept_all_but_one_move_it_and_accept_it(
    browser, live_server, locale, worker_by_hand, settings
):
    settings.PLANNER_TIME_LIMIT_SECONDS = 5
    seed_demo()
    text = TEXT[locale]
    activity = PlanActivity.objects.select_related("plan__partnership").get(title=TITLE)
    plan = activity.plan
    school = plan.partnership.lead_school
    # A second teacher at the school, so the planner has weeks to move a block to.
    colleague = UserFactory(first_name="Ole", last_name="Friis")
    SchoolMembership.objects.create(user=colleague, school=school, role=SchoolRole.TEACHER)
    TeacherQualification.objects.create(
        school=school, teacher=colleague, fkb=activity.amu_course.fkb
    )
    context = browser.new_context(
        locale=locale, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tovholder")
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")
    page.get_by_role("heading", level=1).wait_for()

    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_role("link", name=text["propose"], exact=True).click()
    page.get_by_role("button", name=text["work_out"]).click()
    # Waiting: the progress shows, then the page turns into the proposal by itself.
    page.locator("progress").wait_for()
    assert text["queued"] in page.content()
    assert audit(page) == []
    proposal = worker_by_hand()
    page.get_by_role("heading", name=text["blocks"]).wait_for()
    assert audit(page) == []
    screenshot(page, f"planner-proposal-{locale[:2]}")
    items = proposal.items
    assert len(items) >= 2
    for item in items:
        assert not item["accepted"]

    # All but the last accepted.
    kept = items[-1]
    page.uncheck(f"#accept-{kept['key']}")
    page.get_by_role("button", name=text["accept"]).click()
    page.get_by_text(re.compile(text["put"])).wait_for()
    proposal.refresh_from_db()
    assert [i["accepted"] for i in proposal.items] == [True] * (len(items) - 1) + [False]
    written = [i["written_block"] for i in proposal.items[:-1]]
    # One block per proposed block: the parts of a block two activities share write one.
    joints = {i["joint"] or f"block-{i['block']}" for i in proposal.items[:-1]}
    assert CourseBlock.objects.filter(pk__in=written).count() == len(joints)
    assert Enrollment.objects.filter(
        plan_activity=kept["activity"], course_block__in=written
    ).count() == sum(len(i["employees"]) for i in items[:-1] if i["activity"] == kept["activity"])

    # The last one moved to another week the rules allow, and accepted there.
    built = proposals.build(
        plan=plan,
        school=school,
        today=proposal.created_at.date(),
        capacity=proposal.capacity,
        minimum=proposal.min_participants,
    )
    window = built.windows[kept["activity"]]
    taken = {tuple(i["week"]) for i in items}
    target = next(w for w in reversed(window.weeks) if w not in window.ruled_out and w not in taken)
    label = proposals.week_label(target)
    page.fill(f"#pin-{kept['key']}", label)
    page.get_by_role("button", name=re.compile(text["move"])).click()
    page.locator("progress").wait_for()
    moved = worker_by_hand()
    page.get_by_role("heading", name=text["blocks"]).wait_for()
    [again] = [
        i for i in moved.items if i["activity"] == kept["activity"] and tuple(i["week"]) == target
    ]
    assert sorted(again["employees"]) == sorted(kept["employees"])
    screenshot(page, f"planner-moved-{locale[:2]}")
    for item in moved.items:
        if item is not again:
            page.uncheck(f"#accept-{item['key']}")
    page.get_by_role("button", name=text["accept"]).click()
    page.get_by_text(re.compile(text["put"])).wait_for()
    block = (
        CourseBlock.objects.filter(
            enrollments__plan_activity=kept["activity"], iso_year=target[0], iso_week=target[1]
        )
        .distinct()
        .get()
    )
    assert set(block.enrollments.values_list("employee", flat=True)) == set(kept["employees"])
    context.close()
