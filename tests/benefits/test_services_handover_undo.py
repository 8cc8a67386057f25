"""Undoing a hand-over of money at a ceremony (benefits.services.payout_flow.payout_hand_over_undo): by the
Bendahara, with a reason, on the event's day while attendance is open; the payout approved again as it
was, the timeline, the payout's and the participant's history, the kuitansi printed void and valid
again once paid, and the "paid" email not sent after an undo."""

import datetime as dt

import pytest
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import PaymentMethod, Payout, PayoutStatus, Receipt, ReceiptStatus
from benefits.selectors import portal_receipt_get
from benefits.services import payouts as services
from benefits.services import receipts as services_receipts
from ceremonies.models import EventStatus, Participant, ParticipantStatus
from purna import roles
from purna.notifications.models import Message
from tests.benefits.documents_helpers import pdf_text
from tests.benefits.payout_page_fixtures import (
    RP,
    approved,
    flat_rate_fixture,  # noqa: F401 (a fixture)
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory


@pytest.fixture
def no_render(monkeypatch):
    """The receipt's render is run by the test itself, not handed to a broker after the commit."""
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)


@pytest.fixture
def handed(staff, unit, flat_rate, no_render, private_media):
    """A tali asih payout prepared for the event, approved and handed over to a participant checked in."""
    event = EventFactory(organizer=unit)
    employee = retiree(unit, email="ahmad.yani@example.id")
    participant = ParticipantFactory(
        event=event, employee=employee, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now()
    )
    payout = approved(employee, staff, event=event)
    paid = services.payout_hand_over(payout=payout, event=event, actor=staff["bendahara"])
    return {"event": event, "payout": paid, "participant": participant}


def test_the_undo_makes_the_payout_approved_again_as_it_was_before(handed, staff):
    payout = Payout.objects.get(pk=handed["payout"].pk)
    assert payout.status == PayoutStatus.PAID and payout.handed_over_at is not None

    undone = services.payout_hand_over_undo(
        payout=payout, event=handed["event"], actor=staff["bendahara"], reason="  salah   orang "
    )

    stored = Payout.objects.get(pk=undone.pk)
    assert stored.status == PayoutStatus.APPROVED
    # The ceremony it was prepared for stays; no payment is left on it.
    assert stored.event_id == handed["event"].pk
    assert (stored.method, stored.paid_on, stored.paid_at, stored.paid_by, stored.handed_over_at) == (
        "",
        None,
        None,
        None,
        None,
    )
    change = stored.status_changes.last()
    assert (change.from_status, change.to_status, change.actor) == (
        PayoutStatus.PAID,
        PayoutStatus.APPROVED,
        staff["bendahara"],
    )
    assert "salah orang" in change.note and change.amount == RP("20000000")
    latest = stored.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (staff["bendahara"], "hand-over undone: salah orang")
    participant = Participant.objects.get(pk=handed["participant"].pk)
    noted = participant.history.latest()
    assert noted.history_user == staff["bendahara"]
    assert noted.history_change_reason.startswith("hand-over undone")
    assert "Rp 20.000.000" in noted.history_change_reason and "salah orang" in noted.history_change_reason
    # The attendance itself is untouched.
    assert participant.status == ParticipantStatus.ATTENDED

    # And it can be handed over again.
    again = services.payout_hand_over(payout=stored, event=handed["event"], actor=staff["bendahara"])
    assert again.status == PayoutStatus.PAID


def test_a_payout_prepared_without_a_ceremony_loses_the_ceremony_of_the_hand_over(staff, unit, flat_rate, no_render):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee)
    payout = services.payout_hand_over(payout=approved(employee, staff), event=event, actor=staff["bendahara"])

    undone = services.payout_hand_over_undo(payout=payout, event=event, actor=staff["bendahara"], reason="keliru")

    assert (undone.status, undone.event_id, undone.method) == (PayoutStatus.APPROVED, None, "")


def test_a_second_undo_and_a_payout_paid_otherwise_are_refused(handed, staff, unit, flat_rate, english):
    services.payout_hand_over_undo(
        payout=handed["payout"], event=handed["event"], actor=staff["bendahara"], reason="salah orang"
    )
    changes = Payout.objects.get(pk=handed["payout"].pk).status_changes.count()

    with pytest.raises(PayoutError, match="Only a payout handed over"):
        services.payout_hand_over_undo(
            payout=handed["payout"], event=handed["event"], actor=staff["bendahara"], reason="lagi"
        )
    assert Payout.objects.get(pk=handed["payout"].pk).status_changes.count() == changes

    # Paid by transfer: not a hand-over, nothing to undo here.
    other = retiree(unit, name="Siti Rahayu")
    ParticipantFactory(event=handed["event"], employee=other)
    transferred = services.payout_pay(
        payout=approved(other, staff),
        actor=staff["bendahara"],
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=timezone.localdate(),
        bank_name="Bank Jateng",
        account_number="1234567890",
        account_holder="Siti Rahayu",
    )
    with pytest.raises(PayoutError, match="not handed over at this event"):
        services.payout_hand_over_undo(
            payout=transferred, event=handed["event"], actor=staff["bendahara"], reason="keliru"
        )
    assert Payout.objects.get(pk=transferred.pk).status == PayoutStatus.PAID


