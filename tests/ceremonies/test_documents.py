"""An event's documents (ceremonies/views/documents.py, ceremonies/documents.py): real WeasyPrint PDFs read
back with pdftotext, the spreadsheet read back with python-calamine, who may download what, and a fixed
number of queries whatever the number of participants."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from python_calamine import CalamineWorkbook

from ceremonies.models import ParticipantStatus
from employees.nip import format_nip
from portal.demo import instansi_ensure
from purna import generated, roles
from tests.ceremonies.factories_documents import DocumentEventFactory, DocumentParticipantFactory, local
from tests.factories import EmployeeFactory, SessionFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document, is_progress_page, render_queued

pytestmark = pytest.mark.django_db

DOCUMENTS = ["attendance_pdf", "participants_xlsx", "report_pdf", "letters_pdf"]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
NIP_PATTERN = re.compile(r"\b\d{8} \d{6} \d \d{3}\b")


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    assert content.startswith(b"%PDF-"), content[:20]
    args = ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=content, capture_output=True, check=True).stdout.decode()


def pdf_pages(content: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)[1])


def screenshot(content: bytes, name: str) -> None:
    """Page 1 as a PNG in var/screenshots/ (DESIGN.md section 6: PDFs are looked at)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", "-", str(SCREENSHOTS / name)],
        input=content,
        check=True,
    )
    assert (SCREENSHOTS / f"{name}.png").stat().st_size > 1000


def site_language_text(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


@pytest.fixture
def instansi(db):
    return instansi_ensure()


@pytest.fixture
def units(db):
    return {
        "dikbud": UnitKerjaFactory(code="DIKBUD", name="Dinas Pendidikan dan Kebudayaan"),
        "dinkes": UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan"),
        "bkpsdm": UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Contoh"),
    }


@pytest.fixture
def event(units):
    return DocumentEventFactory(organizer=units["bkpsdm"])


@pytest.fixture
def people(event, units):
    """Seven participants: four attended (three with a souvenir), one absent, one confirmed, one declined."""
    specs = [
        ("Ahmad Yani", "Drs.", "M.Si.", "dikbud", ParticipantStatus.ATTENDED, True, "Siti Aminah", "Istri"),
        ("Bambang Sutrisno", "", "S.Pd.", "dikbud", ParticipantStatus.ATTENDED, True, "", ""),
        ("Cahya Lestari", "", "", "dinkes", ParticipantStatus.ATTENDED, True, "Budi", "Suami"),
        ("Dewi Kartika", "dr.", "", "dinkes", ParticipantStatus.ATTENDED, False, "", ""),
        ("Eko Prasetyo", "", "", "dikbud", ParticipantStatus.ABSENT, False, "", ""),
        ("Fitri Handayani", "", "S.E.", "dinkes", ParticipantStatus.CONFIRMED, False, "", ""),
        ("Gunawan Wibowo", "Ir.", "", "dikbud", ParticipantStatus.DECLINED, False, "", ""),
    ]
    participants = []
    for name, front, back, unit, status, souvenir, companion, relation in specs:
        employee = EmployeeFactory(
            name=name,
            front_title=front,
            back_title=back,
            unit=units[unit],
            gender="2" if name in {"Cahya Lestari", "Dewi Kartika", "Fitri Handayani"} else "1",
            tmt_pensiun=dt.date(2027, 2, 1),
            email="" if name != "Fitri Handayani" else "fitri@example.id",
        )
        participants.append(
            DocumentParticipantFactory(
                event=event,
                employee=employee,
                status=status,
                souvenir_at=local(2027, 1, 20, 11, 30) if souvenir else None,
                companion_name=companion,
                companion_relation=relation,
            )
        )
    return participants


@pytest.fixture
def staff_client(client, role_user):
    client.force_login(role_user(roles.OPERATOR, username="operator-pusat"))
    return client


@pytest.fixture(autouse=True)
def _documents_stored_privately(private_media):
    """The made documents go to the test's own private folder."""


def get(client, name: str, event, query: str = ""):
    """The document, made in the background (run here at once: tests/generated_documents.py)."""
    return fetch_document(client, reverse(f"ceremonies:{name}", args=[event.pk]) + query)


def test_attendance_sheet_lists_each_participant_with_nip_and_indonesian_date(staff_client, instansi, event, people):
    response = get(staff_client, "attendance_pdf", event)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="daftar-hadir-pelepasan-asn-purna-tugas-periode-i-tahun-2027-20270120.pdf"'
    )
    text = " ".join(pdf_text(response.content).split())
    assert "Pelepasan ASN Purna Tugas Periode I Tahun 2027" in text
    assert "Rabu, 20 Januari 2027" in text
    assert "08.00 - 12.00 WIB" in text
    assert "Pendopo Rumah Jabatan Bupati Contoh" in text
    assert "BKPSDM KABUPATEN CONTOH" in text  # the letterhead (upper-cased by the stylesheet)
    for participant in people:
        assert participant.employee.display_name in text
        assert format_nip(participant.employee.nip) in text
    assert "Drs. Ahmad Yani, M.Si." in text
    assert "Siti Aminah (Istri)" in text
    # The presiding official's block closes the sheet.
    assert event.presiding_official.title in text
    assert format_nip(event.presiding_official.nip) in text
    screenshot(response.content, "ceremonies_attendance")


