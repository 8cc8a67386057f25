"""Payout emails reach a retiree at their personal address (employees/contact.py), the office's only as
a fallback; through the outbox to the SMTP sink."""

import pytest
from django.core import mail

from benefits import notifications
from benefits.services import payouts as services
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message
from tests.benefits.test_notifications import _pay, _prepare, retiree, setup, staff, unit  # noqa: F401


@pytest.mark.parametrize(
    ("personal_email", "expected"), [("ahmad.yani.pribadi@gmail.com", "ahmad.yani.pribadi@gmail.com"), ("", None)]
)
def test_the_payment_email_goes_to_the_personal_address_with_the_office_as_fallback(
    retiree,  # noqa: F811
    staff,  # noqa: F811
    personal_email,
    expected,
):
    # Retired on 1 July 2025 (the TMT has passed): the office mailbox is no longer read.
    retiree.personal_email = personal_email
    retiree.save()
    payout = _prepare(retiree, staff)
    services.payout_verify(payout=payout, actor=staff["verifikator"])
    services.payout_approve(payout=payout, actor=staff["pimpinan"])
    _pay(payout, staff)

    address = expected or "ahmad.yani@example.id"
    [message] = Message.objects.filter(kind=notifications.PAID)
    assert message.to_email == address
    messages_send()
    [email] = [m for m in mail.outbox if m.subject.startswith("Your KORPRI tali asih")]
    assert email.to == [f'"Drs. H. Ahmad Yani, M.Si." <{address}>']
