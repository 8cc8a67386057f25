"""The pension proposal's papers (ceremonies/pension_documents.py): the DPCP with its problem list, the
numbered cover letter for one record or many, the receipt of the SK pensiun; each as a PDF made in the
background and as a Word file from the agency's replaceable template."""

import datetime as dt
import io
import subprocess
import threading
from decimal import Decimal

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ceremonies import pension_documents as papers
from ceremonies.exceptions import PensionPaperError, PensionTemplateError
from ceremonies.models import Official, OfficialRole, PensionCoverLetter, PensionDocumentKind, PensionTemplate
from ceremonies.services.pension import cover_letter_issue, pension_template_upload
from employees.choices import CaseStatus, RetirementKind
from employees.dpcp import FIX_CASE, FIX_EMPLOYEE, FIX_FAMILY, dpcp_problems
from employees.exceptions import CaseError
from employees.models import Child, RetirementCase, Spouse
from employees.services.pension_papers import retirement_case_sk_receipt_record
from portal.demo import instansi_ensure
from purna import roles
from purna.models import GeneratedDocument, GeneratedDocumentStatus
from purna.tasks import generated_document_render_task
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document, is_progress_page
from tests.workers import instead_of_broker

D = dt.date


def _pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _case(unit, *, kind=RetirementKind.BUP, name="Siti Aminah", **employee) -> RetirementCase:
    values = {
        "name": name,
        "birth_place": "Balikpapan",
        "birth_date": D(1967, 5, 12),
        "gender": "2",
        "tmt_cpns": D(1992, 3, 1),
        "tmt_pns": D(1993, 3, 1),
        "tmt_golongan": D(2018, 4, 1),
        "golongan": "III/d",
        "jabatan": "Analis Kepegawaian",
        "address": "Jl. Merdeka 1, Balikpapan",
        "last_basic_salary": Decimal("4797000"),
        "unit": unit,
    }
    values.update(employee)
    values.setdefault("nip", f"{values['birth_date']:%Y%m%d}{values['tmt_cpns']:%Y%m}{values['gender']}001")
    person = EmployeeFactory(**values)
    return RetirementCaseFactory(
        employee=person, kind=kind, tmt=D(2025, 6, 1), address_after_retirement="Jl. Pensiun 7, Samarinda"
    )


@pytest.fixture
def world(db, private_media):
    instansi_ensure()
    unit_a = UnitKerjaFactory(code="PP-A", name="Dinas Pendidikan")
    unit_b = UnitKerjaFactory(code="PP-B", name="Dinas Kesehatan")
    Official.objects.create(
        name="Drs. Budi Santoso", nip="197001011995031001", title="Kepala BKPSDM", role=OfficialRole.HEAD_OF_AGENCY
    )
    case = _case(unit_a)
    Spouse.objects.create(
        employee=case.employee,
        name="Ahmad Fauzi",
        nik="6471011203650001",
        birth_date=D(1965, 3, 12),
        marriage_date=D(1990, 6, 2),
        marriage_certificate="123/45/VI/1990",
    )
    Child.objects.create(employee=case.employee, name="Nur Aini", birth_date=D(1994, 8, 1), nik="6471014108940002")
    other = _case(unit_b, name="Bambang Prakoso", gender="1", birth_date=D(1967, 4, 2))
    return {
        "a": unit_a,
        "b": unit_b,
        "case": case,
        "other": other,
        "op_a": UserFactory(username="op-a", roles=[roles.OPERATOR], units=[unit_a]),
        "op_b": UserFactory(username="op-b", roles=[roles.OPERATOR], units=[unit_b]),
        "op_all": UserFactory(username="op-all", roles=[roles.OPERATOR]),
    }


# --- The problem list (pure) ------------------------------------------------------------------------------


class _Obj:
    def __init__(self, **values):
        self.__dict__.update(values)


