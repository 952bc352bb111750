import pytest

from demo.base import DEMO_PASSWORD
from demo.seed import seed_demo

from .conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()


def test_coordinator_logs_in_and_sees_their_partnerships(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "tovholder")

    page.get_by_role("heading", level=1, name="Velkommen, Mette").wait_for()
    section = page.get_by_role("region", name="Partnerskaber du er tovholder for")
    rows = section.get_by_role("row")
    # Header plus the three demo partnerships Mette coordinates.
    assert rows.count() == 4
    assert section.get_by_text("Østjysk Stålkonstruktion A/S").is_visible()
    assert section.get_by_text("Aarhus Kommune, Ejendomsservice").is_visible()
    # Another school's partnership is not hers.
    assert page.get_by_text("Kolding Transport & Logistik ApS").count() == 0
    screenshot(page, "home-tovholder-da")


def test_language_switch_to_english_and_back(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "tovholder")
    page.get_by_role("button", name="English").click()
    page.get_by_role("heading", level=1, name="Welcome, Mette").wait_for()
    assert page.get_by_role("region", name="Partnerships you coordinate").is_visible()
    screenshot(page, "home-tovholder-en")
    page.get_by_role("button", name="Dansk").click()
    page.get_by_role("heading", level=1, name="Velkommen, Mette").wait_for()


def test_wrong_password_shows_error_at_the_form(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Brugernavn").fill("tovholder")
    page.get_by_label("Adgangskode").fill("forkert")
    page.get_by_role("button", name="Log ind").click()
    assert page.get_by_text("Brugernavnet eller adgangskoden er forkert").is_visible()
    screenshot(page, "login-error-da")


def test_home_page_works_on_a_phone(page_for, live_server):
    seed_demo()
    page = page_for(locale="da-DK", viewport={"width": 390, "height": 844})
    log_in(page, live_server.url, "hr")
    page.get_by_role("heading", level=1).wait_for()
    # The navigation collapses behind a toggle that opens with the keyboard.
    toggle = page.get_by_role("button", name="Vis menu")
    toggle.focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Log ud").wait_for(state="visible")
    screenshot(page, "home-hr-phone-da")
