"""The write path of retirement records (employees/services/cases.py) on the real database."""

import datetime as dt
import importlib
import io
import zlib

import pytest
from django.apps import apps as global_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from PIL import Image

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, RetirementCase, RetirementRule
from employees.nip import build_ni_pppk, build_nip
from employees.retirement import add_months
from employees.services.cases import (
    case_document_delete,
    case_document_upload,
    retirement_case_decision_correct,
    retirement_case_open,
    retirement_case_transition,
    retirement_worklist_sync,
)
from employees.services.register import employee_create, employee_update, retirement_facts_refresh
from tests.factories import MINIMAL_PDF, UnitKerjaFactory, UserFactory

D = dt.date
copy_migration = importlib.import_module("employees.migrations.0007_employee_worklist_copy")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


@pytest.fixture
def today():
    return timezone.localdate()


_sequence = iter(range(1, 999))


def make_employee(*, tmt: dt.date, **overrides) -> Employee:
    """A pelaksana (BUP 58) whose computed TMT pensiun is `tmt` (a 1st), made through employee_create."""
    birth = add_months(tmt, -58 * 12 - 1).replace(day=15)
    tmt_cpns = overrides.pop("tmt_cpns", D(birth.year + 24, 3, 1))
    values = {
        "name": "Siti Aminah",
        "birth_date": birth,
        "gender": "2",
        "tmt_cpns": tmt_cpns,
        "jenis_jabatan": "pelaksana",
        "golongan": "III/c",
        "unit": UnitKerjaFactory(),
    }
    values.update(overrides)
    if values.get("asn_type") == "PPPK":
        values.setdefault("nip", build_ni_pppk(birth, tmt_cpns.year, values["gender"], next(_sequence)))
    values.setdefault("nip", build_nip(birth, tmt_cpns, values["gender"], next(_sequence)))
    employee = employee_create(actor=None, **values)
    assert employee.tmt_pensiun == tmt or values.get("asn_type") == "PPPK"
    return employee


def first_of_month(today: dt.date, months: int) -> dt.date:
    return add_months(today.replace(day=1), months)


def snapshot(case_or_employee=None) -> dict:
    """Everything an error must leave untouched."""
    return {
        "cases": list(RetirementCase.objects.order_by("pk").values()),
        "changes": CaseStatusChange.objects.count(),
        "case_history": RetirementCase.history.count(),
        "documents": list(CaseDocument.objects.order_by("pk").values()),
        "document_history": CaseDocument.history.count(),
        "employees": list(Employee.objects.order_by("pk").values("pk", "status", "tmt_pensiun")),
        "employee_history": Employee.history.count(),
    }


# --- Opening ------------------------------------------------------------------------------------------


def test_a_bup_record_takes_the_computed_tmt_and_a_deadline_twelve_months_before(actor, today):
    tmt = first_of_month(today, 14)
    employee = make_employee(tmt=tmt)

    case = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    case.refresh_from_db()
    assert (case.kind, case.tmt, case.status) == (RetirementKind.BUP, tmt, CaseStatus.PREPARING)
    assert case.proposal_due == add_months(tmt, -12)
    change = case.status_changes.get()
    assert (change.from_status, change.to_status, change.actor) == ("", CaseStatus.PREPARING, actor)
    assert [(h.history_type, h.history_user) for h in case.history.all()] == [("+", actor)]


def test_the_lead_time_comes_from_the_settings(actor, today, settings):
    settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT = 6
    tmt = first_of_month(today, 14)

    case = retirement_case_open(employee=make_employee(tmt=tmt), kind=RetirementKind.BUP, actor=actor)

    assert case.proposal_due == add_months(tmt, -6)


def test_a_second_record_is_refused_and_nothing_changes(actor, today):
    employee = make_employee(tmt=first_of_month(today, 10))
    retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    before = snapshot()

    with pytest.raises(CaseError, match="already has a retirement record"):
        retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "tmt_months", "field"),
    [
        (RetirementKind.APS, 3, "tmt"),  # 55 years old but only a few years of service: see make_employee below
        (RetirementKind.DEATH, None, "tmt"),
        ("pindah_instansi", 3, "kind"),
        (RetirementKind.CONTRACT_END, 3, "kind"),  # a PNS has no contract
    ],
)
def test_a_refused_opening_saves_nothing(actor, today, kind, tmt_months, field):
    employee = make_employee(tmt=first_of_month(today, 40), tmt_cpns=D(2015, 3, 1))
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_open(
            employee=employee,
            kind=kind,
            tmt=first_of_month(today, tmt_months) if tmt_months else None,
            actor=actor,
        )

    assert field in caught.value.errors
    assert snapshot() == before


