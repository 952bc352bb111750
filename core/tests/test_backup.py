"""A backup restores into an empty database and the application serves what it held:
on SQLite (the embedded default) and on PostgreSQL (pg_dump / pg_restore)."""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
COUNT_ROWS = """
import django, json
django.setup()
from django.apps import apps
print(json.dumps({m._meta.label: m.objects.count() for m in apps.get_models()
                  if not m._meta.proxy}))
"""
SERVE_HOME = """
import django
django.setup()
from django.test import Client
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username="tovholder"))
page = client.get("/")
print(page.status_code, "Østjysk Stålkonstruktion A/S" in page.content.decode())
"""


def manage(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )


def python(env: dict, code: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def environment(database_url: str, media: Path) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "FILE_STORAGE"))
    }
    return {
        **clean,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "DATABASE_POOL": "false",
        "DJANGO_ALLOWED_HOSTS": "testserver",
    }


def round_trip(source: dict, target: dict, tmp_path: Path):
    """Seed `source`, back it up, restore into the empty `target`; compare."""
    for step in (("migrate", "-v0"), ("seed_demo",)):
        result = manage(source, *step)
        assert result.returncode == 0, result.stderr
    report = Path(source["DJANGO_MEDIA_ROOT"]) / "reports" / "plan.pdf"
    report.parent.mkdir(parents=True)
    report.write_bytes(b"%PDF-1.7 a stored report")
    backups = tmp_path / "backups"
    made = manage(source, "backup", "--dir", str(backups))
    assert made.returncode == 0, made.stderr
    (archive,) = backups.glob("partnerskab-*.tar")
    assert archive.stat().st_mode & 0o777 == 0o600
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", "media/reports/plan.pdf"} <= names

    refused = manage(target, "restore", str(archive), stdin="no\n")
    assert refused.returncode != 0
    assert "Nothing was restored" in refused.stderr
    assert "This loads the backup of" in refused.stdout
    restored = manage(target, "restore", str(archive), "--noinput")
    assert restored.returncode == 0, restored.stderr

    assert python(target, COUNT_ROWS) == python(source, COUNT_ROWS)
    assert python(target, SERVE_HOME) == "200 True"
    restored_file = Path(target["DJANGO_MEDIA_ROOT"]) / "reports" / "plan.pdf"
    assert restored_file.read_bytes() == b"%PDF-1.7 a stored report"

    # Never over data: a second restore into the now full database is refused.
    again = manage(target, "restore", str(archive), "--noinput")
    assert again.returncode != 0
    assert "The database is not empty" in again.stderr
    return archive


def test_backup_and_restore_on_sqlite(tmp_path):
    source = environment(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "media-a")
    target = environment(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "media-b")
    archive = round_trip(source, target, tmp_path)
    not_a_backup = tmp_path / "notes.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        tar.add(archive, "something.tar")
    fresh = environment(f"sqlite:///{tmp_path / 'fresh.sqlite3'}", tmp_path / "media-c")
    wrong = manage(fresh, "restore", str(not_a_backup), "--noinput")
    assert "is not a Partnerskab backup" in wrong.stderr
    assert manage(fresh, "restore", str(tmp_path / "missing.tar")).returncode != 0


@pytest.fixture
def postgres_databases():
    import psycopg

    server = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432 (needed for pg_dump)")
    names = ("partnerskab_backup_source", "partnerskab_backup_target")
    for name in names:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    yield [f"postgres://postgres@127.0.0.1:5432/{name}" for name in names]
    for name in names:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.close()


def test_backup_and_restore_on_postgresql(postgres_databases, tmp_path):
    for tool in ("pg_dump", "pg_restore"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
    source_url, target_url = postgres_databases
    round_trip(
        environment(source_url, tmp_path / "media-a"),
        environment(target_url, tmp_path / "media-b"),
        tmp_path,
    )
