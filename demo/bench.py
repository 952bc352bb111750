"""Page speed under the production topology: the pieces `manage.py bench_pages` runs.

Each page is timed over HTTP against gunicorn, alternately with a trivial page (the
signed-in password-change form) in the same run, so the ratio cancels the machine's speed
and load. Query counts come from the same pages rendered in-process. A benchmark, not a
test: it needs PostgreSQL and minutes, and its figures go into the README with a date.
"""

import http.client
import math
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from access import (
    companies_for,
    course_blocks_for,
    partnerships_for,
    plans_for,
)
from accounts.models import User
from accounts.two_factor import second_factor_required
from demo.base import DEMO_PASSWORD

# Targets of the page-speed issue (ratios to the trivial page, same run).
MEDIAN_AT_10 = 5.0
P95_AT_10 = 6.0
AT_30 = 6.0
GROWTH = 1.3  # extra time over the trivial page, scale 30 against scale 10
HOME_THROUGHPUT = 1 / 5
DASHBOARD_THROUGHPUT = 1 / 6

TRIVIAL = "password_change"
# Pages without an object, as (label, URL name); each role keeps those it may open.
LIST_PAGES = [
    ("home", "home"),
    ("partnerships", "partnerships:list"),
    ("meetings", "partnerships:meetings"),
    ("experiences", "partnerships:experiences"),
    ("companies", "companies:list"),
    ("catalogue", "schools:catalogue"),
    ("reports", "reports:list"),
    ("notifications", "notifications:list"),
    ("week plan", "scheduling:week_plan"),
    ("conflicts", "scheduling:conflicts"),
    ("school calendar", "scheduling:closures"),
    ("calendar feeds", "scheduling:calendar_feeds"),
    ("dashboard", "dashboards:school"),
    ("network", "dashboards:network"),
    ("block list", "dashboards:blocks"),
    ("retention", "privacy:retention"),
]
# Pages about one object: the largest the role can see, so the figures are the worst case.
DETAIL_PAGES = [
    ("partnership", "partnerships:detail", "partnership"),
    ("plan", "competence_plans:detail", "plan"),
    ("staff matrix", "competence_plans:staff_matrix", "plan"),
    ("plan evaluations", "evaluations:plan", "plan"),
    ("partnership evaluations", "evaluations:partnership", "partnership"),
    ("company", "companies:detail", "company"),
    ("employees", "companies:employees", "company"),
    ("company dashboard", "dashboards:company", "company"),
    ("block", "scheduling:block_detail", "block"),
    ("enrol", "scheduling:block_enroll", "block"),
    ("attendance", "scheduling:attendance", "block"),
    ("block evaluations", "evaluations:block", "block"),
]
HOME_PAGES = {"home"}
DASHBOARD_PAGES = {"dashboard", "network", "company dashboard"}
ROLES = ["tovholder", "leder", "konsulent", "underviser", "hr", "admin"]


def largest_objects(user) -> dict[str, int]:
    """The pk of the biggest partnership, plan, company and block the user can see."""
    picks = {
        "partnership": partnerships_for(user)
        .annotate(n=Count("company__employees"))
        .order_by("-n", "pk"),
        "plan": plans_for(user).annotate(n=Count("activities")).order_by("-n", "pk"),
        "company": companies_for(user).annotate(n=Count("employees")).order_by("-n", "pk"),
        "block": course_blocks_for(user).annotate(n=Count("enrollments")).order_by("-n", "pk"),
    }
    found = {}
    for key, queryset in picks.items():
        pk = queryset.values_list("pk", flat=True).first()
        if pk is not None:
            found[key] = pk
    return found


def candidate_pages(user) -> list[tuple[str, str]]:
    """(label, path) of every page in the lists above that applies to the user's data."""
    pages = [(label, reverse(name)) for label, name in LIST_PAGES]
    objects = largest_objects(user)
    for label, name, kind in DETAIL_PAGES:
        if kind in objects:
            pages.append((label, reverse(name, args=[objects[kind]])))
    return pages


