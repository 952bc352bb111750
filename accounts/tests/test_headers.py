"""Security headers in the settings we test with, and in production settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


def test_content_security_policy_forbids_inline_script_objects_and_base(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("url_name", ["login", "home", "password_change"])
def test_pages_have_no_inline_script_or_event_handler(client, url_name):
    client.force_login(UserFactory())
    page = client.get(reverse(url_name)).content.decode()
    import html5lib

    document = html5lib.parse(page, namespaceHTMLElements=False)
    for script in document.iter("script"):
        assert script.get("src"), "inline <script> would be blocked by the CSP"
    for element in document.iter():
        assert not any(name.startswith("on") for name in element.attrib), element.tag


def test_signed_in_pages_are_never_cached(client):
    client.force_login(UserFactory())
    cache_control = client.get(reverse("home"))["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_frames_and_sniffing_are_refused(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


PRODUCTION_PROBE = """
import django, json
django.setup()
from django.conf import settings
# Production serves hashed files after collectstatic; the probe has not run it.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
from django.test import Client
client = Client()
secure = client.get("/accounts/login/", secure=True, HTTP_HOST="partnerskab.example.dk")
plain = client.get("/accounts/login/", HTTP_HOST="partnerskab.example.dk")
csrf = secure.cookies["csrftoken"]
print(json.dumps({
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location"),
    "csrf_secure": bool(csrf["secure"]),
    "csrf_httponly": bool(csrf["httponly"]),
    "csrf_samesite": csrf["samesite"],
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
}))
"""


def test_production_settings_send_hsts_redirect_to_https_and_secure_cookies():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="k3x!9Qv2#pLr8@Zt5&Wm1^Yb7*Nc4%Hd6$Jf0+Gs3-Ae8=Ui2~Ox5",
        DJANGO_ALLOWED_HOSTS="partnerskab.example.dk",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "object-src 'none'" in probe["csp"]
    assert probe["plain_status"] == 301
    assert probe["plain_location"].startswith("https://partnerskab.example.dk/")
    assert probe["csrf_secure"] and probe["csrf_httponly"]
    assert probe["csrf_samesite"] == "Lax"
    assert probe["session_secure"] and probe["session_httponly"]
