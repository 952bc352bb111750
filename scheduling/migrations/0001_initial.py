"""Course blocks, calendar feeds and enrollments move here from ``schools`` and
``competence_plans``. The tables stay where they are (``Meta.db_table``): this
migration only tells Django's state that the models now belong to this app, and
renames their content types so audit events and notifications about them still
point at them."""


import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = (
    ("schools", "courseblock"),
    ("schools", "calendarfeed"),
    ("competence_plans", "enrollment"),
)


def _rename_content_types(apps, schema_editor, forward=True):
    content_type = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVED:
        source, target = (old_app, "scheduling") if forward else ("scheduling", old_app)
        if content_type.objects.filter(app_label=target, model=model).exists():
            # Already made by a post_migrate signal in an earlier, partial run.
            content_type.objects.filter(app_label=target, model=model).delete()
        content_type.objects.filter(app_label=source, model=model).update(app_label=target)


def _rename_back(apps, schema_editor):
    _rename_content_types(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('companies', '0005_contact_user'),
        ('competence_plans', '0003_plan_proposed_at'),
        ('schools', '0003_amu_number_ascii_digits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='CourseBlock',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('reference', models.CharField(help_text="The school's own identifier for this run, unique per school.", max_length=40, verbose_name='hold reference')),
                        ('iso_year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='ISO year')),
                        ('iso_week', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(53)], verbose_name='ISO week')),
                        ('start_date', models.DateField(verbose_name='start date')),
                        ('end_date', models.DateField(verbose_name='end date')),
                        ('location', models.CharField(choices=[('school', 'At the school'), ('company', 'At the company'), ('other', 'Other place')], default='school', max_length=20, verbose_name='location')),
                        ('address', models.CharField(blank=True, max_length=250, verbose_name='address')),
                        ('capacity', models.PositiveSmallIntegerField(default=16, validators=[django.core.validators.MinValueValidator(1, message='A course block needs room for at least one participant.')], verbose_name='capacity')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('confirmed', 'Confirmed'), ('held', 'Held'), ('cancelled', 'Cancelled')], default='planned', max_length=20, verbose_name='status')),
                        ('company', models.ForeignKey(blank=True, help_text='Required when the course runs at the company.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='course_blocks', to='companies.company', verbose_name='company')),
                        ('course', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='blocks', to='schools.amucourse', verbose_name='AMU course')),
                        ('department', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='course_blocks', to='schools.department', verbose_name='department')),
                        ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='course_blocks', to='schools.school', verbose_name='school')),
                        ('teachers', models.ManyToManyField(blank=True, related_name='taught_blocks', to=settings.AUTH_USER_MODEL, verbose_name='teachers')),
                    ],
                    options={
                        'verbose_name': 'course block',
                        'verbose_name_plural': 'course blocks',
                        'db_table': 'schools_courseblock',
                        'ordering': ['start_date', 'course__number'],
                    },
                ),
                migrations.CreateModel(
                    name='Enrollment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('status', models.CharField(choices=[('planned', 'Planned'), ('enrolled', 'Enrolled'), ('completed', 'Completed'), ('no_show', 'No-show'), ('cancelled', 'Cancelled')], default='planned', max_length=20, verbose_name='status')),
                        ('course_block', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrollments', to='scheduling.courseblock', verbose_name='course block')),
                        ('employee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrollments', to='companies.employee', verbose_name='employee')),
                        ('plan_activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='enrollments', to='competence_plans.planactivity', verbose_name='plan activity')),
                    ],
                    options={
                        'verbose_name': 'enrollment',
                        'verbose_name_plural': 'enrollments',
                        'db_table': 'competence_plans_enrollment',
                        'ordering': ['course_block', 'employee__name'],
                    },
                ),
                migrations.CreateModel(
                    name='CalendarFeed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                        ('kind', models.CharField(choices=[('coordinator', "My partnerships' course blocks"), ('teacher', 'Course blocks I teach'), ('company', "My company's course blocks")], max_length=20, verbose_name='kind')),
                        ('token', models.CharField(max_length=64, unique=True, verbose_name='token')),
                        ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, to='companies.company', verbose_name='company')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'calendar feed',
                        'verbose_name_plural': 'calendar feeds',
                        'db_table': 'schools_calendarfeed',
                        'constraints': [models.UniqueConstraint(fields=('user', 'kind', 'company'), name='unique_calendar_feed')],
                    },
                ),
                migrations.AddIndex(
                    model_name='courseblock',
                    index=models.Index(fields=['iso_year', 'iso_week'], name='schools_cou_iso_yea_679b4b_idx'),
                ),
                migrations.AddIndex(
                    model_name='courseblock',
                    index=models.Index(fields=['school', 'start_date'], name='schools_cou_school__1197c3_idx'),
                ),
                migrations.AddIndex(
                    model_name='courseblock',
                    index=models.Index(fields=['status', 'start_date'], name='schools_cou_status_7e1d72_idx'),
                ),
                migrations.AddConstraint(
                    model_name='courseblock',
                    constraint=models.UniqueConstraint(fields=('school', 'reference'), name='unique_block_reference_per_school'),
                ),
                migrations.AddConstraint(
                    model_name='courseblock',
                    constraint=models.CheckConstraint(condition=models.Q(('end_date__gte', models.F('start_date'))), name='course_block_end_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='courseblock',
                    constraint=models.CheckConstraint(condition=models.Q(('capacity__gt', 0)), name='course_block_positive_capacity'),
                ),
                migrations.AddConstraint(
                    model_name='courseblock',
                    constraint=models.CheckConstraint(condition=models.Q(('iso_week__gte', 1), ('iso_week__lte', 53)), name='course_block_iso_week_range'),
                ),
                migrations.AddConstraint(
                    model_name='courseblock',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('location', 'company'), _negated=True), ('company__isnull', False), _connector='OR'), name='course_block_company_when_at_company'),
                ),
                migrations.AddIndex(
                    model_name='enrollment',
                    index=models.Index(fields=['status'], name='competence__status_09ec39_idx'),
                ),
                migrations.AddConstraint(
                    model_name='enrollment',
                    constraint=models.UniqueConstraint(fields=('employee', 'course_block'), name='unique_enrollment_per_block'),
                ),
            ],
        ),
        migrations.RunPython(_rename_content_types, _rename_back),
    ]