def test_the_undo_needs_the_treasurer_a_reason_and_the_event_day(handed, staff, english):
    payout, event = handed["payout"], handed["event"]

    for actor in (staff["operator"], staff["pimpinan"], None):
        with pytest.raises(PayoutError, match="Only the treasurer"):
            services.payout_hand_over_undo(payout=payout, event=event, actor=actor, reason="keliru")
    with pytest.raises(PayoutError) as refused:
        services.payout_hand_over_undo(payout=payout, event=event, actor=staff["bendahara"], reason="   ")
    assert "reason" in refused.value.errors
    after_the_day = event.ends_at + dt.timedelta(days=1)
    with pytest.raises(PayoutError, match="only be undone on the day"):
        services.payout_hand_over_undo(
            payout=payout, event=event, actor=staff["bendahara"], reason="keliru", now=after_the_day
        )
    event.status = EventStatus.CLOSED
    event.save(update_fields=["status"])
    with pytest.raises(PayoutError, match="only be undone on the day"):
        services.payout_hand_over_undo(payout=payout, event=event, actor=staff["bendahara"], reason="keliru")
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID


def test_a_treasurer_of_another_unit_cannot_undo(handed, english):
    outsider = UserFactory(roles=[roles.BENDAHARA], units=[UnitKerjaFactory(code="DISDIK")])

    with pytest.raises(PayoutError):
        services.payout_hand_over_undo(payout=handed["payout"], event=handed["event"], actor=outsider, reason="keliru")

    assert Payout.objects.get(pk=handed["payout"].pk).status == PayoutStatus.PAID


def test_the_receipt_is_printed_void_and_stands_again_once_handed_over_again(handed, staff, tmp_path):
    receipt = Receipt.objects.get(payout=handed["payout"])
    services_receipts.receipt_render(receipt_id=receipt.pk)
    number = receipt.number

    services.payout_hand_over_undo(
        payout=handed["payout"], event=handed["event"], actor=staff["bendahara"], reason="uang belum diterima"
    )

    void = Receipt.objects.get(pk=receipt.pk)
    assert void.is_void and void.void_reason == "uang belum diterima"
    assert (void.status, void.number) == (ReceiptStatus.PENDING, number)
    assert void.history.latest().history_change_reason == "void: uang belum diterima"
    services_receipts.receipt_render(receipt_id=receipt.pk)
    void.refresh_from_db()
    text = " ".join(pdf_text(void.file.read(), tmp_path).split())
    assert "DIBATALKAN" in text and "uang belum diterima" in text and "tidak berlaku" in text
    # The void paper is the agency's record: it is not mailed to the retiree as a receipt.
    assert Message.objects.filter(occasion=f"payout-{handed['payout'].pk}-receipt").count() == 1
    # ... nor offered on the portal.
    with pytest.raises(Receipt.DoesNotExist):
        portal_receipt_get(pk=receipt.pk, employee=handed["payout"].employee)

    services.payout_hand_over(payout=handed["payout"], event=handed["event"], actor=staff["bendahara"])

    valid = Receipt.objects.get(pk=receipt.pk)
    assert (valid.is_void, valid.void_reason, valid.number) == (False, "", number)
    services_receipts.receipt_render(receipt_id=receipt.pk)
    valid.refresh_from_db()
    assert "DIBATALKAN" not in pdf_text(valid.file.read(), tmp_path, "again.pdf")


def test_the_paid_email_still_waiting_is_cancelled_by_the_undo(handed, staff, english):
    from purna.notifications.registry import kind_get

    message = Message.objects.get(occasion=f"payout-{handed['payout'].pk}-paid")

    services.payout_hand_over_undo(
        payout=handed["payout"], event=handed["event"], actor=staff["bendahara"], reason="salah orang"
    )

    reasons = kind_get(message.kind).still_due([message])
    assert "Approved" in reasons[message.pk]


def test_the_participants_history_shows_the_hand_over_and_its_undo(handed, staff):
    participant = Participant.objects.get(pk=handed["participant"].pk)
    handed_over = participant.history.latest()
    assert handed_over.history_user == staff["bendahara"]
    assert handed_over.history_change_reason == "hand-over (Tali asih KORPRI Rp 20.000.000)"

    services.payout_hand_over_undo(
        payout=handed["payout"], event=handed["event"], actor=staff["bendahara"], reason="salah orang"
    )

    reasons = [row.history_change_reason for row in participant.history.order_by("history_id")]
    assert reasons[-2:] == [handed_over.history_change_reason, reasons[-1]]
    assert reasons[-1].startswith("hand-over undone") and "salah orang" in reasons[-1]


def test_a_hand_over_to_a_representative_names_them_in_the_participants_history(staff, unit, flat_rate, no_render):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    participant = ParticipantFactory(event=event, employee=employee)

    services.payout_hand_over(
        payout=approved(employee, staff), event=event, actor=staff["bendahara"], note="Diserahkan kepada wakil  Siti"
    )

    noted = Participant.objects.get(pk=participant.pk).history.latest()
    assert noted.history_change_reason.startswith("hand-over (")
    assert noted.history_change_reason.endswith("): Diserahkan kepada wakil Siti")