def test_attendance_sheet_repeats_its_header_on_every_page(staff_client, instansi, event, units):
    for n in range(45):
        DocumentParticipantFactory(event=event, employee__unit=units["dikbud"], employee__name=f"Peserta Nomor {n:02d}")

    response = get(staff_client, "attendance_pdf", event)

    pages = pdf_pages(response.content)
    assert pages >= 3
    signature_header = site_language_text("Signature")
    text = pdf_text(response.content)
    assert text.count(signature_header) == pages
    page_word = site_language_text("Page {page} of {pages}").split("{page}")[0].strip()
    assert f"{page_word} {pages}" in text


def pdf_words(content: bytes) -> list[tuple[int, str, float, float]]:
    """Every word of the PDF as (page number, word, xMin, xMax) in points, from pdftotext -bbox."""
    boxes = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=content, capture_output=True, check=True)
    words = []
    for number, page in enumerate(boxes.stdout.decode().split("<page ")[1:], start=1):
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" [^>]*>([^<]*)<', page
        ):
            words.append((number, word, float(x_min), float(x_max)))
    return words


def test_attendance_sheet_keeps_every_column_inside_the_margins(staff_client, instansi, event, units):
    """Long names, units and companions on several pages: every word stays between the page's margins
    (pdf.css: 2.2 cm left, 1.6 cm right on A4), and each page has every column, the signature's included."""
    for n in range(30):
        DocumentParticipantFactory(
            event=event,
            employee__unit=units["dikbud"],
            employee__name=f"Raden Mas Bambang Sutrisno Wicaksono Peserta {n:02d}",
            employee__front_title="Prof. Dr. Ir.",
            employee__back_title="M.Sc., M.Pd.",
            companion_name="Siti Aminah Kusumawardhani Nur",
            companion_relation="Istri",
        )

    content = get(staff_client, "attendance_pdf", event).content

    words = pdf_words(content)
    a4_width, cm = 595.28, 72 / 2.54
    assert min(x_min for _page, _word, x_min, _x_max in words) >= 2.2 * cm - 1
    assert max(x_max for _page, _word, _x_min, x_max in words) <= a4_width - 1.6 * cm + 1
    pages = pdf_pages(content)
    assert pages >= 2
    headings = [
        site_language_text(label).split()[0] for label in ("Name", "NIP", "Work unit", "Companion", "Signature")
    ]
    for page in range(1, pages + 1):
        on_page = {word for number, word, _x_min, _x_max in words if number == page}
        assert set(headings) <= on_page, (page, set(headings) - on_page)


def test_attendance_sheet_alternates_where_neighbours_sign(staff_client, instansi, event, people):
    """An odd row's signature starts at the left of its cell, an even row's in the middle (its number
    printed there), so that neighbours' signatures do not overlap."""
    content = get(staff_client, "attendance_pdf", event).content

    starts = {word: x_min for _page, word, x_min, _x_max in pdf_words(content) if re.fullmatch(r"\d\.", word)}
    cm = 72 / 2.54
    assert starts["3."] == pytest.approx(starts["1."], abs=1)
    assert starts["4."] == pytest.approx(starts["2."], abs=1)
    assert starts["2."] - starts["1."] > 1.5 * cm


