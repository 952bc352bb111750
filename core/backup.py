"""Backups a sysadmin can restore: the database and the generated files in one archive.

`manage.py backup` writes ``partnerskab-<time>.tar`` (mode 0600) holding

- ``database.dump``: ``pg_dump --format=custom`` of PostgreSQL, or ``database.sqlite3``:
  a consistent copy of SQLite made with SQLite's online backup;
- ``media/``: the files under MEDIA_ROOT when files are on local disk (with
  FILE_STORAGE=s3 the bucket is backed up by the object store: versioning or replication);
- ``manifest.json``: when, which engine, and the latest migration of every app.

`manage.py restore <archive>` loads it into the configured database, which must be empty
(a new database, or one the sysadmin has emptied knowingly), puts the files back and
runs ``migrate``, so a backup of an older version comes up on today's code.
"""

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"


class BackupError(Exception):
    pass


def _postgres_env() -> tuple[list[str], dict]:
    """Connection arguments for pg_dump and pg_restore from Django's own settings (the
    password travels in the environment, not on the command line)."""
    db = settings.DATABASES["default"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client).")
    return path


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()[:2000]}")


def _local_media() -> Path | None:
    backend = settings.STORAGES["default"]["BACKEND"]
    return Path(settings.MEDIA_ROOT) if backend.endswith("FileSystemStorage") else None


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup(directory: Path, now: dt.datetime | None = None) -> Path:
    now = now or timezone.now()
    directory.mkdir(parents=True, exist_ok=True)
    archive = directory / f"partnerskab-{now.strftime('%Y%m%d-%H%M%S')}.tar"
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if vendor == "postgresql":
            args, env = _postgres_env()
            dump = work / "database.dump"
            _run(
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *args],
                env,
            )
        elif vendor == "sqlite":
            dump = work / "database.sqlite3"
            source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        else:  # pragma: no cover - the settings allow only these two
            raise BackupError(f"No backup for the {vendor} database.")
        manifest = {
            "created_at": now.isoformat(),
            "database": vendor,
            "files": "local" if _local_media() else "object storage (not in this archive)",
            "migrations": _migrations(),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
        old_umask = os.umask(0o077)
        try:
            with tarfile.open(archive, "w") as tar:
                tar.add(work / MANIFEST, MANIFEST)
                tar.add(dump, dump.name)
                media = _local_media()
                if media and media.exists():
                    tar.add(media, "media")
        finally:
            os.umask(old_umask)
    return archive


def read_manifest(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        try:
            return json.load(tar.extractfile(MANIFEST))
        except KeyError:
            raise BackupError(f"{archive} is not a Partnerskab backup (no manifest).") from None


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def restore(archive: Path) -> dict:
    manifest = read_manifest(archive)
    vendor = connection.vendor
    if manifest["database"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']} database; this one is {vendor}."
        )
    if not database_is_empty():
        raise BackupError(
            "The database is not empty. Restore into a new, empty database "
            "(createdb), or empty this one first."
        )
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive) as tar:
        work = Path(work)
        tar.extractall(work, filter="data")
        if vendor == "postgresql":
            connection.close()
            args, env = _postgres_env()
            _run(
                [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error"]
                + [*args, str(work / "database.dump")],
                env,
            )
        else:
            connection.close()
            shutil.copyfile(work / "database.sqlite3", settings.DATABASES["default"]["NAME"])
        media = _local_media()
        if media and (work / "media").exists():
            shutil.copytree(work / "media", media, dirs_exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    return manifest
