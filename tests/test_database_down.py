"""A dead database answers quickly and clearly: a 503 page that says the service is briefly
unavailable (Danish and English) within two seconds, and one log line per request."""

import http.client
import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client

from home import views as home_views

pytestmark = pytest.mark.django_db


def _home_fails_with(error, world, monkeypatch) -> Client:
    """A signed-in client whose home page raises `error` (the test client returns the
    error page instead of raising)."""

    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(home_views, "home_context", fail)
    client = Client(raise_request_exception=False)
    client.force_login(world["coordinator"])
    return client


def test_a_database_outage_is_a_503_page_and_one_log_line(world, monkeypatch, caplog):
    client = _home_fails_with(OperationalError("server closed"), world, monkeypatch)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Partnerskab er midlertidigt utilgængelig" in body
    assert "Partnerskab is briefly unavailable" in body
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert records[0].getMessage() == (
        "Database unavailable: GET / (OperationalError: server closed)"
    )


def test_any_other_error_keeps_the_error_page_and_its_traceback(world, monkeypatch, caplog):
    client = _home_fails_with(ValueError("a bug"), world, monkeypatch)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/")
    assert response.status_code == 500
    assert "Der skete en fejl" in response.content.decode()
    assert [r.exc_info[0] for r in caplog.records if r.name == "django.request"] == [ValueError]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_database():
    """A port that accepts connections and never answers: a hung PostgreSQL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    yield server.getsockname()[1]
    server.close()


def test_under_gunicorn_a_hung_database_answers_503_within_two_seconds(silent_database, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "outage-drill-secret-key",
        "DJANGO_DEBUG": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{silent_database}/partnerskab",
        "CELERY_BROKER_URL": "",
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--timeout", "30"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # up when "/" answers (a redirect to log in)
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                probe.request("GET", "/")
                assert probe.getresponse().status == 302
                break
            except OSError:
                time.sleep(0.2)
        timings = []
        for _ in range(3):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/", headers={"Cookie": "sessionid=some-session"}
            )
            started = time.monotonic()
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)
            timings.append(time.monotonic() - started)
            assert answer.value.code == 503
            assert "briefly unavailable" in answer.value.read().decode()
        assert max(timings) < 2.0, timings
        # /healthz says which service is down, as JSON, within the same two seconds.
        started = time.monotonic()
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert time.monotonic() - started < 2.0
        assert answer.value.code == 503
        checks = json.loads(answer.value.read())["checks"]
        assert checks["database"]["status"] == "down"
        assert checks["redis"]["status"] == "ok"  # no broker configured: nothing to be down
    finally:
        server.terminate()
        server.wait(10)
    text = log.read_text()
    assert text.count("Database unavailable: GET /") == 3, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
