"""What a sysadmin reads: one log line per request and task with its request id, the id
on the error page, and /healthz telling a working instance from one with a service down."""

import io
import json
import logging
import os
import time

import pytest
import time_machine
from django.test import Client, override_settings

from core import health
from core.request_log import ContextFilter, logging_config
from home import views as home_views

pytestmark = pytest.mark.django_db

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def access_lines(caplog):
    return [r for r in caplog.records if r.name == "partnerskab.request"]


# --- Request ids and the access line --------------------------------------------------


def test_every_response_carries_a_new_request_id_and_the_access_line_has_it(caplog):
    client = Client()
    with caplog.at_level(logging.INFO, logger="partnerskab.request"):
        first = client.get("/accounts/login/")
        second = client.get("/accounts/login/")
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    lines = access_lines(caplog)
    assert [line.request_id for line in lines] == [first["X-Request-ID"], second["X-Request-ID"]]
    assert (lines[0].method, lines[0].path, lines[0].status) == ("GET", "/accounts/login/", 200)
    assert lines[0].duration_ms >= 0
    assert lines[0].user_id == "-"


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(caplog):
    client = Client()
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="3f1c-ab")["X-Request-ID"] == "3f1c-ab"
    for forged in ("a b", "x" * 65, "id\nFAKE LINE", "abc\n", ""):
        answered = client.get("/accounts/login/", HTTP_X_REQUEST_ID=forged)["X-Request-ID"]
        assert answered != forged
        assert len(answered) == 32
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="x" * 64)["X-Request-ID"] == "x" * 64


def test_the_access_line_names_the_user_by_id_never_by_name(world, caplog):
    client = Client()
    coordinator = world["coordinator"]
    client.force_login(coordinator)
    with caplog.at_level(logging.INFO, logger="partnerskab.request"):
        client.get("/")
    (line,) = access_lines(caplog)
    assert line.user_id == str(coordinator.pk)
    text = logging.Formatter(
        logging_config(json=False, level="INFO")["formatters"]["default"]["format"]
    )
    formatted = text.format(line)
    assert f"user={coordinator.pk}]" in formatted
    assert coordinator.username not in formatted


def test_a_refused_page_is_one_line_without_a_traceback(world, caplog):
    client = Client()
    client.force_login(world["hr"])  # HR may not open the retention overview: 403
    with caplog.at_level(logging.INFO):
        response = client.get("/privacy/retention/")
        missing = client.get("/partnerships/999999/")
    assert (response.status_code, missing.status_code) == (403, 404)
    assert [r.status for r in access_lines(caplog)] == [403, 404]
    assert not [r for r in caplog.records if r.name == "django.request"]
    assert all(r.exc_info is None for r in caplog.records)


