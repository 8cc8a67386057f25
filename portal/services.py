"""The portal's one write path: a retiree asks for a sign-in link, and it goes out through the outbox.

The link itself is made when the email is sent (portal/notifications.py), so it lives
PURNA_PORTAL_LINK_MINUTES from then and is never stored: the queued message holds nothing secret, and
the outbox keeps a copy of the email with the link blanked out.

What the person typed never tells them whether it matched anyone (the page says the same either way),
so the form cannot be used to find out who is in the register. At most PURNA_PORTAL_LINKS_PER_HOUR links
an hour go to one person, whoever asks.
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from employees.selectors import employees_for_sign_in
from employees.services.accounts import employee_portal_account_ensure
from purna.notifications.models import Message
from purna.notifications.registry import recipient_key
from purna.notifications.services import message_queue
from purna.roles import holds_staff_powers

logger = logging.getLogger(__name__)

KIND = "portal.sign_in"


def sign_in_link_request(*, email: str = "", nip: str = "", now: dt.datetime | None = None) -> int:
    """Queue a sign-in link to each employee (at most three) with this email or NIP; return how many.

    An employee without an email on record, or deceased, gets nothing; nor does one whose portal
    account holds staff powers (staff sign in with their password), nor one who already received
    PURNA_PORTAL_LINKS_PER_HOUR links in the past hour.
    """
    now = now or timezone.now()
    queued = 0
    for employee in employees_for_sign_in(email=email, nip=nip):
        with transaction.atomic():
            user = employee_portal_account_ensure(employee=employee)
            key = recipient_key("employee", employee.pk)
            if holds_staff_powers(user):
                logger.warning("Portal link refused for employee %s: the account holds staff powers", employee.pk)
                continue
            recent = Message.objects.filter(kind=KIND, recipient_key=key, created_at__gte=now - dt.timedelta(hours=1))
            if recent.count() >= settings.PURNA_PORTAL_LINKS_PER_HOUR:
                logger.info("Portal link not sent to employee %s: hourly limit reached", employee.pk)
                continue
            message_queue(
                kind=KIND,
                recipient_key=key,
                occasion=f"sign-in:{uuid.uuid4().hex}",
                to_email=employee.email,
                to_name=employee.display_name,
                about=employee,
            )
            queued += 1
    return queued
