"""Paying a payout (benefits/services/payouts.py): who pays what, the payment details, cash handed over at a
ceremony, cancelling and reversing with their reasons, every step refused outside the scope."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import PaymentMethod, Payout, PayoutStatus, PayoutStatusChange
from benefits.services import payouts as services
from ceremonies.models import EventStatus
from purna import roles
from tests.benefits.payout_fixtures import (
    approved,
    flat_rate_fixture,  # noqa: F401 (a fixture)
    pay_by_transfer,
    prepare,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    timeline,
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import MINIMAL_PDF, EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory

D = dt.date


# --- Paying -----------------------------------------------------------------------------------------------


def test_only_the_bendahara_pays_and_only_an_approved_payout(english, staff, unit, flat_rate, private_media):
    payout = prepare(retiree(unit), staff)
    with pytest.raises(PayoutError, match="Only an approved payout can be paid; this one is Draft"):
        pay_by_transfer(payout, staff["bendahara"])
    payout = approved(retiree(unit, name="Budi Santoso", front_title="", back_title=""), staff)
    for role in ("pimpinan", "verifikator", "operator"):
        with pytest.raises(PayoutError, match="Only the treasurer"):
            pay_by_transfer(payout, staff[role], account_holder="Budi Santoso")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and payout.paid_at is None

    proof = SimpleUploadedFile("Bukti transfer Budi.pdf", MINIMAL_PDF, content_type="application/pdf")
    paid = pay_by_transfer(payout, staff["bendahara"], account_holder="budi santoso", proof=proof)

    assert (paid.status, paid.paid_by, paid.method) == (PayoutStatus.PAID, staff["bendahara"], "transfer")
    assert paid.account_number == "1234567890" and not paid.holder_mismatch
    assert paid.proof_name == "Bukti transfer Budi.pdf" and paid.proof_content_type == "application/pdf"
    assert paid.proof.name.endswith(".pdf") and "Budi" not in paid.proof.name
    assert (private_media / paid.proof.name).read_bytes() == MINIMAL_PDF
    assert timeline(paid)[-1] == (PayoutStatus.APPROVED, PayoutStatus.PAID, "bendahara")


def test_an_account_in_another_name_is_flagged(staff, unit, flat_rate):
    paid = pay_by_transfer(approved(retiree(unit), staff), staff["bendahara"], account_holder="Siti Aminah")
    assert paid.holder_mismatch

    titled = pay_by_transfer(
        approved(retiree(unit, name="Budi Santoso"), staff), staff["bendahara"], account_holder="Drs. BUDI SANTOSO"
    )
    assert not titled.holder_mismatch


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"bank_name": ""}, "bank_name", "required for a bank transfer"),
        ({"account_number": "12-AB"}, "account_number", "digits only"),
        ({"paid_on": None}, "paid_on", "Enter the date"),
        ({"paid_on": D(2999, 1, 1)}, "paid_on", "future"),
        ({"method": "cek"}, "method", "Choose how"),
        ({"method": PaymentMethod.CASH_AT_EVENT}, "event", "Choose the ceremony"),
        (
            {"proof": SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 not a pdf")},
            "proof",
            "Only PDF, JPG or PNG",
        ),
    ],
)
def test_bad_payment_details_are_refused_by_field(
    english, staff, unit, flat_rate, private_media, kwargs, field, message
):
    payout = approved(retiree(unit), staff)

    with pytest.raises(PayoutError, match=message) as caught:
        pay_by_transfer(payout, staff["bendahara"], **kwargs)

    assert field in caught.value.errors
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and not payout.proof
    assert not [path for path in private_media.rglob("*") if path.is_file()]


def test_cash_at_a_ceremony_and_the_hand_over(english, staff, unit, flat_rate):
    employee = retiree(unit)
    event = EventFactory(organizer=unit)
    payout = approved(employee, staff, event=event)

    with pytest.raises(PayoutError, match="not a participant"):
        services.payout_hand_over(payout=payout, event=event, actor=staff["bendahara"])
    ParticipantFactory(event=event, employee=employee)
    with pytest.raises(PayoutError, match="Only the treasurer"):
        services.payout_hand_over(payout=payout, event=event, actor=staff["pimpinan"])

    paid = services.payout_hand_over(payout=payout, event=event, actor=staff["bendahara"])

    assert (paid.status, paid.method, paid.event) == (PayoutStatus.PAID, PaymentMethod.CASH_AT_EVENT, event)
    assert paid.handed_over_at == paid.paid_at and paid.paid_on == timezone.localdate()
    assert paid.bank_name == "" and not paid.holder_mismatch
    assert PayoutStatusChange.objects.filter(payout=paid).last().note == f"Handed over at {event.title}"
    with pytest.raises(PayoutError, match="Only an approved payout"):
        services.payout_hand_over(payout=paid, event=event, actor=staff["bendahara"])


def test_nothing_is_handed_over_at_a_draft_event(english, staff, unit, flat_rate):
    employee = retiree(unit)
    event = EventFactory(organizer=unit, status=EventStatus.DRAFT)
    ParticipantFactory(event=event, employee=employee)

    with pytest.raises(PayoutError, match="nothing can be handed over"):
        services.payout_hand_over(payout=approved(employee, staff), event=event, actor=staff["bendahara"])


# --- Cancelling and reversing -----------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_frees_the_place_for_a_new_payout(english, staff, unit, flat_rate):
    employee = retiree(unit)
    payout = prepare(employee, staff)
    with pytest.raises(PayoutError, match="Give the reason"):
        services.payout_cancel(payout=payout, actor=staff["operator"], reason="  ")

    cancelled = services.payout_cancel(payout=payout, actor=staff["operator"], reason="Data golongan salah")

    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        PayoutStatus.CANCELLED,
        "Data golongan salah",
        staff["operator"],
    )
    assert timeline(cancelled)[-1] == (PayoutStatus.DRAFT, PayoutStatus.CANCELLED, "operator-bkd")
    assert prepare(employee, staff).status == PayoutStatus.DRAFT
    with pytest.raises(PayoutError, match="cannot be cancelled"):
        services.payout_cancel(payout=cancelled, actor=staff["operator"], reason="lagi")


def test_a_paid_payout_is_only_reversed_by_a_recorded_correction(english, staff, unit, flat_rate):
    employee = retiree(unit)
    paid = pay_by_transfer(approved(employee, staff), staff["bendahara"])

    with pytest.raises(PayoutError, match="can only be reversed"):
        services.payout_cancel(payout=paid, actor=staff["operator"], reason="salah")
    with pytest.raises(PayoutError, match="Only a draft's amount"):
        services.payout_amount_override(payout=paid, actor=staff["operator"], amount="1", reason="salah")
    with pytest.raises(PayoutError, match="may not reverse"):
        services.payout_reverse(payout=paid, actor=staff["bendahara"], reason="salah rekening")
    with pytest.raises(PayoutError, match="Give the reason"):
        services.payout_reverse(payout=paid, actor=staff["pimpinan"], reason="")
    with pytest.raises(PayoutError, match="already has a KORPRI tali asih payout"):
        prepare(employee, staff)

    reversed_ = services.payout_reverse(
        payout=paid, actor=staff["pimpinan"], reason="Ditransfer ke rekening yang salah"
    )

    assert reversed_.status == PayoutStatus.REVERSED and reversed_.reversed_by == staff["pimpinan"]
    assert reversed_.paid_at is not None  # the payment stays on record
    assert timeline(reversed_)[-1] == (PayoutStatus.PAID, PayoutStatus.REVERSED, "pimpinan")
    again = prepare(employee, staff)
    assert again.status == PayoutStatus.DRAFT and Payout.objects.filter(employee=employee).count() == 2
    with pytest.raises(PayoutError, match="Only a paid payout can be reversed"):
        services.payout_reverse(payout=again, actor=staff["pimpinan"], reason="x")


def test_every_step_is_refused_outside_the_scope(english, staff, unit, flat_rate):
    payout = prepare(retiree(unit), staff)
    elsewhere = UnitKerjaFactory()
    verifier = UserFactory(roles=[roles.VERIFIKATOR], units=[elsewhere])
    operator = UserFactory(roles=[roles.OPERATOR], units=[elsewhere])

    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.payout_verify(payout=payout, actor=verifier)
    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.payout_cancel(payout=payout, actor=operator, reason="x")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.DRAFT
