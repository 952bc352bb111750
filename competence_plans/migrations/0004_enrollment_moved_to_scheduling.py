"""Enrollment now belongs to the scheduling app (same table): only Django's state
forgets it here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("competence_plans", "0003_plan_proposed_at"),
        ("scheduling", "0001_initial"),
        ("evaluations", "0003_blocks_moved_to_scheduling"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="Enrollment")],
        ),
    ]