def _person(**overrides):
    values = {
        "asn_type": "PNS",
        "nip": "196705122025032001".replace("2025", "1992"),
        "birth_place": "Balikpapan",
        "birth_date": D(1967, 5, 12),
        "gender": "2",
        "tmt_cpns": D(1992, 3, 1),
        "tmt_pns": D(1993, 3, 1),
        "tmt_golongan": D(2018, 4, 1),
        "golongan": "III/d",
        "jabatan": "Analis",
        "last_basic_salary": Decimal("4797000"),
        "address": "Jl. Merdeka 1",
    }
    values["nip"] = "196705121992032001"
    values.update(overrides)
    return _Obj(**values)


def _record(**overrides):
    values = {"kind": RetirementKind.BUP, "tmt": D(2025, 6, 1), "died_on": None, "address_after_retirement": "Jl. 7"}
    values.update(overrides)
    return _Obj(**values)


def _spouse(**overrides):
    values = {
        "name": "Ahmad",
        "nik": "6471011203650001",
        "birth_date": D(1965, 3, 12),
        "marriage_date": D(1990, 6, 2),
        "ended_on": None,
        "died_on": None,
    }
    values.update(overrides)
    return _Obj(**values)


@pytest.mark.parametrize(
    ("person", "record", "spouses", "children", "expected"),
    [
        ({}, {}, [], [], []),
        ({"birth_place": " "}, {}, [], [], [("birth_place", FIX_EMPLOYEE)]),
        ({"last_basic_salary": None}, {}, [], [], [("last_basic_salary", FIX_EMPLOYEE)]),
        ({"last_basic_salary": Decimal("0")}, {}, [], [], [("last_basic_salary", FIX_EMPLOYEE)]),
        ({"last_basic_salary": Decimal("0.01")}, {}, [], [], []),
        # The NIP says 12 May 1967; the record says 13 May: flagged, never fixed silently.
        ({"birth_date": D(1967, 5, 13)}, {}, [], [], [("nip", FIX_EMPLOYEE)]),
        ({"gender": "1"}, {}, [], [], [("nip", FIX_EMPLOYEE)]),
        ({"nip": "19670512"}, {}, [], [], [("nip", FIX_EMPLOYEE)]),
        ({"tmt_golongan": None}, {}, [], [], [("tmt_golongan", FIX_EMPLOYEE)]),
        # PPPK have no TMT PNS or golongan rank date to print.
        (
            {
                "asn_type": "PPPK",
                "nip": "196705122019212001",
                "tmt_cpns": D(2019, 3, 1),
                "tmt_pns": None,
                "tmt_golongan": None,
                "golongan": "IX",
            },
            {},
            [],
            [],
            [],
        ),
        ({"tmt_golongan": D(2025, 6, 1)}, {}, [], [], []),
        ({"tmt_golongan": D(2025, 6, 2)}, {}, [], [], [("tmt_golongan", FIX_EMPLOYEE)]),
        ({"tmt_golongan": D(1992, 2, 29)}, {}, [], [], [("tmt_golongan", FIX_EMPLOYEE)]),
        ({}, {"address_after_retirement": ""}, [], [], [("address_after_retirement", FIX_CASE)]),
        # Janda/duda: the date of death and a living heir.
        ({}, {"kind": RetirementKind.DEATH}, [_spouse()], [], [("died_on", FIX_CASE)]),
        ({}, {"kind": RetirementKind.DEATH, "died_on": D(2024, 12, 31)}, [_spouse()], [], []),
        (
            {},
            {"kind": RetirementKind.KILLED, "died_on": D(2024, 12, 31)},
            [_spouse(ended_on=D(2024, 12, 31))],
            [],
            [("heir", FIX_FAMILY)],
        ),
        # Divorced the day after the death: still the widow.
        ({}, {"kind": RetirementKind.DEATH, "died_on": D(2024, 12, 31)}, [_spouse(ended_on=D(2025, 1, 1))], [], []),
        (
            {},
            {},
            [_spouse(nik="", marriage_date=None)],
            [],
            [("spouse_nik", FIX_FAMILY), ("spouse_marriage_date", FIX_FAMILY)],
        ),
        ({}, {}, [], [_Obj(name="Nur", birth_date=None)], [("child_birth_date", FIX_FAMILY)]),
        ({}, {}, [], [_Obj(name="Nur", birth_date=D(1967, 5, 12))], [("child_birth_date", FIX_FAMILY)]),
        ({}, {}, [], [_Obj(name="Nur", birth_date=D(1967, 5, 13))], []),
    ],
)
def test_dpcp_problems_list_empty_and_disagreeing_fields(person, record, spouses, children, expected):
    problems = dpcp_problems(
        employee=_person(**person), case=_record(**record), spouses=spouses, children=children, today=D(2025, 1, 15)
    )
    assert [(problem.field, problem.fix) for problem in problems] == expected
    assert all(problem.message for problem in problems)


