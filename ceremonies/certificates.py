"""The words of a certificate, and what the public verification page may show of a NIP.

Pure functions: no ORM, no settings, no clock. The wording is Indonesian whatever the interface language:
a piagam is an official paper of a regional government, and UU 24/2009 art. 33 requires Bahasa Indonesia
in official communication (as purna/formatting.py keeps month names Indonesian). It is stored on the
certificate as printed, so that a later change of the employee's record does not change a signed paper;
a correction is a re-issue.
"""

import datetime as dt
from dataclasses import dataclass

from purna.formatting import tanggal

MASK = "*"


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


def certificate_wording(facts: WordingFacts) -> str:
    """The sentence below the recipient's name, by kind of certificate."""
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
