"""The signatures of the money documents come from the officials register (ceremonies.Official with a
role, "Plt." for an acting one), and a paid payout has its kuitansi without a separate click."""

import datetime as dt

import pytest
from django.urls import reverse

from benefits import document_kinds, documents
from benefits.models import Receipt, ReceiptStatus
from benefits.selectors import payout_recap
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from ceremonies.models import OfficialRole
from employees.scope import ALL_UNITS
from tests.benefits.documents_helpers import pdf_text
from tests.benefits.payout_fixtures import (
    approved,
    flat_rate_fixture,  # noqa: F401 (a fixture)
    pay_by_transfer,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import OfficialFactory

FILTERS = {"year": None, "start": None, "end": None, "event": None}


@pytest.fixture(autouse=True)
def no_settings_signatories(settings, private_media):
    """Nothing in the settings: whatever name is printed comes from the register."""
    settings.PURNA_RECEIPT_TREASURER_NAME = settings.PURNA_RECEIPT_TREASURER_NIP = ""
    settings.PURNA_RECEIPT_HEAD_NAME = settings.PURNA_RECEIPT_HEAD_NIP = ""


@pytest.fixture
def no_render(monkeypatch):
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)


@pytest.fixture
def officials(db):
    return {
        "head": OfficialFactory(
            name="Dr. Budi Santoso, M.M.",
            nip="197001011995031001",
            title="Kepala BKPSDM",
            role=OfficialRole.HEAD_OF_AGENCY,
        ),
        "treasurer": OfficialFactory(
            name="Siti Rahmawati, S.E.", nip="197803152005012003", title="Bendahara", role=OfficialRole.TREASURER
        ),
        # Presides over events, signs no money document.
        "other": OfficialFactory(name="Ir. Walikota", title="Wali Kota", role=""),
    }


def _words(text: str) -> str:
    return " ".join(text.split())


def test_a_payout_paid_has_its_receipt_signed_from_the_register(staff, unit, flat_rate, officials, tmp_path, no_render):
    payout = approved(retiree(unit), staff)
    pay_by_transfer(payout, staff["bendahara"])

    # No "Issue the receipt" click: paying issued it.
    receipt = Receipt.objects.get(payout=payout)
    assert receipt_render_task(receipt.pk) == ReceiptStatus.DONE
    receipt.refresh_from_db()
    text = _words(pdf_text(receipt.file.read(), tmp_path))

    for expected in (
        "Kepala BKPSDM,",
        "Bendahara,",
        "Dr. Budi Santoso, M.M.",
        "NIP 19700101 199503 1 001",
        "Siti Rahmawati, S.E.",
        "NIP 19780315 200501 2 003",
    ):
        assert expected in text
    assert "....." not in text


def test_an_acting_head_signs_as_plt(officials, tmp_path):
    OfficialFactory(
        name="Hj. Rina Marlina, S.Sos.",
        nip="197505052000032002",
        title="Kepala BKPSDM",
        role=OfficialRole.HEAD_OF_AGENCY,
        is_acting=True,
    )
    OfficialFactory(name="Tidak Aktif", title="Bendahara", role=OfficialRole.TREASURER, is_active=False)

    treasurer, head = documents.receipt_signatories()

    assert (head.title, head.name, head.nip) == (
        "Plt. Kepala BKPSDM",
        "Hj. Rina Marlina, S.Sos.",
        "19750505 200003 2 002",
    )
    assert treasurer.name == "Siti Rahmawati, S.E."
    content = documents.recap_pdf(
        recap=payout_recap(scope=ALL_UNITS),
        title="Semua",
        instansi=documents.instansi_load(),
        printed_on=dt.date(2025, 12, 1),
    )
    text = _words(pdf_text(content, tmp_path))
    assert "Plt. Kepala BKPSDM," in text
    assert "Hj. Rina Marlina, S.Sos." in text
    assert "NIP 19750505 200003 2 002" in text
    assert "....." not in text


def test_the_recap_is_made_again_when_a_signatory_changes(officials):
    before = document_kinds.recap_fingerprint(scope=ALL_UNITS, filters=FILTERS)
    officials["head"].name = "Drs. Pengganti"
    officials["head"].save()

    assert document_kinds.recap_fingerprint(scope=ALL_UNITS, filters=FILTERS) != before


def test_the_receipt_of_a_paid_payout_is_never_a_404(client, staff, unit, flat_rate, officials, no_render):
    payout = approved(retiree(unit), staff)
    pay_by_transfer(payout, staff["bendahara"])
    # A payout paid before receipts came with the payment: its download issues it.
    Receipt.objects.filter(payout=payout).delete()
    client.force_login(staff["bendahara"])
    url = reverse("benefits:receipt_pdf", args=[payout.pk])

    response = client.get(url)

    assert response.status_code == 200
    assert b'data-testid="receipt-progress"' in response.content
    receipt = Receipt.objects.get(payout=payout)
    assert receipt_render_task(receipt.pk) == ReceiptStatus.DONE
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