def test_the_error_page_shows_the_request_id_the_log_has(world, monkeypatch, caplog):
    def fail(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(home_views, "home_context", fail)
    client = Client(raise_request_exception=False)
    client.force_login(world["coordinator"])
    with caplog.at_level(logging.INFO):
        response = client.get("/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert f"<code>{request_id}</code>" in response.content.decode()
    (error,) = [r for r in caplog.records if r.name == "django.request"]
    assert error.exc_info[0] is ValueError  # a bug keeps its traceback
    assert error.request_id == request_id
    assert access_lines(caplog)[0].status == 500


def test_json_lines_hold_every_field_a_collector_needs(world):
    config = logging_config(json=True, level="INFO")
    from pythonjsonlogger.json import JsonFormatter

    spec = dict(config["formatters"]["default"])
    spec.pop("()")
    formatter = JsonFormatter(spec.pop("fmt"), **spec)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("partnerskab.request")
    logger.addHandler(handler)
    try:
        client = Client()
        client.force_login(world["coordinator"])
        response = client.get("/")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["level"] == "INFO"
    assert line["logger"] == "partnerskab.request"
    assert line["request_id"] == response["X-Request-ID"]
    assert line["user_id"] == str(world["coordinator"].pk)
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["duration_ms"], float)
    assert line["time"][:4].isdigit()


def test_log_format_must_be_text_or_json(monkeypatch):
    import subprocess
    import sys

    from django.conf import settings

    env = {**os.environ, "LOG_FORMAT": "xml", "DJANGO_SETTINGS_MODULE": "config.settings.base"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be 'text' or 'json'" in result.stderr


def test_a_task_writes_one_line_and_keeps_the_request_id_when_run_in_the_request(
    eager_tasks, caplog
):
    from core.request_log import request_id_var
    from core.tasks import heartbeat

    token = request_id_var.set("req-42")
    try:
        with caplog.at_level(logging.DEBUG, logger="partnerskab.task"):
            heartbeat.delay()
    finally:
        request_id_var.reset(token)
    (line,) = [r for r in caplog.records if r.name == "partnerskab.task"]
    assert (line.task, line.state) == ("core.tasks.heartbeat", "SUCCESS")
    assert line.request_id == "req-42"
    assert line.levelno == logging.DEBUG  # the request's own line is the INFO one


# --- /healthz -------------------------------------------------------------------------


def test_health_without_a_broker_is_the_database_alone():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["workers"]["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["partnerskab.example.dk"])
def test_health_answers_a_probe_by_address_over_plain_http():
    # Before the HTTPS redirect and the host check: a load balancer asks by IP address.
    response = Client().get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert Client().get("/accounts/login/", HTTP_HOST="10.0.0.7").status_code == 400


@pytest.fixture
def redis_db():
    import redis

    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=1)
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {BROKER} (needed for the health checks)")
    client.delete(health.HEARTBEAT_KEY)
    yield client
    client.delete(health.HEARTBEAT_KEY)
    client.close()


@override_settings(CELERY_BROKER_URL=BROKER, HEALTH_WORKER_MAX_AGE_SECONDS=90)
def test_health_is_ok_while_the_workers_heartbeat_and_503_once_it_is_stale(redis_db):
    client = Client()
    assert client.get("/healthz").json()["checks"]["workers"] == {
        "status": "down",
        "detail": "no heartbeat",
        "ms": pytest.approx(0, abs=500),
    }
    # A whole second, so that "90 s ago" is exactly 90 s ago.
    with time_machine.travel(float(int(time.time())), tick=False):
        health.record_heartbeat(time.time() - 90)  # exactly the limit: still fresh
        fresh = client.get("/healthz")
        health.record_heartbeat(time.time() - 91)  # a second more: down
        stale = client.get("/healthz")
    assert fresh.status_code == 200
    assert fresh.json()["checks"]["redis"]["status"] == "ok"
    assert fresh.json()["checks"]["workers"]["heartbeat_age_seconds"] == 90
    assert stale.status_code == 503
    assert stale.json()["status"] == "down"
    assert stale.json()["checks"]["workers"]["status"] == "down"


@override_settings(CELERY_BROKER_URL=BROKER)
def test_the_heartbeat_task_records_now(redis_db, eager_tasks):
    from core.tasks import heartbeat

    heartbeat.delay()
    assert abs(float(redis_db.get(health.HEARTBEAT_KEY)) - time.time()) < 5


def test_health_is_503_within_two_seconds_when_redis_does_not_answer(settings):
    import socket

    silent = socket.socket()  # accepts and never answers: a hung Redis
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    try:
        started = time.monotonic()
        response = Client().get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["redis"]["error"] == "TimeoutError"
    assert body["checks"]["workers"]["status"] == "unknown"
    assert elapsed < 2.0


def test_health_names_no_person_and_needs_no_login(world):
    body = Client().get("/healthz").content.decode()
    for user in (world["coordinator"], world["hr"]):
        assert user.username not in body
    assert set(json.loads(body)) == {"status", "checks"}


# --- Sentry ---------------------------------------------------------------------------


def test_with_sentry_dsn_an_error_reaches_sentry_with_its_request_id(tmp_path):
    """A real Sentry SDK against a local HTTP server standing in for Sentry's ingest."""
    import gzip
    import subprocess
    import sys
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from django.conf import settings

    received = []

    class Ingest(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                import brotli

                body = brotli.decompress(body)
            received.append((self.path, body.decode(errors="replace")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ingest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # A view that fails inside a request (here /healthz, which needs no database).
    script = (
        "import django, sentry_sdk; django.setup()\n"
        "from django.test import Client\n"
        "from core import health\n"
        "def fail(request):\n    raise ValueError('a bug for Sentry')\n"
        "health.healthz = fail\n"
        "response = Client(raise_request_exception=False).get('/healthz')\n"
        "sentry_sdk.flush(5)\n"
        "print(response.status_code, response['X-Request-ID'])\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/7",
    }
    try:
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"
    events = [body for path, body in received if path == "/api/7/envelope/"]
    assert len(events) == 1, received
    assert "a bug for Sentry" in events[0]
    assert f'"request_id":"{request_id}"' in events[0].replace(" ", "")
