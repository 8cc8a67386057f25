"""The import and export pages (employees/views/transfer.py): permissions, the upload flow, the progress
partial, templates, the filtered export with a fixed number of queries, the admin's import, a browser."""

import io

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from employees import exporter
from employees.choices import ImportStatus
from employees.importer import COLUMNS
from employees.models import Employee, ImportJob
from employees.services import imports
from employees.services.imports import import_job_run
from employees.services.register import retirement_facts_refresh
from employees.tasks import employee_import_task
from portal import demo
from purna import roles, uploads
from tests import bombs
from tests.employees.sheets import HEADERS, csv_bytes, row, upload, xlsx_bytes
from tests.factories import EmployeeFactory, UnitKerjaFactory
from tests.generated_documents import fetch_document, is_progress_page, render_queued
from tests.workers import instead_of_broker

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"

IMPORT_PAGES = ["employees:import_create", "employees:import_detail", "employees:import_progress"]


@pytest.fixture(autouse=True)
def setup(seeded_rules, private_media):
    UnitKerjaFactory(code="BKPSDM", name="Badan Kepegawaian")
    with translation.override("id"):
        yield


@pytest.fixture
def queued(monkeypatch):
    """The task is recorded instead of sent to a broker; tests run it themselves."""
    sent = []
    instead_of_broker(monkeypatch, employee_import_task, lambda job_id: sent.append(job_id))
    return sent


def page_url(name: str, job: ImportJob | None = None) -> str:
    return reverse(name, args=[job.pk]) if job else reverse(name)


@pytest.fixture
def job(db):
    return ImportJob.objects.create(original_name="pegawai.csv", file="imports/x.csv", total_rows=10)


# --- Permissions -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.BENDAHARA, roles.PIMPINAN])
def test_roles_that_cannot_edit_the_register_cannot_import(client, role_user, role, job):
    client.force_login(role_user(role))

    statuses = [
        client.get(page_url(name, job if name != "employees:import_create" else None)).status_code
        for name in IMPORT_PAGES
    ]
    statuses.append(client.get(reverse("employees:import_template", args=["csv"])).status_code)
    statuses.append(client.post(reverse("employees:import_create"), {"file": upload(csv_bytes([row()]))}).status_code)

    assert statuses == [403] * 5
    assert not ImportJob.objects.exclude(pk=job.pk).exists()


def test_user_without_role_cannot_export(client, no_role_user):
    client.force_login(no_role_user)

    assert client.get(reverse("employees:export", args=["csv"])).status_code == 403
    assert client.get(reverse("employees:export", args=["xlsx"])).status_code == 403


@pytest.mark.parametrize("role", roles.ROLE_NAMES)
def test_every_role_may_export(client, role_user, role):
    client.force_login(role_user(role))

    assert client.get(reverse("employees:export", args=["csv"])).status_code == 200


def test_unknown_formats_are_not_found(operator_client):
    assert operator_client.get(reverse("employees:export", args=["pdf"])).status_code == 404
    assert operator_client.get(reverse("employees:import_template", args=["ods"])).status_code == 404


# --- The import flow -------------------------------------------------------------------------------------


def test_upload_shows_progress_then_the_result(operator_client, operator, queued, django_capture_on_commit_callbacks):
    page = operator_client.get(reverse("employees:import_create"))
    assert page.status_code == 200
    assert [column.header for column in page.context["columns"]] == HEADERS

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            reverse("employees:import_create"), {"file": upload(csv_bytes([row(1), row(2)]), "data pegawai.csv")}
        )

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("employees:import_detail", args=[job.pk])
    assert queued == [job.pk]
    assert (job.created_by, job.original_name, job.dry_run) == (operator, "data pegawai.csv", False)
    waiting = operator_client.get(reverse("employees:import_detail", args=[job.pk]))
    assert 'hx-trigger="every 1s"' in waiting.content.decode()
    assert _("Waiting for its turn…") in waiting.content.decode()

    import_job_run(job_id=job.pk)
    result = operator_client.get(reverse("employees:import_progress", args=[job.pk]), headers={"HX-Request": "true"})

    html = result.content.decode()
    assert result.status_code == 200
    assert "hx-trigger" not in html  # polling stops
    assert 'data-testid="count-created">2<' in html
    assert _("Import finished: the register has been updated, and each change is in the employees' history.") in html
    assert Employee.objects.count() == 2


