"""Every upload of the site, sent random bytes and truncated real files named .csv, .xlsx, .pdf, .jpg and
.png: the answer is a validation message, never a server error, and a refused upload has written nothing
(no job, no document, no payment half-recorded). Hypothesis draws the bytes; each example runs in a
savepoint rolled back after it."""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from xlsxwriter import Workbook

from benefits.models import PaymentMethod, PayoutStatus
from ceremonies.models import EventStatus
from employees.models import DocumentType
from purna import roles
from tests.benefits.documents_helpers import payout_in
from tests.factories import (
    MINIMAL_PDF,
    EmployeeFactory,
    EventFactory,
    RetirementCaseFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.purna.matrix_knock import writes


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def _xlsx() -> bytes:
    buffer = io.BytesIO()
    book = Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIP", "Nama", "Unit"])
    sheet.write_row(1, 0, ["196505121990031004", "Ahmad", "FZ"])
    book.close()
    return buffer.getvalue()


# A small real file of each kind, cut anywhere by the strategy.
SAMPLES = {
    ".csv": b"NIP;Nama;Unit\n196505121990031004;Ahmad Yani;FZ\n",
    ".xlsx": _xlsx(),
    ".pdf": MINIMAL_PDF,
    ".jpg": _image("JPEG"),
    ".png": _image("PNG"),
}
EXTENSIONS = list(SAMPLES)


@st.composite
def uploads(draw) -> tuple[str, bytes]:
    """(file name, bytes): random bytes, or a real file of some kind truncated, under any of the names."""
    extension = draw(st.sampled_from(EXTENSIONS))
    source = draw(st.sampled_from(EXTENSIONS))
    sample = SAMPLES[source]
    content = draw(
        st.one_of(
            st.binary(max_size=4096),
            st.integers(min_value=0, max_value=len(sample) - 1).map(lambda n: sample[:n]),
            st.just(sample[: len(sample) // 2] + bytes(64)),
        )
    )
    return f"berkas{extension}", content


@dataclass(frozen=True)
class Target:
    url: Callable
    field: str
    data: Callable = field(default=lambda w: {})


@dataclass
class UploadWorld:
    unit: object
    case: object
    document_type: object
    approved: object
    event: object


@pytest.fixture
def world(db, private_media, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = UnitKerjaFactory(code="FZ", name="Dinas Fuzz")
    approved = payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit))
    return UploadWorld(
        unit=unit,
        case=RetirementCaseFactory(employee=EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2027, 3, 1))),
        document_type=DocumentType.objects.filter(is_active=True).order_by("order").first(),
        approved=approved,
        event=EventFactory(organizer=unit, status=EventStatus.DRAFT),
    )


def _event_data(w) -> dict:
    """A valid event form but for its logo (the event's own values)."""
    event = w.event
    local = timezone.localtime
    return {
        "kind": event.kind,
        "title": event.title,
        "starts_at": local(event.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": local(event.ends_at).strftime("%Y-%m-%dT%H:%M"),
        "venue": event.venue,
        "organizer": event.organizer_id,
        "print_offset_x_mm": "0",
        "print_offset_y_mm": "0",
    }


TARGETS = {
    "employee import": Target(lambda w: reverse("employees:import_create"), "file", lambda w: {"dry_run": "on"}),
    "employee import (admin)": Target(lambda w: reverse("admin:employees_employee_import"), "file"),
    "THT import": Target(lambda w: reverse("benefits:tht_import"), "file"),
    "case document": Target(
        lambda w: reverse("employees:case_document_upload", args=[w.case.pk, w.document_type.pk]), "file"
    ),
    "payout proof": Target(
        lambda w: reverse("benefits:payout_pay", args=[w.approved.pk]),
        "proof",
        lambda w: {
            "method": PaymentMethod.BANK_TRANSFER,
            "bank_name": "Bank Kaltimtara",
            "account_number": "0012345678",
            "account_holder": "Ahmad Yani",
            "paid_on": timezone.localdate().isoformat(),
        },
    ),
    "event logo": Target(lambda w: reverse("ceremonies:update", args=[w.event.pk]), "certificate_logo", _event_data),
}


@pytest.mark.parametrize("name", TARGETS)
def test_upload_answers_with_messages_and_writes_nothing_when_refused(name, world):
    target = TARGETS[name]
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username="fuzz-admin", roles=[roles.ADMIN], units="all", is_staff=True))
    url = target.url(world)
    data = target.data(world)
    failures = []

    def check(filename: str, content: bytes) -> None:
        with transaction.atomic():
            before = writes()
            response = client.post(url, {**data, target.field: SimpleUploadedFile(filename, content)})
            written = writes() != before
            transaction.set_rollback(True)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} for {filename} ({len(content)} bytes): {content[:40]!r}")
        elif response.status_code != 302 and written:
            failures.append(f"refused ({response.status_code}) but rows were written: {filename} {content[:40]!r}")

    @settings(
        max_examples=10,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(upload=uploads())
    def run(upload):
        check(*upload)

    check("berkas.pdf", b"\x00" * 16)  # always: bytes of no kind at all
    run()
    assert not failures, "\n".join(failures[:5])


@pytest.mark.parametrize(
    ("name", "filename"),
    [("case document", "berkas.pdf"), ("payout proof", "berkas.pdf"), ("event logo", "berkas.png")],
)
def test_a_real_file_is_taken(name, filename, world):
    """The fuzz cases' other fields are valid: a real file is taken, so a refusal above is the file's."""
    target = TARGETS[name]
    client = Client()
    client.force_login(UserFactory(username="fuzz-admin", roles=[roles.ADMIN], units="all", is_staff=True))
    content = SAMPLES["." + filename.rpartition(".")[2]]

    response = client.post(
        target.url(world), {**target.data(world), target.field: SimpleUploadedFile(filename, content)}
    )

    assert response.status_code == 302, response.content.decode()[:2000]
