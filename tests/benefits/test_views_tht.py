"""The THT pages (benefits/views/payouts.py): the claims list with its payouts, the edit form, and the
import of Taspen's file (all or nothing, zip bombs refused)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from benefits.models import BenefitType, ThtClaim
from benefits.services import payouts as services
from purna import uploads
from tests import bombs
from tests.benefits.payout_page_fixtures import (
    RP,
    en_fixture,  # noqa: F401 (a fixture)
    messages_of,
    other_unit_fixture,  # noqa: F401 (a fixture)
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.employees.sheets import xlsx_bytes
from tests.factories import ThtClaimFactory

# --- THT -------------------------------------------------------------------------------------------------


def test_the_tht_list_shows_claims_and_payout_status(client, staff, unit, other_unit):
    claim = ThtClaimFactory(employee=retiree(unit, name="Punya Klaim"), taspen_reference="TSP-777")
    services.payout_prepare(employee=claim.employee, benefit_type=BenefitType.THT, actor=staff["operator"])
    retiree(unit, name="Belum Klaim")
    retiree(other_unit, name="Unit Lain")
    client.force_login(staff["verifikator"])

    response = client.get(reverse("benefits:tht"))

    page = response.content.decode()
    assert {e.name for e in response.context["object_list"]} == {"Punya Klaim", "Belum Klaim"}
    assert "TSP-777" in page and "Rp 25.000.000" in page and "Draf" in page


def test_the_tht_edit_form_saves_through_the_service(en, staff, unit):
    employee = retiree(unit)
    en.force_login(staff["operator"])
    url = reverse("benefits:tht_edit", args=[employee.pk])

    response = en.post(url, {"amount_received": "-5", "taspen_reference": "TSP-1"})
    assert response.status_code == 200 and response.context["form"].errors["amount_received"]
    en.post(url, {"amount_received": "Rp 25.000.000", "received_on": "2025-07-10", "taspen_reference": "TSP-1"})

    claim = ThtClaim.objects.get(employee=employee)
    assert (claim.amount_received, claim.taspen_reference) == (RP("25000000"), "TSP-1")
    en.force_login(staff["verifikator"])
    assert en.get(url).status_code == 403


def test_the_tht_import_is_all_or_nothing_with_errors_by_cell(en, staff, unit):
    good = retiree(unit)
    en.force_login(staff["operator"])
    template = en.get(reverse("benefits:tht_template"))
    assert template.content.decode().startswith("NIP,Jumlah,Referensi,Tanggal")

    bad = f"NIP,Jumlah\n{good.nip},25000000\n199901012020011001,abc\n".encode()
    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.csv", bad)})
    page = response.content.decode()
    assert 'data-testid="tht-import-errors"' in page and "B3" in page
    assert not ThtClaim.objects.exists()

    ok = f"NIP,Jumlah,Referensi\n{good.nip},25000000,TSP-9\n".encode()
    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.csv", ok)}, follow=True)
    assert ThtClaim.objects.get().amount_received == RP("25000000")
    assert "THT amounts recorded: 1 new, 0 updated, 0 unchanged." in messages_of(response)


def test_the_tht_import_refuses_a_zip_bomb_with_its_reason_and_writes_nothing(en, staff, unit):
    retiree(unit)
    en.force_login(staff["operator"])
    data = bombs.shared_strings_bomb(xlsx_bytes([{"NIP": "1", "Jumlah": "1"}], headers=["NIP", "Jumlah"]))
    bombs.peak_reset()

    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.xlsx", data)})

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert response.status_code == 200
    assert uploads._too_large(uploads.MAX_UNPACKED_BYTES) in response.content.decode()
    assert not ThtClaim.objects.exists()
