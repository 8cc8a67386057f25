"""Heirs as payees on paper and on the staff pages: the kuitansi names the deceased as "Almarhum Bapak ..."
and the heir as the one who received it (pdftotext, and a PNG looked at), the hand-over list and the
ceremony report name the heir, and the payout page sets the heir with its statement (permission, scope)."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from benefits.handover import handover_report_rows
from benefits.models import Payout, PayoutStatus
from benefits.services import heirs as heir_services
from benefits.services import payouts as services
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from ceremonies.models import Participant, ParticipantStatus
from employees.choices import EmployeeStatus, Gender
from employees.models import Child, Spouse
from purna.models import Instansi
from tests.benefits.documents_helpers import pdf_text
from tests.benefits.payout_page_fixtures import (
    flat_rate_fixture,  # noqa: F401 (a fixture)
    other_unit_fixture,  # noqa: F401 (a fixture)
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import MINIMAL_PDF, EventFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
SCREENSHOT = Path(django_settings.BASE_DIR) / "var" / "screenshots" / "benefits_receipt_heir.png"


@pytest.fixture(autouse=True)
def setup(settings, private_media, monkeypatch):
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{seq}/BKPSDM/{year}"
    settings.PURNA_INSTANSI_CITY = "Balikpapan"
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)


@pytest.fixture
def deceased(unit):
    return retiree(unit, status=EmployeeStatus.MENINGGAL, gender=Gender.MALE, nip="196505121990031004")


@pytest.fixture
def widow(deceased):
    return Spouse.objects.create(employee=deceased, name="Siti Aminah", nik="6471014107700001", email="siti@example.id")


def statement():
    return SimpleUploadedFile("surat ahli waris.pdf", MINIMAL_PDF, content_type="application/pdf")


def approved_to(employee, heir, staff):
    payout = services.payout_prepare(employee=employee, benefit_type="tali_asih", actor=staff["operator"])
    payout = heir_services.payout_payee_set(payout=payout, heir=heir, actor=staff["operator"], statement=statement())
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    return services.payout_approve(payout=payout, actor=staff["pimpinan"])


def test_the_kuitansi_names_the_deceased_and_the_heir_who_received_it(deceased, widow, staff, flat_rate, tmp_path):
    Instansi.objects.create(
        name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        short_name="BKPSDM",
        region="Pemerintah Kota Balikpapan",
        address="Jl. Jenderal Sudirman No. 1, Balikpapan 76114",
    )
    payout = approved_to(deceased, widow, staff)
    receipt = services_receipts.receipt_issue(payout=payout, actor=staff["bendahara"])

    receipt_render_task(receipt.pk)

    receipt.refresh_from_db()
    content = receipt.file.read()
    text = " ".join(pdf_text(content, tmp_path).split())
    for expected in (
        "Tali asih KORPRI purna tugas a.n. Almarhum Bapak Ahmad Yani, NIP",
        "NIP 19650512 199003 1 004",
        "Diterima oleh : ahli waris: Ibu Siti Aminah, istri, NIK 6471014107700001",
        "berdasarkan surat keterangan ahli waris",
        "Yang menerima (ahli waris)",
        "Siti Aminah",
        "Ahli waris, NIK 6471014107700001",
    ):
        assert expected in text, expected
    # The picture looked at during review: one A5 landscape page, the heir signing.
    (tmp_path / "receipt.pdf").write_bytes(content)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-singlefile", str(tmp_path / "receipt.pdf"), str(SCREENSHOT.with_suffix(""))],
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "receipt.pdf")], capture_output=True, text=True).stdout
    assert "Pages:           1" in info


def test_the_kuitansi_of_a_deceased_womans_child(unit, staff, flat_rate, tmp_path):
    mother = retiree(
        unit, name="Ratna Dewi", front_title="", back_title="", status=EmployeeStatus.MENINGGAL, gender=Gender.FEMALE
    )
    son = Child.objects.create(employee=mother, name="Budi Santoso", gender=Gender.MALE)
    payout = approved_to(mother, son, staff)
    receipt = services_receipts.receipt_issue(payout=payout, actor=staff["bendahara"])
    receipt_render_task(receipt.pk)
    receipt.refresh_from_db()

    text = " ".join(pdf_text(receipt.file.read(), tmp_path).split())

    assert "a.n. Almarhumah Ibu Ratna Dewi" in text
    assert "ahli waris: Bapak Budi Santoso, anak" in text


def test_the_hand_over_list_and_the_report_name_the_heir(client, deceased, widow, staff, flat_rate, unit):
    event = EventFactory(organizer=unit)
    ParticipantFactory(event=event, employee=deceased, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = approved_to(deceased, widow, staff)
    client.force_login(staff["bendahara"])
    url = reverse("benefits:handover_pay", args=[event.pk, payout.pk])

    with translation.override("id"):
        page = client.get(reverse("benefits:handover", args=[event.pk]), headers={"Accept-Language": "id"})
        asked = client.post(url, headers={"HX-Request": "true", "Accept-Language": "id"})
    html = page.content.decode()
    assert 'data-testid="handover-heir"' in html and "Ibu Siti Aminah, istri" in html
    assert "kepada ahli waris Ibu Siti Aminah, istri" in asked.content.decode()

    client.post(url, {"confirm": "1"})

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID
    participants = list(Participant.objects.filter(event=event).select_related("employee"))
    [row] = handover_report_rows(event, participants)
    assert row["name"] == "Ahmad Yani (diterima oleh ahli waris: Ibu Siti Aminah, istri)"


def test_the_payout_page_sets_the_heir_with_the_statement(client, deceased, widow, staff, flat_rate):
    payout = services.payout_prepare(employee=deceased, benefit_type="tali_asih", actor=staff["operator"])
    detail = reverse("benefits:payout_detail", args=[payout.pk])
    client.force_login(staff["operator"])
    page = client.get(detail).content.decode()
    assert 'data-testid="payee-form"' in page and f'value="spouse:{widow.pk}"' in page

    missing = client.post(reverse("benefits:payout_payee", args=[payout.pk]), {"heir": f"spouse:{widow.pk}"})
    assert missing.status_code == 422 and Payout.objects.get(pk=payout.pk).payee is None

    done = client.post(
        reverse("benefits:payout_payee", args=[payout.pk]),
        {"heir": f"spouse:{widow.pk}", "heir_statement": statement()},
    )

    assert done.status_code == 302
    payout.refresh_from_db()
    assert payout.payee == widow
    page = client.get(detail).content.decode()
    assert 'data-testid="payee-line"' in page and "Ibu Siti Aminah, istri" in page
    download = client.get(reverse("benefits:payout_heir_statement", args=[payout.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    assert 'filename="surat ahli waris.pdf"' in download["Content-Disposition"]


def test_no_heir_form_for_a_living_employee(client, unit, staff, flat_rate):
    living = retiree(unit, status=EmployeeStatus.PENSIUN)
    Spouse.objects.create(employee=living, name="Siti Aminah")
    payout = services.payout_prepare(employee=living, benefit_type="tali_asih", actor=staff["operator"])
    client.force_login(staff["operator"])

    assert (
        'data-testid="payee-form"'
        not in client.get(reverse("benefits:payout_detail", args=[payout.pk])).content.decode()
    )


def test_the_heir_pages_refuse_the_wrong_people(client, deceased, widow, staff, flat_rate, other_unit, no_role_user):
    from purna import roles
    from tests.factories import UserFactory

    payout = services.payout_prepare(employee=deceased, benefit_type="tali_asih", actor=staff["operator"])
    heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    elsewhere = UserFactory(username="operator-disdik", roles=[roles.OPERATOR], units=[other_unit])
    urls = [
        ("post", reverse("benefits:payout_payee", args=[payout.pk]), {"heir": f"spouse:{widow.pk}"}),
        ("post", reverse("benefits:payout_payee_clear", args=[payout.pk]), {"reason": "x"}),
        ("get", reverse("benefits:payout_heir_statement", args=[payout.pk]), {}),
    ]
    for method, url, data in urls:
        assert getattr(client, method)(url, data).status_code == 302  # anonymous: to the sign-in page
        client.force_login(no_role_user)
        assert getattr(client, method)(url, data).status_code == 403
        client.force_login(elsewhere)
        assert getattr(client, method)(url, data).status_code == 404
        client.logout()
    assert Payout.objects.get(pk=payout.pk).payee == widow


def test_the_payout_list_names_the_heir_in_a_fixed_number_of_queries(
    client, deceased, widow, unit, staff, flat_rate, django_assert_max_num_queries
):
    payout = services.payout_prepare(employee=deceased, benefit_type="tali_asih", actor=staff["operator"])
    heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    client.force_login(staff["verifikator"])
    with django_assert_max_num_queries(50) as one:
        page = client.get(reverse("benefits:payouts"))
    assert 'data-testid="payout-heir"' in page.content.decode() and "Ibu Siti Aminah, istri" in page.content.decode()
    for number in range(5):
        other = retiree(
            unit, nip=f"19650512199003{number + 2:04d}", status=EmployeeStatus.MENINGGAL, gender=Gender.MALE
        )
        wife = Spouse.objects.create(employee=other, name=f"Istri {number}")
        draft = services.payout_prepare(employee=other, benefit_type="tali_asih", actor=staff["operator"])
        heir_services.payout_payee_set(payout=draft, heir=wife, actor=staff["operator"], statement=statement())

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("benefits:payouts"))
    assert page.content.decode().count('data-testid="payout-heir"') == 6


def test_the_admin_shows_the_heir_and_links_the_statement_download(client, deceased, widow, staff, flat_rate):
    payout = services.payout_prepare(employee=deceased, benefit_type="tali_asih", actor=staff["operator"])
    heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    staff["admin"].is_staff = True
    staff["admin"].save()
    client.force_login(staff["admin"])

    page = client.get(reverse("admin:benefits_payout_change", args=[payout.pk]))

    assert page.status_code == 200
    download = reverse("benefits:payout_heir_statement", args=[payout.pk])
    assert f'<a href="{download}">surat ahli waris.pdf</a>' in page.content.decode()
    assert "Siti Aminah" in page.content.decode()