def test_running_job_shows_the_rows_checked(operator_client, job):
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, processed_rows=4)

    html = operator_client.get(reverse("employees:import_progress", args=[job.pk])).content.decode()

    assert 'aria-valuenow="40"' in html
    assert 'data-progress="40"' in html  # static/js/purna.js sets the width (no style attribute under the CSP)
    assert _("Checking row %(done)s of %(total)s…") % {"done": 4, "total": 10} in html


def test_failed_job_lists_its_errors_by_row_and_column(operator_client, queued):
    operator_client.post(
        reverse("employees:import_create"), {"file": upload(csv_bytes([row(1), row(2, golongan="IX")]))}
    )
    job = import_job_run(job_id=ImportJob.objects.get().pk)

    response = operator_client.get(reverse("employees:import_detail", args=[job.pk]))

    html = response.content.decode()
    assert _("The file was not imported: nothing was saved.") in html
    errors = response.context["row_errors"]
    assert [(e["row"], e["column"], e["cell"]) for e in errors] == [(3, "golongan", "J3")]
    assert _("A PNS golongan runs from I/a to IV/e; %(golongan)s is not one.") % {"golongan": "IX"} in html
    assert not Employee.objects.exists()


def test_only_the_first_errors_are_shown_with_the_total(operator_client, queued, monkeypatch):
    from employees import importer

    monkeypatch.setattr(importer, "ERRORS_KEPT", 3)
    operator_client.post(
        reverse("employees:import_create"), {"file": upload(csv_bytes([row(n, nama="") for n in range(1, 6)]))}
    )
    job = import_job_run(job_id=ImportJob.objects.get().pk)

    response = operator_client.get(reverse("employees:import_detail", args=[job.pk]))

    assert len(response.context["row_errors"]) == 3
    assert response.context["error_count"] == 5
    assert (
        _("The first %(shown)s of %(total)s errors are shown.") % {"shown": 3, "total": 5} in response.content.decode()
    )


def test_dry_run_upload_saves_nothing(operator_client, queued):
    operator_client.post(reverse("employees:import_create"), {"file": upload(csv_bytes([row(1)])), "dry_run": "on"})
    job = import_job_run(job_id=ImportJob.objects.get().pk)

    html = operator_client.get(reverse("employees:import_detail", args=[job.pk])).content.decode()

    assert job.dry_run
    assert _("would be added") in html
    assert not Employee.objects.exists()


def test_a_clean_dry_run_is_imported_from_its_stored_file_once(
    operator_client, operator, queued, django_capture_on_commit_callbacks
):
    operator_client.post(
        reverse("employees:import_create"), {"file": upload(csv_bytes([row(1), row(2)])), "dry_run": "on"}
    )
    dry_run = import_job_run(job_id=ImportJob.objects.get().pk)
    page = operator_client.get(reverse("employees:import_detail", args=[dry_run.pk])).content.decode()
    url = reverse("employees:import_from_dry_run", args=[dry_run.pk])
    assert f'action="{url}"' in page and _("Import now") in page

    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(url)
        again = operator_client.post(url)  # a second click: the same import, not a second one

    job = ImportJob.objects.exclude(pk=dry_run.pk).get()
    assert response["Location"] == again["Location"] == reverse("employees:import_detail", args=[job.pk])
    assert (job.dry_run, job.file.name, job.original_name, job.created_by) == (
        False,
        dry_run.file.name,
        dry_run.original_name,
        operator,
    )
    assert queued == [job.pk]  # queued once
    import_job_run(job_id=job.pk)
    assert Employee.objects.count() == 2
    page = operator_client.get(reverse("employees:import_detail", args=[dry_run.pk])).content.decode()
    assert _("Import now") not in page
    assert reverse("employees:import_detail", args=[job.pk]) in page


