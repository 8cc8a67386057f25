import secrets

from django.db import migrations, models


def revision_create(apps, schema_editor):
    """The one row of the register's revision (employees/counts.py), with a first random token."""
    RegisterRevision = apps.get_model("employees", "RegisterRevision")
    RegisterRevision.objects.using(schema_editor.connection.alias).get_or_create(
        pk=1, defaults={"token": secrets.randbits(62)}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("employees", "0015_progress_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegisterRevision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(verbose_name="token")),
            ],
            options={
                "verbose_name": "register revision",
                "verbose_name_plural": "register revisions",
            },
        ),
        migrations.RunPython(revision_create, migrations.RunPython.noop),
    ]
