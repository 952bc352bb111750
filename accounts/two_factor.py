"""Two-factor login: a TOTP app, with one-use recovery codes for a lost phone.

After the password, a user with a confirmed device must give a code before any page;
a user whose role requires it (MFA_REQUIRED_FOR) and who has no device yet is sent to set
one up first. Wrong codes count as failed logins for django-axes, so the lockout covers
the second factor, and every step lands in the audit log.
"""

import functools
import secrets

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from accounts import throttle
from accounts.models import AuditEvent, SchoolMembership
from accounts.services import audit_record, client_address

RECOVERY_CODES = 10
PENDING_KEY = "_two_factor_pending_key"
# Paths a signed-in user may reach before the second factor.
OPEN_PREFIXES = ("/static/", "/i18n/", "/evaluations/answer/", "/evaluations/thanks/")


def second_factor_required(user) -> bool:
    if user.two_factor_reset:  # someone reset it after a lost phone: set it up again
        return True
    required = set(settings.MFA_REQUIRED_FOR)
    if not required:
        return False
    if user.is_superuser and "superuser" in required:
        return True
    roles = required - {"superuser"}
    return bool(roles) and SchoolMembership.objects.filter(user=user, role__in=roles).exists()


# What the middleware needs to know, kept in the session so pages cost no extra query:
# whether the user has a confirmed device, and whether their role requires one (stored
# with the setting it was computed under, so a changed setting is noticed).
SESSION_HAS_DEVICE = "_second_factor_device"
SESSION_REQUIRED = "_second_factor_required"


def remember_device(request, has_device: bool) -> None:
    request.session[SESSION_HAS_DEVICE] = has_device


def _remember_required(request, user) -> bool:
    setting = sorted(settings.MFA_REQUIRED_FOR)
    request.session[SESSION_REQUIRED] = [setting, second_factor_required(user)]
    return request.session[SESSION_REQUIRED][1]


def remember_at_login(request, user) -> None:
    """Decided once at login, so that pages need no query for it."""
    remember_device(request, user_has_device(user, confirmed=True))
    _remember_required(request, user)


def _has_device(request) -> bool:
    if SESSION_HAS_DEVICE not in request.session:
        remember_device(request, user_has_device(request.user, confirmed=True))
    return request.session[SESSION_HAS_DEVICE]


def _required(request) -> bool:
    cached = request.session.get(SESSION_REQUIRED)
    if not cached or cached[0] != sorted(settings.MFA_REQUIRED_FOR):
        return _remember_required(request, request.user)
    return cached[1]


@functools.cache
def _exempt_paths() -> frozenset[str]:
    return frozenset(reverse(name) for name in ("two_factor_verify", "two_factor_setup", "logout"))


