"""Certificates: issuing (gap-free numbers, once per participant), rendering (idempotent, one file per
certificate), revoking and re-issuing (ceremonies/services/certificates.py), and the PDF's text."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from PIL import Image
from pypdf import PdfReader

from ceremonies.certificate_pdf import CertificatePrinter, qr_code, verification_url
from ceremonies.certificates import (
    WordingFacts,
    certificate_wording,
    masa_kerja,
    nip_masked,
    wording_template_errors,
)
from ceremonies.exceptions import CeremonyError
from ceremonies.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateKind,
    CertificateStatus,
    EventKind,
    EventStatus,
    ParticipantStatus,
)
from ceremonies.services import certificates as services
from ceremonies.services.certificates import (
    certificate_reissue,
    certificate_revoke,
    certificates_issue,
    certificates_render,
)
from purna.models import DocumentCounter
from tests.factories import EventFactory, OfficialFactory, ParticipantFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def certificate_settings(settings, private_media):
    settings.PURNA_CERTIFICATE_NUMBER_PATTERN = "800/{seq:03d}/BKPSDM/{year}"
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"


def held_event(*, attended: int = 3, absent: int = 1, kind: str = EventKind.FAREWELL, **kwargs):
    event = EventFactory(kind=kind, status=EventStatus.HELD, **kwargs)
    event.signatories.set([OfficialFactory(name="Dr. H. Muhammad Sayid, M.Si.", nip="197001011990031001")])
    for n in range(attended):
        ParticipantFactory(
            event=event,
            status=ParticipantStatus.ATTENDED,
            employee__name=f"Peserta {chr(ord('C') - n)}",  # created C, B, A: numbered A, B, C
            employee__service_years=35,
            employee__service_months=2,
            employee__tmt_pensiun=dt.date(2025, 11, 1),
        )
    for _ in range(absent):
        ParticipantFactory(event=event, status=ParticipantStatus.ABSENT)
    return event


def numbers(event) -> list[tuple[str, str]]:
    return list(
        Certificate.objects.filter(participant__event=event)
        .order_by("seq")
        .values_list("participant__employee__name", "number")
    )


def test_issuing_numbers_the_attendees_in_name_order(actor):
    event = held_event()
    year = event.starts_at.year

    batch = certificates_issue(event=event, actor=actor)

    assert (batch.total, batch.status) == (3, BatchStatus.PENDING)
    assert numbers(event) == [
        ("Peserta A", f"800/001/BKPSDM/{year}"),
        ("Peserta B", f"800/002/BKPSDM/{year}"),
        ("Peserta C", f"800/003/BKPSDM/{year}"),
    ]
    certificate = Certificate.objects.get(seq=1)
    assert certificate.kind == CertificateKind.PIAGAM
    assert certificate.place == "Balikpapan"
    assert certificate.signatory_name == "Dr. H. Muhammad Sayid, M.Si."
    assert "atas pengabdian selama 35 tahun 2 bulan sebagai Aparatur Sipil Negara" in certificate.wording
    assert "terhitung mulai tanggal 1 November 2025" in certificate.wording
    assert certificate.history.get().history_user == actor


@pytest.mark.parametrize("attendees", [3, 60])
def test_issuing_runs_the_same_queries_for_a_few_and_for_many(actor, attendees, django_assert_num_queries):
    """A ceremony's 600 certificates are issued inside the request: the numbers in one block, the rows
    and their history in one insert each (they took four queries per certificate)."""
    event = held_event(attended=attendees)

    with django_assert_num_queries(16):
        certificates_issue(event=event, actor=actor)

    assert [seq for _name, seq in numbers(event)][-1].startswith(f"800/{attendees:03d}/")
    assert Certificate.history.filter(history_change_reason="issued", history_user=actor).count() == attendees


def test_issuing_again_adds_only_the_missing_ones(actor, english):
    event = held_event(attended=2)
    certificates_issue(event=event, actor=actor)
    late = ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__name="Peserta Z")

    batch = certificates_issue(event=event, actor=actor)

    assert batch.total == 1
    assert Certificate.objects.get(participant=late).seq == 3
    with pytest.raises(CeremonyError, match="already has a certificate"):
        certificates_issue(event=event, actor=actor)
    assert Certificate.objects.count() == 3
    assert DocumentCounter.objects.get().last == 3


def test_a_failed_issue_consumes_no_number(actor, monkeypatch):
    event = held_event(attended=2)
    calls = []

    def failing_wording(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return "atas pengabdian"

    monkeypatch.setattr(services, "_wording", failing_wording)
    with pytest.raises(RuntimeError):
        certificates_issue(event=event, actor=actor)
    monkeypatch.undo()

    assert not Certificate.objects.exists()
    certificates_issue(event=event, actor=actor)
    assert sorted(Certificate.objects.values_list("seq", flat=True)) == [1, 2]


def test_nobody_to_sign_is_refused(actor, english):
    event = held_event()
    event.signatories.clear()

    with pytest.raises(CeremonyError, match="signs"):
        certificates_issue(event=event, actor=actor)
    assert not Certificate.objects.exists()


def test_the_presiding_official_signs_when_no_signatory_is_chosen(actor):
    event = held_event(presiding_official=OfficialFactory(name="Bupati Contoh", title="Bupati Contoh"))
    event.signatories.clear()

    certificates_issue(event=event, actor=actor)

    assert set(Certificate.objects.values_list("signatory_title", flat=True)) == {"Bupati Contoh"}


def test_only_the_actors_units_get_certificates(role_user):
    from purna import roles

    mine, theirs = UnitKerjaFactory(), UnitKerjaFactory()
    event = held_event(attended=0, absent=0, organizer=mine)  # changing an event takes its organiser in scope
    ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__unit=mine)
    ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__unit=theirs)
    operator = role_user(roles.OPERATOR, units=[mine])

    certificates_issue(event=event, actor=operator)

    assert list(Certificate.objects.values_list("participant__employee__unit", flat=True)) == [mine.pk]


def test_the_rendering_is_queued_after_the_commit(actor, monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(services, "task_dispatch", lambda task, args, queue: queued.append(*args) or True)

    with django_capture_on_commit_callbacks(execute=True):
        batch = certificates_issue(event=held_event(), actor=actor)

    assert queued == [batch.pk]


def files(private_media) -> list[str]:
    return sorted(str(p.relative_to(private_media)) for p in private_media.rglob("*") if p.is_file())


def test_rendering_twice_gives_one_file_per_certificate_with_the_same_numbers(actor, private_media):
    event = held_event()
    batch = certificates_issue(event=event, actor=actor)
    before = numbers(event)

    first = certificates_render(batch_id=batch.pk)
    stored = files(private_media)
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)  # as if redelivered
    second = certificates_render(batch_id=batch.pk)

    assert (first.status, first.done, second.status, second.done) == (BatchStatus.DONE, 3, BatchStatus.DONE, 3)
    assert len(stored) == 3 and all(name.endswith(".pdf") for name in stored)
    assert files(private_media) == stored
    assert numbers(event) == before
    assert all(c.is_rendered and c.rendered_at for c in Certificate.objects.all())


def test_a_run_killed_half_way_is_finished_by_the_next(actor, private_media, monkeypatch):
    event = held_event()
    batch = certificates_issue(event=event, actor=actor)
    real_render = services.CertificatePrinter.render_many
    rendered = []

    def killed_after_one_chunk(self, certificates, event):
        if rendered:
            raise SystemExit("worker killed")
        rendered.extend(c.pk for c in certificates)
        return real_render(self, certificates, event)

    monkeypatch.setattr(services, "RENDER_CHUNK", 1)
    monkeypatch.setattr(services.CertificatePrinter, "render_many", killed_after_one_chunk)
    with pytest.raises(SystemExit):
        certificates_render(batch_id=batch.pk)
    assert CertificateBatch.objects.get(pk=batch.pk).done == 1
    monkeypatch.undo()
    again = []
    monkeypatch.setattr(
        services.CertificatePrinter,
        "render_many",
        lambda self, certificates, event: (
            again.extend(c.pk for c in certificates) or real_render(self, certificates, event)
        ),
    )

    done = certificates_render(batch_id=batch.pk)

    assert done.status == BatchStatus.DONE and done.done == 3
    assert rendered[0] not in again and len(again) == 2
    assert len(files(private_media)) == 3


def pdf_content(certificate: Certificate) -> bytes:
    with certificate.file.open("rb") as file:
        return file.read()


def pdf_text(certificate: Certificate) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf_content(certificate), capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_a_batch_laid_out_in_chunks_gives_each_certificate_its_own_page(actor, monkeypatch):
    monkeypatch.setattr(services, "RENDER_CHUNK", 2)
    event = held_event(attended=3, absent=0)

    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)

    for certificate in Certificate.objects.select_related("participant__employee"):
        reader = PdfReader(io.BytesIO(pdf_content(certificate)))
        text = pdf_text(certificate)
        assert len(reader.pages) == 1
        assert reader.metadata.title == f"Piagam Penghargaan {certificate.number}"
        assert certificate.participant.employee.display_name in text
        assert f"Nomor: {certificate.number}" in text and certificate.verification_code in text


def test_the_qr_code_in_the_pdf_is_the_verification_address(actor):
    event = held_event(attended=1, absent=0)
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.get()

    (image,) = PdfReader(io.BytesIO(pdf_content(certificate))).pages[0].images
    expected = qr_code(verification_url(certificate.verification_code))
    # The printed picture, sampled at the centre of each module, is the code of the public address.
    pixels = image.image.convert("L")
    modules = len(expected.matrix)
    step = pixels.width / modules
    printed = [
        [pixels.getpixel((int((x + 0.5) * step), int((y + 0.5) * step))) < 128 for x in range(modules)]
        for y in range(modules)
    ]
    assert printed == [[bool(module) for module in row] for row in expected.matrix]


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian's zbar-tools) decodes the QR code")
def test_the_qr_code_scans(actor, tmp_path):
    event = held_event(attended=1, absent=0)
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.get()
    (tmp_path / "certificate.pdf").write_bytes(pdf_content(certificate))

    # The page as a screen shows it at 100 % zoom (96 dpi), not only as a printer would.
    subprocess.run(["pdftoppm", "-png", "-r", "96", "-singlefile", "certificate.pdf", "page"], cwd=tmp_path, check=True)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", "page.png"], cwd=tmp_path, capture_output=True, text=True)

    assert scanned.stdout.strip() == verification_url(certificate.verification_code)


def test_the_piagam_shows_name_number_wording_and_signatory(actor):
    event = held_event(attended=1, absent=0)
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.select_related("participant__employee").get()

    text = pdf_text(certificate)

    assert "PIAGAMPENGHARGAAN" in text.replace(" ", "")
    assert certificate.participant.employee.display_name in text
    assert f"Nomor: {certificate.number}" in text
    assert "atas pengabdian selama 35 tahun 2 bulan sebagai Aparatur Sipil Negara" in text
    assert "Dr. H. Muhammad Sayid, M.Si." in text and "NIP 19700101 199003 1 001" in text
    assert "Balikpapan," in text
    assert certificate.verification_code in text


def test_the_training_certificate_says_the_training_was_followed(actor):
    event = held_event(attended=1, absent=0, kind=EventKind.TRAINING, title="Pelatihan Persiapan Purna Tugas")
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.get()

    text = pdf_text(certificate)

    assert certificate.kind == CertificateKind.SERTIFIKAT
    # The title is letter-spaced: pdftotext may read it as separate letters.
    assert "SERTIFIKAT" in text.replace(" ", "") and "telah mengikuti Pelatihan Persiapan Purna Tugas" in text


def test_reissue_keeps_number_and_code_and_replaces_the_file(actor, private_media):
    event = held_event(attended=1, absent=0)
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.select_related("participant__employee").get()
    employee = certificate.participant.employee
    employee.name = "Peserta Dibetulkan"
    employee.save()
    stored = files(private_media)

    batch = certificate_reissue(certificate=certificate, actor=actor)
    certificates_render(batch_id=batch.pk)

    again = Certificate.objects.get()
    assert (again.number, again.verification_code, again.version) == (
        certificate.number,
        certificate.verification_code,
        2,
    )
    assert again.is_rendered
    assert files(private_media) == stored
    assert "Peserta Dibetulkan" in pdf_text(again) and "Terbitan ke-2" in pdf_text(again)
    assert DocumentCounter.objects.get().last == 1
    assert again.history.first().history_change_reason == "re-issued"


def test_revoke_needs_a_reason_and_records_who(actor):
    certificates_issue(event=held_event(attended=1, absent=0), actor=actor)
    certificate = Certificate.objects.get()

    with pytest.raises(CeremonyError):
        certificate_revoke(certificate=certificate, actor=actor, reason="  ")
    revoked = certificate_revoke(certificate=certificate, actor=actor, reason="Salah nama penerima")

    assert (revoked.status, revoked.revoked_by, revoked.revoked_reason) == (
        CertificateStatus.REVOKED,
        actor,
        "Salah nama penerima",
    )
    assert revoked.revoked_at is not None
    with pytest.raises(CeremonyError):
        certificate_revoke(certificate=certificate, actor=actor, reason="lagi")
    with pytest.raises(CeremonyError):
        certificate_reissue(certificate=certificate, actor=actor)


def test_the_verification_code_is_unguessable_and_unique(actor):
    certificates_issue(event=held_event(attended=3, absent=0), actor=actor)
    codes = list(Certificate.objects.values_list("verification_code", flat=True))

    assert len(set(codes)) == 3 and all(len(code) >= 22 for code in codes)


def test_issue_inside_a_rolled_back_transaction_gives_the_numbers_back(actor):
    event = held_event(attended=2, absent=0)
    with pytest.raises(RuntimeError), transaction.atomic():
        certificates_issue(event=event, actor=actor)
        raise RuntimeError

    certificates_issue(event=event, actor=UserFactory(units="all"))
    assert sorted(Certificate.objects.values_list("seq", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("years", "months", "expected"),
    [(35, 2, "35 tahun 2 bulan"), (35, 0, "35 tahun"), (0, 11, "11 bulan"), (None, None, "")],
)
def test_masa_kerja(years, months, expected):
    assert masa_kerja(years, months) == expected


@pytest.mark.parametrize(
    ("nip", "expected"),
    [("198609262015051001", "1986***********001"), ("19860926 201505 1 001", "1986***********001"), ("123", "***")],
)
def test_nip_masked(nip, expected):
    assert nip_masked(nip) == expected


def word_position(pdf: bytes, word: str, tmp_path) -> tuple[float, float]:
    """Where `word` starts on page 1, in points from the top left (pdftotext -bbox)."""
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    page = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    found = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>' + re.escape(word) + "</word>", page)
    return float(found.group(1)), float(found.group(2))


def test_the_print_offset_moves_the_layout_by_its_millimetres(actor, tmp_path):
    event = held_event(attended=1, absent=0)
    certificates_issue(event=event, actor=actor)
    certificate = Certificate.objects.select_related("participant__employee").get()
    printer = CertificatePrinter(services.instansi_get())
    straight = word_position(printer.render(certificate, event), "PIAGAM", tmp_path)
    event.print_offset_x_mm, event.print_offset_y_mm = 5, -3

    moved = word_position(printer.render(certificate, event), "PIAGAM", tmp_path)

    millimetre = 72 / 25.4
    assert moved[0] - straight[0] == pytest.approx(5 * millimetre, abs=0.2)
    assert moved[1] - straight[1] == pytest.approx(-3 * millimetre, abs=0.2)


def test_the_qr_code_points_to_the_public_page(actor):
    event = held_event(attended=1, absent=0)
    certificates_issue(event=event, actor=actor)
    certificate = Certificate.objects.select_related("participant__employee").get()

    context = CertificatePrinter(services.instansi_get()).context(certificate, event)

    assert context["verification_url"] == verification_url(certificate.verification_code)
    assert verification_url("abc") == "https://purna.contoh.go.id/verifikasi/abc/"


# --- An event's own wording (Event.certificate_wording) -------------------------------------------------


def wording_facts(**changes):
    facts = {
        "kind": "piagam",
        "service_years": 32,
        "service_months": 0,
        "tmt_pensiun": dt.date(2025, 11, 1),
        "region": "Pemerintah Kota Balikpapan",
        "event_title": "Pelepasan ASN Purna Tugas 2025",
        "event_day": dt.date(2025, 10, 21),
        "venue": "Pendopo Rumah Jabatan",
        "organizer": "BKPSDM Kota Balikpapan",
    }
    return WordingFacts(**{**facts, **changes})


def test_an_events_own_wording_fills_its_placeholders():
    template = (
        "atas darma bakti selama {masa_kerja} di {pemerintah}, purna tugas {tmt_pensiun}; "
        "diserahkan pada {acara}, {tanggal_acara}, di {tempat} oleh {penyelenggara}. {{KORPRI}}"
    )

    assert certificate_wording(wording_facts(), template) == (
        "atas darma bakti selama 32 tahun di Pemerintah Kota Balikpapan, purna tugas 1 November 2025; "
        "diserahkan pada Pelepasan ASN Purna Tugas 2025, 21 Oktober 2025, di Pendopo Rumah Jabatan oleh "
        "BKPSDM Kota Balikpapan. {KORPRI}"
    )
    assert certificate_wording(wording_facts(), "   ").startswith("atas pengabdian selama 32 tahun")


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("selama {masa_krja}", "{masa_krja}"),
        ("selama {masa_kerja", "kurung kurawal"),
        ("selama } tahun", "kurung kurawal"),
        ("{acara.__class__}", "{acara.__class__}"),
        ("{acara[0]}", "{acara[0]}"),
        ("{}", "{}"),
        ("{acara!r}", "tanpa ! atau :"),
        ("{acara:>40}", "tanpa ! atau :"),
    ],
)
def test_a_wording_that_cannot_be_printed_is_refused_with_the_reason(template, problem):
    with translation.override("id"):
        errors = wording_template_errors(template)

    assert errors and problem in " ".join(errors)


def test_the_event_wording_is_printed_on_its_certificates(actor):
    event = held_event(attended=1, absent=0)
    event.certificate_wording = "atas pengabdian {masa_kerja} kepada {pemerintah}."
    event.save()
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.get()

    assert certificate.wording.startswith("atas pengabdian 35 tahun 2 bulan kepada ")
    assert "atas pengabdian 35 tahun 2 bulan kepada" in " ".join(pdf_text(certificate).split())


def test_an_events_own_logo_is_printed_instead_of_the_agencys(actor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (160, 160), (200, 16, 46)).save(picture, "PNG")
    event = held_event(attended=1, absent=0)
    event.certificate_logo.save("korpri.png", ContentFile(picture.getvalue()))
    certificates_render(batch_id=certificates_issue(event=event, actor=actor).pk)
    certificate = Certificate.objects.get()

    with certificate.file.open("rb") as file:
        images = [image.image.convert("RGB") for image in PdfReader(file).pages[0].images]

    red = [image for image in images if image.getpixel((image.width // 2, image.height // 2)) == (200, 16, 46)]
    assert len(red) == 1