def test_timezone_abbreviation_follows_the_site_zone(staff_client, instansi, event, people, settings):
    settings.TIME_ZONE = "Asia/Makassar"

    text = pdf_text(get(staff_client, "attendance_pdf", event).content)

    assert "09.00 - 13.00 WITA" in text


def test_report_totals_equal_its_rows(staff_client, instansi, event, people):
    SessionFactory(event=event, topic="Penyerahan SK pensiun dan piagam", instructor__name="Sri Wahyuni, S.Psi.")

    response = get(staff_client, "report_pdf", event)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="laporan-kegiatan-')
    screenshot(response.content, "ceremonies_report")
    text = pdf_text(response.content, layout=True)
    official_nip = format_nip(event.presiding_official.nip)
    yes, no = site_language_text("Yes"), site_language_text("No")
    rows = []
    for line in text.splitlines():
        nips = NIP_PATTERN.findall(line)
        if nips and nips != [official_nip]:
            answers = re.findall(rf"\b({re.escape(yes)}|{re.escape(no)})\b", line)
            assert len(answers) == 2, line
            rows.append(answers)
    assert len(rows) == len(people)
    with translation.override(settings.LANGUAGE_CODE):
        total_label = ngettext("Total: %(counter)s participant", "Total: %(counter)s participants", len(people)) % {
            "counter": len(people)
        }
    total_line = next(line for line in text.splitlines() if total_label in line)
    attended_total, souvenir_total = (int(n) for n in total_line.split(total_label)[1].split())
    assert attended_total == sum(1 for attended, _ in rows if attended == yes) == 4
    assert souvenir_total == sum(1 for _, souvenir in rows if souvenir == yes) == 3
    # The counts section agrees with the table.
    flat = " ".join(text.split())
    assert f"{site_language_text('Attended')} 4" in flat
    assert f"{site_language_text('Souvenirs handed')} 3" in flat
    assert f"{site_language_text('Companions')} 2" in flat
    assert f"{site_language_text('Absent')} 1" in flat
    assert "Penyerahan SK pensiun dan piagam" in flat
    assert "Sri Wahyuni, S.Psi." in flat
    # The hook for THT and tali asih prints nothing until the benefits app fills it.
    assert site_language_text("D. THT and tali asih handed over") not in flat


def test_report_prints_handover_rows_when_given(instansi, event, people):
    from purna import pdf

    context = {"event": event, "instansi": instansi, "rows": [], "counts": None, "sessions": []}
    handover = [{"name": "Ahmad Yani", "nip": "19660101 199003 1 001", "label": "Tali asih", "amount": 2000000}]
    html_with = pdf.render_pdf("ceremonies/pdf/report.html", {**context, "handover_rows": handover})
    html_without = pdf.render_pdf("ceremonies/pdf/report.html", {**context, "handover_rows": []})

    assert "Rp 2.000.000" in pdf_text(html_with)
    assert "Rp 2.000.000" not in pdf_text(html_without)


def test_letters_go_to_invited_participants_without_email(staff_client, instansi, event, people, settings):
    settings.PURNA_SITE_URL = "https://purna.bkpsdm.example.go.id/"
    invited = DocumentParticipantFactory(
        event=event, status=ParticipantStatus.INVITED, employee__name="Hadi Santoso", employee__email=""
    )
    DocumentParticipantFactory(
        event=event,
        status=ParticipantStatus.INVITED,
        employee__name="Indah Permata",
        employee__email="indah@example.id",
    )

    response = get(staff_client, "letters_pdf", event)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="surat-undangan-')
    screenshot(response.content, "ceremonies_letters")
    text = pdf_text(response.content)
    # Hadi (invited, no email) and nobody else: confirmed Fitri has an email; the others are past inviting.
    assert pdf_pages(response.content) == 1
    assert "Hadi Santoso" in text
    assert "Indah Permata" not in text
    assert "Ahmad Yani" not in text
    assert f"___/BKPSDM/{timezone.localdate().year}" in text
    assert "Rabu, 20 Januari 2027" in text
    assert format_nip(invited.employee.nip) in text
    expected_url = "https://purna.bkpsdm.example.go.id" + reverse(
        "ceremonies:checkin_code", args=[event.pk, invited.checkin_code]
    )
    assert expected_url in text.replace("\n", "")


