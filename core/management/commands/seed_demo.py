from django.core.management.base import BaseCommand, CommandError

from core.demo.base import DEMO_PASSWORD
from core.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Create the demo data and logins (deterministic; safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiply companies, employees, blocks and enrollments (for performance work).",
        )

    def handle(self, *args, scale, **options):
        if scale < 1 or scale > 100:
            raise CommandError("--scale must be between 1 and 100.")
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
