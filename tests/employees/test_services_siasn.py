"""The SIASN reconciliation's write path (employees/services/siasn.py): reading a list, applying it once."""

import datetime as dt
import io
import threading
import zipfile

import pytest
import xlsxwriter
from django.db import connections

from employees import siasn_reconcile
from employees.choices import CaseStatus
from employees.exceptions import SiasnError
from employees.models import CaseStatusChange, RetirementCase, SiasnReconciliation
from employees.services.siasn import reconciliation_apply, reconciliation_create
from tests.employees.case_fixtures import checklist_complete
from tests.employees.siasn_fixtures import TMT, D, siasn_csv, sk_row, upload, world_fixture  # noqa: F401
from tests.factories import EmployeeFactory, RetirementCaseFactory

UNKNOWN_NIP = "197001012000011999"


@pytest.fixture(autouse=True)
def _english(english):
    return None


def test_a_list_is_compared_with_the_records_of_the_uploaders_units(world):
    rows = [
        sk_row(world["proposed"].employee),
        {"NIP": world["no_record"].nip, "status usulan": "Usul"},
        sk_row(world["other_unit"].employee),
        {"NIP": UNKNOWN_NIP, "status usulan": "Usul"},
    ]

    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))

    counts = (reconciliation.update_count, reconciliation.conflict_count, reconciliation.unknown_count)
    assert counts == (1, 1, 2)
    kinds = {line["nip"]: line["kind"] for line in reconciliation.lines}
    assert kinds[world["proposed"].employee.nip] == "update"
    assert kinds[world["no_record"].nip] == "conflict"
    # Another unit's employee reads as a NIP not in the register: no name, no unit, no record.
    other = next(line for line in reconciliation.lines if line["nip"] == world["other_unit"].employee.nip)
    unknown = next(line for line in reconciliation.lines if line["nip"] == UNKNOWN_NIP)
    assert other.keys() == unknown.keys()
    assert "name" not in other
    assert other["changes"] == other["conflicts"] == []
    # Stored privately, under a name of its own.
    assert reconciliation.original_name == "siasn.csv"
    assert reconciliation.file.name.startswith("siasn/") and reconciliation.file.name.endswith(".csv")
    with pytest.raises(ValueError, match="no URL"):
        reconciliation.file.url  # noqa: B018


def _xlsx_not_a_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "siasn.csv", "The file is empty."),
        (b"nama,alamat\nA,B\n", "siasn.csv", "does not have the columns of a SIASN pension list"),
        (_xlsx_not_a_workbook(), "siasn.xlsx", "The file is not an Excel workbook"),
        (b"%PDF-1.4 hello", "siasn.xlsx", "The file is not a spreadsheet"),
        (b"NIP,TMT pensiun\n", "siasn.csv", "no rows"),
        (b"NIP,status usulan\n198001012005011001,Usul\n", "siasn.txt", "Files ending in .txt are not accepted"),
        (b"NIP,TMT pensiun\n" + b"198001012005011001,01-01-2027\n" * 400, "siasn.csv", "The file is too large"),
    ],
    ids=["empty", "wrong columns", "xlsx not a spreadsheet", "pdf", "no rows", "extension", "huge"],
)
def test_bad_files_are_refused_and_nothing_is_stored(world, settings, private_media, data, name, expected):
    settings.PURNA_SIASN_MAX_BYTES = 10_000

    with pytest.raises(SiasnError) as caught:
        reconciliation_create(actor=world["operator"], file=upload(data, name))

    assert expected in " ".join(caught.value.messages)
    assert not SiasnReconciliation.objects.exists()
    assert not (private_media / "siasn").exists() or not any((private_media / "siasn").iterdir())


def test_bad_cells_are_listed_by_row_and_column(world):
    nip = world["proposed"].employee.nip
    rows = [
        sk_row(world["proposed"].employee, **{"tanggal SK": "31-02-2026"}),
        {"NIP": "12345", "status usulan": "Entah"},
        {"NIP": nip, "TMT pensiun": "bulan depan"},
    ]

    with pytest.raises(SiasnError) as caught:
        reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))

    cells = [(error.row, error.column, error.cell) for error in caught.value.cells]
    assert cells == [
        (2, "tanggal SK", "F2"),
        (3, "NIP", "A3"),
        (3, "status usulan", "B3"),
        (4, "TMT pensiun", "H4"),
    ]
    assert "31-02-2026 is not a real date." in [error.message for error in caught.value.cells]
    assert not SiasnReconciliation.objects.exists()


