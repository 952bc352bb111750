"""Evaluation invitations and responses now point at the scheduling app's course
blocks and enrollments: the same tables, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluations", "0002_default_questionnaires"),
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="invitation",
                    name="course_block",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="scheduling.courseblock",
                        verbose_name="course block",
                    ),
                ),
                migrations.AlterField(
                    model_name="invitation",
                    name="enrollment",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="invitations",
                        to="scheduling.enrollment",
                        verbose_name="enrollment",
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="course_block",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="evaluation_responses",
                        to="scheduling.courseblock",
                        verbose_name="course block",
                    ),
                ),
            ],
        ),
    ]