def test_aps_message_says_age_and_service(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40), tmt_cpns=D(2015, 3, 1))
    with pytest.raises(CaseError) as caught:
        retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=first_of_month(today, 3), actor=actor)
    assert "carries a pension only from age 45 with 20 years of service" in caught.value.errors["tmt"][0]


def test_an_eligible_aps_keeps_the_employee_in_service_until_done(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))
    tmt = first_of_month(today, 4)

    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=tmt, actor=actor)

    assert case.tmt == tmt
    assert case.proposal_due == add_months(today, 1)  # decided late: a month from opening
    employee.refresh_from_db()
    assert employee.status == EmployeeStatus.AKTIF


@pytest.mark.parametrize("kind", [RetirementKind.DEATH, RetirementKind.KILLED])
def test_a_death_marks_the_employee_deceased_at_once(actor, today, kind):
    employee = make_employee(tmt=first_of_month(today, 30))

    case = retirement_case_open(employee=employee, kind=kind, tmt=first_of_month(today, 1), actor=actor)

    employee.refresh_from_db()
    assert employee.status == EmployeeStatus.MENINGGAL
    assert case.employee.status == EmployeeStatus.MENINGGAL
    latest = employee.history.latest()
    assert (latest.status, latest.history_user) == (EmployeeStatus.MENINGGAL, actor)


def test_a_death_can_be_recorded_for_someone_already_marked_deceased(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    Employee.objects.filter(pk=employee.pk).update(status=EmployeeStatus.MENINGGAL)

    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, tmt=first_of_month(today, 1), actor=actor)

    assert case.status == CaseStatus.PREPARING


def test_a_pppk_contract_end_defaults_to_the_end_of_the_contract(actor, today):
    contract_end = D(today.year + 1, 12, 31)
    employee = make_employee(tmt=first_of_month(today, 200), asn_type="PPPK", golongan="IX", contract_end=contract_end)

    case = retirement_case_open(employee=employee, kind=RetirementKind.CONTRACT_END, actor=actor)

    assert case.tmt == D(today.year + 2, 1, 1)


def test_a_cancelled_record_can_be_opened_again(actor, today):
    employee = make_employee(tmt=first_of_month(today, 40))
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=first_of_month(today, 4), actor=actor)
    retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)

    reopened = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)

    assert reopened.pk == case.pk
    assert (reopened.kind, reopened.tmt, reopened.status) == (
        RetirementKind.BUP,
        first_of_month(today, 40),
        CaseStatus.PREPARING,
    )
    assert list(reopened.status_changes.values_list("from_status", "to_status")) == [
        ("", CaseStatus.PREPARING),
        (CaseStatus.PREPARING, CaseStatus.CANCELLED),
        (CaseStatus.CANCELLED, CaseStatus.PREPARING),
    ]


# --- The pipeline -------------------------------------------------------------------------------------


@pytest.fixture
def retired_last_month(actor, today):
    """A BUP record whose TMT was the first of this month: it can go all the way to done."""
    employee = make_employee(tmt=today.replace(day=1))
    return retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)


def test_the_whole_pipeline_records_who_did_what(retired_last_month, actor, today):
    case = retired_last_month
    verifier = UserFactory(username="kabid-mutasi", password=None, units="all")

    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    assert case.proposed_on == today
    case = retirement_case_transition(
        case=case,
        to_status=CaseStatus.SK_ISSUED,
        actor=verifier,
        sk_number=" 823.4/45/BKPSDM/2026 ",
        sk_date=today,
        sk_signer="Bupati Contoh",
        pertek_number="AR-01.03/123/KR.IX/2026",
        pertek_date=today,
    )
    case = retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor, note="SK diserahkan")

    case.refresh_from_db()
    assert case.status == CaseStatus.DONE
    assert (case.sk_number, case.sk_date, case.sk_signer) == ("823.4/45/BKPSDM/2026", today, "Bupati Contoh")
    assert case.pertek_number == "AR-01.03/123/KR.IX/2026"
    changes = list(case.status_changes.values_list("from_status", "to_status", "actor__username", "note"))
    assert changes == [
        ("", CaseStatus.PREPARING, "operator-bkd", ""),
        (CaseStatus.PREPARING, CaseStatus.PROPOSED, "operator-bkd", ""),
        (CaseStatus.PROPOSED, CaseStatus.SK_ISSUED, "kabid-mutasi", ""),
        (CaseStatus.SK_ISSUED, CaseStatus.DONE, "operator-bkd", "SK diserahkan"),
    ]
    history = list(case.history.order_by("history_id").values_list("status", "history_user__username"))
    assert history == [
        (CaseStatus.PREPARING, "operator-bkd"),
        (CaseStatus.PROPOSED, "operator-bkd"),
        (CaseStatus.SK_ISSUED, "kabid-mutasi"),
        (CaseStatus.DONE, "operator-bkd"),
    ]
    employee = Employee.objects.get(pk=case.employee_id)
    assert employee.status == EmployeeStatus.PENSIUN
    assert employee.history.latest().history_user == actor


