"""Django's and django-axes' authentication signals are the only hook into login,
logout and lockout, so the audit trail for them is recorded here."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.models import (
    AuditEvent,
    CompanyMembership,
    CompanyRole,
    SchoolMembership,
    SchoolRole,
)
from accounts.services import audit_record

SESSION_STARTED_AT = "_started_at"
SESSION_LAST_SEEN = "_last_seen"
# Whether the menu shows school-staff pages; read at login so pages need no query.
SESSION_SCHOOL_STAFF = "_school_staff"
# Which overviews the menu links to: the school dashboard, the network view, a company.
SESSION_OVERVIEWS = "_overviews"


def _overviews(user) -> dict:
    school_roles = set(SchoolMembership.objects.filter(user=user).values_list("role", flat=True))
    company = (
        CompanyMembership.objects.filter(user=user, role__in=[CompanyRole.HR, CompanyRole.MANAGER])
        .order_by("company__name")
        .values_list("company_id", flat=True)
        .first()
    )
    dashboard_roles = {SchoolRole.LEADER, SchoolRole.CONSULTANT, SchoolRole.COORDINATOR}
    from accounts.access import led_schools

    staff_of = led_schools(user).order_by("name").values_list("pk", flat=True).first()
    people_of = (
        CompanyMembership.objects.filter(user=user, role=CompanyRole.HR)
        .order_by("company__name")
        .values_list("company_id", flat=True)
        .first()
    )
    return {
        "dashboard": user.is_superuser or bool(school_roles & dashboard_roles),
        "network": user.is_superuser or SchoolRole.CONSULTANT in school_roles,
        "company": company,
        # The people pages the menu links to: a leader's staff page, HR's colleagues.
        "staff": staff_of,
        "company_people": people_of,
    }


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED_AT] = now
        request.session[SESSION_LAST_SEEN] = now
        request.session[SESSION_SCHOOL_STAFF] = user.is_superuser or (
            SchoolMembership.objects.filter(user=user).exists()
        )
        request.session[SESSION_OVERVIEWS] = _overviews(user)
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
