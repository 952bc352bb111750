"""Course blocks and calendar feeds now belong to the scheduling app (same tables):
only Django's state forgets them here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("schools", "0003_amu_number_ascii_digits"),
        ("scheduling", "0001_initial"),
        ("evaluations", "0003_blocks_moved_to_scheduling"),
        ("competence_plans", "0004_enrollment_moved_to_scheduling"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="CalendarFeed"),
                migrations.DeleteModel(name="CourseBlock"),
            ],
        ),
    ]