def test_a_contract_end_leaves_the_service_rather_than_retiring(actor, today):
    contract_end = today.replace(day=1) - dt.timedelta(days=1)
    employee = make_employee(tmt=first_of_month(today, 200), asn_type="PPPK", golongan="IX", contract_end=contract_end)
    case = retirement_case_open(employee=employee, kind=RetirementKind.CONTRACT_END, actor=actor)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.BERHENTI


@pytest.mark.parametrize(
    ("to_status", "facts", "message"),
    [
        (CaseStatus.SK_ISSUED, {}, "cannot move"),
        (CaseStatus.DONE, {}, "cannot move"),
        (CaseStatus.CANCELLED, {}, "reason"),
        (CaseStatus.PROPOSED, {"proposed_on": D(2999, 1, 1)}, "future"),
    ],
)
def test_a_refused_move_changes_nothing(retired_last_month, actor, to_status, facts, message):
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=retired_last_month, to_status=to_status, actor=actor, **facts)

    assert message in " ".join(caught.value.messages)
    assert snapshot() == before


def test_an_sk_without_its_facts_changes_nothing(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1")

    assert set(caught.value.errors) == {"sk_date", "sk_signer"}
    assert snapshot() == before


def test_an_issued_sk_is_corrected_with_a_reason_in_the_history(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    corrector = UserFactory(username="admin-kepegawaian", password=None, units="all")

    case = retirement_case_decision_correct(
        case=case, actor=corrector, note="Nomor SK salah ketik", sk_number=" 823.4/117/BKPSDM/2026 "
    )

    case.refresh_from_db()
    assert (case.sk_number, case.sk_signer, case.status) == ("823.4/117/BKPSDM/2026", "Bupati", CaseStatus.SK_ISSUED)
    latest = case.history.first()
    assert (latest.history_user, latest.history_change_reason) == (corrector, "Nomor SK salah ketik")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"sk_number": " "}, {"sk_number"}),
        ({"sk_date": dt.date(2099, 1, 1)}, {"sk_date"}),
        ({"pertek_number": "PERTEK-1"}, {"pertek_date"}),
        ({"pertek_date": dt.date(2000, 1, 1)}, {"pertek_number"}),
    ],
)
def test_a_correction_is_checked_as_the_sk_was(retired_last_month, actor, today, changes, fields):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    before = snapshot()
    with pytest.raises(CaseError) as caught:
        retirement_case_decision_correct(case=case, actor=actor, note="Koreksi", **changes)
    assert set(caught.value.errors) == fields
    assert snapshot() == before


def test_a_correction_needs_a_reason_and_an_issued_sk(retired_last_month, actor, today):
    before = snapshot()
    with pytest.raises(CaseError, match="has been issued"):
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note="Koreksi", sk_number="2")
    with pytest.raises(CaseError) as caught:
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note=" ", sk_number="2")
    assert set(caught.value.errors) == {"note"}
    with pytest.raises(TypeError):
        retirement_case_decision_correct(case=retired_last_month, actor=actor, note="Koreksi", status="selesai")
    assert snapshot() == before


def test_closing_before_the_tmt_is_refused(actor, today):
    case = retirement_case_open(
        employee=make_employee(tmt=first_of_month(today, 2)), kind=RetirementKind.BUP, actor=actor
    )
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    before = snapshot()

    with pytest.raises(CaseError, match="still in service"):
        retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert snapshot() == before