@dataclass
class HttpClient:
    """A signed-in browser, minimally: cookies, CSRF and the proxy's HTTPS header."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        origin = f"https://{self.host}:{self.port}"
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": "da",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **body})
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.getheader("Location") or "", content

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, body: dict):
        return self.request("POST", path, body)

    def log_in(self, username: str, password: str, code=None) -> None:
        """Password, then the second factor when the role asks for one."""
        self.get(reverse("login"))
        status, location, _ = self.post(
            reverse("login"), {"username": username, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"{username}: the login answered {status}")
        status, location, _ = self.get(reverse("home"))
        if status == 302 and urlsplit(location).path == reverse("two_factor_verify"):
            if code is None:
                raise RuntimeError(f"{username} owes a second factor and has no device")
            status, location, _ = self.post(reverse("two_factor_verify"), {"code": code()})
            if status != 302:
                raise RuntimeError(f"{username}: the second factor answered {status}")
            status, location, _ = self.get(reverse("home"))
        if status != 200:
            raise RuntimeError(f"{username}: home answered {status} ({location})")

    def timed_get(self, path: str) -> float:
        start = time.perf_counter()
        status, location, _ = self.get(path)
        elapsed = (time.perf_counter() - start) * 1000
        if status != 200:
            raise RuntimeError(f"{path} answered {status} {location}")
        return elapsed


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the value below which `share` of the samples lie."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Timing:
    page_ms: list[float]
    trivial_ms: list[float]

    @property
    def ratios(self) -> list[float]:
        return [page / trivial for page, trivial in zip(self.page_ms, self.trivial_ms, strict=True)]

    @property
    def median(self) -> float:
        return statistics.median(self.ratios)

    @property
    def p95(self) -> float:
        return percentile(self.ratios, 0.95)

    @property
    def extra_ms(self) -> float:
        """Median time over the trivial page's: what growth is judged on."""
        return statistics.median(self.page_ms) - statistics.median(self.trivial_ms)


def time_alternately(client: HttpClient, path: str, *, rounds: int, samples: int) -> Timing:
    """`rounds` × `samples` pairs, the trivial page and the page one after the other."""
    trivial = reverse(TRIVIAL)
    client.timed_get(path)  # warm the workers' template caches
    client.timed_get(trivial)
    timing = Timing([], [])
    for _ in range(rounds):
        for _ in range(samples):
            timing.trivial_ms.append(client.timed_get(trivial))
            timing.page_ms.append(client.timed_get(path))
    return timing


def requests_per_second(
    client: HttpClient, path: str, *, connections: int = 8, seconds: float = 4
) -> float:
    """Completed requests per second with `connections` clients asking at once."""
    done = [0] * connections
    stop = time.perf_counter() + seconds

    def worker(slot: int) -> None:
        mine = HttpClient(client.host, client.port, dict(client.cookies))
        while time.perf_counter() < stop:
            status, _location, _ = mine.get(path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status}")
            done[slot] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.perf_counter() - started)


