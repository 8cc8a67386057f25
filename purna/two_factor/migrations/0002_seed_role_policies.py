"""Every staff role of purna/roles.py requires the second factor: each touches personal data (the register)
or money (payouts). Superusers can turn it off per role in the admin."""

from django.db import migrations

STAFF_ROLES = ["Admin Kepegawaian", "Operator", "Verifikator", "Bendahara", "Pimpinan"]


def seed(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RolePolicy = apps.get_model("two_factor", "RolePolicy")
    for name in STAFF_ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        RolePolicy.objects.get_or_create(group=group, defaults={"two_factor_required": True})


class Migration(migrations.Migration):
    dependencies = [
        ("two_factor", "0001_initial"),
        ("purna", "0002_roles"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
