"""The documents of a retirement record (employees/services/cases.py): what is accepted, refused, replaced
and removed, and the history kept of each."""

import io
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from employees.choices import CaseStatus, RetirementKind
from employees.exceptions import CaseError
from employees.models import CaseDocument, DocumentType
from employees.services.cases import (
    case_document_delete,
    case_document_upload,
    retirement_case_open,
    retirement_case_transition,
)
from tests.employees.case_fixtures import (
    first_of_month,
    make_employee,
    snapshot,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import MINIMAL_PDF, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


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