def test_apply_records_the_sk_through_the_records_steps(world):
    case = world["proposed"]
    conflict = RetirementCaseFactory(
        employee=EmployeeFactory(unit=world["unit_a"]), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 3, 1)
    )
    rows = [sk_row(case.employee), sk_row(conflict.employee, **{"TMT pensiun": "01-02-2027"})]
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))

    assert reconciliation_apply(reconciliation=reconciliation, actor=world["operator"]) == 1

    case.refresh_from_db()
    assert (case.status, case.sk_number, case.sk_date, case.sk_signer) == (
        CaseStatus.SK_ISSUED,
        f"SK-{case.employee.pk}/2026",
        D(2026, 7, 1),
        "Bupati Contoh",
    )
    assert (case.pertek_number, case.pertek_date) == (f"PT-{case.employee.pk}/2026", D(2026, 6, 1))
    change = CaseStatusChange.objects.get(case=case, to_status=CaseStatus.SK_ISSUED)
    assert (change.actor, change.note) == (world["operator"], "From the SIASN list siasn.csv")
    last = case.history.first()
    assert (last.history_user, last.history_change_reason) == (world["operator"], "From the SIASN list siasn.csv")
    # The conflict is never applied.
    conflict.refresh_from_db()
    assert (conflict.status, conflict.sk_number, conflict.tmt) == (CaseStatus.PROPOSED, "", TMT)
    reconciliation.refresh_from_db()
    assert reconciliation.applied_by == world["operator"] and reconciliation.applied_at is not None


def test_a_record_in_preparation_is_proposed_then_takes_the_pertek(world):
    case = RetirementCaseFactory(employee=EmployeeFactory(unit=world["unit_a"]), tmt=TMT)
    checklist_complete(case)  # proposing needs the person's documents, from SIASN's list as from a page
    row = {"NIP": case.employee.nip, "status usulan": "Pertek Terbit", "nomor pertek": "PT-7",
           "tanggal pertek": "05-06-2026"}  # fmt: skip
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([row])))

    reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    case.refresh_from_db()
    assert (case.status, case.proposed_on, case.pertek_number, case.pertek_date) == (
        CaseStatus.PERTEK,
        D(2026, 6, 5),  # no later than BKN's answer
        "PT-7",
        D(2026, 6, 5),
    )
    assert list(case.status_changes.order_by("pk").values_list("from_status", "to_status")) == [
        (CaseStatus.PREPARING, CaseStatus.PROPOSED),
        (CaseStatus.PROPOSED, CaseStatus.PERTEK),
    ]


def test_a_list_is_applied_once(world):
    reconciliation = reconciliation_create(
        actor=world["operator"], file=upload(siasn_csv([sk_row(world["proposed"].employee)]))
    )
    reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])
    changes = CaseStatusChange.objects.count()
    history = world["proposed"].history.count()

    with pytest.raises(SiasnError, match="already been applied"):
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    assert (CaseStatusChange.objects.count(), world["proposed"].history.count()) == (changes, history)


def test_apply_is_all_or_nothing(world):
    late = RetirementCaseFactory(
        employee=EmployeeFactory(unit=world["unit_a"]), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 8, 1)
    )
    rows = [sk_row(world["proposed"].employee), sk_row(late.employee)]  # the second SK predates its proposal
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))
    assert reconciliation.update_count == 2

    with pytest.raises(SiasnError) as caught:
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    assert caught.value.messages[0].startswith(f"NIP {late.employee.nip}: The SK cannot be dated before the proposal")
    for case in (world["proposed"], late):
        case.refresh_from_db()
        assert (case.status, case.sk_number, case.pertek_number) == (CaseStatus.PROPOSED, "", "")
    assert not CaseStatusChange.objects.filter(to_status=CaseStatus.SK_ISSUED).exists()
    reconciliation.refresh_from_db()
    assert reconciliation.applied_at is None


def test_a_record_changed_since_the_upload_stops_the_apply(world):
    case = world["proposed"]
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([sk_row(case.employee)])))
    RetirementCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.SK_ISSUED, sk_number="SK-LAIN", sk_date=D(2026, 7, 2)
    )

    with pytest.raises(SiasnError, match="changed since the list was uploaded"):
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    case.refresh_from_db()
    assert case.sk_number == "SK-LAIN"


