from django.db import migrations

from evaluations.defaults import install


def install_defaults(apps, schema_editor):
    install(apps.get_model("evaluations", "Questionnaire"), apps.get_model("evaluations", "Question"))


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
