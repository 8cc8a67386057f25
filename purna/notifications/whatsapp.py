"""WhatsApp-ready messages without a gateway: a `https://wa.me/<number>?text=<text>` link that staff open
or copy, so the message goes from their own phone.

wa.me wants the number in international form, digits only, without "+" or leading zeros. Indonesian
numbers are written many ways ("0812-3456-7890", "+62 812 3456 7890", "62812...", "812..."); this module
is the one place that turns them into "62812...", and says why when it cannot. Indonesian mobile numbers
(08xx) have 10 to 13 digits in national form; landlines (0542-...) are not on WhatsApp as a rule but are
accepted when they have a plausible length, since some offices use WhatsApp Business on them.

Pure: no ORM, no settings, no clock.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

COUNTRY_CODE = "62"
# National significant number (after the 0 or 62): 8 to 12 digits (e.g. 812345678 .. 812345678901).
MIN_NATIONAL_DIGITS = 8
MAX_NATIONAL_DIGITS = 12
_ALLOWED = re.compile(r"^[+\d\s().\-/]+$")


@dataclass(frozen=True)
class Phone:
    """A number as typed, and either its international form ("6281234567890") or why there is none."""

    raw: str
    number: str  # "" when invalid
    problem: str  # "" when valid; otherwise a short reason (English; the caller translates)

    @property
    def valid(self) -> bool:
        return bool(self.number)


def phone_normalise(raw: str) -> Phone:
    """The Indonesian international form of `raw`: "08xx" -> "628xx", "+62"/"62" kept, "8xx" -> "628xx";
    spaces, dashes, dots, brackets and slashes dropped. Anything else (letters, another country's
    code, too short or too long) is reported, never guessed."""
    text = (raw or "").strip()
    if not text:
        return Phone(raw, "", "no number")
    if not _ALLOWED.match(text):
        return Phone(raw, "", "not a phone number")
    if "+" in text[1:] or (text.startswith("+") and not text[1:].lstrip().startswith(COUNTRY_CODE)):
        return Phone(raw, "", "not an Indonesian number")
    digits = re.sub(r"\D", "", text)
    if not digits:
        return Phone(raw, "", "no number")  # "-" typed for "none"
    if digits.startswith("0062"):
        national = digits[4:]
    elif digits.startswith(COUNTRY_CODE):
        national = digits[2:]
    elif digits.startswith("0"):
        national = digits[1:]
    elif digits.startswith("8"):
        national = digits
    else:
        return Phone(raw, "", "not an Indonesian number")
    if national.startswith("0") and digits.startswith(("62", "0062")):
        national = national[1:]  # "+62 (0)812...": the national 0 written after the country code
    if national.startswith("0"):
        return Phone(raw, "", "not a phone number")
    if len(national) < MIN_NATIONAL_DIGITS:
        return Phone(raw, "", "too short")
    if len(national) > MAX_NATIONAL_DIGITS:
        return Phone(raw, "", "too long")
    return Phone(raw, COUNTRY_CODE + national, "")


def wa_me_link(number: str, text: str) -> str:
    """The wa.me link that opens a chat with `number` (international form) with `text` typed in."""
    return f"https://wa.me/{number}?text={quote(text, safe='')}"


# --- The texts: fixed Indonesian wording, the person addressed as "Bapak/Ibu" ---------------------------


def invitation_text(*, name: str, event_title: str, when: str, place: str, rsvp_url: str) -> str:
    """The invitation to an event, with the person's one-tap RSVP link."""
    return (
        f"Yth. Bapak/Ibu {name},\n\n"
        f"Dengan hormat, Bapak/Ibu kami undang untuk menghadiri {event_title} pada {when}"
        + (f" di {place}" if place else "")
        + ".\n\n"
        f"Mohon konfirmasi kehadiran Bapak/Ibu melalui tautan berikut:\n{rsvp_url}\n\n"
        "Terima kasih.\nBKPSDM"
    )


def sign_in_text(*, name: str, sign_in_url: str, hours: int) -> str:
    """The portal sign-in link (one use, limited time)."""
    return (
        f"Yth. Bapak/Ibu {name},\n\n"
        "Berikut tautan untuk masuk ke Portal Purna Tugas. Tautan ini hanya dapat dipakai satu kali "
        f"dan berlaku {hours} jam:\n{sign_in_url}\n\n"
        "Mohon tidak meneruskan pesan ini kepada orang lain.\n\nTerima kasih.\nBKPSDM"
    )


def certificate_ready_text(*, name: str, certificate_url: str, portal_url: str) -> str:
    """ "Certificate ready", with the link to verify it and the portal, where it is downloaded."""
    return (
        f"Yth. Bapak/Ibu {name},\n\n"
        "Piagam penghargaan Bapak/Ibu telah terbit. Keasliannya dapat diperiksa melalui tautan berikut:\n"
        f"{certificate_url}\n\n"
        f"Piagam dapat diunduh di Portal Purna Tugas:\n{portal_url}\n\n"
        "Terima kasih.\nBKPSDM"
    )


def feedback_reminder_text(*, name: str, event_title: str, feedback_url: str, until: str) -> str:
    """The reminder to rate a training, with the person's own link to the form."""
    return (
        f"Yth. Bapak/Ibu {name},\n\n"
        f"Terima kasih telah mengikuti {event_title}. Mohon Bapak/Ibu berkenan memberi penilaian atas materi "
        f"dan narasumbernya melalui tautan berikut (sampai {until}):\n{feedback_url}\n\n"
        "Penilaian Bapak/Ibu membantu kami menyiapkan pelatihan berikutnya.\n\nTerima kasih.\nBKPSDM"
    )


def code_text(*, name: str, code: str, nip: str, url: str, until: str, deceased: str = "") -> str:
    """A one-time sign-in code sent to a retiree without email (or to an heir: `deceased` names the
    employee who died, whose NIP the heir types)."""
    whose = f"NIP {deceased}" if deceased else "NIP/NI PPPK"
    return (
        f"Yth. Bapak/Ibu {name},\n\n"
        f"Kode masuk Portal Purna Tugas untuk Bapak/Ibu: {code}\n"
        f"Buka {url} lalu isi {whose} ({nip}) dan kode tersebut. "
        f"Kode hanya dapat dipakai satu kali dan berlaku sampai {until}.\n\n"
        "Mohon tidak memberitahukan kode ini kepada orang lain.\n\nTerima kasih.\nBKPSDM"
    )
