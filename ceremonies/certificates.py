"""The words of a certificate, and what the public verification page may show of a NIP.

Pure functions: no ORM, no settings, no clock. The wording is Indonesian whatever the interface language:
a piagam is an official paper of a regional government, and UU 24/2009 art. 33 requires Bahasa Indonesia
in official communication (as purna/formatting.py keeps month names Indonesian). It is stored on the
certificate as printed, so that a later change of the employee's record does not change a signed paper;
a correction is a re-issue.
"""

import datetime as dt
from dataclasses import dataclass
from string import Formatter

from django.utils.translation import gettext as _

from purna.formatting import tanggal

MASK = "*"
# What an event's own wording (Event.certificate_wording) may name in braces, e.g. "selama {masa_kerja}".
PLACEHOLDERS = ("masa_kerja", "tmt_pensiun", "pemerintah", "acara", "tanggal_acara", "tempat", "penyelenggara")


@dataclass(frozen=True)
class WordingFacts:
    """What the wording needs to know of the recipient and the event."""

    kind: str  # a CertificateKind value
    service_years: int | None
    service_months: int | None
    tmt_pensiun: dt.date | None
    region: str  # "Pemerintah Kabupaten Contoh" or the agency's name
    event_title: str
    event_day: dt.date
    venue: str
    organizer: str


def masa_kerja(years: int | None, months: int | None) -> str:
    """ "35 tahun 2 bulan", "35 tahun", "11 bulan"; "" when unknown."""
    if years is None:
        return ""
    parts = []
    if years:
        parts.append(f"{years} tahun")
    if months:
        parts.append(f"{months} bulan")
    return " ".join(parts) or "0 bulan"


def placeholder_values(facts: WordingFacts) -> dict[str, str]:
    """What each placeholder of an event's own wording stands for, for one recipient."""
    return {
        "masa_kerja": masa_kerja(facts.service_years, facts.service_months),
        "tmt_pensiun": tanggal(facts.tmt_pensiun) if facts.tmt_pensiun else "",
        "pemerintah": facts.region,
        "acara": facts.event_title,
        "tanggal_acara": tanggal(facts.event_day),
        "tempat": facts.venue,
        "penyelenggara": facts.organizer,
    }


def wording_template_errors(template: str) -> list[str]:
    """Why an event's own wording cannot be printed (for the staff who typed it); [] when it can.

    Only the names of PLACEHOLDERS may stand in braces, bare: no attributes, indexes, conversions or
    formats, so that the text can neither fail at printing time nor reach into the objects behind it."""
    try:
        fields = [
            (name, conversion, spec)
            for _text, name, spec, conversion in Formatter().parse(template)
            if name is not None
        ]
    except ValueError:
        return [_("A brace is not closed: write a placeholder as {masa_kerja}, and a brace itself as {{ or }}.")]
    errors = []
    unknown = sorted({name for name, _conversion, _spec in fields if name not in PLACEHOLDERS})
    if unknown:
        errors.append(
            _("Unknown placeholders: %(unknown)s. Those that can be used: %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        )
    if any(conversion or spec for _name, conversion, spec in fields):
        errors.append(_("Write placeholders bare, as {masa_kerja}, without ! or : after the name."))
    return errors


def certificate_wording(facts: WordingFacts, template: str = "") -> str:
    """The sentence below the recipient's name: the event's own wording with its placeholders filled
    (checked by wording_template_errors when it was saved), or the standard one of the kind."""
    if template.strip():
        return template.strip().format_map(placeholder_values(facts))
    if facts.kind == "piagam":
        service = masa_kerja(facts.service_years, facts.service_months)
        text = "atas pengabdian"
        if service:
            text += f" selama {service}"
        text += f" sebagai Aparatur Sipil Negara di lingkungan {facts.region}"
        if facts.tmt_pensiun:
            text += f" dan memasuki masa purna tugas terhitung mulai tanggal {tanggal(facts.tmt_pensiun)}"
        return text + ", dengan harapan dharma bakti yang telah diberikan menjadi teladan bagi generasi penerus."
    if facts.kind == "sertifikat":
        return (
            f"telah mengikuti {facts.event_title} yang diselenggarakan oleh {facts.organizer} "
            f"pada tanggal {tanggal(facts.event_day)} bertempat di {facts.venue}."
        )
    return f"atas partisipasinya dalam {facts.event_title} pada tanggal {tanggal(facts.event_day)}."


def nip_masked(nip: str) -> str:
    """A NIP as the public page shows it: its first four and last three digits, the rest hidden
    ("1986***********001"). The birth date and TMT CPNS it encodes are personal data; the ends are
    enough to match the paper in hand."""
    digits = "".join(ch for ch in nip if ch.isdigit())
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:4] + MASK * (len(digits) - 7) + digits[-3:]