def test_the_dpcp_page_lists_problems_with_links_to_fix_them(world):
    case = world["case"]
    employee = case.employee
    employee.last_basic_salary = None
    employee.birth_date = D(1967, 5, 13)
    employee.save()
    client = _client(world["op_a"])
    with translation_id():
        page = client.get(reverse("ceremonies:pension_dpcp", args=[case.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-field="last_basic_salary"' in body and 'data-field="nip"' in body
    assert reverse("employees:update", args=[employee.pk]) + "#id_last_basic_salary" in body
    assert "Gaji pokok terakhir kosong" in body or "Last basic salary" in body


class translation_id:
    def __enter__(self):
        from django.utils import translation

        self._active = translation.override("id")
        self._active.__enter__()

    def __exit__(self, *args):
        self._active.__exit__(*args)


# --- PDFs and Word files -----------------------------------------------------------------------------------


def test_the_dpcp_pdf_prints_the_register_and_the_family(world):
    case = world["case"]
    response = fetch_document(_client(world["op_a"]), reverse("ceremonies:pension_dpcp_pdf", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    for expected in (
        "DATA PERORANGAN CALON PENERIMA PENSIUN",
        "Siti Aminah",
        "19670512 199203 2 001",
        "Penata Tingkat I (III/d)",
        "1 April 2018",
        "1 Juni 2025",
        "Rp 4.797.000",
        "33 tahun 3 bulan",
        "Jl. Pensiun 7, Samarinda",
        "Jl. Merdeka 1, Balikpapan",
        "Ahmad Fauzi",
        "123/45/VI/1990",
        "Nur Aini",
        "Mengetahui",
        "Drs. Budi Santoso",
        "Pegawai yang bersangkutan",
    ):
        assert expected in text, expected


def test_the_dpcp_family_tables_stay_inside_the_page_margins(world):
    """Percent column widths plus cell padding once pushed the spouse and child tables 1.8 cm into the
    right margin, cutting off their last column on paper: every word must end before the margin."""
    case = world["case"]
    response = fetch_document(_client(world["op_a"]), reverse("ceremonies:pension_dpcp_pdf", args=[case.pk]))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    page_width = float(boxes.split('<page width="')[1].split('"')[0])
    right_edges = [float(part.split('"')[0]) for part in boxes.split('xMax="')[1:]]
    right_margin_pt = 1.6 / 2.54 * 72  # the pension papers' @page margin (ceremonies/pdf/_pension_style.html)
    assert "Keterangan" in boxes
    assert max(right_edges) <= page_width - right_margin_pt + 1


def test_a_widow_signs_the_dpcp_of_a_death_case(world):
    case = world["case"]
    case.employee.gender = "1"
    case.employee.name = "Joko"
    case.employee.nip = "196705121992031001"
    case.employee.save()
    RetirementCase.objects.filter(pk=case.pk).update(kind=RetirementKind.DEATH, died_on=D(2024, 12, 31))
    case.employee.spouses.update(name="Sri Wahyuni")
    text = _pdf_text(
        fetch_document(_client(world["op_a"]), reverse("ceremonies:pension_dpcp_pdf", args=[case.pk])).content
    )
    assert "Ahli waris" in text and "Sri Wahyuni" in text and "Janda/Duda" in text and "31 Desember 2024" in text


def test_the_dpcp_of_a_death_counts_masa_kerja_to_the_date_of_death(world):
    # TMT CPNS 1 March 1992, died 15 March 2024: 32 years, not the 33 years 3 months to the TMT.
    case = world["case"]
    RetirementCase.objects.filter(pk=case.pk).update(
        kind=RetirementKind.DEATH, died_on=D(2024, 3, 15), tmt=D(2024, 4, 1)
    )
    client = _client(world["op_a"])
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_dpcp_pdf", args=[case.pk])).content)
    assert "32 tahun 0 bulan (sampai dengan meninggal dunia 15 Maret 2024)" in text
    assert "33 tahun 3 bulan" not in text
    word = _docx_text(client.get(reverse("ceremonies:pension_dpcp_docx", args=[case.pk])).content)
    assert "32 tahun 0 bulan (sampai dengan meninggal dunia 15 Maret 2024)" in word


def test_the_widow_of_a_pensioner_signs_its_pensiun_terusan_dpcp_and_cover_letter(world):
    case = world["case"]
    RetirementCase.objects.filter(pk=case.pk).update(
        kind=RetirementKind.PENSIONER_DEATH, died_on=D(2025, 12, 31), tmt=D(2026, 5, 1), pensioner_tmt=D(2022, 6, 1)
    )
    client = _client(world["op_a"])
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_dpcp_pdf", args=[case.pk])).content)
    for expected in (
        "Pensiun Terusan (Janda/Duda)",
        "31 Desember 2025",
        "1 Mei 2026",
        "30 tahun 3 bulan (sampai dengan TMT pensiun 1 Juni 2022)",
        "Ahli waris",
        "Ahmad Fauzi",
    ):
        assert expected in text, expected
    assert "Pegawai yang bersangkutan" not in text
    letter = cover_letter_issue(cases=[case], actor=world["op_all"], attachments=1)
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_cover_letter_pdf", args=[letter.pk])).content)
    # The kind's column is narrow: "Pensiun Terusan" and "(Janda/Duda)" may fall on two lines.
    assert "Terusan" in text and "(Janda/Duda)" in text and "1 Mei 2026" in text


@pytest.mark.parametrize(
    ("kind", "facts", "label"),
    [
        (RetirementKind.BUP, {}, "TMT pensiun"),
        (RetirementKind.DEATH, {"died_on": D(2025, 3, 15), "tmt": D(2025, 4, 1)}, "TMT pensiun janda/duda"),
        (RetirementKind.KILLED, {"died_on": D(2025, 3, 15), "tmt": D(2025, 4, 1)}, "TMT pensiun janda/duda"),
        (
            RetirementKind.PENSIONER_DEATH,
            {"died_on": D(2025, 12, 31), "tmt": D(2026, 5, 1), "pensioner_tmt": D(2022, 6, 1)},
            "TMT pensiun janda/duda",
        ),
    ],
)
def test_the_dpcp_names_the_tmt_of_a_death_the_widows(world, kind, facts, label):
    case = world["case"]
    RetirementCase.objects.filter(pk=case.pk).update(kind=kind, **facts)
    client = _client(world["op_a"])
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_dpcp_pdf", args=[case.pk])).content)
    line = next(line for line in text.splitlines() if "14. TMT pensiun" in line)
    assert line.split(":")[0].strip() == f"14. {label}"
    word = _docx_text(client.get(reverse("ceremonies:pension_dpcp_docx", args=[case.pk])).content)
    assert f"15. {label}\n" in word


def test_the_dpcp_word_file_is_made_from_the_default_template(world):
    case = world["case"]
    response = _client(world["op_a"]).get(reverse("ceremonies:pension_dpcp_docx", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == papers.DOCX
    text = _docx_text(response.content)
    assert "Siti Aminah" in text and "19670512 199203 2 001" in text and "Ahmad Fauzi" in text and "Nur Aini" in text
    assert "{{" not in text and "{%" not in text


def test_another_units_staff_get_404_for_every_paper(world):
    client = _client(world["op_b"])
    case = world["case"]
    for name in (
        "pension_dpcp",
        "pension_dpcp_pdf",
        "pension_dpcp_docx",
        "pension_sk_receipt",
        "pension_sk_receipt_pdf",
        "pension_sk_receipt_docx",
    ):
        assert client.get(reverse(f"ceremonies:{name}", args=[case.pk])).status_code == 404, name
    assert (
        client.get(reverse("ceremonies:pension_dpcp_batch"), {"kasus": [case.pk, world["other"].pk]}).status_code == 404
    )
    assert (
        client.post(
            reverse("ceremonies:pension_cover_letter_create"), {"kasus": [case.pk], "attachments": 1}
        ).status_code
        == 404
    )
    letter = cover_letter_issue(cases=[case], actor=world["op_all"], attachments=1)
    for name in ("pension_cover_letter", "pension_cover_letter_pdf", "pension_cover_letter_docx"):
        assert client.get(reverse(f"ceremonies:{name}", args=[letter.pk])).status_code == 404, name
    assert PensionCoverLetter.objects.count() == 1


def test_anonymous_and_roleless_users_are_refused(world, no_role_user):
    url = reverse("ceremonies:pension_dpcp", args=[world["case"].pk])
    assert Client().get(url).status_code == 302
    assert _client(no_role_user).get(url).status_code == 403
    assert _client(no_role_user).get(reverse("ceremonies:pension_papers")).status_code == 403


def test_a_collective_cover_letter_is_numbered_and_lists_each_record(world, settings):
    settings.PURNA_LETTER_NUMBER_PATTERN = "800.1.6.3/{seq:03d}/BKPSDM/{year}"
    settings.PURNA_BKN_REGIONAL_OFFICE = "Kepala Kantor Regional VIII BKN"
    client = _client(world["op_all"])
    cases = [world["case"], world["other"]]
    response = client.post(
        reverse("ceremonies:pension_cover_letter_create"), {"kasus": [c.pk for c in cases], "attachments": 4}
    )
    letter = PensionCoverLetter.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ceremonies:pension_cover_letter", args=[letter.pk]
    )
    year = letter.issued_on.year
    assert letter.number == f"800.1.6.3/001/BKPSDM/{year}"
    assert letter.signer_name == "Drs. Budi Santoso" and letter.history.count() == 1
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_cover_letter_pdf", args=[letter.pk])).content)
    for expected in (
        letter.number,
        "Kepala Kantor Regional VIII BKN",
        "4 berkas",
        "sebanyak 2 orang",
        "Siti Aminah",
        "Bambang Prakoso",
        "19670512 199203 2 001",
        "Analis",
        "BUP",
        "1 Juni 2025",
        "Kepala BKPSDM",
        "Drs. Budi Santoso",
        "19700101 199503 1 001",
    ):
        assert expected in text, expected
    word = _docx_text(client.get(reverse("ceremonies:pension_cover_letter_docx", args=[letter.pk])).content)
    assert letter.number in word and "Bambang Prakoso" in word and "Kepala Kantor Regional VIII BKN" in word
    second = cover_letter_issue(cases=[world["case"]], actor=world["op_all"], attachments=1)
    assert second.number == f"800.1.6.3/002/BKPSDM/{year}"


def test_an_acting_head_signs_as_plt(world):
    Official.objects.create(name="Hj. Rina", title="Kepala BKPSDM", role=OfficialRole.HEAD_OF_AGENCY, is_acting=True)
    letter = cover_letter_issue(cases=[world["case"]], actor=world["op_all"], attachments=1)
    assert (letter.signer_title, letter.signer_name) == ("Plt. Kepala BKPSDM", "Hj. Rina")


def test_bad_cover_letter_input_changes_nothing(world):
    client = _client(world["op_all"])
    with translation_id():
        for data in (
            {"kasus": [], "attachments": 1},
            {"kasus": [world["case"].pk], "attachments": 0},
            {"kasus": [world["case"].pk], "attachments": "x"},
        ):
            response = client.post(reverse("ceremonies:pension_cover_letter_create"), data, follow=True)
            assert response.status_code == 200
            assert [str(m) for m in response.context["messages"]]
    with pytest.raises(PensionPaperError):
        cover_letter_issue(cases=[], actor=world["op_all"], attachments=1)
    assert not PensionCoverLetter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_letters_issued_at_once_get_different_numbers(private_media):
    instansi_ensure()
    unit = UnitKerjaFactory(code="PP-C")
    cases = [_case(unit, name=f"Orang {n}", birth_date=D(1967, 5, 10 + n)) for n in range(2)]
    actor = UserFactory(username="op-c", roles=[roles.OPERATOR])
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def issue(case):
        try:
            barrier.wait(timeout=10)
            numbers.append(cover_letter_issue(cases=[case], actor=actor, attachments=1).number)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(case,)) for case in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(set(numbers)) == 2
    year = timezone.localdate().year
    assert sorted(numbers) == sorted(f"800.1.6.3/{n}/BKPSDM/{year}" for n in (1, 2))


# --- The SK receipt ----------------------------------------------------------------------------------------


def test_the_sk_receipt_is_recorded_in_history_and_printed(world):
    case = world["case"]
    RetirementCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.SK_ISSUED, sk_number="00123/KEP/AA/15001/25", sk_date=D(2025, 3, 10), sk_signer="Kepala BKN"
    )
    client = _client(world["op_a"])
    url = reverse("ceremonies:pension_sk_receipt", args=[case.pk])
    data = {
        "received_by": "Siti Aminah",
        "relation": "Yang bersangkutan",
        "received_on": "2025-04-21",
        "where": "acara",
        "place": "Pelepasan Purna Tugas April 2025",
    }
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.sk_received_on, case.sk_received_by, case.sk_received_where) == (
        D(2025, 4, 21),
        "Siti Aminah",
        "acara",
    )
    latest = case.history.first()
    assert latest.history_user == world["op_a"] and latest.history_change_reason == "SK pensiun diterima"
    text = _pdf_text(fetch_document(client, reverse("ceremonies:pension_sk_receipt_pdf", args=[case.pk])).content)
    for expected in (
        "TANDA TERIMA SURAT KEPUTUSAN PENSIUN",
        "00123/KEP/AA/15001/25",
        "10 Maret 2025",
        "21 April 2025",
        "Acara pelepasan: Pelepasan Purna Tugas April 2025",
        "Yang menerima",
        "Siti Aminah",
    ):
        assert expected in text, expected
    word = _docx_text(client.get(reverse("ceremonies:pension_sk_receipt_docx", args=[case.pk])).content)
    assert "00123/KEP/AA/15001/25" in word and "21 April 2025" in word


def test_a_bad_sk_receipt_is_refused_and_changes_nothing(world):
    case = world["case"]
    with pytest.raises(CaseError) as no_sk:
        retirement_case_sk_receipt_record(
            case=case, actor=world["op_a"], received_on=D(2025, 4, 1), received_by="X", relation="", where="loket"
        )
    assert "__all__" in no_sk.value.errors
    RetirementCase.objects.filter(pk=case.pk).update(sk_number="1/SK", sk_date=D(2025, 3, 10))
    for received_on, by, where, field in (
        (D(2025, 3, 9), "X", "loket", "received_on"),
        (D(2025, 3, 11), "", "loket", "received_by"),
        (D(2025, 3, 11), "X", "rumah", "where"),
        (D(2025, 3, 12), "X", "loket", "received_on"),
    ):
        with pytest.raises(CaseError) as error:
            retirement_case_sk_receipt_record(
                case=case,
                actor=world["op_a"],
                received_on=received_on,
                received_by=by,
                relation="",
                where=where,
                today=D(2025, 3, 11),
            )
        assert field in error.value.errors
    case.refresh_from_db()
    assert case.sk_received_on is None and not case.sk_received_by


# --- The agency's Word templates ---------------------------------------------------------------------------


def _template_with(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{{ person.name ", "kesalahan di sekitar baris"),
        ("{{ tidak_ada }}", "isian yang tidak ada"),
        ("{{ person.__class__.__mro__ }}", "tidak boleh dilakukan templat"),
        ("{{ ''.__class__.__subclasses__() }}", "tidak boleh dilakukan templat"),
    ],
)
def test_a_broken_template_gives_a_clear_message(text, words):
    with pytest.raises(PensionTemplateError) as error:
        papers.pension_docx("dpcp", _template_with(text), papers.sample_context("dpcp"))
    assert words in str(error.value)


def test_a_broken_agency_template_is_refused_at_upload_and_on_print_shows_a_message(world):
    with pytest.raises(PensionTemplateError):
        pension_template_upload(kind="dpcp", content=b"not a word file", actor=world["op_all"])
    assert not PensionTemplate.objects.exists()
    # A template stored before a change of the context (or written to the disk): the print says why.
    PensionTemplate.objects.create(
        kind=PensionDocumentKind.DPCP, file=SimpleUploadedFile("dpcp.docx", _template_with("{{ person.nama_lengkap }}"))
    )
    client = _client(world["op_a"])
    with translation_id():
        response = client.get(reverse("ceremonies:pension_dpcp_docx", args=[world["case"].pk]), follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown and "Templat Word" in shown[0] and "nama_lengkap" in shown[0]


def test_the_agency_template_replaces_the_default(world):
    pension_template_upload(
        kind="pengantar", content=_template_with("SURAT KAMI {{ number }} untuk {{ addressee }}"), actor=world["op_all"]
    )
    letter = cover_letter_issue(cases=[world["case"]], actor=world["op_all"], attachments=1)
    word = _docx_text(
        _client(world["op_all"]).get(reverse("ceremonies:pension_cover_letter_docx", args=[letter.pk])).content
    )
    assert f"SURAT KAMI {letter.number} untuk" in word


def test_the_admin_refuses_a_broken_template(world, admin_client):
    response = admin_client.post(
        reverse("admin:ceremonies_pensiontemplate_add"),
        {"kind": "dpcp", "file": SimpleUploadedFile("x.docx", _template_with("{% for %}"))},
    )
    assert response.status_code == 200 and not PensionTemplate.objects.exists()
    response = admin_client.post(
        reverse("admin:ceremonies_pensiontemplate_add"),
        {"kind": "dpcp", "file": SimpleUploadedFile("x.docx", _template_with("DPCP {{ person.name }}"))},
    )
    assert response.status_code == 302 and PensionTemplate.objects.get().history.count() == 1


# --- Batches in the background -----------------------------------------------------------------------------


def test_a_batch_of_dpcps_is_one_pdf_with_a_page_set_per_record(world):
    cases = [world["case"]] + [_case(world["a"], name=f"Pegawai {n}", birth_date=D(1967, 6, n + 1)) for n in range(3)]
    client = _client(world["op_a"])
    response = fetch_document(client, reverse("ceremonies:pension_dpcp_batch"), {"kasus": [c.pk for c in cases]})
    text = _pdf_text(response.content)
    assert text.count("DATA PERORANGAN CALON PENERIMA PENSIUN") == 4
    assert all(c.employee.name in text for c in cases)


def test_the_papers_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = _client(world["op_all"])
    client.get(reverse("ceremonies:pension_papers"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("ceremonies:pension_papers"))
    for n in range(20):
        _case(world["a"], name=f"Tambahan {n}", birth_date=D(1967, 7, n + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("ceremonies:pension_papers"))
    assert response.content.decode().count('name="kasus"') == 22


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_a_batch_of_dpcps_with_progress(worker_sees_private_media, worker_queue, monkeypatch):
    instansi_ensure()
    unit = UnitKerjaFactory(code="PP-W")
    cases = [_case(unit, name=f"Pegawai {n}", birth_date=D(1967, 1 + n % 12, 1 + n % 28)) for n in range(30)]
    client = _client(UserFactory(username="op-w", roles=[roles.OPERATOR], units=[unit]))
    results = []
    send = generated_document_render_task.apply_async
    instead_of_broker(
        monkeypatch,
        generated_document_render_task,
        lambda document_id: results.append(send(args=[document_id], queue=worker_queue)),
    )
    url = reverse("ceremonies:pension_dpcp_batch")
    page = client.get(url, {"kasus": [c.pk for c in cases]})
    assert is_progress_page(page)
    assert results[0].get(timeout=180) == GeneratedDocumentStatus.DONE
    document = GeneratedDocument.objects.get()
    assert (document.done, document.total) == (30, 30)
    status = client.get(reverse("documents:status", args=[document.pk])).json()
    assert status["ready"] and status["percent"] == 100
    served = fetch_document(client, url, {"kasus": [c.pk for c in cases]})
    assert _pdf_text(served.content).count("DATA PERORANGAN CALON PENERIMA PENSIUN") == 30
    assert len(results) == 1