def test_an_employee_record_that_cannot_be_saved_stops_the_closing(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    # A legacy row that the register's validation refuses (a PPPK golongan on a PNS).
    Employee.objects.filter(pk=case.employee_id).update(golongan="IX")
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    assert "correct the employee's record first" in caught.value.errors["__all__"][0]
    assert "golongan" in caught.value.errors
    assert snapshot() == before


def test_the_return_from_bkn_clears_the_proposal_date(retired_last_month, actor):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)

    case = retirement_case_transition(
        case=case, to_status=CaseStatus.PREPARING, actor=actor, note="BTL: SKP 2024 belum ada"
    )

    assert (case.status, case.proposed_on) == (CaseStatus.PREPARING, None)
    assert case.history.latest().history_change_reason == "BTL: SKP 2024 belum ada"


def test_facts_a_step_does_not_take_are_a_programming_error(retired_last_month, actor, today):
    with pytest.raises(TypeError, match="sk_number"):
        retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor, sk_number="1")


# --- Documents ----------------------------------------------------------------------------------------


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 93, 75)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 160, 60)).save(buffer, format="JPEG")
    return buffer.getvalue()


def weasyprint_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>SK CPNS</h1><p>Nomor 813.3/123/BKD/2006</p>").write_pdf()


@pytest.fixture
def case(actor, today):
    return retirement_case_open(
        employee=make_employee(tmt=first_of_month(today, 12)), kind=RetirementKind.BUP, actor=actor
    )


@pytest.fixture
def sk_cpns(db):
    return DocumentType.objects.get(code="sk-cpns")


def stored_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "content_type", "extension"),
    [
        ("SK CPNS.pdf", MINIMAL_PDF, "application/pdf", "pdf"),
        ("scan.pdf", None, "application/pdf", "pdf"),  # rendered by WeasyPrint
        ("foto.png", png_bytes(), "image/png", "png"),
        ("foto.jpeg", jpeg_bytes(), "image/jpeg", "jpg"),
        ("tanpa-ekstensi", png_bytes(), "image/png", "png"),  # the content decides, not the name
    ],
)
def test_pdf_jpeg_and_png_are_accepted(case, sk_cpns, actor, private_media, name, data, content_type, extension):
    data = data if data is not None else weasyprint_pdf()

    document = case_document_upload(
        case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile(name, data), actor=actor
    )

    document.refresh_from_db()
    assert (document.original_name, document.content_type, document.size) == (name, content_type, len(data))
    assert document.uploaded_by == actor
    assert document.file.name.startswith(f"cases/{case.pk}/sk-cpns-")
    assert document.file.name.endswith(f".{extension}")
    assert name not in document.file.name
    assert (private_media / document.file.name).read_bytes() == data
    assert [(h.history_type, h.history_user) for h in document.history.all()] == [("+", actor)]


def pdf_with(objects: bytes) -> bytes:
    return MINIMAL_PDF.replace(b"trailer", objects + b"\ntrailer")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("surat.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "Only PDF, JPG or PNG"),  # a renamed .exe
        ("kosong.pdf", b"", "empty"),
        ("surat.docx", b"PK\x03\x04" + b"\x00" * 100, "Only PDF, JPG or PNG"),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "could not be read"),  # damaged
        ("foto.png", png_bytes()[:-30], "could not be read"),  # cut short
        ("foto.jpg", png_bytes(), None),  # a PNG named .jpg is fine: stored as PNG
        ("surat.pdf", MINIMAL_PDF.replace(b"%%EOF", b""), "incomplete"),
        ("surat.pdf", pdf_with(b"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj"), "active content"),
        (
            "surat.pdf",
            pdf_with(
                b"4 0 obj << /Type /ObjStm /Filter /FlateDecode >>\nstream\n"
                + zlib.compress(b"<< /S /Launch /F (cmd.exe) >>")
                + b"\nendstream endobj"
            ),
            "active content (Launch)",
        ),
    ],
)
def test_bad_files_are_refused_and_nothing_is_kept(case, sk_cpns, actor, private_media, name, data, message):
    before = snapshot()

    if message is None:
        document = case_document_upload(
            case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile(name, data), actor=actor
        )
        assert document.content_type == "image/png"
        return
    with pytest.raises(CaseError) as caught:
        case_document_upload(
            case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile(name, data), actor=actor
        )

    assert message in caught.value.errors["file"][0]
    assert snapshot() == before
    assert stored_files(private_media) == []


