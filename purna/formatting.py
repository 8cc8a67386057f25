"""Indonesian formats for dates, Rupiah amounts and amounts in words (DESIGN.md, Formats).

Pure functions: no settings, no clock. Month names are fixed Indonesian words because official
documents are always written in Indonesian, whatever language the interface is set to.
"""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

MONTHS = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
]  # fmt: skip
EN_DASH = "\u2013"  # between the ends of a span ("Desember 2026 \u2013 Maret 2027")
DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]


def tanggal(value: dt.date | None, with_day: bool = False) -> str:
    """ "21 Oktober 2025" (or "Selasa, 21 Oktober 2025"); empty for None."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]}, {text}" if with_day else text


def bulan_tahun(value: dt.date | None) -> str:
    """ "Oktober 2025"."""
    return "" if value is None else f"{MONTHS[value.month - 1]} {value.year}"


def rentang_bulan(first: dt.date | None, last: dt.date | None) -> str:
    """A span of whole months: "Desember 2026 - Maret 2027" (with an en dash); one month alone as
    "Desember 2026"."""
    if first is None or last is None:
        return bulan_tahun(first or last)
    if (first.year, first.month) == (last.year, last.month):
        return bulan_tahun(first)
    return f"{bulan_tahun(first)} {EN_DASH} {bulan_tahun(last)}"


def rupiah(amount: Decimal | int | None, cents: bool = False) -> str:
    """ "Rp 20.000.000" (thousands with dots, decimals with a comma when asked); negative as "-Rp 5.000"."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    rounded = abs(amount).quantize(Decimal("0.01") if cents else Decimal("1"), rounding=ROUND_HALF_UP)
    # The sign is taken after rounding: -0.40 is "Rp 0", not "-Rp 0".
    sign = "-" if amount < 0 and rounded else ""
    whole, _, fraction = f"{rounded:f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}Rp {grouped}" + (f",{fraction}" if cents else "")


# num2words says "satu juta satu ribu" where Indonesian says "satu juta seribu": a thousands group of
# exactly one is "seribu" whether or not a larger scale precedes it.
_SATU_RIBU = re.compile(r"(^|(?:juta|miliar|triliun) )satu ribu\b")


def terbilang(amount: Decimal | int, currency: str = "rupiah") -> str:
    """Whole amount in Indonesian words: 20000000 -> "dua puluh juta rupiah".

    Cents are rounded half up to a whole rupiah, as rupiah() shows the amount without cents.
    """
    number = int(Decimal(amount).to_integral_value(rounding=ROUND_HALF_UP))
    if number < 0:
        return f"minus {terbilang(-number, currency)}"
    words = _SATU_RIBU.sub(r"\1seribu", num2words(number, lang="id"))
    return f"{words} {currency}".strip()


# Indonesia's three time zones as written after a time ("08.00 WIB"); other zones show their own name.
ZONES = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Ujung_Pandang": "WITA",
    "Asia/Jayapura": "WIT",
}


def zona_waktu(zone_name: str) -> str:
    """ "WIB", "WITA" or "WIT" for an IANA zone name ("Asia/Makassar" -> "WITA"); other names as given."""
    return ZONES.get(zone_name, zone_name)


def jam(value: dt.time | dt.datetime) -> str:
    """ "08.00": hours and minutes with a dot, as Indonesian documents write times."""
    return f"{value.hour:02d}.{value.minute:02d}"


def jam_zona(value: dt.datetime) -> str:
    """ "09.00 WIB": the time of an aware datetime in its own zone, with the zone's Indonesian name."""
    return f"{jam(value)} {zona_waktu(getattr(value.tzinfo, 'key', '') or value.strftime('%Z'))}".strip()


def kalimat(text: str) -> str:
    """A sentence that ends with a name written with its degree ("..., S.E.") keeps one stop, not two."""
    return re.sub(r"(?<!\.)\.\.$", ".", text)
