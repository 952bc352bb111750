from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, database_is_empty, read_manifest, restore


class Command(BaseCommand):
    help = "Load a backup archive into the configured, empty database, then migrate."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--noinput", action="store_true", help="Do not ask before restoring.")

    def handle(self, *args, archive, noinput, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            manifest = read_manifest(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if not database_is_empty():
            raise CommandError(
                "The database is not empty. Restore into a new, empty database (createdb), "
                "or empty this one first."
            )
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(
            f"This loads the backup of {manifest['created_at']} ({manifest['database']}) into "
            f"the database {database}, puts its files into {settings.MEDIA_ROOT} and "
            "runs migrate."
        )
        if not noinput and input("Type 'yes' to restore: ").strip() != "yes":
            raise CommandError("Nothing was restored.")
        try:
            restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}.")
