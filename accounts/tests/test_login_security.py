"""Brute-force lockout, session lifetimes, logout and deactivation."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, UserSession
from accounts.services import user_deactivate
from accounts.signals import SESSION_LAST_SEEN, SESSION_STARTED_AT
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-123"


def attempt(client, username, password, ip="10.1.2.3"):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="da",
    )


def test_locked_after_the_limit_even_with_the_right_password(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, user.username, "wrong").status_code == 200
    # The limit-th failure locks; from then on even the right password is refused.
    assert attempt(client, user.username, "wrong").status_code == 429
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "For mange mislykkede logins" in page
    assert "Prøv igen om 15 minutter" in page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out", actor_name=user.username).exists()
    # Every refused attempt is on the trail, including the one made during the lockout.
    assert (
        AuditEvent.objects.filter(action="login_failed", actor_name=user.username).count()
        == settings.AXES_FAILURE_LIMIT + 1
    )


def test_unlocked_after_the_cool_off(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 429
    # Let the cool-off pass: the attempts are now older than AXES_COOLOFF_TIME.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_lockout_is_per_username_and_address(client, settings):
    """A whole school behind one address is not locked out by one person's typos,
    and nobody can lock a colleague out from another address."""
    victim, colleague = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, victim.username, "wrong", ip="10.0.0.1")
    assert attempt(Client(), colleague.username, PASSWORD, ip="10.0.0.1").status_code == 302
    assert attempt(Client(), victim.username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_login_and_failed_login_are_audited_without_the_password(client):
    user = UserFactory()
    attempt(client, user.username, "secret-guess-99")
    attempt(client, user.username, PASSWORD, ip="10.9.8.7")
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.actor_name == user.username
    assert "secret-guess-99" not in str(failed.data)
    login = AuditEvent.objects.get(action="login")
    assert (login.actor, login.ip_address) == (user, "10.9.8.7")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_idle_session_ends_with_a_message(settings):
    user = UserFactory()
    client = signed_in(user)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="da")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "logget ud efter en periode uden aktivitet" in page
    assert client.get(reverse("home")).status_code == 302  # really logged out


def test_session_ends_after_the_absolute_lifetime_despite_activity(settings):
    user = UserFactory()
    client = signed_in(user)
    session = client.session
    session[SESSION_STARTED_AT] = (
        time.time() - settings.SESSION_ABSOLUTE_LIFETIME.total_seconds() - 5
    )
    session[SESSION_LAST_SEEN] = time.time()
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_activity_within_the_limits_keeps_the_session(settings):
    client = signed_in(UserFactory())
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.SESSION_IDLE_TIMEOUT.total_seconds() + 60
    session.save()
    assert client.get(reverse("home")).status_code == 200
    assert client.session[SESSION_LAST_SEEN] > time.time() - 5  # refreshed


def test_session_timeouts_come_from_settings():
    from django.conf import settings

    assert settings.SESSION_IDLE_TIMEOUT == dt.timedelta(hours=8)
    assert settings.SESSION_ABSOLUTE_LIFETIME == dt.timedelta(days=7)
    assert settings.SESSION_COOKIE_AGE == 7 * 24 * 3600


def test_logout_invalidates_the_session_on_the_server():
    user = UserFactory()
    client = signed_in(user)
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(reverse("home")).status_code == 302
    assert not UserSession.objects.filter(session_key=cookie).exists()
    assert AuditEvent.objects.filter(action="logout", actor=user).exists()


def test_deactivating_a_user_ends_all_their_sessions():
    user, admin = UserFactory(), UserFactory(is_superuser=True)
    laptop, phone = signed_in(user), signed_in(user)
    assert UserSession.objects.filter(user=user).count() == 2
    user_deactivate(user=user, by=admin)
    assert UserSession.objects.filter(user=user).count() == 0
    assert laptop.get(reverse("home")).status_code == 302
    assert phone.get(reverse("home")).status_code == 302
    event = AuditEvent.objects.get(action="user_deactivated")
    assert (event.actor, event.target_repr) == (admin, str(user))


def test_admin_action_deactivates_through_the_service():
    user = UserFactory()
    victim_client = signed_in(user)
    admin_client = signed_in(UserFactory(is_staff=True, is_superuser=True))
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [user.pk]},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    assert victim_client.get(reverse("home")).status_code == 302
