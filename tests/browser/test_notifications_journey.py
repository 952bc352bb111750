"""A plan handed over and back, in a browser: each side finds it under "Waiting for you"
and in their e-mail."""

import pytest
from django.core import mail

from accounts.models import User
from competence_plans.models import CompetencePlan
from competence_plans.services import plan_new_version
from demo.seed import seed_demo
from notifications.models import Notification

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_proposed_plan_waits_for_hr_and_comes_back_to_the_coordinator(
    page_for, live_server, settings, eager_tasks
):
    settings.SITE_URL = live_server.url
    seed_demo()
    base = live_server.url
    coordinator_user = User.objects.get(username="tovholder")
    running = CompetencePlan.objects.get(
        partnership__coordinator=coordinator_user,
        partnership__company__memberships__user__username="hr",
    )
    draft = plan_new_version(plan=running, by=coordinator_user)
    mail.outbox.clear()

    coordinator = page_for(locale="da-DK")
    log_in(coordinator, base, "tovholder")
    coordinator.goto(f"{base}/plans/{draft.pk}/")
    coordinator.get_by_role("button", name="Send forslag til virksomheden").click()
    coordinator.get_by_text("Planen har nu status »Foreslået«.").wait_for()

    hr_user = User.objects.get(username="hr")
    (to_hr,) = [m for m in mail.outbox if m.to == [hr_user.email]]
    assert "afventer din godkendelse" in to_hr.subject
    assert f"{base}/plans/{draft.pk}/" in to_hr.body

    hr = page_for(locale="da-DK")
    log_in(hr, base, "hr")
    waiting = hr.get_by_role("region", name="Venter på dig")
    waiting.get_by_role(
        "link", name=f"En kompetenceplan afventer din godkendelse: {draft}"
    ).wait_for()
    assert hr.get_by_role("link", name="Beskeder 1 ulæst").is_visible()
    screenshot(hr, "waiting-for-you-da")
    waiting.get_by_role("link", name=f"En kompetenceplan afventer din godkendelse: {draft}").click()
    hr.get_by_label("Kommentar").first.fill("Vi mangler lagerfolkene.")
    hr.get_by_role("button", name="Send retur med kommentarer").click()
    hr.get_by_text("Planen har nu status »Kladde«.").wait_for()
    hr.goto(f"{base}/")
    hr.get_by_text("Intet venter på dig lige nu.").wait_for()

    (to_coordinator,) = [m for m in mail.outbox if m.to == [coordinator_user.email]]
    assert "sendt en kompetenceplan tilbage" in to_coordinator.subject
    assert "Vi mangler lagerfolkene." in to_coordinator.body
    coordinator.goto(f"{base}/")
    coordinator.get_by_role("region", name="Venter på dig").get_by_role(
        "link", name=f"Virksomheden har sendt en kompetenceplan tilbage: {draft}"
    ).wait_for()
    # The demo's own open action items wait for her too; the menu counts them all.
    unread = Notification.objects.filter(recipient=coordinator_user, read_at=None).count()
    coordinator.get_by_role("link", name=f"Beskeder {unread} ulæst").click()
    coordinator.get_by_text("Vi mangler lagerfolkene.").wait_for()
    screenshot(coordinator, "notifications-da")
    coordinator.get_by_role("button", name="English").click()
    coordinator.get_by_role("heading", level=1, name="Notifications").wait_for()
    screenshot(coordinator, "notifications-en")
