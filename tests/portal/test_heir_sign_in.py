"""Heirs on the portal: a spouse or child of an employee who died asks for a sign-in link with their own
email, signs in through the emailed one-time link, and sees their deceased relative's page in the words for
the family ("Almarhum Bapak ..."), the tali asih paid to them, and the certificates; never another heir's
payouts nor another family's papers (404), and nothing at all while the relative is alive."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from benefits.models import BenefitType, Payout, Receipt
from ceremonies.models import Certificate
from employees.choices import EmployeeStatus, Gender, RetirementKind
from employees.models import Child, Employee, Spouse
from portal.services import HEIR_KIND, KIND
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message
from tests.factories import RetirementCaseFactory
from tests.portal.conftest import SITE, retiree_with_papers

pytestmark = pytest.mark.django_db

SIGN_IN = "/portal/masuk/"
STATEMENT = "payouts/ahli-waris.pdf"


def family_of_the_deceased(unit, actor, *, name, nip, widow, widow_email):
    """A retiree with papers (a certificate, a paid tali asih with its receipt, a THT draft) who then died,
    their widow (the tali asih is paid to her) and a son (the THT is paid to him)."""
    employee = retiree_with_papers(unit, name=name, nip=nip, email="", actor=actor)
    Employee.objects.filter(pk=employee.pk).update(status=EmployeeStatus.MENINGGAL, gender=Gender.MALE)
    wife = Spouse.objects.create(employee=employee, name=widow, email=widow_email)
    son = Child.objects.create(
        employee=employee, name=f"Putra {name}", gender=Gender.MALE, email=f"putra.{nip}@example.id"
    )
    payouts = Payout.objects.filter(employee=employee)
    payouts.filter(benefit_type=BenefitType.TALI_ASIH).update(payee_spouse=wife, heir_statement=STATEMENT)
    payouts.filter(benefit_type=BenefitType.THT).update(payee_child=son, heir_statement=STATEMENT)
    employee.refresh_from_db()
    return employee, wife, son


@pytest.fixture(name="ahmad_family")
def ahmad_family_fixture(unit, staff_actor, monkeypatch):
    from benefits.services import receipts

    monkeypatch.setattr(receipts, "_render_later", lambda receipt_id: None)
    return family_of_the_deceased(
        unit,
        staff_actor,
        name="Ahmad Yani",
        nip="196505121990031004",
        widow="Siti Aminah",
        widow_email="siti@example.id",
    )


@pytest.fixture
def bambang_family(unit, staff_actor, monkeypatch):
    from benefits.services import receipts

    monkeypatch.setattr(receipts, "_render_later", lambda receipt_id: None)
    return family_of_the_deceased(
        unit,
        staff_actor,
        name="Bambang Sutrisno",
        nip="196207011988031002",
        widow="Ratna Dewi",
        widow_email="ratna@example.id",
    )


def signed_in_by_email(smtp_settings, email: str) -> Client:
    """The real flow: ask on the sign-in page, the outbox sends the email to the SMTP sink, open its
    link and press the button."""
    browser = Client()
    assert browser.post(SIGN_IN, {"identifier": email}).status_code == 302
    sent = messages_send().sent  # with any other email waiting in the outbox (a receipt to an heir)
    [email_] = [
        r.message
        for r in smtp_settings.wait_for(sent)
        if "Tautan masuk" in r.message["Subject"] and email in r.message["To"]
    ]
    text = email_.get_body(("plain",)).get_content()
    [link] = re.findall(re.escape(SITE) + r"(/portal/masuk/tautan/\?sesame=\S+)", text)
    assert browser.get(link).status_code == 200
    signed = browser.post(link, {"sesame": link.split("sesame=")[1]})
    assert signed.status_code == 302 and signed.url == reverse("portal:home")
    return browser


def test_the_widow_asks_with_her_own_email_and_the_link_goes_to_her(client, ahmad_family):
    employee, wife, _son = ahmad_family

    response = client.post(SIGN_IN, {"identifier": " SITI@example.id "})

    assert response.status_code == 302 and response.url == reverse("portal:sign_in_sent")
    [message] = Message.objects.filter(kind=HEIR_KIND)
    assert (message.to_email, message.to_name) == ("siti@example.id", "Siti Aminah")
    assert message.recipient_key == f"spouse:{wife.pk}" and message.object_id == employee.pk
    assert message.context == {}
    assert not Message.objects.filter(kind=KIND).exists()
    wife.refresh_from_db()
    assert wife.user.username == f"ahli-waris-istri-suami-{wife.pk}" and not wife.user.has_usable_password()
    assert wife.user.first_name == "Siti Aminah"


def test_no_link_while_the_relative_is_alive_nor_to_a_deceased_heir(client, unit):
    from tests.factories import EmployeeFactory

    living = EmployeeFactory(unit=unit, status=EmployeeStatus.PENSIUN)
    Spouse.objects.create(employee=living, name="Siti Aminah", email="siti@example.id")
    dead = EmployeeFactory(unit=unit, status=EmployeeStatus.MENINGGAL)
    Spouse.objects.create(
        employee=dead,
        name="Sri",
        email="sri@example.id",
        died_on="2024-01-01",
        ended_on="2024-01-01",
        end_reason="wafat",
    )

    for email in ("siti@example.id", "sri@example.id"):
        assert client.post(SIGN_IN, {"identifier": email}).status_code == 302

    assert not Message.objects.exists()


def test_a_death_case_opens_the_portal_to_the_heir(client, unit):
    from tests.factories import EmployeeFactory

    employee = EmployeeFactory(unit=unit, status=EmployeeStatus.AKTIF)
    RetirementCaseFactory(employee=employee, kind=RetirementKind.KILLED)
    Child.objects.create(employee=employee, name="Rina", email="rina@example.id")

    client.post(SIGN_IN, {"identifier": "rina@example.id"})

    assert Message.objects.filter(kind=HEIR_KIND, to_email="rina@example.id").count() == 1


def test_the_widow_signs_in_and_sees_what_is_paid_to_her(smtp_settings, ahmad_family):
    employee, _wife, _son = ahmad_family

    browser = signed_in_by_email(smtp_settings, "siti@example.id")
    page = browser.get(reverse("portal:home"), headers={"Accept-Language": "id"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Selamat datang, Siti Aminah" in html
    assert "Almarhum Bapak Ahmad Yani" in html
    assert "Tercatat telah meninggal dunia" in html or "keluarga dan ahli waris" in html
    [payout] = page.context["payouts"]
    assert payout["payout"].benefit_type == BenefitType.TALI_ASIH  # the son's THT is not hers
    assert "Diterima oleh Bapak/Ibu sebagai ahli waris: Ibu Siti Aminah, istri" in html
    assert "Rp 2.500.000" in html and html.count('data-testid="payout"') == 1
    assert html.count('data-testid="certificate"') == 1
    # The invitation to a coming training was his own: no check-in QR code for the family.
    assert 'data-testid="checkin-qr"' not in html

    receipt = Receipt.objects.get(payout__employee=employee, payout__benefit_type=BenefitType.TALI_ASIH)
    download = browser.get(reverse("portal:receipt_download", args=[receipt.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    certificate = Certificate.objects.get(participant__employee=employee)
    assert browser.get(reverse("portal:certificate_download", args=[certificate.pk])).status_code == 200


def test_an_heir_sees_only_their_own_relative_and_payouts(smtp_settings, ahmad_family, bambang_family, staff_actor):
    from benefits.services import receipts as services_receipts
    from benefits.tasks import receipt_render_task
    from tests.benefits.documents_helpers import payout_in

    employee, _wife, son = ahmad_family
    other, _ratna, _other_son = bambang_family
    # The son's own payout of the same relative, with its receipt.
    Payout.objects.filter(employee=employee, benefit_type=BenefitType.THT).delete()
    sons = payout_in(
        "dibayar",
        employee=employee,
        benefit=BenefitType.THT,
        amount="25000000",
        payee_child=son,
        heir_statement=STATEMENT,
    )
    receipt_render_task(services_receipts.receipt_issue(payout=sons, actor=staff_actor).pk)
    browser = signed_in_by_email(smtp_settings, "siti@example.id")

    not_hers = [
        reverse("portal:receipt_download", args=[Receipt.objects.get(payout=sons).pk]),
        reverse("portal:receipt_download", args=[Receipt.objects.get(payout__employee=other).pk]),
        reverse("portal:certificate_download", args=[Certificate.objects.get(participant__employee=other).pk]),
    ]
    for url in not_hers:
        assert browser.get(url).status_code == 404, url
    assert "Bambang" not in browser.get(reverse("portal:home")).content.decode()


def test_the_heir_loses_the_portal_when_the_death_is_corrected(smtp_settings, ahmad_family):
    employee, _wife, _son = ahmad_family
    browser = signed_in_by_email(smtp_settings, "siti@example.id")

    Employee.objects.filter(pk=employee.pk).update(status=EmployeeStatus.PENSIUN)

    assert browser.get(reverse("portal:home")).status_code == 403


def test_the_heirs_page_runs_a_fixed_number_of_queries(smtp_settings, ahmad_family, django_assert_max_num_queries):
    from tests.benefits.documents_helpers import payout_in

    employee, wife, _son = ahmad_family
    browser = signed_in_by_email(smtp_settings, "siti@example.id")
    with django_assert_max_num_queries(20) as few:
        assert browser.get(reverse("portal:home")).status_code == 200
    Payout.objects.filter(employee=employee, benefit_type=BenefitType.THT).update(payee_child=None, payee_spouse=wife)
    payout_in("dibatalkan", employee=employee, payee_spouse=wife, heir_statement=STATEMENT)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = browser.get(reverse("portal:home"))
    assert page.content.decode().count('data-testid="payout-heir"') == 2
