"""The shipped production files are the ones that run: the systemd units pass
`systemd-analyze verify` and start the Procfile's commands, the nginx site passes
`nginx -t`, and a drill runs the whole topology (bin/up behind the shipped nginx site,
TLS, PostgreSQL, a Redis of its own) the way a sysadmin would meet it."""

import contextlib
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
DEPLOY = BASE / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def need(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not installed (apt-get install {program})")
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def procfile() -> dict[str, str]:
    lines = (BASE / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line and not line.startswith("#"))


# --- systemd and the Procfile ----------------------------------------------------------


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    analyze = need("systemd-analyze")
    env_file = tmp_path / "partnerskab.env"
    env_file.write_text("DJANGO_SECRET_KEY=x\n")
    for unit in UNITS:
        text = unit.read_text().replace("/etc/partnerskab/partnerskab.env", str(env_file))
        (tmp_path / unit.name).write_text(text.replace("/srv/partnerskab", str(BASE)))
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / unit.name) for unit in UNITS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert [unit.name for unit in UNITS] == [
        "partnerskab-beat.service",
        "partnerskab-web.service",
        "partnerskab-worker.service",
    ]


def test_each_unit_runs_its_procfile_command_and_stops_within_ten_seconds():
    commands = procfile()
    assert set(commands) == {"web", "worker", "beat"}
    for unit in UNITS:
        kind = unit.stem.removeprefix("partnerskab-")
        text = unit.read_text()
        (exec_start,) = re.findall(r"^ExecStart=(.+)$", text, re.MULTILINE)
        expected = commands[kind].replace(".venv/", "/srv/partnerskab/.venv/")
        expected = expected.replace("--schedule var/", "--schedule /srv/partnerskab/var/")
        assert exec_start == expected, kind
        assert "TimeoutStopSec=10" in text
        assert "Environment=DJANGO_SETTINGS_MODULE=config.settings.production" in text


# --- nginx ------------------------------------------------------------------------------


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    openssl = need("openssl")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def nginx_config(directory: Path, *, http_port: int, https_port: int, app_port: int) -> Path:
    """The shipped site on loopback ports with a self-signed certificate, in an nginx.conf
    of its own (pid, logs and temporary files under `directory`)."""
    cert, key = self_signed_certificate(directory)
    site = (DEPLOY / "nginx" / "partnerskab.conf").read_text()
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        "/etc/letsencrypt/live/partnerskab.example.dk/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/partnerskab.example.dk/privkey.pem": str(key),
        "/srv/partnerskab/": f"{BASE}/",
        "server_name partnerskab.example.dk;": "server_name localhost;",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    # Loopback only: no IPv6 wildcard listeners on a test machine.
    site = "\n".join(line for line in site.splitlines() if "listen [::]" not in line)
    (directory / "site.conf").write_text(site)
    temp = {name: directory / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(exist_ok=True)
    main = directory / "nginx.conf"
    main.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\n"
        + "worker_processes 1;\nevents {}\nhttp {\n"
        + "  include /etc/nginx/mime.types;\n"
        + f"  access_log {directory}/access.log;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items())
        + f"  include {directory}/site.conf;\n}}\n"
    )
    return main


def test_the_nginx_site_passes_nginx_t_and_limits_uploads_as_the_app_does(tmp_path):
    nginx = need("nginx")
    site = (DEPLOY / "nginx" / "partnerskab.conf").read_text()
    (limit,) = re.findall(r"client_max_body_size (\d+)k;", site)
    assert int(limit) * 1024 == settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    main = nginx_config(tmp_path, http_port=free_port(), https_port=free_port(), app_port=8000)
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


# --- The drill --------------------------------------------------------------------------


class Browser:
    """A person's browser over HTTPS: cookies, the CSRF token of the last form, and the
    test's self-signed certificate as the only trusted one."""

    def __init__(self, origin: str, cafile: Path):
        self.origin = origin
        self.cookies = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=str(cafile))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies),
            urllib.request.HTTPSHandler(context=context),
        )

    def open(self, path: str, data: dict | None = None, timeout: float = 30):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.origin + path, data=body)
        if body is not None:
            request.add_header("Referer", self.origin + path)
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            response = error
        return response, response.read()

    def form_token(self, html: bytes) -> str:
        return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()


def wait_until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except OSError as error:
            last = error
        time.sleep(0.3)
    raise AssertionError(f"{what} within {seconds} s (last: {last!r})")


def health(browser: Browser) -> tuple[int, dict]:
    response, body = browser.open("/healthz", timeout=5)
    if response.headers.get("Content-Type") != "application/json":
        return response.status, {}  # nginx's 502 while gunicorn starts
    return response.status, json.loads(body)


