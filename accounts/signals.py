"""Django's and django-axes' authentication signals are the only hook into login,
logout and lockout, so the audit trail for them is recorded here."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import (
    AuditEvent,
)
from accounts.services import audit_record

SESSION_STARTED_AT = "_started_at"
SESSION_LAST_SEEN = "_last_seen"


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_AT] = now
        request.session[SESSION_LAST_SEEN] = now
        from accounts.two_factor import remember_at_login

        remember_at_login(request, user)
    audit_record(action=AuditEvent.Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # `credentials` has the password scrubbed by Django; keep only the username.
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        request=request,
        actor_name=str(credentials.get("username", "")),
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit_record(
        action=AuditEvent.Action.LOCKED_OUT,
        request=request,
        actor_name=str(username or ""),
    )