def test_letters_for_everyone_one_page_each_with_the_request_host(staff_client, instansi, event, people, settings):
    settings.PURNA_SITE_URL = ""

    response = get(staff_client, "letters_pdf", event, "?semua=1")

    assert pdf_pages(response.content) == len(people)
    text = pdf_text(response.content).replace("\n", "")
    for participant in people:
        path = reverse("ceremonies:checkin_code", args=[event.pk, participant.checkin_code])
        assert f"http://testserver{path}" in text


def test_letter_qr_code_encodes_the_checkin_url(instansi, event, people):
    from ceremonies import documents

    def checkin_url(participant):
        return f"https://purna.example/hadir/{participant.checkin_code}"

    with CaptureQueriesContext(connection) as queries:
        content = documents.letters_pdf(
            event=event,
            participants=people[:1],
            instansi=instansi,
            printed_on=dt.date(2027, 1, 6),
            checkin_url=checkin_url,
        )
    assert len(queries) == 0
    assert f"https://purna.example/hadir/{people[0].checkin_code}" in pdf_text(content).replace("\n", "")
    # The QR image is drawn as vectors (segno's SVG): its many square modules are in the page content.
    assert pdf_pages(content) == 1


def test_participant_spreadsheet(staff_client, instansi, event, people):
    response = get(staff_client, "participants_xlsx", event)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="peserta-pelepasan-asn-')
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0][0].endswith("Pelepasan ASN Purna Tugas Periode I Tahun 2027")
    header = rows[4]
    assert header[1] == site_language_text("NIP")
    body = [row for row in rows[5:] if row[0] != ""]
    assert len(body) == len(people)
    by_nip = {row[1]: row for row in body}
    ahmad = people[0]
    row = by_nip[ahmad.employee.nip]  # the NIP is text, all 18 digits, not a rounded number
    assert isinstance(row[1], str) and len(row[1]) == 18
    assert row[2] == "Drs. Ahmad Yani, M.Si."
    assert row[3] == "III/c Penata"
    assert row[5] == "Dinas Pendidikan dan Kebudayaan"
    assert row[6] == dt.date(2027, 2, 1)
    with translation.override(settings.LANGUAGE_CODE):
        assert row[7] == ahmad.get_status_display()
    assert row[8] == "Siti Aminah (Istri)"
    assert row[9] == site_language_text("Yes")
    assert row[10] == dt.datetime(2027, 1, 20, 11, 30)  # noqa: DTZ001 (an XLSX cell holds no time zone)
    eko = by_nip[people[4].employee.nip]
    assert eko[9] == site_language_text("No") and eko[10] == ""


def test_participant_spreadsheet_has_autofilter_and_frozen_header(staff_client, instansi, event, people):
    import zipfile

    content = get(staff_client, "participants_xlsx", event).content
    sheet_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()

    assert '<autoFilter ref="A5:K12"/>' in sheet_xml
    assert 'topLeftCell="A6"' in sheet_xml and 'state="frozen"' in sheet_xml
    # Date cells carry the dd-mm-yyyy format.
    styles = zipfile.ZipFile(io.BytesIO(content)).read("xl/styles.xml").decode()
    assert 'formatCode="dd-mm-yyyy"' in styles


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_user_without_the_permission_is_refused(client, no_role_user, event, people, name):
    client.force_login(no_role_user)

    assert get(client, name, event).status_code == 403


@pytest.mark.parametrize("name", DOCUMENTS)
def test_an_event_outside_the_scope_is_not_found(client, instansi, units, name):
    other = DocumentEventFactory(organizer=units["dinkes"])
    DocumentParticipantFactory(event=other, employee__unit=units["dinkes"])
    operator = UserFactory(roles=[roles.OPERATOR], units=[units["dikbud"]])
    client.force_login(operator)

    assert get(client, name, other).status_code == 404
    assert client.get(reverse(f"ceremonies:{name}", args=[other.pk + 1000])).status_code == 404


