from django.conf import settings
from django.core.management.base import BaseCommand

from scheduling import bench


class Command(BaseCommand):
    help = "The planner against the greedy baseline on generated plans (no database)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
        parser.add_argument("--time-limit", type=float, default=settings.PLANNER_TIME_LIMIT_SECONDS)

    def handle(self, *args, sizes, time_limit, **options):
        rows = bench.run(sizes, time_limit=time_limit, workers=settings.PLANNER_WORKERS)
        self.stdout.write(bench.table(rows))