class SecondFactorMiddleware:
    """Keeps a signed-in user who still owes a second factor on the two-factor pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
            owed = (
                "two_factor_verify"
                if _has_device(request)
                else "two_factor_setup"
                if _required(request)
                else None
            )
            if owed and not self._open(request.path):
                return redirect(f"{reverse(owed)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        return path in _exempt_paths() or path.startswith(OPEN_PREFIXES)


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: a bare word would be taken for a URL name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return reverse("home")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=gettext_lazy(
            "The six digits from your authenticator app, or one of your recovery codes."
        ),
    )


def _locked_out(request):
    """The same page and wait as a password lockout; the session ends."""
    logout(request)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_timedelta": settings.AXES_COOLOFF_TIME,
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _second_factor_locked(request) -> bool:
    return (
        AxesProxyHandler.is_locked(request, _credentials(request.user))
        or throttle.is_throttled(throttle.TWO_FACTOR_ACCOUNT, str(request.user.pk))
        or throttle.is_throttled(throttle.TWO_FACTOR_ADDRESS, client_address(request) or "")
    )


class VerifyView(LoginRequiredMixin, View):
    """The second step of logging in."""

    template_name = "registration/two_factor_verify.html"

    def get(self, request):
        if request.user.is_verified():
            return redirect(_safe_next(request))
        if not user_has_device(request.user, confirmed=True):
            remember_device(request, False)  # e.g. an administrator removed the device
            return redirect(_safe_next(request))
        return render(
            request, self.template_name, {"form": CodeForm(), "next": _safe_next(request)}
        )

    def post(self, request):
        user = request.user
        form = CodeForm(request.POST)
        if _second_factor_locked(request):
            return _locked_out(request)
        if form.is_valid():
            code = form.cleaned_data["code"].replace(" ", "").strip()
            device = self._match(user, code)
            if device is not None:
                otp_login(request, device)
                throttle.throttle_clear(throttle.TWO_FACTOR_ACCOUNT, str(user.pk))
                recovery = isinstance(device, StaticDevice)
                audit_record(
                    action=AuditEvent.Action.RECOVERY_CODE_USED
                    if recovery
                    else AuditEvent.Action.TWO_FACTOR_VERIFIED,
                    actor=user,
                    request=request,
                )
                if recovery:
                    left = StaticToken.objects.filter(device=device).count()
                    messages.warning(
                        request,
                        _("You used a recovery code; %(n)s are left. Make new ones if few remain.")
                        % {"n": left},
                    )
                return redirect(_safe_next(request))
            form.add_error("code", _("That code is not right. Try the newest code from your app."))
            audit_record(action=AuditEvent.Action.TWO_FACTOR_FAILED, actor=user, request=request)
            # django-axes counts this as a failed login for the user and address; our own
            # counters keep it when the password is given again (axes resets on success).
            user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
            throttle.throttle_hit(throttle.TWO_FACTOR_ACCOUNT, str(user.pk))
            throttle.throttle_hit(throttle.TWO_FACTOR_ADDRESS, client_address(request) or "")
            if _second_factor_locked(request):
                return _locked_out(request)
        return render(
            request, self.template_name, {"form": form, "next": _safe_next(request)}, status=400
        )

    @staticmethod
    def _match(user, code: str):
        for device in devices_for_user(user, confirmed=True):
            if device.verify_token(code):
                return device
        return None


def _qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, omitsize=False)


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


class SetupView(LoginRequiredMixin, View):
    """Set up an authenticator app: scan the code, confirm with a code from the app, and
    receive the recovery codes (shown once)."""

    template_name = "registration/two_factor_setup.html"

    def _key(self, request) -> str:
        """The new secret lives in the session until it is confirmed (a GET writes no row)."""
        key = request.session.get(PENDING_KEY)
        if not key:
            key = request.session[PENDING_KEY] = random_hex(20)
        return key

    def _pending(self, request, *, save=False) -> TOTPDevice:
        key = self._key(request)
        if not save:
            return TOTPDevice(user=request.user, name="app", key=key, confirmed=False)
        device, _created = TOTPDevice.objects.get_or_create(
            user=request.user, key=key, confirmed=False, defaults={"name": "app"}
        )
        return device

    def _render(self, request, form, status=200):
        device = self._pending(request)
        secret = device.config_url.split("secret=")[1].split("&")[0]
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "qr": mark_safe(_qr_svg(device.config_url)),  # segno's own SVG
                "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
                "required": second_factor_required(request.user),
                "next": _safe_next(request),
            },
            status=status,
        )

    def get(self, request):
        if user_has_device(request.user, confirmed=True) and not request.user.is_verified():
            return redirect("two_factor_verify")
        return self._render(request, CodeForm())

    def post(self, request):
        user = request.user
        if user_has_device(user, confirmed=True) and not user.is_verified():
            return redirect("two_factor_verify")
        form = CodeForm(request.POST)
        device = self._pending(request, save=True)
        if form.is_valid() and device.verify_token(form.cleaned_data["code"].replace(" ", "")):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _new_recovery_codes(user)
                if user.two_factor_reset:
                    user.two_factor_reset = False
                    user.save(update_fields=["two_factor_reset"])
            request.session.pop(PENDING_KEY, None)
            remember_device(request, True)
            otp_login(request, device)
            audit_record(action=AuditEvent.Action.TWO_FACTOR_ENABLED, actor=user, request=request)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        if form.is_valid():
            form.add_error("code", _("That code is not right. Check the time on your phone."))
        return self._render(request, form, status=400)


class ManageView(LoginRequiredMixin, View):
    """Status, new recovery codes, and turning it off where it is not required."""

    template_name = "registration/two_factor_manage.html"

    def get(self, request):
        user = request.user
        return render(
            request,
            self.template_name,
            {
                "enabled": user_has_device(user, confirmed=True),
                "required": second_factor_required(user),
                "codes_left": StaticToken.objects.filter(device__user=user).count(),
            },
        )

    def post(self, request):
        user = request.user
        action = request.POST.get("action")
        if action == "codes" and user_has_device(user, confirmed=True):
            codes = _new_recovery_codes(user)
            audit_record(
                action=AuditEvent.Action.RECOVERY_CODES_RENEWED, actor=user, request=request
            )
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": reverse("two_factor_manage")},
            )
        if action == "disable":
            if second_factor_required(user):
                messages.error(request, _("Your role requires two-factor login."))
            else:
                TOTPDevice.objects.filter(user=user).delete()
                StaticDevice.objects.filter(user=user).delete()
                remember_device(request, False)
                audit_record(
                    action=AuditEvent.Action.TWO_FACTOR_DISABLED, actor=user, request=request
                )
                messages.success(request, _("Two-factor login is turned off."))
        return redirect("two_factor_manage")