def test_an_operator_sees_only_their_units_participants(client, instansi, event, people, units):
    operator = UserFactory(roles=[roles.OPERATOR], units=[units["dinkes"]])
    client.force_login(operator)
    theirs = [p for p in people if p.employee.unit_id == units["dinkes"].pk]
    others = [p for p in people if p.employee.unit_id != units["dinkes"].pk]

    for name in ("attendance_pdf", "report_pdf"):
        text = " ".join(pdf_text(get(client, name, event).content).split())
        assert all(p.employee.display_name in text for p in theirs), name
        assert not any(p.employee.name in text for p in others), name
    letters = " ".join(pdf_text(get(client, "letters_pdf", event, "?semua=1").content).split())
    assert all(p.employee.name in letters for p in theirs)
    assert not any(p.employee.name in letters for p in others)
    book = CalamineWorkbook.from_filelike(io.BytesIO(get(client, "participants_xlsx", event).content))
    nips = {row[1] for row in book.get_sheet_by_index(0).to_python()[5:]}
    assert nips == {p.employee.nip for p in theirs}


def _queries(client, name: str, event) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"ceremonies:{name}", args=[event.pk]) + "?semua=1")
    # The view queues the document and answers its progress page: nothing is rendered in the request.
    assert is_progress_page(response)
    assert b"%PDF" not in response.content and b"PK\x03\x04" not in response.content
    return len(queries), response


def _render_queries(response) -> int:
    with CaptureQueriesContext(connection) as queries:
        render_queued(response)
    return len(queries)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_each_document_runs_a_fixed_number_of_queries(
    client, instansi, units, name, django_assert_max_num_queries, monkeypatch
):
    # The progress is written every half second: a slower render writes it more often, by design.
    monkeypatch.setattr(generated, "PROGRESS_EVERY_SECONDS", 3600)
    operator = UserFactory(roles=[roles.OPERATOR], units=[units["dikbud"]])
    client.force_login(operator)
    warm_up = DocumentEventFactory(organizer=units["dikbud"])
    small, large = DocumentEventFactory(organizer=units["dikbud"]), DocumentEventFactory(organizer=units["dikbud"])
    SessionFactory(event=small)
    SessionFactory(event=large)
    for event, count in ((small, 5), (large, 60)):
        for _n in range(count):
            DocumentParticipantFactory(event=event, employee__unit=units["dikbud"], status=ParticipantStatus.INVITED)
    _queries(client, name, warm_up)  # the session, the user and their scope are read once
    few, small_page = _queries(client, name, small)

    with django_assert_max_num_queries(few):
        _count, large_page = _queries(client, name, large)

    # The page: the event, the fingerprint of its data (the report also reads what the benefits handed
    # over at the event and the outbox state of its invitation emails; every document who came on which
    # day of an event over several days), the document's row and its creation.
    assert few <= (18 if name == "report_pdf" else 16)
    # The render, in the worker, costs the same few queries whatever the number of participants.
    render_few = _render_queries(small_page)
    with django_assert_max_num_queries(render_few):
        render_queued(large_page)


def test_letters_say_so_when_nobody_needs_one(staff_client, instansi, event):
    DocumentParticipantFactory(event=event, status=ParticipantStatus.INVITED, employee__email="ada@example.id")

    response = get(staff_client, "letters_pdf", event)

    assert response.status_code == 200
    notice = site_language_text(
        "No participant needs a printed invitation: every invited participant has an email address."
    )
    assert notice in " ".join(pdf_text(response.content).split())


def test_a_training_over_several_days_prints_both_days(event):
    from ceremonies.formatting import event_when_in

    event.starts_at = local(2027, 3, 1, 8)
    event.ends_at = local(2027, 3, 3, 16)

    with translation.override(settings.LANGUAGE_CODE):
        when = event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE)
        expected = translation.gettext("%(start)s to %(end)s") % {
            "start": "Senin, 1 Maret 2027",
            "end": "Rabu, 3 Maret 2027",
        }
    assert when.day == expected
    assert when.time == "08.00 - 16.00 WIB"