def test_a_record_that_left_the_actors_units_stops_the_apply(world):
    case = world["proposed"]
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([sk_row(case.employee)])))
    type(case.employee).objects.filter(pk=case.employee.pk).update(unit=world["unit_b"])

    with pytest.raises(SiasnError, match="changed since the list was uploaded"):
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])


def test_a_list_without_updates_has_nothing_to_apply(world):
    row = {"NIP": world["proposed"].employee.nip, "status usulan": "Usul", "TMT pensiun": "01-01-2027"}
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([row])))
    assert reconciliation.matched_count == 1

    with pytest.raises(SiasnError, match="nothing to apply"):
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_apply_once(world, seeded_rules):
    reconciliation = reconciliation_create(
        actor=world["operator"], file=upload(siasn_csv([sk_row(world["proposed"].employee)]))
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def click() -> None:
        try:
            barrier.wait()
            reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])
            outcomes.append("applied")
        except SiasnError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["applied", "refused"]
    assert CaseStatusChange.objects.filter(to_status=CaseStatus.SK_ISSUED).count() == 1


def test_a_status_mapped_later_applies_through_the_records_step(world, monkeypatch):
    # BKN's answers join by one line of STATUS_TEXTS once the pipeline has them; any status one move away
    # is applied through retirement_case_transition (here "cancelled" stands in for such an answer).
    monkeypatch.setitem(siasn_reconcile._STATUS_KEYS, "tms", CaseStatus.CANCELLED)
    case = world["proposed"]
    row = {"NIP": case.employee.nip, "status usulan": "TMS"}
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([row])))

    reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    change = case.status_changes.get()
    assert (change.from_status, change.note) == (CaseStatus.PROPOSED, "From the SIASN list siasn.csv")


def _xlsx(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("Usulan")
    dates = workbook.add_format({"num_format": "dd-mm-yyyy"})
    for number, cells in enumerate(rows):
        for column, value in enumerate(cells):
            if isinstance(value, dt.date):
                sheet.write_datetime(number, column, dt.datetime.combine(value, dt.time()), dates)
            elif isinstance(value, int):
                sheet.write_number(number, column, value)
            else:
                sheet.write_string(number, column, value)
    workbook.close()
    return buffer.getvalue()


def test_an_xlsx_list_with_real_dates_is_read(world):
    employee = world["proposed"].employee
    data = _xlsx(
        [
            ["nip_baru", "status_usulan", "no_pertek", "tgl_pertek", "tmt_pensiun"],
            [employee.nip, "Pertek Terbit", "PT-9", D(2026, 6, 1), TMT],
        ]
    )

    reconciliation = reconciliation_create(actor=world["operator"], file=upload(data, "siasn.xlsx"))

    line = reconciliation.lines[0]
    assert (line["kind"], line["siasn"]["pertek_date"]) == ("update", "2026-06-01")
    assert reconciliation.file.name.endswith(".xlsx")


def test_a_nip_that_excel_stored_as_a_number_is_refused(world):
    data = _xlsx([["NIP", "TMT pensiun"], [198001012005011001, "01-01-2027"]])

    with pytest.raises(SiasnError) as caught:
        reconciliation_create(actor=world["operator"], file=upload(data, "siasn.xlsx"))

    assert "Excel as a number" in caught.value.cells[0].message


def test_a_list_longer_than_the_limit_is_refused(world, monkeypatch):
    monkeypatch.setattr(siasn_reconcile, "MAX_ROWS", 2)
    rows = [{"NIP": f"19800101200501100{n}", "TMT pensiun": "01-01-2027"} for n in range(1, 4)]

    with pytest.raises(SiasnError, match="at most 2 are compared at once"):
        reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))


# --- BKN's BTL and TMS answers, with their reason -----------------------------------------------------


def _proposed(world) -> RetirementCase:
    return RetirementCaseFactory(
        employee=EmployeeFactory(unit=world["unit_a"]), tmt=TMT, status=CaseStatus.PROPOSED, proposed_on=D(2026, 3, 1)
    )


