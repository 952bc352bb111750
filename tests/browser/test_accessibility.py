"""axe-core's WCAG 2.1 A and AA rules over each role's main pages, in both languages."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from competence_plans.models import CompetenceGoal
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo
from evaluations.models import Invitation
from partnerships.models import Meeting
from people.services import invitation_create
from schools.models import School

# Sequences restart for each run, so the fixed ids below name the same objects in both languages.
pytestmark = pytest.mark.django_db(transaction=True, reset_sequences=True)

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "tovholder": [
        "/",
        "/partnerships/",
        "/partnerships/1/",
        "/companies/",
        "/companies/1/",
        "/companies/1/employees/",
        "/companies/1/employees/import/",
        "/partnerships/meetings/",
        "/partnerships/meetings/new/",
        "/partnerships/experiences/",
        "/plans/1/",
        "/plans/3/",  # a draft: certificates to renew proposed
        "/plans/1/staff/",
        "/plans/1/activities/new/",
        "/plans/3/goals/7/courses/",
        "/schools/week-plan/",
        "/schools/blocks/new/",
        "/schools/catalogue/",
        "/schools/calendar/",
        "/schools/closed-periods/",
        "/schools/qualifications/",
        "/schools/blocks/export/",
        "/schools/plans/1/proposals/new/",
        "/evaluations/partnerships/1/",
        "/evaluations/blocks/1/",
        "/evaluations/blocks/1/sheet/?kind=effect",
        "/evaluations/schools/1/",
        "/people/companies/1/",
        "/people/companies/1/invite/",
    ],
    "hr": [
        "/",
        "/plans/1/",
        "/evaluations/partnerships/1/",
        "/dashboard/company/1/",
        "/companies/1/employees/1/",
        "/companies/1/certificates/",
        "/companies/1/certificates/import/",
        "/notifications/",
        "/notifications/preferences/",
    ],
    "underviser": ["/"],
    "konsulent": ["/dashboard/network/"],
    "admin": ["/schools/rates/", "/schools/rates/2026/"],
    "leder": [
        "/dashboard/",
        "/schools/targets/",
        "/dashboard/blocks/?status=held",
        "/evaluations/schools/1/questionnaires/",
        "/evaluations/schools/1/questionnaires/follow_up/",
        "/people/schools/1/",
        "/people/schools/1/invite/",
    ],
}


def audit(page) -> list[str]:
    page.add_script_tag(content=AXE)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_AA,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("locale", ["da-DK", "en-GB"])
def test_main_pages_have_no_wcag_aa_violations(browser, live_server, locale):
    seed_demo()
    # The audit script is injected inline, which our CSP rightly forbids; this context only.
    context = browser.new_context(locale=locale, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    problems = {"/accounts/login/": audit(page)}
    # The public evaluation form (no login): one of the links the seed left open.
    today = timezone.localdate()
    token = (
        Invitation.objects.filter(answered_at=None, opens_on__lte=today, expires_on__gte=today)
        .values_list("token", flat=True)
        .first()
    )
    page.goto(f"{live_server.url}/evaluations/answer/{token}/")
    problems["evaluation form"] = audit(page)
    page.click("button[type=submit].btn-primary")  # nothing answered: errors shown
    problems["evaluation form with errors"] = audit(page)
    for username, paths in PAGES.items():
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit].btn-primary")
        page.wait_for_load_state()
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response.ok, (username, path, response.status)
            problems[f"{username} {path}"] = audit(page)
    # Still signed in as the leader: one person's page and the two steps that ask first.
    school = School.objects.get(memberships__user__username="leder")
    person = User.objects.get(username="tovholder")
    for name in ("school_member", "school_member_end", "school_member_two_factor"):
        page.goto(live_server.url + reverse(f"people:{name}", args=[school.pk, person.pk]))
        problems[f"leder {name}"] = audit(page)
    # The pages that ask before a far-reaching step, as the coordinator who may take it.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "tovholder")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].btn-primary")
    page.wait_for_load_state()
    coordinator = User.objects.get(username="tovholder")
    meeting = Meeting.objects.filter(partnership__coordinator=coordinator).first()
    goal = CompetenceGoal.objects.filter(plan__partnership__coordinator=coordinator).first()
    for name, path in [
        ("meeting cancel", reverse("partnerships:meeting_cancel", args=[meeting.pk])),
        ("goal removal", reverse("competence_plans:goal_delete", args=[goal.plan_id, goal.pk])),
        ("hand-over", reverse("partnerships:hand_over", args=[meeting.partnership_id])),
    ]:
        response = page.goto(live_server.url + path)
        assert response.ok, (name, response.status)
        problems[f"tovholder {name}"] = audit(page)
    # The invitee's page, signed out.
    outcome = invitation_create(
        by=User.objects.get(username="leder"),
        organisation=school,
        email="ny@example.org",
        first_name="Ny",
        role="teacher",
    )
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("people:accept", args=[outcome.token]))
    problems["invitation accept"] = audit(page)
    context.close()
    assert {where: found for where, found in problems.items() if found} == {}