def test_only_a_clean_dry_run_of_ones_own_scope_can_be_imported(operator_client, client, role_user, queued):
    operator_client.post(
        reverse("employees:import_create"), {"file": upload(csv_bytes([row(1, golongan="IX")])), "dry_run": "on"}
    )
    failed = import_job_run(job_id=ImportJob.objects.get().pk)
    page = operator_client.get(reverse("employees:import_detail", args=[failed.pk])).content.decode()
    assert _("Import now") not in page

    response = operator_client.post(reverse("employees:import_from_dry_run", args=[failed.pk]))

    assert response["Location"] == reverse("employees:import_detail", args=[failed.pk])
    assert ImportJob.objects.count() == 1
    assert operator_client.get(reverse("employees:import_from_dry_run", args=[failed.pk])).status_code == 405
    client.force_login(role_user(roles.VERIFIKATOR))
    assert client.post(reverse("employees:import_from_dry_run", args=[failed.pk])).status_code == 403


def test_the_same_cell_error_is_shown_once(operator_client, job):
    error = {"row": 3, "column": "golongan", "cell": "J3", "message": "Golongan salah."}
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, errors=[error, dict(error)])

    response = operator_client.get(reverse("employees:import_detail", args=[job.pk]))

    assert response.content.decode().count("Golongan salah.") == 1
    assert response.context["error_count"] == 1


def test_a_file_of_the_wrong_type_is_refused_on_the_form(operator_client, queued):
    response = operator_client.post(
        reverse("employees:import_create"), {"file": upload(b"%PDF-1.7 surat", "pegawai.csv")}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file.")
    ]
    assert not ImportJob.objects.exists()
    assert queued == []


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            lambda: bombs.shared_strings_bomb(xlsx_bytes([row()])),
            lambda: uploads._too_large(uploads.MAX_UNPACKED_BYTES),
        ),
        (lambda: bombs.shared_strings_bomb(xlsx_bytes([row()]), lie=True), lambda: uploads._lying()),
        (
            lambda: bombs.replace_members(
                xlsx_bytes([row()]), {"xl/embeddings/lain.xlsx": bombs.member("xl/embeddings/lain.xlsx", b"PK")}
            ),
            lambda: uploads._nested("xl/embeddings/lain.xlsx"),
        ),
    ],
    ids=["shared strings", "shared strings, header lies", "nested workbook"],
)
def test_a_zip_bomb_is_refused_on_the_form_and_nothing_is_written(
    operator_client, queued, private_media, build, expected
):
    data = build()
    bombs.peak_reset()

    response = operator_client.post(reverse("employees:import_create"), {"file": upload(data, "pegawai.xlsx")})

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [expected()]
    assert expected() in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not Employee.objects.exists()
    assert not any(path.is_file() for path in private_media.rglob("*"))
    assert queued == []


def test_a_job_lost_mid_way_shows_why_on_its_page(operator_client, queued):
    # Its worker was killed (for memory, or stopped): the redelivered task fails the job instead of
    # running the file again (employees/services/imports.py import_job_run).
    operator_client.post(reverse("employees:import_create"), {"file": upload(csv_bytes([row(1)]))})
    ImportJob.objects.update(status=ImportStatus.RUNNING, processed_rows=1)
    job = import_job_run(job_id=ImportJob.objects.get().pk)

    html = operator_client.get(reverse("employees:import_detail", args=[job.pk])).content.decode()

    assert job.status == ImportStatus.FAILED
    assert _("The file was not imported: nothing was saved.") in html
    assert imports._job_lost_message() in html
    assert not Employee.objects.exists()


