"""pg_trgm for the course suggestions' similarity fallback (a trusted extension since
PostgreSQL 13: the database's owner may create it). Nothing happens on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("schools", "0004_blocks_moved_to_scheduling")]

    operations = [TrigramExtension()]
