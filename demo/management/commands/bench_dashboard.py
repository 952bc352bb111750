"""Server time of the school dashboard at demo size and at 10× the demo, next to a
trivial page (the password-change form) measured in the same run. Everything seeded here
is rolled back."""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.urls import reverse

from accounts.models import User
from demo.seed import seed_demo


class Rollback(Exception):
    pass


def median_ms(client, path, runs=7) -> float:
    client.get(path)  # warm caches and the template loader
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


class Command(BaseCommand):
    help = "Time the dashboard at demo size and at 10x, beside a trivial page."

    def handle(self, *args, **options):
        if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
            settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        rows = []
        try:
            with transaction.atomic():
                for scale in (1, 10):
                    seed_demo(scale=scale)
                    client = Client()
                    client.force_login(User.objects.get(username="leder"))
                    rows.append(
                        (
                            scale,
                            median_ms(client, reverse("password_change")),
                            median_ms(client, reverse("dashboards:school")),
                        )
                    )
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(f"{'scale':>5} {'trivial page ms':>16} {'dashboard ms':>13}")
        for scale, trivial, dashboard in rows:
            self.stdout.write(f"{scale:>5} {trivial:>16.1f} {dashboard:>13.1f}")
