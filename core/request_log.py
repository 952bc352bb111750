"""One log line per request and per task, and a request id that ties them together.

Every log record carries ``request_id`` and ``user_id`` (a number, never a name): the
middleware sets them for a request, the Celery signals below for a task (its task id).
The id also goes back in the ``X-Request-ID`` response header and on the 500 page, so a
user can quote it and the sysadmin can find every line of that request. An id sent by
the proxy in front (nginx's ``$request_id``) is kept when it looks like one, so the
proxy's access log and ours share it.

Text lines by default; ``LOG_FORMAT=json`` gives one JSON object per line
(python-json-logger) for a log collector.
"""

import contextvars
import logging
import re
import time
import uuid

from celery import signals

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
request_var: contextvars.ContextVar = contextvars.ContextVar("request", default=None)

HEADER = "X-Request-ID"
# What we accept from a proxy: letters, digits and dashes, at most 64 (a UUID, nginx's
# 32 hex digits). Anything else would let a client write into our log lines.
VALID_ID = re.compile(r"[A-Za-z0-9-]{1,64}")

access_log = logging.getLogger("partnerskab.request")
task_log = logging.getLogger("partnerskab.task")


def current_request_id() -> str:
    return request_id_var.get()


def _incoming_id(request) -> str:
    offered = request.headers.get(HEADER, "")
    return offered if VALID_ID.fullmatch(offered) else uuid.uuid4().hex


class RequestIdMiddleware:
    """First in MIDDLEWARE: gives the request its id, and writes its one line when the
    response (any response, a 500 included) is on its way."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming_id(request)
        id_token = request_id_var.set(request_id)
        request_token = request_var.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            duration = (time.perf_counter() - started) * 1000
            access_log.info(
                "%s %s %s %.0fms",
                request.method,
                request.path,
                response.status_code,
                duration,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round(duration, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(id_token)
            request_var.reset(request_token)


def _user_id() -> str:
    """The signed-in user's id, once the request has looked the user up (the log never
    makes it do so)."""
    request = request_var.get()
    user = getattr(request, "_cached_user", None) if request is not None else None
    return str(user.pk) if user is not None and user.is_authenticated else "-"


def sentry_before_send(event: dict, hint: dict) -> dict:
    """Sentry events carry the request id, as the log lines and the error page do."""
    event.setdefault("tags", {})["request_id"] = request_id_var.get()
    return event


class ContextFilter(logging.Filter):
    """Puts the request (or task) id and the user id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        record.user_id = _user_id()
        return True


class ExpectedRefusalFilter(logging.Filter):
    """For ``django.request``: a 4xx (a page not found, a missing capability, a bad form
    post) is what the application meant to answer, not an error. The access line records
    it already; Django's second line, with the traceback it attaches to a refused
    permission, is dropped. Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        return not (status is not None and 400 <= status < 500)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(request_id)s %(user_id)s %(message)s"


def logging_config(*, json: bool, level: str) -> dict:
    """The LOGGING setting (config/settings/base.py)."""
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "core.request_log.ContextFilter"},
            "expected_refusal": {"()": "core.request_log.ExpectedRefusalFilter"},
            "database_unavailable": {"()": "core.errors.DatabaseUnavailableFilter"},
            "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        },
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["context"],
            },
            # Errors mailed to ADMINS (none set: nothing is sent).
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["context", "require_debug_false"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own logger: errors mailed, and every line to the root's console
            # (instead of Django's console handler, which writes only under DEBUG).
            "django": {"handlers": ["mail_admins"], "level": level},
            # Axes logs every successful login at INFO; lockouts (WARNING) are what matter,
            # and the audit trail records every attempt anyway.
            "axes": {"level": "WARNING"},
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            # The access line says it already; a refusal without traceback, and a database
            # outage in one line, before any handler sees it.
            "django.request": {"filters": ["expected_refusal", "database_unavailable"]},
            # runserver's own access log repeats ours.
            "django.server": {"level": "CRITICAL"},
            # Celery's per-task lines ("Task … received/succeeded") repeat ours.
            "celery.app.trace": {"level": "WARNING"},
            "celery.worker.strategy": {"level": "WARNING"},
        },
    }


# --- Celery tasks --------------------------------------------------------------------

_running: dict[str, tuple[float, contextvars.Token | None, bool]] = {}


@signals.task_prerun.connect
def _task_prerun(task_id=None, task=None, **kwargs):
    # A task run eagerly (no broker) is part of the request that started it: its lines
    # keep that request's id. A worker's task is known by its task id.
    eager = getattr(getattr(task, "request", None), "is_eager", False)
    token = None if eager else request_id_var.set(task_id or "-")
    _running[task_id] = (time.perf_counter(), token, eager)


@signals.task_postrun.connect
def _task_postrun(task_id=None, task=None, state=None, **kwargs):
    started, token, eager = _running.pop(task_id, (None, None, False))
    duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
    name = getattr(task, "name", "?")
    level = logging.INFO if state in ("SUCCESS", "RETRY", None) else logging.WARNING
    if eager and level == logging.INFO:
        # Run inside a request or a command: part of its line, not one of its own
        # (a demo seed would otherwise print a line per e-mail).
        level = logging.DEBUG
    task_log.log(
        level,
        "%s %s %.0fms",
        name,
        state,
        duration,
        extra={"task": name, "state": state, "duration_ms": round(duration, 1)},
    )
    if token is not None:
        request_id_var.reset(token)