def test_a_file_over_the_limit_is_refused(case, sk_cpns, actor, private_media, settings):
    settings.PURNA_DOCUMENT_MAX_BYTES = 1024 * 1024
    data = MINIMAL_PDF + b"%" + b"x" * (1024 * 1024)

    with pytest.raises(CaseError) as caught:
        case_document_upload(
            case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("besar.pdf", data), actor=actor
        )

    assert caught.value.errors["file"] == ["The file is too large (1,1 MB); at most 1,0 MB is accepted."]
    assert not CaseDocument.objects.exists()
    assert stored_files(private_media) == []


def test_an_image_with_too_many_pixels_is_refused(case, sk_cpns, actor, private_media):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(buffer, format="PNG")  # 60 megapixels, a few kilobytes

    with pytest.raises(CaseError, match="too large in pixels"):
        case_document_upload(
            case=case,
            document_type=sk_cpns,
            uploaded_file=SimpleUploadedFile("besar.png", buffer.getvalue()),
            actor=actor,
        )


def test_replacing_a_document_keeps_the_earlier_one_in_the_history(case, sk_cpns, actor, private_media):
    first = case_document_upload(
        case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("lama.pdf", MINIMAL_PDF), actor=actor
    )
    other = UserFactory(username="operator-2", password=None, units="all")

    second = case_document_upload(
        case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("baru.png", png_bytes()), actor=other
    )

    assert second.pk == first.pk
    assert CaseDocument.objects.filter(case=case).count() == 1
    history = list(second.history.order_by("history_id"))
    assert [(h.history_type, h.original_name, h.history_user) for h in history] == [
        ("+", "lama.pdf", actor),
        ("~", "baru.png", other),
    ]
    assert history[1].history_change_reason == "Document replaced"
    # Both files are kept: the history points at the earlier one.
    assert (private_media / history[0].file).read_bytes() == MINIMAL_PDF
    assert (private_media / history[1].file).read_bytes() == png_bytes()
    assert second.uploaded_at >= first.uploaded_at


def test_a_closed_record_takes_no_documents(case, sk_cpns, actor, private_media):
    retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Salah input", actor=actor)

    with pytest.raises(CaseError, match="closed"):
        case_document_upload(
            case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), actor=actor
        )
    assert stored_files(private_media) == []


def test_an_inactive_document_type_takes_no_upload(case, sk_cpns, actor, private_media):
    DocumentType.objects.filter(pk=sk_cpns.pk).update(is_active=False)
    sk_cpns.refresh_from_db()

    with pytest.raises(CaseError, match="no longer on the checklist"):
        case_document_upload(
            case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), actor=actor
        )


def test_deleting_a_document_keeps_its_history(case, sk_cpns, actor, private_media):
    document = case_document_upload(
        case=case, document_type=sk_cpns, uploaded_file=SimpleUploadedFile("a.pdf", MINIMAL_PDF), actor=actor
    )
    name = document.file.name

    case_document_delete(document=document, actor=actor)

    assert not CaseDocument.objects.exists()
    deleted = CaseDocument.history.latest()
    assert (deleted.history_type, deleted.history_user, deleted.file) == ("-", actor, name)
    assert (private_media / name).exists()


# --- The work list's copy of the record (Employee.case_status, case_due, tmt_effective) ------------------


def copy_of(employee: Employee) -> tuple:
    return Employee.objects.filter(pk=employee.pk).values_list("case_status", "case_due", "tmt_effective").get()


def assert_in_step() -> None:
    # The sync recomputes every copy from the records themselves: nothing may be out of step.
    assert retirement_worklist_sync() == 0


def test_the_copy_follows_the_record_through_open_moves_cancel_and_reopen(actor, today):
    bup_tmt = first_of_month(today, 40)
    employee = make_employee(tmt=bup_tmt)
    assert copy_of(employee) == ("", None, bup_tmt)
    history = Employee.history.count()
    updated_at = Employee.objects.get(pk=employee.pk).updated_at

    aps_tmt = first_of_month(today, 4)
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert_in_step()
    # An import that checked the row before the record was opened must see it changed.
    assert Employee.objects.get(pk=employee.pk).updated_at > updated_at

    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    assert copy_of(employee) == (CaseStatus.PROPOSED, case.proposal_due, aps_tmt)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PREPARING, note="Berkas kurang", actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert_in_step()

    # Cancelled, the record no longer decides the TMT: the BUP's is back.
    case = retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)
    assert copy_of(employee) == (CaseStatus.CANCELLED, case.proposal_due, bup_tmt)
    assert_in_step()

    reopened = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, add_months(bup_tmt, -12), bup_tmt)
    assert reopened.proposal_due == add_months(bup_tmt, -12)
    assert_in_step()
    # The copy is not an employee change: the history has the record's moves, not the employee's.
    assert Employee.history.count() == history


