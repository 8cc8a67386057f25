"""Turning a message into an email: the kind's templates, the agency's name, the footer, Indonesian.

Templates come in threes per kind: `<prefix>_subject.txt`, `<prefix>_body.txt` and `<prefix>_body.html`;
the bodies extend notifications/emails/base_body.txt|html, which carry the agency's name and the footer
saying why the person receives the email (each kind fills its `reason` block). Emails are written in
the language of PURNA_EMAIL_LANGUAGE (Indonesian), whatever language the sending process runs in.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from purna.models import Instansi


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Sender:
    """The agency as it appears on an email: its name, the From address and where replies go."""

    name: str
    short_name: str
    address: str
    phone: str
    email: str
    from_email: str

    @property
    def reply_to(self) -> list[str]:
        return [self.email] if self.email else []


def sender_load() -> Sender:
    """The agency (Instansi row, or PURNA_INSTANSI_NAME) and the From header: "<agency> <purna@...>". One query."""
    instansi = Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return Sender(
        name=instansi.name,
        short_name=instansi.short_name or instansi.name,
        address=instansi.address,
        phone=instansi.phone,
        email=instansi.email,
        from_email=formataddr((instansi.name, address)) if address else settings.DEFAULT_FROM_EMAIL,
    )


def site_url(path: str) -> str:
    """An absolute link for an email (PURNA_SITE_URL + path); the bare path when the setting is empty."""
    return f"{settings.PURNA_SITE_URL.rstrip('/')}{path}"


def email_language() -> str:
    return settings.PURNA_EMAIL_LANGUAGE


def render(template_prefix: str, context: Mapping[str, Any]) -> Rendered:
    """The subject (one line), plain text and HTML of a kind's templates with `context`."""
    with translation.override(email_language()):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}_body.txt", context)
        html = render_to_string(f"{template_prefix}_body.html", context)
    # A header is one line: newlines in a subject would be refused (or worse, injected as headers).
    subject = " ".join(subject.split())
    text = "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"
    return Rendered(subject=subject, text=_squeeze_blank_lines(text), html=html)


def _squeeze_blank_lines(text: str) -> str:
    # Template tags leave blank lines behind; a plain-text email reads better with at most one in a row.
    out: list[str] = []
    for line in text.split("\n"):
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out)
