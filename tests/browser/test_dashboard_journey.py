"""The school leader opens the dashboard, filters by a department and follows a number to
the blocks behind it."""

import pytest
from django.utils import timezone

from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo
from scheduling.models import CourseBlock
from schools.models import Department

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_filters_by_department_and_follows_a_number(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "leder")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.get_by_role("heading", level=1, name="Dashboard").wait_for()
    assert page.get_by_role("heading", name="Kræver opmærksomhed").is_visible()
    screenshot(page, "dashboard-da")

    held = CourseBlock.objects.filter(
        status=CourseBlock.Status.HELD,
        school__memberships__user__username="leder",
        start_date__year=timezone.localdate().year,
    )
    department = Department.objects.filter(pk__in=held.values("department")).order_by("pk").first()
    page.locator("#id_department").select_option(str(department.pk))
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**department=*")
    card = page.locator(".key-figures a", has_text="Hold afholdt")
    shown = int(card.locator(".fs-4").inner_text())
    card.click()
    page.get_by_role("heading", level=1, name="Hold").wait_for()
    rows = page.locator("table tbody tr")
    assert rows.count() == shown
    for row in range(shown):
        assert department.name in rows.nth(row).inner_text()
        assert "Afholdt" in rows.nth(row).inner_text()

    english = page_for(locale="en-GB")
    english.goto(f"{live_server.url}/accounts/login/")
    english.fill("#id_username", "leder")
    english.fill("#id_password", DEMO_PASSWORD)
    english.get_by_role("button", name="Log in").click()
    english.get_by_role("link", name="Dashboard", exact=True).click()
    english.get_by_role("heading", name="Needs attention").wait_for()
    screenshot(english, "dashboard-en")


def test_network_and_company_views(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "konsulent")
    page.get_by_role("link", name="Netværk", exact=True).click()
    page.get_by_role("heading", level=1, name="Skolerne side om side").wait_for()
    assert page.locator("table tbody tr").count() >= 2
    screenshot(page, "dashboard-network-da")

    hr = page_for(locale="da-DK", viewport={"width": 390, "height": 844})
    log_in(hr, live_server.url, "hr")
    hr.get_by_role("button", name="Vis menu").click()
    hr.get_by_role("link", name="Virksomhedsoverblik").click()
    hr.get_by_role("heading", name="Kommende hold for jeres medarbejdere").wait_for()
    screenshot(hr, "dashboard-company-phone-da")