def test_the_copy_follows_the_record_to_done(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    case = retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    employee = Employee.objects.get(pk=case.employee_id)
    assert employee.status == EmployeeStatus.PENSIUN
    assert copy_of(employee) == (CaseStatus.DONE, case.proposal_due, case.tmt)
    assert case.employee.case_status == CaseStatus.DONE
    assert_in_step()


def test_a_death_keeps_its_own_tmt_when_the_employee_is_marked_deceased(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    tmt = first_of_month(today, 1)

    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, tmt=tmt, actor=actor)

    # employee_update (the deceased status) recomputed the facts and left the record's TMT alone.
    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.MENINGGAL
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, tmt)
    assert_in_step()


def test_the_bup_moves_the_work_list_tmt_only_where_no_live_record_decides_it(actor, today):
    """A rule change (facts refresh) and an employee change (employee_update, as the import's
    employee_prepare) move tmt_effective with the TMT pensiun, unless a live record set its own."""
    plain = make_employee(tmt=first_of_month(today, 30))
    aps = make_employee(tmt=first_of_month(today, 30))
    aps_tmt = first_of_month(today, 6)
    retirement_case_open(employee=aps, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    cancelled = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(employee=cancelled, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)

    # The rule is changed without retirement_rule_save, whose refresh task would run in Celery.
    RetirementRule.objects.filter(jenis_jabatan="pelaksana", jenjang="", rumpun="").update(bup=60)
    assert retirement_facts_refresh() == 3

    later = first_of_month(today, 30 + 24)
    assert copy_of(plain) == ("", None, later)
    assert copy_of(aps)[2] == aps_tmt
    assert copy_of(cancelled)[2] == later
    assert_in_step()

    # A corrected birth date: two years earlier, so the BUP is reached two years earlier.
    for employee in (plain, aps):
        employee = Employee.objects.get(pk=employee.pk)
        employee_update(
            employee=employee,
            actor=actor,
            birth_date=add_months(employee.birth_date, -24),
            nip_mismatch_accepted=True,
            nip_mismatch_reason="Koreksi tanggal lahir menunggu SK BKN",
        )
    assert copy_of(plain)[2] == first_of_month(today, 30)
    assert copy_of(aps)[2] == aps_tmt
    assert_in_step()


def test_the_copy_cannot_be_set_through_the_register(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    for name, value in [("case_status", CaseStatus.DONE), ("case_due", today), ("tmt_effective", today)]:
        with pytest.raises(TypeError):
            employee_update(employee=employee, actor=actor, **{name: value})


def test_the_sync_repairs_records_written_around_the_services(actor, today):
    tmt = first_of_month(today, 8)
    employees = [make_employee(tmt=tmt) for _ in range(3)]
    RetirementCase.objects.bulk_create(
        [
            RetirementCase(employee=employees[0], tmt=tmt, proposal_due=add_months(tmt, -12)),
            RetirementCase(
                employee=employees[1],
                kind=RetirementKind.APS,
                tmt=first_of_month(today, 2),
                proposal_due=today,
                status=CaseStatus.CANCELLED,
            ),
        ]
    )

    assert retirement_worklist_sync(employee_ids=[employees[1].pk]) == 1
    assert copy_of(employees[1]) == (CaseStatus.CANCELLED, today, tmt)
    assert copy_of(employees[0]) == ("", None, tmt)  # not asked for
    assert retirement_worklist_sync(batch_size=1) == 1
    assert copy_of(employees[0]) == (CaseStatus.PREPARING, add_months(tmt, -12), tmt)
    assert copy_of(employees[2]) == ("", None, tmt)
    assert_in_step()


def test_the_migration_fills_the_copy_of_existing_rows(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    aps_tmt = first_of_month(today, 5)
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    other = make_employee(tmt=first_of_month(today, 20))
    Employee.objects.update(case_status="", case_due=None, tmt_effective=None)  # as the new columns start

    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    schema_editor = type("SchemaEditor", (), {"connection": connection, "execute": staticmethod(execute)})
    copy_migration.worklist_copy_fill(global_apps, schema_editor)

    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert copy_of(other) == ("", None, first_of_month(today, 20))
    assert_in_step()