def test_import_pages_run_a_fixed_number_of_queries(operator_client, django_assert_max_num_queries, queued):
    for sequence in range(1, 4):
        operator_client.post(reverse("employees:import_create"), {"file": upload(csv_bytes([row(sequence)]))})
    for job in ImportJob.objects.all():
        import_job_run(job_id=job.pk)
    job = ImportJob.objects.first()

    with django_assert_max_num_queries(9):
        assert operator_client.get(reverse("employees:import_create")).status_code == 200
    with django_assert_max_num_queries(7):
        assert operator_client.get(reverse("employees:import_detail", args=[job.pk])).status_code == 200
    with django_assert_max_num_queries(7):
        assert operator_client.get(reverse("employees:import_progress", args=[job.pk])).status_code == 200


# --- Templates ---------------------------------------------------------------------------------------------


def test_csv_template_is_the_header_with_a_byte_order_mark(operator_client):
    response = operator_client.get(reverse("employees:import_template", args=["csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="templat-impor-pegawai.csv"' in response["Content-Disposition"]
    assert response.content.decode("utf-8") == "\ufeff" + ",".join(HEADERS) + "\r\n"


def test_xlsx_template_has_the_header_a_guide_and_the_unit_codes(operator_client):
    response = operator_client.get(reverse("employees:import_template", args=["xlsx"]))

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert workbook.sheet_names == ["Pegawai", "Petunjuk", "Unit kerja"]
    assert workbook.get_sheet_by_name("Pegawai").to_python() == [HEADERS]
    guide = workbook.get_sheet_by_name("Petunjuk").to_python()
    assert [line[0] for line in guide[1:]] == HEADERS
    assert guide[1][2] == str(COLUMNS[0].help)
    assert workbook.get_sheet_by_name("Unit kerja").to_python()[1] == ["BKPSDM", "Badan Kepegawaian"]


# --- Export ------------------------------------------------------------------------------------------------


@pytest.fixture
def register(db):
    unit = UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")
    siti = EmployeeFactory(
        name="Siti Aminah", unit=unit, phone="+62 812 000", address='=HYPERLINK("http://x")', golongan="III/c"
    )
    budi = EmployeeFactory(name="Budi Santoso", golongan="IV/a")
    retirement_facts_refresh()
    return siti, budi


def streamed(response) -> str:
    return response.content.decode("utf-8")


def export(client, fmt: str, data: dict | None = None):
    """The export, made in the background (run here at once: tests/generated_documents.py)."""
    return fetch_document(client, reverse("employees:export", args=[fmt]), data)


def test_csv_export_is_the_filtered_list_streamed(operator_client, register):
    siti, _budi = register

    response = export(operator_client, "csv", {"q": "siti"})

    text = streamed(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="pegawai-{timezone.localdate():%Y-%m-%d}.csv"' in response["Content-Disposition"]
    assert text.startswith("\ufeff" + ",".join(exporter.HEADERS) + "\r\n")
    lines = text.splitlines()
    assert len(lines) == 2
    siti.refresh_from_db()
    assert lines[1].startswith(f"{siti.nip},,PNS,,Siti Aminah,")
    assert ",'+62 812 000," in lines[1]  # formula injection: the text is behind an apostrophe
    assert ',"\'=HYPERLINK(""http://x"")",' in lines[1]
    assert f",{siti.tmt_pensiun.isoformat()}," in lines[1]
    assert ",Dinas Pendidikan," in lines[1]


def test_xlsx_export_has_real_dates_text_nips_and_the_computed_columns(operator_client, register):
    _siti, budi = register

    response = export(operator_client, "xlsx", {"sort": "name"})

    assert response["Content-Type"] == exporter.CONTENT_TYPES["xlsx"]
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Pegawai")
    rows = sheet.to_python()
    assert rows[0] == exporter.HEADERS
    assert [r[exporter.HEADERS.index("nama")] for r in rows[1:]] == ["Budi Santoso", "Siti Aminah"]
    first = dict(zip(exporter.HEADERS, rows[1], strict=True))
    budi.refresh_from_db()
    assert first["NIP"] == budi.nip  # text, all 18 digits
    assert first["tanggal lahir"] == budi.birth_date
    assert first["TMT pensiun"] == budi.tmt_pensiun
    assert (first["BUP"], first["masa kerja (tahun)"]) == (budi.bup, budi.service_years)
    assert first["pangkat"] == "Pembina"
    second = dict(zip(exporter.HEADERS, rows[2], strict=True))
    assert second["alamat"] == '=HYPERLINK("http://x")'  # a string, never a formula


def test_an_export_filtered_by_unit_keeps_its_unit(operator_client, register):
    siti, _budi = register

    text = streamed(export(operator_client, "csv", {"unit": siti.unit_id}))

    assert [line.split(",")[4] for line in text.splitlines()[1:]] == ["Siti Aminah"]


def employees_make(count: int) -> None:
    units = demo.units_ensure()
    Employee.objects.bulk_create(demo.employees_build(count, today=timezone.localdate(), units=units, seed=3))
    retirement_facts_refresh()


@pytest.mark.parametrize("count", [5, 500])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_runs_a_fixed_number_of_queries(operator_client, django_assert_max_num_queries, count, fmt):
    employees_make(count)
    unit = Employee.objects.values_list("unit", flat=True).first()

    # Session, user, two permission reads, the scope, the register's fingerprint (five, none reading every
    # employee), the document's row, its creation (three) and the page: the export itself is made in the
    # background.
    with django_assert_max_num_queries(16):
        response = operator_client.get(reverse("employees:export", args=[fmt]), {"unit": unit, "sort": "-tmt_pensiun"})

    assert is_progress_page(response)
    document = render_queued(response)
    assert document.file.size > 100


# --- Admin ---------------------------------------------------------------------------------------------------


def test_admin_import_uses_the_same_service(client, role_user, queued, django_capture_on_commit_callbacks):
    admin_user = role_user(roles.ADMIN, is_staff=True)
    client.force_login(admin_user)

    changelist = client.get(reverse("admin:employees_employee_changelist"))
    form = client.get(reverse("admin:employees_employee_import"))
    refused = client.post(reverse("admin:employees_employee_import"), {"file": upload(b"%PDF-1.4", "surat.csv")})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:employees_employee_import"), {"file": upload(csv_bytes([row(1)]))})

    assert reverse("admin:employees_employee_import") in changelist.content.decode()
    assert form.status_code == 200
    assert refused.status_code == 200
    assert _("The file is not a spreadsheet: upload a CSV or an Excel (.xlsx) file.") in refused.content.decode()
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("employees:import_detail", args=[job.pk])
    assert queued == [job.pk]
    assert import_job_run(job_id=job.pk).created_count == 1


def test_admin_import_needs_the_import_rights(client, role_user):
    viewer = role_user(roles.PIMPINAN, is_staff=True)
    client.force_login(viewer)

    assert client.get(reverse("admin:employees_employee_import")).status_code == 403


# --- In a browser ------------------------------------------------------------------------------------------


@pytest.mark.browser
def test_operator_uploads_a_file_and_watches_the_import_finish(page, live_server, role_user, queued, tmp_path):
    role_user(roles.OPERATOR, username="operator-impor", password="rahasia-uji-123")
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([row(n) for n in range(1, 26)]))

    page.goto("/akun/masuk/?next=/pegawai/impor/")
    page.fill("#id_username", "operator-impor")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/impor/")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-form] button[type=submit]")

    progress = page.get_by_test_id("import-progress")
    progress.wait_for()
    assert progress.get_attribute("data-status") == "pending"
    assert page.get_by_role("progressbar").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "import_waiting.png", full_page=True)

    # The worker's part, run here: the page, polling every second, shows the result by itself.
    import_job_run(job_id=queued[0])
    page.get_by_test_id("import-result").wait_for(timeout=10_000)

    assert page.get_by_test_id("count-created").inner_text() == "25"
    assert page.get_by_test_id("count-unchanged").inner_text() == "0"
    assert page.get_by_role("progressbar").count() == 0
    page.screenshot(path=SCREENSHOTS / "import_done.png", full_page=True)
    assert Employee.objects.count() == 25