@pytest.fixture
def drill_database():
    import psycopg

    server = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (needed for the drill)")
    name = "partnerskab_drill"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {name}")
    yield server.rsplit("/", 1)[0] + f"/{name}"
    admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def start_redis(port: int) -> subprocess.Popen:
    redis = subprocess.Popen(
        [need("redis-server"), "--port", str(port), "--bind", "127.0.0.1"]
        + ["--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    wait_until(lambda: socket.create_connection(("127.0.0.1", port), 1), 10, "Redis up")
    return redis


@pytest.mark.pdf
def test_drill_the_production_topology_behind_nginx(drill_database, tmp_path):
    """bin/up with production settings behind the shipped nginx site: sign in over HTTPS,
    /healthz, a PDF rendered by the worker, a restart that keeps the session and stops
    within 10 s, and Redis stopped and started again."""
    nginx = need("nginx")
    http_port, https_port, app_port, redis_port = (free_port() for _ in range(4))
    redis = start_redis(redis_port)
    main = nginx_config(tmp_path, http_port=http_port, https_port=https_port, app_port=app_port)
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")]
        + ["-g", "daemon off;"]
    )
    key_file = tmp_path / "secret_key"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_"))
    }
    env.update(
        DATABASE_URL=drill_database,
        CELERY_BROKER_URL=f"redis://127.0.0.1:{redis_port}/0",
        DJANGO_ALLOWED_HOSTS="localhost",
        GUNICORN_BIND=f"127.0.0.1:{app_port}",
        SECRET_KEY_FILE=str(key_file),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        SITE_URL=f"https://localhost:{https_port}",
        SEED_DEMO="1",
        HEARTBEAT_SECONDS="2",
        HEALTH_WORKER_MAX_AGE_SECONDS="6",
    )
    log = (tmp_path / "up.log").open("ab")

    def up(**extra) -> subprocess.Popen:
        return subprocess.Popen(
            ["bash", str(BASE / "bin" / "up")],
            env={**env, **extra},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(process: subprocess.Popen) -> float:
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(20)
        elapsed = time.monotonic() - started
        # Nothing of it is left: no gunicorn, worker or beat of this run.
        survivors = subprocess.run(
            ["pgrep", "-s", str(process.pid)], capture_output=True, text=True
        ).stdout.split()
        assert not survivors, survivors
        return elapsed

    browser = Browser(f"https://localhost:{https_port}", tmp_path / "cert.pem")
    topology = up()
    try:
        # Up, healthy, and the secret kept in a file only its owner can read.
        status, body = wait_until(
            lambda: (answer := health(browser))[0] == 200 and answer, 180, "/healthz 200"
        )
        assert body["checks"]["workers"]["status"] == "ok"
        assert key_file.stat().st_mode & 0o777 == 0o600

        # Plain HTTP is sent to HTTPS by nginx.
        plain = socket.create_connection(("127.0.0.1", http_port), 5)
        plain.sendall(b"GET /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert b"301" in plain.recv(200).split(b"\r\n")[0]
        plain.close()

        # Sign in over HTTPS through nginx.
        response, page = browser.open("/accounts/login/")
        assert response.status == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])
        login_request_id = response.headers["X-Request-ID"]
        token = browser.form_token(page)
        response, page = browser.open(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": "tovholder", "password": "partnerskab"},
        )
        assert response.status == 200
        assert response.url == browser.origin + "/"
        assert any(cookie.name == "sessionid" and cookie.secure for cookie in browser.cookies)

        # A PDF, rendered by the worker.
        partnership_path = re.search(rb'href="(/partnerships/\d+/)"', page).group(1).decode()
        response, partnership_page = browser.open(partnership_path)
        plan_path = re.search(rb'href="(/plans/\d+/)"', partnership_page).group(1).decode()
        response, plan_page = browser.open(plan_path)
        start = re.search(rb'action="(/reports/new/competence_plan/\d+/[^"]*)"', plan_page)
        response, status_page = browser.open(
            start.group(1).decode(), {"csrfmiddlewaretoken": browser.form_token(plan_page)}
        )
        job_path = urllib.parse.urlparse(response.url).path
        assert re.fullmatch(r"/reports/[0-9a-f-]{36}/", job_path), response.url

        def done():
            state = json.loads(browser.open(job_path + "status.json")[1])["status"]
            assert state != "failed"
            return state == "done"

        wait_until(done, 120, "the PDF rendered")
        response, pdf = browser.open(job_path + "download/")
        assert pdf.startswith(b"%PDF-")

        # Restart: all three stop within 10 s of TERM; the session survives.
        assert stop(topology) < 10
        topology = up(SEED_DEMO="0")
        wait_until(lambda: health(browser)[0] == 200, 120, "/healthz 200 after the restart")
        response, page = browser.open("/")
        assert response.url == browser.origin + "/", "the session did not survive the restart"

        # Redis goes away: /healthz says so within 2 s, and recovers when it is back.
        redis.terminate()
        redis.wait(10)
        started = time.monotonic()
        status, body = health(browser)
        assert time.monotonic() - started < 2
        assert status == 503
        assert body["checks"]["redis"]["status"] == "down"
        assert body["checks"]["database"]["status"] == "ok"
        redis = start_redis(redis_port)
        wait_until(lambda: health(browser)[0] == 200, 90, "/healthz 200 once Redis is back")
    finally:
        if topology.poll() is None:
            stop(topology)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(topology.pid, signal.SIGKILL)  # whatever a failed step left
        proxy.terminate()
        proxy.wait(10)
        redis.terminate()
        redis.wait(10)
        log.close()
    text = (tmp_path / "up.log").read_text()
    assert "Traceback" not in text, text[-4000:]
    # nginx's request id is the app's: the sign-in page's line carries the id it answered.
    assert f"[{login_request_id} user=-] GET /accounts/login/ 200" in text
    # The worker's task has a line of its own, with the task's id.
    assert re.search(
        r"INFO partnerskab\.task \[[0-9a-f-]{36} user=-\] reports\.tasks\.render_report SUCCESS",
        text,
    )
