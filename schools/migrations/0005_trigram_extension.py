"""pg_trgm for the course suggestions' similarity fallback (a trusted extension since
PostgreSQL 13: the database's owner may create it). Nothing happens on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class TrigramExtensionOnPostgres(TrigramExtension):
    """Django's operation skips other databases going forwards but not backwards (it
    asks SQLite for `pg_extension`)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_blocks_moved_to_scheduling")]

    operations = [TrigramExtensionOnPostgres()]
