"""``/healthz``: is this instance able to serve, for a load balancer, a monitor or a person.

No login and no personal data: the status of the database, of Redis (the broker) and of
the workers, as JSON; 200 when all are up, 503 when one is down. Every check is bounded
so that the whole answer comes within two seconds even when a service hangs.

The workers are known to be alive by a heartbeat: beat sends ``core.tasks.heartbeat``
every ``HEARTBEAT_SECONDS`` and a worker records the time in Redis (a worker also beats
once when it starts). A heartbeat older than ``HEALTH_WORKER_MAX_AGE_SECONDS`` means the
worker or beat is down. Without a broker, tasks run inside the web process and there is
no worker to ask.
"""

import time

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse
from django.views.decorators.cache import never_cache

HEALTH_PATH = "/healthz"
HEARTBEAT_KEY = "partnerskab:worker-heartbeat"
# Redis must answer within this long (seconds), connecting and reading.
REDIS_TIMEOUT = 0.4


def _redis() -> redis.Redis:
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry_on_timeout=False,
    )


def record_heartbeat(now: float | None = None) -> None:
    """Called by a worker: it is alive now."""
    if settings.CELERY_BROKER_URL:
        client = _redis()
        try:
            client.set(HEARTBEAT_KEY, f"{now if now is not None else time.time():.3f}", ex=3600)
        finally:
            client.close()


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:
        result = {"status": "down", "error": type(error).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def _database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"status": "ok"}


def _broker_and_workers() -> tuple[dict, dict]:
    if not settings.CELERY_BROKER_URL:
        not_used = {"status": "ok", "detail": "no broker: tasks run in the web process"}
        return dict(not_used), dict(not_used)
    client = _redis()
    try:
        redis_status = _timed(lambda: {"status": "ok" if client.ping() else "down"})
        if redis_status["status"] != "ok":
            return redis_status, {"status": "unknown", "detail": "Redis is down"}

        def workers():
            beat = client.get(HEARTBEAT_KEY)
            if beat is None:
                return {"status": "down", "detail": "no heartbeat"}
            age = max(0.0, time.time() - float(beat))
            fresh = age <= settings.HEALTH_WORKER_MAX_AGE_SECONDS
            return {"status": "ok" if fresh else "down", "heartbeat_age_seconds": round(age)}

        return redis_status, _timed(workers)
    finally:
        client.close()


class HealthCheckMiddleware:
    """Second in MIDDLEWARE (after the request id): answers ``/healthz`` before sessions,
    authentication, the HTTPS redirect and the host check, so that a probe by address over
    plain HTTP gets the JSON, and a database outage is reported as such rather than
    failing inside the session middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == HEALTH_PATH:
            return healthz(request)
        return self.get_response(request)


@never_cache
def healthz(request):
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    database = _timed(_database)
    broker, workers = _broker_and_workers()
    checks = {"database": database, "redis": broker, "workers": workers}
    healthy = all(check["status"] == "ok" for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "down", "checks": checks},
        status=200 if healthy else 503,
    )
    # A 503 here is the answer, not a server error: the access line records it, and
    # Django's error line (with no request id, logged outside the middleware) is not due.
    response._has_been_logged = True
    return response
