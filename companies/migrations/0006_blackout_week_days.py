import datetime as dt

from django.db import migrations, models


def fill_days(apps, schema_editor):
    BlackoutWeek = apps.get_model("companies", "BlackoutWeek")
    for week in BlackoutWeek.objects.all():
        week.first_day = dt.date.fromisocalendar(week.iso_year, week.iso_week, 1)
        week.last_day = week.first_day + dt.timedelta(days=6)
        week.save(update_fields=["first_day", "last_day"])


class Migration(migrations.Migration):
    dependencies = [("companies", "0005_contact_user")]

    operations = [
        migrations.AddField(
            model_name="blackoutweek",
            name="first_day",
            field=models.DateField(editable=False, null=True, verbose_name="first day"),
        ),
        migrations.AddField(
            model_name="blackoutweek",
            name="last_day",
            field=models.DateField(editable=False, null=True, verbose_name="last day"),
        ),
        migrations.RunPython(fill_days, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="blackoutweek",
            name="first_day",
            field=models.DateField(editable=False, verbose_name="first day"),
        ),
        migrations.AlterField(
            model_name="blackoutweek",
            name="last_day",
            field=models.DateField(editable=False, verbose_name="last day"),
        ),
        migrations.AddIndex(
            model_name="blackoutweek",
            index=models.Index(fields=["company", "first_day"], name="blackout_company_day"),
        ),
    ]
