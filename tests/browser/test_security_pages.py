import pytest

from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def collect_csp_violations(page) -> list[str]:
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_no_page_breaks_the_content_security_policy(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    violations = collect_csp_violations(page)
    log_in(page, live_server.url, "admin")
    page.get_by_role("heading", level=1).wait_for()
    for path in [
        "/",
        "/accounts/password/change/",
        "/admin/",
        "/admin/partnerships/partnership/",
        "/admin/partnerships/partnership/1/change/",
        "/admin/schools/courseblock/add/",
    ]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert violations == []


def test_lockout_page_after_repeated_failures(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Brugernavn").fill("hr")
        page.get_by_label("Adgangskode").fill("forkert")
        page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", level=1, name="For mange mislykkede logins").wait_for()
    screenshot(page, "lockout-da")
    # Even the right password is refused during the cool-off.
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Brugernavn").fill("hr")
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("heading", level=1, name="For mange mislykkede logins").wait_for()


def test_password_reset_request_in_english(page_for, live_server):
    page = page_for(locale="en-GB")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Your e-mail address").fill("someone@example.org")
    screenshot(page, "password-reset-en")
    page.get_by_role("button", name="Send the link").click()
    page.get_by_role("heading", level=1, name="Check your e-mail").wait_for()
