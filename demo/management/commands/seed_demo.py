from django.core.management.base import BaseCommand, CommandError

from demo.base import DEMO_PASSWORD
from demo.data import SCHOOLS
from demo.seed import seed_demo
from schools.models import School


class Command(BaseCommand):
    help = "Create the demo data and logins (deterministic; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply companies, employees, blocks and enrollments (for performance work).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the database holds schools that are not the demo's.",
        )

    def handle(self, *args, scale, force=False, **options):
        if scale < 1 or scale > 100:
            raise CommandError("--scale must be between 1 and 100.")
        real = School.objects.exclude(name__in=[spec["name"] for spec in SCHOOLS])
        if real.exists() and not force:
            raise CommandError(
                "This database holds schools that are not demo data "
                f"({', '.join(real.order_by('name').values_list('name', flat=True)[:3])}). "
                "The demo logins (with a known password) do not belong there. "
                "Use --force only on a copy meant for trying things out."
            )
        report = seed_demo(scale=scale)
        created = {name: n for name, n in report.created.items() if n}
        if created:
            summary = ", ".join(f"{n} {name}" for name, n in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data created: {summary}."))
        else:
            self.stdout.write("Demo data already present; nothing to add.")
        self.stdout.write(
            f"Logins (password '{DEMO_PASSWORD}'): tovholder, tovholder2, leder, underviser, "
            "konsulent, hr, hr2, admin."
        )
