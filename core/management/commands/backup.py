from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write the database and the generated files into one archive (core/backup.py)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="Where the archive goes (default var/backups).",
        )

    def handle(self, *args, dir, **options):
        try:
            archive = backup(Path(dir))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written: {archive}")
