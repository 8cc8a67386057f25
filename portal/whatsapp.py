"""WhatsApp-ready messages for a person or a list: the text (purna/notifications/whatsapp.py), the
person's own link in it, and the wa.me link to the number employees/contact.py chooses (the personal
phone once they have left the office). A number that cannot be read is reported, not linked.

Four messages: an event's invitation (with the one-tap RSVP link), the portal sign-in link (made now:
one use, PURNA_PORTAL_LINK_MINUTES), "certificate ready" (the certificate's verification page, from
which it is checked, and the portal, where it is downloaded), and the reminder to rate a training (the
participant's own link to the form, as in the reminder email).
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from ceremonies.certificate_pdf import verification_url
from ceremonies.feedback import feedback_closes_at
from ceremonies.models import Certificate, Participant
from ceremonies.services.certificates import READY_KIND
from ceremonies.services.feedback import REMINDER_KIND as FEEDBACK_REMINDER_KIND
from ceremonies.services.feedback import feedback_path
from ceremonies.services.invitations import KIND as INVITATION_KIND
from ceremonies.services.invitations import event_when_local, rsvp_path
from employees.contact import employee_contact
from employees.models import Employee
from portal.notifications import SCOPE
from portal.services import KIND as SIGN_IN_KIND
from purna.formatting import tanggal
from purna.notifications.registry import REDACTED
from purna.notifications.rendering import site_url
from purna.notifications.whatsapp import (
    Phone,
    certificate_ready_text,
    feedback_reminder_text,
    invitation_text,
    phone_normalise,
    sign_in_text,
    wa_me_link,
)


class What(StrEnum):
    INVITATION = "undangan"
    SIGN_IN = "masuk"
    CERTIFICATE = "piagam"
    FEEDBACK = "penilaian"


OUTBOX_KIND = {
    What.INVITATION: INVITATION_KIND,
    What.SIGN_IN: SIGN_IN_KIND,
    What.CERTIFICATE: READY_KIND,
    What.FEEDBACK: FEEDBACK_REMINDER_KIND,
}


@dataclass(frozen=True)
class WhatsAppLine:
    """One person's message: their name, the number (or why none), the text and its wa.me link."""

    employee: Employee
    phone: Phone
    text: str
    link: str  # "" when the number is invalid
    personal_url: str
    about: object
    secret: bool = False  # the personal link is a key (sign-in): kept blanked in the outbox

    @property
    def text_for_outbox(self) -> str:
        # As for emails (registry.Kind.secret): the outbox's copy of a sign-in link has it blanked; an
        # RSVP or certificate link only answers an invitation or shows a public page, and is kept.
        return self.text.replace(self.personal_url, REDACTED) if self.secret else self.text


def _line(
    employee: Employee, text: str, personal_url: str, about: object, today: dt.date, *, secret: bool = False
) -> WhatsAppLine:
    phone = phone_normalise(employee_contact(employee, today=today).phone)
    link = wa_me_link(phone.number, text) if phone.valid else ""
    return WhatsAppLine(employee, phone, text, link, personal_url, about, secret)


def invitation_line(participant: Participant, *, today: dt.date) -> WhatsAppLine:
    employee = participant.employee
    url = site_url(rsvp_path(participant))
    event = participant.event
    text = invitation_text(
        name=employee.display_name,
        event_title=event.title,
        when=event_when_local(event),
        place=event.venue,
        rsvp_url=url,
    )
    return _line(employee, text, url, participant, today)


def sign_in_line(employee: Employee, *, today: dt.date) -> WhatsAppLine:
    """The portal sign-in link, made now (the employee needs a portal account: user set)."""
    url = site_url(reverse("portal:sign_in_link")) + get_query_string(employee.user, scope=SCOPE)
    hours = max(1, settings.PURNA_PORTAL_LINK_MINUTES // 60)
    text = sign_in_text(name=employee.display_name, sign_in_url=url, hours=hours)
    return _line(employee, text, url, employee, today, secret=True)


def certificate_line(certificate: Certificate, *, today: dt.date) -> WhatsAppLine:
    employee = certificate.participant.employee
    url = verification_url(certificate.verification_code)
    return _line(
        employee,
        certificate_ready_text(
            name=employee.display_name, certificate_url=url, portal_url=site_url(reverse("portal:home"))
        ),
        url,
        certificate,
        today,
    )


def feedback_line(participant: Participant, *, today: dt.date) -> WhatsAppLine:
    """The reminder to rate a training, with the participant's own link to the form (as the email's)."""
    employee = participant.employee
    event = participant.event
    url = site_url(feedback_path(participant))
    until = tanggal(timezone.localtime(feedback_closes_at(event.ends_at, settings.PURNA_FEEDBACK_DAYS)).date())
    text = feedback_reminder_text(name=employee.display_name, event_title=event.title, feedback_url=url, until=until)
    return _line(employee, text, url, participant, today)


def copy_all_text(lines: list[WhatsAppLine]) -> str:
    """The list as one text to paste (into a group or a note): each person, their number and link."""
    blocks = [
        f"{line.employee.display_name} ({line.phone.number or '-'}): {line.link or line.personal_url}" for line in lines
    ]
    return "\n".join(blocks)