def misses(results: dict) -> list[str]:
    """Every target a run missed, in words. `results` is {scale: {role: {label: row}}}."""
    found = []
    for scale, roles in results.items():
        for role, pages in roles.items():
            for label, row in pages.items():
                if label.startswith("throughput"):
                    continue
                where = f"scale {scale}, {role}, {label}"
                if int(scale) == 10:
                    if row["median"] > MEDIAN_AT_10:
                        found.append(f"{where}: median {row['median']:.1f}× > {MEDIAN_AT_10}×")
                    if row["p95"] > P95_AT_10:
                        found.append(f"{where}: p95 {row['p95']:.1f}× > {P95_AT_10}×")
                if int(scale) >= 30 and row["median"] > AT_30:
                    found.append(f"{where}: median {row['median']:.1f}× > {AT_30}×")
    at_10, at_30 = results.get("10") or results.get(10), results.get("30") or results.get(30)
    if at_10 and at_30:
        for role, pages in at_30.items():
            for label, row in pages.items():
                before = at_10.get(role, {}).get(label)
                if not before or label.startswith("throughput") or row.get("paged"):
                    continue
                base = max(before["extra_ms"], 1.0)  # below a millisecond is noise
                if row["extra_ms"] > GROWTH * base and row["extra_ms"] > 1.0:
                    found.append(
                        f"{role}, {label}: {before['extra_ms']:.1f} ms → "
                        f"{row['extra_ms']:.1f} ms over the trivial page from scale 10 to 30"
                    )
    for scale, roles in results.items():
        if int(scale) < 30:
            continue
        for role, pages in roles.items():
            trivial = pages.get("throughput trivial")
            for label, rps in pages.items():
                if not label.startswith("throughput ") or label == "throughput trivial":
                    continue
                page = label.removeprefix("throughput ")
                floor = HOME_THROUGHPUT if page in HOME_PAGES else DASHBOARD_THROUGHPUT
                if trivial and rps["rps"] < floor * trivial["rps"]:
                    found.append(
                        f"scale {scale}, {role}, {page}: {rps['rps']:.0f} requests/s, "
                        f"under {floor:.2f} of the trivial page's {trivial['rps']:.0f}"
                    )
    return found


def start_gunicorn(env: dict) -> tuple[subprocess.Popen, int]:
    """gunicorn with production settings on a free loopback port, ready to answer."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=settings.BASE_DIR,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            # The access log would print a line per timed request.
            "LOG_LEVEL": "WARNING",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_DEBUG": "false",
        },
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    stop_gunicorn(process)
    raise CommandError("gunicorn did not start within 30 s.")


def stop_gunicorn(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _device(user) -> TOTPDevice | None:
    """A confirmed authenticator for a user whose role requires one."""
    if not second_factor_required(user):
        return None
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    return device


def _code(device: TOTPDevice):
    def fresh() -> str:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    return fresh


def _in_process(user, device, pages):
    """The query count of every page the user may open (200 in-process); others dropped."""
    client = Client(HTTP_ACCEPT_LANGUAGE="da")
    client.force_login(user)
    if device:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    reachable = []
    for label, path in pages:
        client.get(path)  # caches warm, as in the timed run
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code == 200:
            reachable.append((label, path, len(queries)))
    return reachable


def measure(*, scale, roles, rounds, samples, only, log) -> dict:
    """{role: {label: row}} for the database this process is pointed at."""
    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    process, port = start_gunicorn(dict(os.environ))
    results = {}
    try:
        for username in roles:
            user = User.objects.get(username=username)
            device = _device(user)
            pages = [(label, path) for label, path in candidate_pages(user) if only in label]
            reachable = _in_process(user, device, pages)
            client = HttpClient("127.0.0.1", port)
            client.log_in(username, DEMO_PASSWORD, _code(device) if device else None)
            rows = results[username] = {}
            for label, path, queries in reachable:
                timing = time_alternately(client, path, rounds=rounds, samples=samples)
                rows[label] = {
                    "path": path,
                    "queries": queries,
                    "median": timing.median,
                    "p95": timing.p95,
                    "page_ms": statistics.median(timing.page_ms),
                    "trivial_ms": statistics.median(timing.trivial_ms),
                    "extra_ms": timing.extra_ms,
                }
                log(
                    f"  {scale:>3} {username:<11} {label:<24} {queries:>3} queries "
                    f"{timing.median:5.1f}× (p95 {timing.p95:4.1f}×) "
                    f"{rows[label]['page_ms']:6.1f} ms"
                )
            if scale >= 30:
                throughput_pages = [
                    (label, path)
                    for label, path, _queries in reachable
                    if label in HOME_PAGES | DASHBOARD_PAGES
                ]
                if throughput_pages:
                    rows["throughput trivial"] = {
                        "rps": requests_per_second(client, reverse(TRIVIAL))
                    }
                for label, path in throughput_pages:
                    rows[f"throughput {label}"] = {"rps": requests_per_second(client, path)}
    finally:
        stop_gunicorn(process)
    return results
