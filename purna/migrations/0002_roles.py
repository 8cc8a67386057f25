"""Create the staff role groups. Their permissions are assigned by purna.roles.roles_sync after migrate,
when every app's permissions exist."""

from django.db import migrations

ROLE_NAMES = ["Admin Kepegawaian", "Operator", "Verifikator", "Bendahara", "Pimpinan"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("purna", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
