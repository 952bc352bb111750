"""Settings come from the environment and fail loudly when it is wrong.

Each case runs Django in a subprocess, since settings are read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'db': s.DATABASES['default'], "
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'broker': s.CELERY_BROKER_URL, "
    "'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE}, default=str))"
)


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE", "CELERY"))
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings.base", **env})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def settings_with(**env) -> dict:
    result = run_django(PRINT_SETTINGS, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_defaults_are_sqlite_eager_celery_danish_and_debug_off():
    values = settings_with(DJANGO_SECRET_KEY="x" * 50)
    assert values["debug"] is False
    assert values["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert values["db"]["NAME"].endswith("var/db.sqlite3")
    assert values["eager"] is True
    assert values["lang"] == "da"
    assert values["tz"] == "Europe/Copenhagen"


def test_database_url_switches_to_postgresql_with_the_native_pool():
    values = settings_with(
        DJANGO_SECRET_KEY="x" * 50, DATABASE_URL="postgres://app:pw@db.internal:5432/partnerskab"
    )
    db = values["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "partnerskab", "app")
    assert db["OPTIONS"]["pool"]["max_size"] == 10
    assert db["CONN_MAX_AGE"] == 0


def test_broker_url_turns_off_eager_celery():
    values = settings_with(DJANGO_SECRET_KEY="x" * 50, CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_email_url_configures_smtp():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, "
        "s.EMAIL_HOST_USER]))"
    )
    default = run_django(code, DJANGO_SECRET_KEY="x" * 50)
    assert json.loads(default.stdout)[0] == "django.core.mail.backends.console.EmailBackend"
    smtp = run_django(
        code,
        DJANGO_SECRET_KEY="x" * 50,
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.dk:587",
    )
    assert json.loads(smtp.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.dk",
        587,
        True,
        "mailer",
    ]


def test_the_veu_rate_is_no_longer_a_setting():
    """Rates are data per year (schools.FundingRate); an old env file's value is ignored."""
    code = "import django; django.setup(); from django.conf import settings as s; "
    code += "print(hasattr(s, 'VEU_DAILY_RATE_DKK'))"
    result = run_django(code, DJANGO_SECRET_KEY="x" * 50, VEU_DAILY_RATE_DKK="950.5")
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "perhaps"},
        {"DJANGO_DEBUG": "false"},  # no secret key
        {"DJANGO_SECRET_KEY": "x" * 50, "AXES_FAILURE_LIMIT": "lots"},
        {
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://app@db:5432/x",
            "DATABASE_POOL_MAX_SIZE": "ten",
        },
    ],
)
def test_malformed_or_missing_values_stop_start_up(env):
    result = run_django("import django; django.setup()", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr or "ValueError" in result.stderr


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k3x!9Qv2#pLr8@Zt5&Wm1^Yb7*Nc4%Hd6$Jf0+Gs3-Ae8=Ui2~Ox5",
    "DJANGO_ALLOWED_HOSTS": "partnerskab.example.dk",
    "SITE_URL": "https://partnerskab.example.dk",
    "EMAIL_URL": "smtp+tls://partnerskab:secret@smtp.example.dk:587",
}


def deploy_check(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "SITE_URL", "EMAIL_URL"))
            },
            **PRODUCTION,
            **env,
        },
        capture_output=True,
        text=True,
    )


@pytest.mark.pdf
def test_production_settings_pass_the_deployment_checklist():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"SITE_URL": "http://127.0.0.1:8000"}, "core.E001"),
        ({"SITE_URL": "https://localhost"}, "core.E001"),
        ({"SITE_URL": "http://partnerskab.example.dk"}, "core.E002"),
        ({"EMAIL_URL": "consolemail://"}, "core.E003"),
        ({"EMAIL_URL": "dummymail://"}, "core.E003"),
    ],
)
def test_the_deployment_checklist_refuses_a_local_site_url_and_undelivered_mail(env, error):
    result = deploy_check(**env)
    assert result.returncode != 0
    assert error in result.stderr


def test_production_settings_refuse_debug():
    result = run_django(
        "import django; django.setup()",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_DEBUG="true",
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_celery_app_is_importable_and_reads_django_settings(settings):
    from config.celery import app

    assert app.main == "partnerskab"
    assert app.conf.task_acks_late is True
    assert app.conf.timezone == "Europe/Copenhagen"
