"""Deployment checks of our own, run by `manage.py check --deploy` (and so by
`make deploy-check` and CI) beside Django's: settings that work on a laptop but fail
quietly on a server."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}
# Backends that never deliver a mail to anyone.
NON_DELIVERING = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """Links in e-mails (invitations, evaluations, notifications) start with SITE_URL."""
    parts = urlsplit(settings.SITE_URL)
    if parts.hostname in LOCAL_HOSTS or parts.hostname is None:
        return [
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in e-mails would point at the "
                "server itself, not at the address people use.",
                hint="Set SITE_URL to the public address, e.g. https://partnerskab.skole.dk",
                id="core.E001",
            )
        ]
    if parts.scheme != "https":
        return [
            checks.Error(
                f"SITE_URL is {settings.SITE_URL!r}: links in e-mails would not use HTTPS.",
                hint="Set SITE_URL to the https:// address.",
                id="core.E002",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=True)
def email_is_delivered(app_configs, **kwargs):
    if settings.EMAIL_BACKEND in NON_DELIVERING:
        return [
            checks.Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: invitations, password resets "
                "and notifications would never reach anyone.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.skole.dk:587",
                id="core.E003",
            )
        ]
    return []
