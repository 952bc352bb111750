"""HR's personal-data page and the administrators' retention page: WCAG 2.1 AA in both
languages, with screenshots."""

import pytest

from companies.models import Employee
from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo

from .conftest import screenshot
from .test_accessibility import audit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(("locale", "button"), [("da-DK", "Log ind"), ("en-GB", "Log in")])
def test_personal_data_and_retention_pages(browser, live_server, settings, locale, button):
    settings.MFA_REQUIRED_FOR = []  # the admin logs in with a password only here
    seed_demo()
    employee = Employee.objects.filter(company__memberships__user__username="hr").first()
    context = browser.new_context(locale=locale, bypass_csp=True)
    page = context.new_page()
    problems = {}
    for username, path, name in [
        ("hr", f"/privacy/employees/{employee.pk}/", "privacy-employee"),
        ("admin", "/privacy/retention/", "privacy-retention"),
    ]:
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1
        problems[path] = audit(page)
        screenshot(page, f"{name}-{locale[:2]}")
    context.close()
    assert {where: found for where, found in problems.items() if found} == {}
