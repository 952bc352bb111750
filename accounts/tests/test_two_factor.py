"""Two-factor login: enrolment, the second step, recovery codes, lockout, audit, and
that roles which require it reach no page before it."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from access.tests.test_permission_matrix import MATRIX
from accounts.models import AuditEvent, SchoolRole
from tests.factories import SchoolMembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"
REQUIRED = override_settings(MFA_REQUIRED_FOR=["superuser", "leader"])


def code_for(device, at=None) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return response


def enrol(client) -> list[str]:
    client.get(reverse("two_factor_setup"))
    key = client.session["_two_factor_pending_key"]
    response = client.post(reverse("two_factor_setup"), {"code": code_for(TOTPDevice(key=key))})
    assert response.status_code == 200
    return response.context["codes"]


@REQUIRED
def test_a_leader_reaches_no_page_before_setting_up_the_second_factor(client, tenants):
    leader = tenants["leader"]
    leader.set_password(PASSWORD)
    leader.save()
    log_in(client, leader)
    setup = reverse("two_factor_setup")
    for name, row in MATRIX.items():
        if name in {"two_factor_setup", "two_factor_verify", "logout", "set_language", "login"}:
            continue
        url = row.url(name, tenants)
        response = client.get(url)
        if url.startswith(("/evaluations/answer/", "/evaluations/thanks/", "/healthz")):
            continue  # public pages for participants and monitors, no account data
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith(setup), (name, response["Location"])


@REQUIRED
def test_enrolment_then_every_later_login_asks_for_a_code(client):
    leader = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    log_in(client, leader)
    assert client.get("/")["Location"].startswith(reverse("two_factor_setup"))
    client.get(reverse("two_factor_setup"))
    assert not TOTPDevice.objects.exists(), "nothing is stored before a code confirms it"
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 400 and "Koden er ikke rigtig" in wrong.content.decode()
    with time_machine.travel(dt.timedelta(seconds=10)):  # django-otp slows retries down
        codes = enrol(client)
    assert len(codes) == 10 and len(set(codes)) == 10
    pending = TOTPDevice.objects.get(user=leader)
    assert pending.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_enabled", actor=leader).exists()

    client.post(reverse("logout"))
    log_in(client, leader)
    assert client.get("/")["Location"].startswith(reverse("two_factor_verify"))
    refused = client.post(reverse("two_factor_verify"), {"code": "123456", "next": "/"})
    assert refused.status_code == 400
    assert AuditEvent.objects.filter(action="two_factor_failed", actor=leader).count() == 1
    with time_machine.travel(dt.timedelta(seconds=60)):
        accepted = client.post(
            reverse("two_factor_verify"), {"code": code_for(pending), "next": "/plans/"}
        )
        assert accepted["Location"] == "/plans/"
        assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor_verified", actor=leader).exists()


@REQUIRED
def test_a_recovery_code_works_once(client):
    leader = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    log_in(client, leader)
    codes = enrol(client)
    client.post(reverse("logout"))
    log_in(client, leader)
    ok = client.post(reverse("two_factor_verify"), {"code": codes[0], "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert StaticToken.objects.filter(device__user=leader).count() == 9
    assert AuditEvent.objects.filter(action="recovery_code_used", actor=leader).exists()
    client.post(reverse("logout"))
    log_in(client, leader)
    again = client.post(reverse("two_factor_verify"), {"code": codes[0], "next": "/"})
    assert again.status_code == 400


@REQUIRED
@override_settings(AXES_FAILURE_LIMIT=3)
def test_wrong_codes_lock_the_account_like_wrong_passwords(client):
    leader = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    log_in(client, leader)
    enrol(client)
    client.post(reverse("logout"))
    log_in(client, leader)
    for _ in range(2):
        assert client.post(reverse("two_factor_verify"), {"code": "111111"}).status_code == 400
    locked = client.post(reverse("two_factor_verify"), {"code": "111111"})
    assert locked.status_code == 429
    assert client.get("/")["Location"].startswith(reverse("login")), "logged out"
    refused = client.post(reverse("login"), {"username": leader.username, "password": PASSWORD})
    assert refused.status_code in (403, 429)


@REQUIRED
def test_others_may_turn_it_on_and_off_but_leaders_may_not_turn_it_off(client):
    coordinator = SchoolMembershipFactory(role=SchoolRole.COORDINATOR).user
    log_in(client, coordinator)
    assert client.get("/").status_code == 200, "optional for coordinators"
    enrol(client)
    client.post(reverse("two_factor_manage"), {"action": "disable"})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    assert AuditEvent.objects.filter(action="two_factor_disabled", actor=coordinator).exists()

    client.post(reverse("logout"))
    leader = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    log_in(client, leader)
    enrol(client)
    client.post(reverse("two_factor_manage"), {"action": "disable"})
    assert TOTPDevice.objects.filter(user=leader, confirmed=True).exists()


@REQUIRED
def test_superusers_need_it_too_and_the_setting_can_turn_it_off(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    log_in(client, admin)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("two_factor_setup"))
    with override_settings(MFA_REQUIRED_FOR=[]):
        assert client.get(reverse("admin:index")).status_code == 200


def test_the_next_address_cannot_leave_the_site(client):
    user = SchoolMembershipFactory(role=SchoolRole.COORDINATOR).user
    log_in(client, user)
    enrol(client)
    client.post(reverse("logout"))
    log_in(client, user)
    device = TOTPDevice.objects.get(user=user)
    with time_machine.travel(dt.timedelta(seconds=60)):
        response = client.post(
            reverse("two_factor_verify"),
            {"code": code_for(device), "next": "https://evil.example/"},
        )
    assert response["Location"] == reverse("home")


def test_two_factor_pages_have_exact_query_counts(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = SchoolMembershipFactory(role=SchoolRole.COORDINATOR).user
    log_in(client, user)
    counts = {}
    for name in ("two_factor_manage", "two_factor_setup"):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    # manage: session, user, devices (TOTP, static), recovery codes left;
    # setup: session, user, devices (TOTP, static). Nothing is required in test settings.
    assert counts == {"two_factor_manage": 5, "two_factor_setup": 4}


# Five wrong codes lock an account; django-axes' own limit is out of the way.
FIVE_CODES_AN_ACCOUNT = override_settings(
    AXES_FAILURE_LIMIT=50, THROTTLES={**settings.THROTTLES, "two_factor_account": (5, 15)}
)


def _enrolled_leader(client):
    leader = SchoolMembershipFactory(role=SchoolRole.LEADER).user
    log_in(client, leader)
    device_codes = enrol(client)
    client.post(reverse("logout"))
    return leader, device_codes


def _wrong_codes(client, n):
    return [
        client.post(reverse("two_factor_verify"), {"code": "111111"}).status_code for _ in range(n)
    ]


@REQUIRED
@FIVE_CODES_AN_ACCOUNT
def test_giving_the_password_again_does_not_reset_the_count_of_wrong_codes(client):
    leader, _codes = _enrolled_leader(client)
    log_in(client, leader)
    assert _wrong_codes(client, 4) == [400] * 4
    client.post(reverse("logout"))
    log_in(client, leader)  # a right password: django-axes forgets, our count does not
    assert _wrong_codes(client, 1) == [429]


@REQUIRED
@FIVE_CODES_AN_ACCOUNT
def test_four_wrong_codes_then_the_right_one_logs_in_and_starts_the_count_again(client):
    leader, codes = _enrolled_leader(client)
    log_in(client, leader)
    assert _wrong_codes(client, 4) == [400] * 4
    # django-otp itself makes a device wait after wrong codes (8 s after four).
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=60)):
        ok = client.post(reverse("two_factor_verify"), {"code": codes[0], "next": "/"})
    assert ok.status_code == 302
    client.post(reverse("logout"))
    log_in(client, leader)
    assert _wrong_codes(client, 4) == [400] * 4, "the right code cleared the count"


@REQUIRED
@override_settings(
    AXES_FAILURE_LIMIT=50,
    THROTTLES={**settings.THROTTLES, "two_factor_account": (5, 15), "two_factor_address": (8, 15)},
)
def test_wrong_codes_are_limited_per_address_across_accounts(client):
    first, _codes = _enrolled_leader(client)
    second, _codes = _enrolled_leader(client)
    log_in(client, first)
    assert _wrong_codes(client, 4) == [400] * 4
    client.post(reverse("logout"))
    log_in(client, second)
    assert _wrong_codes(client, 4) == [400, 400, 400, 429]


@REQUIRED
@FIVE_CODES_AN_ACCOUNT
def test_the_count_of_wrong_codes_ends_with_its_window(client):
    leader, _codes = _enrolled_leader(client)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)):
        log_in(client, leader)
        assert _wrong_codes(client, 5)[-1] == 429
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 16, tzinfo=dt.UTC)):
        client.post(reverse("logout"))
        log_in(client, leader)
        # A new window counts from one again: four are allowed, the fifth locks.
        assert _wrong_codes(client, 5) == [400] * 4 + [429]
