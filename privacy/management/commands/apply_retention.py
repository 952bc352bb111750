from django.core.management.base import BaseCommand

from privacy.services import apply_retention


class Command(BaseCommand):
    help = "Apply the retention periods (RETENTION_DAYS); --dry-run lists what would go."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count only; change nothing")

    def handle(self, *args, dry_run=False, **options):
        counts = apply_retention(dry_run=dry_run)
        verb = "would be removed" if dry_run else "removed"
        for category, n in counts.items():
            self.stdout.write(f"{category}: {n} {verb}")
