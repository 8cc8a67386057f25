"""The portal's one write path: a retiree asks for a sign-in link, and it goes out through the outbox;
and the one place that decides where a person stands (before, at or after their TMT, or deceased), which
every portal text follows.

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
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.contact import employee_contact
from employees.models import Spouse
from employees.selectors import employees_for_sign_in, heirs_for_sign_in
from employees.services.accounts import employee_portal_account_ensure, heir_portal_account_ensure
from purna.formatting import tanggal
from purna.notifications.models import Message
from purna.notifications.registry import recipient_key
from purna.notifications.services import message_queue
from purna.roles import holds_staff_powers

logger = logging.getLogger(__name__)

KIND = "portal.sign_in"
HEIR_KIND = "portal.heir_sign_in"


def heir_recipient_key(heir) -> str:
    """An heir's messages are keyed by who they are ("spouse:12", "child:5"); they are about the deceased
    employee."""
    return recipient_key("spouse" if isinstance(heir, Spouse) else "child", heir.pk)


def _under_hourly_limit(*, kind: str, key: str, now: dt.datetime) -> bool:
    recent = Message.objects.filter(kind=kind, recipient_key=key, created_at__gte=now - dt.timedelta(hours=1))
    return recent.count() < settings.PURNA_PORTAL_LINKS_PER_HOUR


def sign_in_link_request(*, email: str = "", nip: str = "", now: dt.datetime | None = None) -> int:
    """Queue a sign-in link to each employee (at most three) with this email or NIP, and to each heir
    of a deceased employee with this email (their own, on the family register); return how many.

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
            if not _under_hourly_limit(kind=KIND, key=key, now=now):
                logger.info("Portal link not sent to employee %s: hourly limit reached", employee.pk)
                continue
            message_queue(
                kind=KIND,
                recipient_key=key,
                occasion=f"sign-in:{uuid.uuid4().hex}",
                to_email=employee_contact(employee, today=timezone.localdate(now)).email,
                to_name=employee.display_name,
                about=employee,
            )
            queued += 1
    if email:
        queued += _heir_links_request(email=email, now=now)
    return queued


def _heir_links_request(*, email: str, now: dt.datetime) -> int:
    """Queue a sign-in link to each heir with this email: a spouse or child of an employee who died
    (employees.selectors.heirs_for_sign_in), under the same hourly limit. The message is about the
    deceased employee (the outbox shows it with their record), addressed to the heir."""
    queued = 0
    for heir in heirs_for_sign_in(email=email):
        with transaction.atomic():
            user = heir_portal_account_ensure(heir=heir)
            key = heir_recipient_key(heir)
            if holds_staff_powers(user):
                logger.warning("Portal link refused for heir %s: the account holds staff powers", key)
                continue
            if not _under_hourly_limit(kind=HEIR_KIND, key=key, now=now):
                logger.info("Portal link not sent to heir %s: hourly limit reached", key)
                continue
            message_queue(
                kind=HEIR_KIND,
                recipient_key=key,
                occasion=f"sign-in:{uuid.uuid4().hex}",
                to_email=heir.email,
                to_name=heir.name,
                about=heir.employee,
            )
            queued += 1
    return queued


# --- Where the person stands -------------------------------------------------------------------------


class Situation(StrEnum):
    """Where a person stands against their TMT pensiun; every portal text follows it."""

    UNKNOWN = "unknown"  # no TMT on record yet
    BEFORE = "before"  # the TMT is still ahead
    AT = "at"  # the month that starts with the TMT (a TMT is always the first day of a month)
    AFTER = "after"  # retired: the TMT month is over
    DECEASED = "deceased"  # the texts speak to the family and heirs


def retirement_situation(*, tmt: dt.date | None, today: dt.date, deceased: bool = False) -> Situation:
    """Where a person stands on `today`: deceased first, then by the TMT pensiun (the first of a month)."""
    if deceased:
        return Situation.DECEASED
    if tmt is None:
        return Situation.UNKNOWN
    if today < tmt:
        return Situation.BEFORE
    if (today.year, today.month) == (tmt.year, tmt.month):
        return Situation.AT
    return Situation.AFTER


@dataclass(frozen=True)
class SituationTexts:
    """The portal's words for one situation: a line under the TMT, and what the benefits card says
    while nothing is recorded yet. The person is addressed as "Bapak/Ibu" (in the Indonesian catalog)."""

    situation: Situation
    status: str
    benefits_empty: str


def situation_texts(situation: Situation, tmt: dt.date | None) -> SituationTexts:
    day = tanggal(tmt) if tmt else ""
    if situation == Situation.DECEASED:
        status = _("Recorded as deceased. This page is kept for the family and the heirs.")
        empty = _("Nothing yet: BKPSDM prepares what is due for the heirs.")
    elif situation == Situation.BEFORE:
        status = _("You retire on %(date)s.") % {"date": day}
        empty = _("Nothing yet: BKPSDM prepares them ahead of your retirement date.")
    elif situation == Situation.AT:
        status = _("You retire this month, on %(date)s.") % {"date": day}
        empty = _("Nothing yet: BKPSDM is preparing them now; you will be told when they are ready.")
    elif situation == Situation.AFTER:
        status = _("You have been retired since %(date)s.") % {"date": day}
        empty = _(
            "Nothing recorded yet: BKPSDM prepares them after your retirement date; if you have had no news, please contact BKPSDM."
        )
    else:
        status = ""
        empty = _("Nothing yet: BKPSDM prepares them once your retirement date is set.")
    return SituationTexts(situation, status, empty)
