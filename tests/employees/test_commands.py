"""`manage.py import_employees` and `manage.py export_employees`: the page's importer and exporter from a shell."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from employees import exporter
from employees.models import Employee, ImportJob
from tests.employees.sheets import csv_bytes, pppk_row, row
from tests.factories import UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def setup(seeded_rules, private_media):
    UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian")
    with translation.override("id"):
        yield


def import_command(path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_employees", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_prints_the_counts(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1), row(2), pppk_row(1)]))
    UserFactory(username="operator-bkd", password=None, units="all")

    out, err = import_command(path, "--user", "operator-bkd")

    assert out.strip() == _(
        "Imported %(rows)d rows: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
    ) % {"rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert err == ""
    assert Employee.history.filter(history_user__username="operator-bkd").count() == 3
    assert ImportJob.objects.get().created_by.username == "operator-bkd"


def test_dry_run_prints_what_would_change_and_saves_nothing(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1)]))

    out, _err = import_command(path, "--dry-run")

    assert out.strip() == _(
        "Dry run of %(rows)d rows, nothing saved: %(created)d would be created, %(updated)d updated, "
        "%(unchanged)d unchanged."
    ) % {"rows": 1, "created": 1, "updated": 0, "unchanged": 0}
    assert not Employee.objects.exists()


def test_errors_are_printed_by_row_and_column_with_exit_status_1(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1), row(2, golongan="IX"), row(3, nama="")]))
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_employees", str(path), stdout=io.StringIO(), stderr=err)

    assert caught.value.returncode == 1
    assert str(caught.value) == _("%(count)d errors in %(rows)d rows: nothing was saved.") % {"count": 2, "rows": 3}
    golongan = _("A PNS golongan runs from I/a to IV/e; %(golongan)s is not one.") % {"golongan": "IX"}
    assert err.getvalue().splitlines() == [
        f"{_('Row %(row)d') % {'row': 3}}, {_('column %(column)s') % {'column': 'golongan'}} (J3): {golongan}",
        f"{_('Row %(row)d') % {'row': 4}}, {_('column %(column)s') % {'column': 'nama'}} (E4): "
        + _("This column is required; the cell is empty."),
    ]
    assert not Employee.objects.exists()


def test_a_bad_file_stops_with_its_reason(tmp_path):
    path = tmp_path / "surat.csv"
    path.write_bytes(b"%PDF-1.4")

    with pytest.raises(CommandError) as caught:
        import_command(path)

    assert caught.value.returncode == 1
    assert str(caught.value) == _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file.")


def test_exit_status_is_1_from_the_shell(tmp_path):
    # CommandError's returncode is what `manage.py` exits with.
    from django.core.management import execute_from_command_line

    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1, golongan="IX")]))

    with pytest.raises(SystemExit) as caught:
        execute_from_command_line(["manage.py", "import_employees", str(path)])

    assert caught.value.code == 1


def test_missing_file_and_unknown_user_are_refused(tmp_path):
    with pytest.raises(CommandError):
        import_command(tmp_path / "tidak-ada.csv")
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1)]))
    with pytest.raises(CommandError):
        import_command(path, "--user", "siapa")


def test_export_writes_the_same_columns_as_the_page(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(1), pppk_row(1)]))
    import_command(path)
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"

    out = io.StringIO()
    call_command("export_employees", "--format", "csv", "--output", str(csv_path), stdout=out)
    call_command("export_employees", "--format", "xlsx", "--output", str(xlsx_path), stdout=io.StringIO())

    assert out.getvalue().strip() == _("%(count)d employees exported to %(file)s.") % {"count": 2, "file": csv_path}
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "\ufeff" + ",".join(exporter.HEADERS)
    assert len(lines) == 3
    rows = CalamineWorkbook.from_path(str(xlsx_path)).get_sheet_by_name("Pegawai").to_python()
    assert rows[0] == exporter.HEADERS
    assert sorted(r[0] for r in rows[1:]) == sorted([row(1)["NIP"], pppk_row(1)["NIP"]])


def test_export_csv_to_standard_output():
    out, err = io.StringIO(), io.StringIO()

    call_command("export_employees", "--format", "csv", "--output", "-", stdout=out, stderr=err)

    assert out.getvalue() == "\ufeff" + ",".join(exporter.HEADERS) + "\r\n"
    assert err.getvalue().strip() == _("%(count)d employees exported.") % {"count": 0}
