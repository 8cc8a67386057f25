"""The benefits' emails (benefits/notifications.py): who is told at each step of a payout, once, with
what text, and the receipt sent to the retiree with its PDF; sent through the outbox for real
(purna.notifications.delivery, Django's test mail backend)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail

from benefits import notifications
from benefits.models import PaymentMethod
from benefits.services import payouts as services
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from employees.choices import EmployeeStatus
from purna import roles
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

TMT = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def setup(settings, private_media):
    settings.PURNA_SITE_URL = "https://purna.example.go.id"
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{seq}/BKPSDM/{year}"
    # Read in the source language, so the assertions do not depend on the Indonesian catalog.
    settings.PURNA_EMAIL_LANGUAGE = "en"


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def staff(unit):
    elsewhere = UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")
    return {
        "operator": UserFactory(username="operator", roles=[roles.OPERATOR], email="operator@bkpsdm.example.id"),
        "verifikator": UserFactory(username="verifikator", roles=[roles.VERIFIKATOR], email="ver@bkpsdm.example.id"),
        "verifikator_unit": UserFactory(
            username="verifikator-dinkes", roles=[roles.VERIFIKATOR], units=[unit], email="ver.dinkes@example.id"
        ),
        "verifikator_elsewhere": UserFactory(
            username="verifikator-disdik", roles=[roles.VERIFIKATOR], units=[elsewhere], email="ver.disdik@example.id"
        ),
        "verifikator_no_email": UserFactory(username="verifikator-2", roles=[roles.VERIFIKATOR]),
        "pimpinan": UserFactory(username="pimpinan", roles=[roles.PIMPINAN], email="kepala@bkpsdm.example.id"),
        "pimpinan_elsewhere": UserFactory(
            username="pimpinan-disdik", roles=[roles.PIMPINAN], units=[elsewhere], email="kadis@example.id"
        ),
        "bendahara": UserFactory(username="bendahara", roles=[roles.BENDAHARA], email="bendahara@example.id"),
    }


@pytest.fixture
def retiree(unit):
    TaliAsihRateFactory(amount=Decimal("2500000"))
    return EmployeeFactory(
        unit=unit,
        name="Ahmad Yani",
        front_title="Drs. H.",
        back_title="M.Si.",
        nip="196505121990031004",
        email="ahmad.yani@example.id",
        tmt_pensiun=TMT,
        service_years=30,
        service_months=4,
    )


def _prepare(retiree, staff):
    return services.payout_prepare(employee=retiree, benefit_type="tali_asih", actor=staff["operator"])


def _pay(payout, staff):
    return services.payout_pay(
        payout=payout,
        actor=staff["bendahara"],
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=dt.date(2025, 10, 21),
        bank_name="Bank Kaltimtara",
        account_number="0012345678",
        account_holder="Ahmad Yani",
    )


def _sent_to(kind):
    return sorted(Message.objects.filter(kind=kind).values_list("to_email", flat=True))


def test_a_prepared_payout_is_announced_to_the_verifiers_who_may_act(retiree, staff):
    payout = _prepare(retiree, staff)
    assert _sent_to(notifications.TO_VERIFY) == ["ver.dinkes@example.id", "ver@bkpsdm.example.id"]
    message = Message.objects.filter(kind=notifications.TO_VERIFY).first()
    assert message.occasion == f"payout-{payout.pk}-verify"
    assert (message.content_type.model, message.object_id) == ("payout", payout.pk)


def test_a_verified_payout_is_announced_to_the_head_of_agency(retiree, staff):
    payout = _prepare(retiree, staff)
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    assert _sent_to(notifications.TO_APPROVE) == ["kepala@bkpsdm.example.id"]


def test_each_email_is_made_once_per_payout_and_step(retiree, staff):
    payout = _prepare(retiree, staff)
    notifications.payout_prepared(payout)
    notifications.payout_prepared(payout)
    assert Message.objects.filter(kind=notifications.TO_VERIFY).count() == 2  # two verifiers, once each


def test_the_payment_is_told_to_the_retiree_with_the_amount_in_words(retiree, staff, english):
    payout = _prepare(retiree, staff)
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    services.payout_approve(payout=payout, actor=staff["pimpinan"])
    _pay(payout, staff)
    assert _sent_to(notifications.PAID) == ["ahmad.yani@example.id"]
    message = Message.objects.get(kind=notifications.PAID)
    assert message.recipient_key == f"employee:{retiree.pk}"

    report = messages_send()

    assert report.sent >= 1
    [email] = [m for m in mail.outbox if m.to == ['"Drs. H. Ahmad Yani, M.Si." <ahmad.yani@example.id>']]
    assert email.subject == "Your KORPRI tali asih has been paid"
    assert "Your KORPRI tali asih of Rp 2.500.000 was paid on 21 Oktober 2025." in email.body
    assert "dua juta lima ratus ribu rupiah" in email.body
    assert "19650512 199003 1 004" in email.body
    assert "0012345678" in email.body
    html = email.alternatives[0][0]
    assert "Rp 2.500.000" in html and "dua juta lima ratus ribu rupiah" in html


def test_the_staff_email_reads_the_payouts_facts(retiree, staff, english):
    _prepare(retiree, staff)
    messages_send()
    email = next(m for m in mail.outbox if "<ver@bkpsdm.example.id>" in m.to[0])
    assert email.subject == "To verify: KORPRI tali asih for Drs. H. Ahmad Yani, M.Si."
    assert "A payout has been prepared and waits for your verification:" in email.body
    assert "Dinas Kesehatan" in email.body and "Rp 2.500.000" in email.body


def test_a_request_to_verify_is_cancelled_once_someone_verified(retiree, staff):
    payout = _prepare(retiree, staff)
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    messages_send()
    statuses = dict(Message.objects.filter(kind=notifications.TO_VERIFY).values_list("to_email", "status"))
    assert set(statuses.values()) == {MessageStatus.CANCELLED}
    assert not [m for m in mail.outbox if "verif" in m.subject.lower() and "To verify" in m.subject]


@pytest.mark.parametrize(
    ("fields", "reason"),
    [({"email": ""}, "no address"), ({"status": EmployeeStatus.MENINGGAL}, "died")],
)
def test_no_payment_email_to_a_retiree_without_an_address_or_alive(unit, staff, fields, reason):
    TaliAsihRateFactory()
    employee = EmployeeFactory(
        unit=unit, tmt_pensiun=TMT, service_years=30, service_months=0, **{"email": "x@example.id", **fields}
    )
    payout = services.payout_prepare(employee=employee, benefit_type="tali_asih", actor=staff["operator"])
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    services.payout_approve(payout=payout, actor=staff["pimpinan"])
    _pay(payout, staff)
    assert not Message.objects.filter(kind=notifications.PAID).exists(), reason


def test_the_receipt_is_sent_to_the_retiree_with_its_pdf(retiree, staff, monkeypatch, english):
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    payout = _prepare(retiree, staff)
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    services.payout_approve(payout=payout, actor=staff["pimpinan"])
    _pay(payout, staff)
    receipt = services_receipts.receipt_issue(payout=payout, actor=staff["bendahara"])
    receipt_render_task(receipt.pk)
    # Issued and rendered again (a corrected letterhead): the retiree is not sent it twice.
    services_receipts.receipt_issue(payout=payout, actor=staff["bendahara"])
    receipt_render_task(receipt.pk)
    assert Message.objects.filter(kind=notifications.RECEIPT_READY).count() == 1

    messages_send()

    [email] = [m for m in mail.outbox if m.subject.startswith("Your receipt")]
    assert email.to == ['"Drs. H. Ahmad Yani, M.Si." <ahmad.yani@example.id>']
    assert email.subject == "Your receipt 900/1/BKPSDM/2025"
    assert "The receipt 900/1/BKPSDM/2025 of your KORPRI tali asih is attached" in email.body
    [(filename, content, mimetype)] = email.attachments
    assert (filename, mimetype) == ("kuitansi-900-1-bkpsdm-2025.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
