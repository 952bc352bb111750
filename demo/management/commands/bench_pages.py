"""`make bench-pages`: every role's pages under gunicorn (2 workers, production settings)
and PostgreSQL at 1×, 10× and 30× the demo, as ratios to a trivial page timed alternately
in the same run; exits non-zero when a target of the page-speed issue is missed.

Each scale has a database of its own (``partnerskab_bench_<scale>`` on the server of
``BENCH_DATABASE_URL``), seeded once and kept for the next run (``--reseed`` starts
over). The measuring runs in a child process per scale, pointed at that database."""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import bench

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
OUT = Path(settings.BASE_DIR) / "var" / "bench"
MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]


def database_url(name: str) -> str:
    parts = urlsplit(SERVER)
    return urlunsplit(parts._replace(path=f"/{name}"))


def run(args, env, **options):
    subprocess.run(args, env=env, check=True, **options)


class Command(BaseCommand):
    help = "Time every role's pages at 1x, 10x and 30x the demo under gunicorn and PostgreSQL."

    def add_arguments(self, parser):
        parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 30])
        parser.add_argument("--reseed", action="store_true", help="Seed the databases anew.")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--samples", type=int, default=5, help="Pairs per round.")
        parser.add_argument("--only", default="", help="Only pages whose label contains this.")
        parser.add_argument("--roles", nargs="+", default=bench.ROLES)
        parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["measure"]:
            result = bench.measure(
                scale=options["scale"],
                roles=options["roles"],
                rounds=options["rounds"],
                samples=options["samples"],
                only=options["only"],
                log=self.stderr.write,
            )
            OUT.mkdir(parents=True, exist_ok=True)
            (OUT / f"pages-{options['scale']}.json").write_text(json.dumps(result, indent=1))
            return
        self.orchestrate(options)

    def orchestrate(self, options):
        import psycopg

        env = {**os.environ, "DJANGO_DEBUG": "true"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        try:
            admin = psycopg.connect(SERVER, autocommit=True)
        except psycopg.OperationalError as error:
            raise CommandError(f"PostgreSQL is needed ({SERVER}): {error}") from error
        # gunicorn serves with production settings: their static files' manifest first.
        production = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "collectstatic-only",
            "DJANGO_DEBUG": "false",
        }
        run([*MANAGE, "collectstatic", "--noinput", "-v0"], production)
        results = {}
        for scale in options["scales"]:
            name = f"partnerskab_bench_{scale}"
            exists = admin.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if exists and options["reseed"]:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = None
            if not exists:
                self.stderr.write(f"Seeding scale {scale} …")
                seeding = f"{name}_seeding"
                admin.execute(f'DROP DATABASE IF EXISTS "{seeding}" WITH (FORCE)')
                admin.execute(f'CREATE DATABASE "{seeding}"')
                seed_env = {**env, "DATABASE_URL": database_url(seeding)}
                quiet = {"stdout": subprocess.DEVNULL}
                run([*MANAGE, "migrate", "--noinput", "-v0"], seed_env, **quiet)
                run([*MANAGE, "seed_demo", "--scale", str(scale)], seed_env, **quiet)
                with psycopg.connect(database_url(seeding), autocommit=True) as seeded:
                    seeded.execute("ANALYZE")
                admin.execute(f'ALTER DATABASE "{seeding}" RENAME TO "{name}"')
            else:
                # Migrations the branch added since the database was seeded.
                run(
                    [*MANAGE, "migrate", "--noinput", "-v0"],
                    {**env, "DATABASE_URL": database_url(name)},
                )
            self.stderr.write(f"Measuring scale {scale} …")
            run(
                [
                    *MANAGE,
                    "bench_pages",
                    "--measure",
                    "--scale",
                    str(scale),
                    "--rounds",
                    str(options["rounds"]),
                    "--samples",
                    str(options["samples"]),
                    "--only",
                    options["only"],
                    "--roles",
                    *options["roles"],
                ],
                {**env, "DATABASE_URL": database_url(name)},
            )
            results[str(scale)] = json.loads((OUT / f"pages-{scale}.json").read_text())
        self.report(results)
        missed = bench.misses(results)
        if missed:
            self.stdout.write(self.style.ERROR(f"\n{len(missed)} target(s) missed:"))
            for line in missed:
                self.stdout.write(f"  {line}")
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS("\nEvery target met."))

    def report(self, results: dict) -> None:
        scales = list(results)
        header = f"{'role':<11} {'page':<24} {'queries':>7}" + "".join(
            f" {'×' + s + ' med':>8} {'p95':>5} {'ms':>6}" for s in scales
        )
        self.stdout.write(header)
        first = results[scales[0]]
        for role, pages in first.items():
            for label, row in pages.items():
                if label.startswith("throughput"):
                    continue
                line = f"{role:<11} {label:<24} {row['queries']:>7}"
                for scale in scales:
                    other = results[scale].get(role, {}).get(label)
                    if other:
                        line += (
                            f" {other['median']:>8.1f} {other['p95']:>5.1f}"
                            f" {other['page_ms']:>6.1f}"
                        )
                self.stdout.write(line)
        for scale in scales:
            for role, pages in results[scale].items():
                for label, row in pages.items():
                    if label.startswith("throughput"):
                        self.stdout.write(
                            f"scale {scale:>3} {role:<11} {label:<30} {row['rps']:>7.1f} req/s"
                        )
