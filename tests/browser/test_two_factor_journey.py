"""A school leader must set up two-factor login: scans (reads) the key, confirms with a
code, keeps the recovery codes, and later logs in with password plus code."""

import base64
import datetime as dt

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo.seed import seed_demo

from .conftest import screenshot
from .test_login_journey import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def code(key_hex: str) -> str:
    return f"{totp(bytes.fromhex(key_hex)):06d}"


def test_leader_enrols_an_authenticator_and_logs_in_with_a_code(page_for, live_server, settings):
    settings.MFA_REQUIRED_FOR = ["superuser", "leader"]
    seed_demo()
    page = page_for(locale="da-DK")
    log_in(page, live_server.url, "leder")
    page.get_by_role("heading", level=1, name="Slå totrinslogin til").wait_for()
    assert page.get_by_text("Din rolle kræver totrinslogin").is_visible()
    assert page.locator(".two-factor-qr svg").count() == 1
    screenshot(page, "two-factor-setup-da")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()
    page.get_by_label("Kode").fill(code(key_hex))
    page.get_by_role("button", name="Slå totrinslogin til").click()
    page.get_by_role("heading", level=1, name="Dine gendannelseskoder").wait_for()
    assert page.locator(".recovery-codes li").count() == 10
    page.get_by_role("link", name="Jeg har gemt dem – fortsæt").click()
    page.get_by_role("heading", level=1).wait_for()
    assert TOTPDevice.objects.get(user__username="leder").confirmed

    page.get_by_role("button", name="Log ud").click()
    log_in(page, live_server.url, "leder")
    page.get_by_role("heading", level=1, name="Totrinslogin").wait_for()
    with time_machine.travel(dt.timedelta(seconds=45)):  # a fresh code, not the one used
        page.get_by_label("Kode").fill(code(key_hex))
        page.get_by_role("button", name="Fortsæt").click()
        page.get_by_role("heading", level=1, name="Velkommen, Lars").wait_for()
    screenshot(page, "two-factor-done-da")
