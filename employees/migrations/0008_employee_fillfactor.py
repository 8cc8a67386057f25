"""Leave room in each page of the employee table so that updates of unindexed columns (an import that
changes a jabatan, an address) can stay on the same page (PostgreSQL HOT updates) instead of writing a
new entry in each of the table's indexes. PostgreSQL only; a no-op elsewhere."""

from django.db import migrations


def fillfactor_set(apps, schema_editor, value="85"):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE employees_employee SET (fillfactor = {int(value)})")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE employees_employee RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("employees", "0007_employee_worklist_copy")]
    operations = [migrations.RunPython(fillfactor_set, fillfactor_reset)]