def test_btl_and_tms_from_a_csv_apply_with_their_reason(world):
    btl, tms, silent = world["proposed"], _proposed(world), _proposed(world)
    headers = ["nip_baru", "status_usulan", "alasan"]
    rows = [
        {"nip_baru": btl.employee.nip, "status_usulan": "BTL", "alasan": "SKP 2025 belum dilampirkan"},
        {"nip_baru": tms.employee.nip, "status_usulan": "Tidak Memenuhi Syarat", "alasan": "Usia belum 45 tahun"},
        {"nip_baru": silent.employee.nip, "status_usulan": "BTL", "alasan": ""},
    ]
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows, headers)))
    kinds = {line["nip"]: line for line in reconciliation.lines}
    assert kinds[btl.employee.nip]["kind"] == kinds[tms.employee.nip]["kind"] == "update"
    # Without a reason: listed as needing one.
    needs = kinds[silent.employee.nip]
    assert needs["kind"] == "conflict" and "without BKN's reason" in needs["notes"][0]
    assert {"field": "reason", "ours": None, "theirs": None} in needs["conflicts"]

    assert reconciliation_apply(reconciliation=reconciliation, actor=world["operator"]) == 2

    for case, status, reason in (
        (btl, CaseStatus.INCOMPLETE, "SKP 2025 belum dilampirkan"),
        (tms, CaseStatus.NOT_ELIGIBLE, "Usia belum 45 tahun"),
    ):
        case.refresh_from_db()
        assert case.status == status
        change = case.status_changes.get()
        assert (change.from_status, change.to_status, change.note, change.actor) == (
            CaseStatus.PROPOSED,
            status,
            reason,
            world["operator"],
        )
        assert case.history.first().history_change_reason == reason
    # The row without a reason is never applied.
    silent.refresh_from_db()
    assert silent.status == CaseStatus.PROPOSED and not silent.status_changes.exists()


def test_btl_and_tms_from_an_xlsx_apply_with_their_reason(world):
    btl, tms = world["proposed"], _proposed(world)
    data = _xlsx(
        [
            ["NIP Baru", "Status Usulan", "Keterangan", "TMT Pensiun"],
            [btl.employee.nip, "Berkas Tidak Lengkap", "Akta nikah tidak terbaca", TMT],
            [tms.employee.nip, "TMS", "Masa kerja kurang", TMT],
        ]
    )
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(data, "siasn.xlsx"))

    assert [line["kind"] for line in reconciliation.lines] == ["update", "update"]
    reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])

    btl.refresh_from_db()
    tms.refresh_from_db()
    assert (btl.status, btl.status_changes.get().note) == (CaseStatus.INCOMPLETE, "Akta nikah tidak terbaca")
    assert (tms.status, tms.status_changes.get().note) == (CaseStatus.NOT_ELIGIBLE, "Masa kerja kurang")


def test_an_xlsx_btl_without_a_reason_column_needs_a_reason_and_applies_nothing(world):
    case = world["proposed"]
    data = _xlsx([["nip_baru", "status_usulan"], [case.employee.nip, "BTL"]])
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(data, "siasn.xlsx"))

    assert (reconciliation.update_count, reconciliation.conflict_count) == (0, 1)
    with pytest.raises(SiasnError, match="nothing to apply"):
        reconciliation_apply(reconciliation=reconciliation, actor=world["operator"])
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and not case.status_changes.exists()


def test_the_pertek_then_the_sk_from_two_lists(world):
    case = world["proposed"]
    pertek = {"NIP": case.employee.nip, "status usulan": "Pertek Terbit", "nomor pertek": "PT-1",
              "tanggal pertek": "05-06-2026"}  # fmt: skip
    first = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([pertek])))
    reconciliation_apply(reconciliation=first, actor=world["operator"])
    case.refresh_from_db()
    assert (case.status, case.pertek_number) == (CaseStatus.PERTEK, "PT-1")

    second = reconciliation_create(
        actor=world["operator"], file=upload(siasn_csv([sk_row(case.employee, **{"nomor pertek": "PT-1",
                                                                                  "tanggal pertek": "05-06-2026"})]))
    )  # fmt: skip
    reconciliation_apply(reconciliation=second, actor=world["operator"])
    case.refresh_from_db()
    assert (case.status, case.sk_number) == (CaseStatus.SK_ISSUED, f"SK-{case.employee.pk}/2026")
    assert list(case.status_changes.order_by("pk").values_list("to_status", flat=True)) == [
        CaseStatus.PERTEK,
        CaseStatus.SK_ISSUED,
    ]
