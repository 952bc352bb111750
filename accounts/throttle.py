"""Limits on attempts that the login lockout does not cover, shared by every web process
(they are rows in the database, not a per-process cache).

- Second-factor codes: counted per account and per address in a counter of their own, so
  entering the password again does not reset them (django-axes resets its own count on a
  correct password, which is the first step of the same login).
- Password-reset requests: per address and per e-mail typed, whether or not an account has
  that address, so the answer never tells whether one exists.
"""

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Throttle


@dataclass(frozen=True)
class Rule:
    """A limit named in settings.THROTTLES as (attempts, minutes), read when it is used."""

    scope: str

    @property
    def limit(self) -> int:
        return settings.THROTTLES[self.scope][0]

    @property
    def window(self) -> dt.timedelta:
        return dt.timedelta(minutes=settings.THROTTLES[self.scope][1])


def _digest(scope: str, key: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{key}".lower().encode(), hashlib.sha256
    ).hexdigest()


def _live(rule: Rule, key: str, now: dt.datetime):
    return Throttle.objects.filter(
        scope=rule.scope,
        key_digest=_digest(rule.scope, key),
        window_start__gt=now - rule.window,
    )


def is_throttled(rule: Rule, key: str, *, now: dt.datetime | None = None) -> bool:
    """Has `key` used up its attempts in the current window?"""
    now = now or timezone.now()
    return _live(rule, key, now).filter(count__gte=rule.limit).exists()


@transaction.atomic
def throttle_hit(rule: Rule, key: str, *, now: dt.datetime | None = None) -> int:
    """Count one attempt; returns the attempts in the current window, this one included."""
    now = now or timezone.now()
    row, created = Throttle.objects.select_for_update().get_or_create(
        scope=rule.scope,
        key_digest=_digest(rule.scope, key),
        defaults={"window_start": now, "count": 1},
    )
    if created:
        return 1
    if row.window_start <= now - rule.window:
        row.window_start, row.count = now, 1
        row.save(update_fields=["window_start", "count"])
        return 1
    Throttle.objects.filter(pk=row.pk).update(count=F("count") + 1)
    return row.count + 1


def throttle_clear(rule: Rule, key: str) -> None:
    Throttle.objects.filter(scope=rule.scope, key_digest=_digest(rule.scope, key)).delete()


TWO_FACTOR_ACCOUNT = Rule("two_factor_account")
TWO_FACTOR_ADDRESS = Rule("two_factor_address")
PASSWORD_RESET_ADDRESS = Rule("password_reset_address")
PASSWORD_RESET_EMAIL = Rule("password_reset_email")
INVITATION_ADDRESS = Rule("invitation_address")
