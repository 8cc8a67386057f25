"""KORPRI tali asih: which rate applies to a retiree, and how much it gives; rupiah amounts typed by people.

Tali asih is paid from KORPRI members' dues; each KORPRI branch sets it by a decision of its board
(Keputusan Dewan Pengurus KORPRI kabupaten/kota/provinsi), so the amounts live in a table with dates and
decision numbers (TaliAsihRate rows, handed in here as `Rate`). The schemes seen in real decisions
(DESIGN.md, "KORPRI tali asih"):

- flat: Batang Rp 1.250.000; Lampung and Sumatera Selatan Rp 2.000.000;
- by cohort and kind: Banjarnegara, retirees of 2024 Rp 2.500.000, retired PPPK Rp 500.000, death
  Rp 3.500.000 (a rate restricted to a retirement kind or an ASN type, valid for a period);
- by years of service, in slabs, written as the decisions write them: "5-10 tahun" Rp 1.000.000,
  "11-15 tahun", "16-20 tahun", "lebih dari 20 tahun" Rp 2.000.000, whole years with both ends
  included, so exactly 10 years is in the 5-10 slab and 11 years in the 11-15 one. A slab is stored
  as min_years <= masa kerja < max_years ("5-10 tahun" is min_years 5, max_years 11; "lebih dari 20
  tahun" is min_years 21 and no max_years): `upper_end` and `Band.last_year` convert, nothing else;
  a table must leave no year between its first and its last slab uncovered (`bands_check`);
- by golongan group: I, II, III, IV for PNS, and PPPK as a group of its own (PPPK golongan are Roman
  numerals I-XVII and are never mapped to PNS groups);
- per year of membership (= full years of service), optionally capped.

The rate in force is the one valid on the TMT pensiun; a rate restricted to the retirement kind beats
one restricted to the ASN type, which beats a general one; among equals, the latest effective_from wins.

Pure: no ORM, no settings, no clock.
"""

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

FLAT = "flat"
GOLONGAN_GROUP = "golongan"
SERVICE_YEARS = "masa_kerja"
MEMBERSHIP_YEAR = "tahun_anggota"
BASES = (FLAT, GOLONGAN_GROUP, SERVICE_YEARS, MEMBERSHIP_YEAR)

PPPK = "PPPK"  # AsnType.PPPK in employees/choices.py, and the name of the PPPK golongan group
GOLONGAN_GROUPS = ("I", "II", "III", "IV", PPPK)
_PNS_GOLONGAN = re.compile(r"(IV|III|II|I)/[a-e]")
_PPPK_GOLONGAN = re.compile(r"XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I")

# A payout above this is a typing error (an extra zero), not a tali asih or a THT: refused everywhere.
MAX_AMOUNT = Decimal("1000000000")
_MAX_DIGITS = 20  # digits before the decimal point past which a typed amount is refused outright
CENT = Decimal("0.01")


class TaliAsihError(ValueError):
    """No band of the rate fits the retiree, or the rate cannot give an amount; the message says why."""


class AmountError(ValueError):
    """An amount that is not a usable rupiah amount; the message says why, in the user's words."""


@dataclass(frozen=True)
class Band:
    """One row of a rate's table: a golongan group, or a slab of full years of service
    (min_years <= years < max_years; max_years None for "and more"). People type and read a slab as
    the decision writes it, both ends included: `last_year` and `upper_end` convert."""

    amount: Decimal
    golongan_group: str = ""
    min_years: int | None = None
    max_years: int | None = None

    @property
    def last_year(self) -> int | None:
        """The last whole year the slab covers ("5-10 tahun": 10), None when it has no upper end."""
        return None if self.max_years is None else self.max_years - 1

    @property
    def label(self) -> str:
        """The years covered, as a decision writes them: "5-10" (both included), ">= 21", or the group."""
        if self.golongan_group:
            return self.golongan_group
        return years_label(self.min_years or 0, self.last_year)

    def holds(self, years: int) -> bool:
        return (self.min_years or 0) <= years and (self.max_years is None or years < self.max_years)


def upper_end(last_year: int | None) -> int | None:
    """The stored (exclusive) max_years of a slab whose last whole year is `last_year`: 10 -> 11."""
    return None if last_year is None else last_year + 1


def years_label(first: int, last: int | None) -> str:
    """Whole years from `first` to `last`, both included: "5-10", "10", or ">= 21" without a last."""
    if last is None:
        return f">= {first}"
    return str(first) if first == last else f"{first}-{last}"


@dataclass(frozen=True)
class Rate:
    """A tali asih rate decided by a KORPRI branch. `amount` is the flat amount or the amount per year of
    membership; `cap` the most a per-year rate gives. A blank restriction matches anyone."""

    id: int | None
    name: str
    decision_number: str
    decision_date: dt.date | None
    effective_from: dt.date
    effective_until: dt.date | None
    basis: str
    amount: Decimal | None = None
    cap: Decimal | None = None
    retirement_kind: str = ""
    asn_type: str = ""
    bands: tuple[Band, ...] = field(default=())

    def is_valid_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)

    def applies_to(self, *, asn_type: str, retirement_kind: str) -> bool:
        return (not self.retirement_kind or self.retirement_kind == retirement_kind) and (
            not self.asn_type or self.asn_type == asn_type
        )

    @property
    def specificity(self) -> tuple[bool, bool]:
        return bool(self.retirement_kind), bool(self.asn_type)


@dataclass(frozen=True)
class Breakdown:
    """How an amount was reached, stored on the payout (as_json) so it stays reproducible after the
    rates change."""

    rate_id: int | None
    rate_name: str
    decision_number: str
    decision_date: dt.date | None
    basis: str
    band: str
    golongan_group: str
    years: int
    months: int
    per_year_amount: Decimal | None
    cap: Decimal | None
    amount: Decimal

    def as_json(self) -> dict[str, Any]:
        def money(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "rate_id": self.rate_id,
            "rate_name": self.rate_name,
            "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "basis": self.basis,
            "band": self.band,
            "golongan_group": self.golongan_group,
            "years": self.years,
            "months": self.months,
            "per_year_amount": money(self.per_year_amount),
            "cap": money(self.cap),
            "amount": money(self.amount),
        }


def golongan_group(golongan: str, asn_type: str = "") -> str:
    """ "III/c" -> "III"; a PPPK golongan ("IX", "XVII") -> "PPPK"; "" when it is neither.

    A bare Roman numeral is PPPK (PNS golongan always carry a letter), so "III" is PPPK III, not PNS III.
    """
    code = (golongan or "").strip()
    if match := _PNS_GOLONGAN.fullmatch(code):
        return "" if asn_type == PPPK else match[1]
    if _PPPK_GOLONGAN.fullmatch(code):
        return PPPK if asn_type in ("", PPPK) else ""
    return ""


def rate_for(rates: Iterable[Rate], *, tmt: dt.date, asn_type: str, retirement_kind: str) -> Rate | None:
    """The rate in force on the TMT pensiun for this retiree, or None.

    Most specific first (restricted to the retirement kind, then to the ASN type, then general); among
    rates equally specific whose periods overlap, the latest effective_from (a newer decision replaces
    the older one); the highest id last, so the choice never depends on the order given.
    """
    candidates = [
        rate
        for rate in rates
        if rate.is_valid_on(tmt) and rate.applies_to(asn_type=asn_type, retirement_kind=retirement_kind)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda rate: (rate.specificity, rate.effective_from, rate.id or 0))


def tali_asih_amount(
    rate: Rate, *, golongan: str, asn_type: str, service_years: int, service_months: int = 0
) -> Breakdown:
    """The tali asih a rate gives a retiree, with how it was reached. Raises TaliAsihError when no band
    fits (a golongan group or a number of years the rate does not list) or the rate has no amount.

    Years are full years of masa kerja pensiun (9 years 11 months is 9 years): slabs and the per-year
    amount count whole years, as the decisions state them.
    """
    years = max(int(service_years), 0)
    months = max(int(service_months), 0)
    group = golongan_group(golongan, asn_type) if rate.basis == GOLONGAN_GROUP else ""
    band_label = ""
    per_year: Decimal | None = None
    if rate.basis == FLAT:
        if rate.amount is None:
            raise TaliAsihError(_("The rate %(rate)s has no amount.") % {"rate": rate.name})
        amount = rate.amount
    elif rate.basis == MEMBERSHIP_YEAR:
        if rate.amount is None:
            raise TaliAsihError(_("The rate %(rate)s has no amount per year.") % {"rate": rate.name})
        per_year = rate.amount
        amount = per_year * years
        if rate.cap is not None and amount > rate.cap:
            amount = rate.cap
    elif rate.basis == GOLONGAN_GROUP:
        if not group:
            raise TaliAsihError(
                _("The golongan %(golongan)s is not known: the rate %(rate)s pays by golongan group.")
                % {"golongan": golongan or "-", "rate": rate.name}
            )
        band = next((band for band in rate.bands if band.golongan_group == group), None)
        if band is None:
            raise TaliAsihError(
                _("The rate %(rate)s has no amount for golongan group %(group)s.") % {"rate": rate.name, "group": group}
            )
        amount, band_label = band.amount, band.label
    elif rate.basis == SERVICE_YEARS:
        band = next((band for band in rate.bands if band.min_years is not None and band.holds(years)), None)
        if band is None:
            raise TaliAsihError(
                _("The rate %(rate)s has no amount for %(years)d years of service.")
                % {"rate": rate.name, "years": years}
            )
        amount, band_label = band.amount, band.label
    else:
        raise TaliAsihError(_("The rate %(rate)s has an unknown basis.") % {"rate": rate.name})
    amount = amount.quantize(CENT)
    if amount <= 0:
        raise TaliAsihError(_("The rate %(rate)s gives no amount for this retiree.") % {"rate": rate.name})
    return Breakdown(
        rate_id=rate.id,
        rate_name=rate.name,
        decision_number=rate.decision_number,
        decision_date=rate.decision_date,
        basis=rate.basis,
        band=band_label,
        golongan_group=group,
        years=years,
        months=months,
        per_year_amount=per_year,
        cap=rate.cap if rate.basis == MEMBERSHIP_YEAR else None,
        amount=amount,
    )


def bands_check(basis: str, bands: Iterable[Band]) -> list[str]:
    """What is wrong with a rate's bands for its basis (for the admin form); empty when nothing is."""
    bands = list(bands)
    problems: list[str] = []
    if basis in (FLAT, MEMBERSHIP_YEAR):
        if bands:
            problems.append(_("A flat or per-year rate has no bands: remove them."))
        return problems
    if not bands:
        problems.append(_("Add at least one band."))
    if basis == GOLONGAN_GROUP:
        groups = [band.golongan_group for band in bands]
        if any(not group or band.min_years is not None for group, band in zip(groups, bands, strict=True)):
            problems.append(_("Each band of a rate by golongan names a golongan group and no years."))
        if len(set(groups)) != len(groups):
            problems.append(_("Each golongan group may appear only once."))
    elif basis == SERVICE_YEARS:
        if any(band.min_years is None or band.golongan_group for band in bands):
            problems.append(_("Each band of a rate by years of service has its years and no golongan group."))
            return problems
        # Every band has its years here (checked above); `or 0` only tells the type checker so.
        slabs = sorted(bands, key=lambda band: band.min_years or 0)
        for before, after in itertools.pairwise(slabs):
            start = after.min_years or 0
            if before.max_years is None or before.max_years > start:
                problems.append(
                    _("The slabs %(a)s and %(b)s overlap.") % {"a": before.label, "b": after.label},
                )
            elif before.max_years < start:
                problems.append(
                    _("No slab covers %(years)s years of service (between the slabs %(a)s and %(b)s).")
                    % {"years": years_label(before.max_years, start - 1), "a": before.label, "b": after.label},
                )
    return problems


# --- Amounts typed by people --------------------------------------------------------------------------

_THOUSANDS_DOTS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_THOUSANDS_COMMAS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?")
_PLAIN = re.compile(r"\d+(?:[.,]\d{1,2})?")


def parse_rupiah(value: Any) -> Decimal:
    """A rupiah amount from what a form or a spreadsheet gives: "Rp 20.000.000", "20000000",
    "20.000.000,00", "Rp20.000.000,-", a Decimal, an int, or a spreadsheet's float.

    Indonesian writing first: dots group thousands and a comma starts the cents ("1.250" is one thousand
    two hundred and fifty). A lone dot or comma followed by one or two digits is a decimal point
    ("20000000.50"); "20,000,000.00" (English writing) is read too. Raises AmountError; a negative
    sign is refused here too (an amount is never negative). The result has two decimal places.
    """
    if isinstance(value, bool):
        raise AmountError(_("The amount must be a number of rupiah."))
    if isinstance(value, Decimal | int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = re.sub(r"\s+", "", str(value or "")).lower()
        text = re.sub(r"^rp\.?", "", text)
        text = re.sub(r",-$|\.-$", "", text)
        if not text:
            raise AmountError(_("Enter the amount."))
        if text.startswith("-"):
            raise AmountError(_("The amount must be more than zero."))
        if _THOUSANDS_DOTS.fullmatch(text):
            text = text.replace(".", "").replace(",", ".")
        elif _THOUSANDS_COMMAS.fullmatch(text):
            text = text.replace(",", "")
        elif _PLAIN.fullmatch(text):
            text = text.replace(",", ".")
        else:
            raise AmountError(
                _('"%(value)s" is not an amount: write it as 20000000 or Rp 20.000.000.') % {"value": value}
            )
        try:
            number = Decimal(text)
        except InvalidOperation as exc:  # the patterns above let only digits through; kept as a guard
            raise AmountError(_('"%(value)s" is not an amount.') % {"value": value}) from exc
    if not number.is_finite():
        raise AmountError(_("The amount must be a number of rupiah."))
    if number.adjusted() >= _MAX_DIGITS:
        # More digits than the decimal context holds once in sen (quantize would fail): no amount is that large.
        raise AmountError(amount_check(MAX_AMOUNT + 1)[0])
    if number != number.quantize(CENT, rounding=ROUND_DOWN):
        raise AmountError(_("The amount may have at most two decimals (sen)."))
    return number.quantize(CENT)


def amount_check(amount: Decimal) -> list[str]:
    """What is wrong with an amount to pay: zero, negative, or absurdly large (> MAX_AMOUNT)."""
    if amount <= 0:
        return [_("The amount must be more than zero.")]
    if amount > MAX_AMOUNT:
        return [_("The amount is larger than Rp 1.000.000.000, which no payout can be: check the number of zeros.")]
    return []


# --- Account holder names -------------------------------------------------------------------------------

# Academic, religious and courtesy titles written around Indonesian names ("Drs. H. Ahmad Yani, M.Si."),
# without their dots: a bank's account name usually has none of them.
TITLES = frozenset(
    [
        "drs",
        "dra",
        "dr",
        "drg",
        "h",
        "hj",
        "ir",
        "prof",
        "ners",
        "apt",
        "bpk",
        "bapak",
        "ibu",
        "sdr",
        "sdri",
        "ny",
        "tn",
        "kh",
        "spd",
        "mpd",
        "ssi",
        "msi",
        "se",
        "mm",
        "sh",
        "mh",
        "skom",
        "mkom",
        "ssos",
        "st",
        "mt",
        "amd",
        "ak",
        "sag",
        "mag",
        "skm",
        "mkes",
        "sked",
        "skep",
        "sp",
        "spog",
        "sppd",
        "ba",
        "bsc",
        "msc",
        "phd",
        "mba",
        "llm",
        "ssit",
        "sip",
        "sikom",
        "sstp",
        "sth",
        "spt",
    ]
)


def name_key(name: str) -> str:
    """A name for a loose comparison: without titles, punctuation and case; back titles (after the first
    comma) dropped."""
    head = (name or "").split(",", 1)[0].casefold()
    words = [re.sub(r"[^\w]", "", word) for word in head.split()]
    return " ".join(word for word in words if word and word not in TITLES)


def names_match(a: str, b: str) -> bool:
    """Whether two names are the same person's, loosely: "Drs. H. Ahmad Yani, M.Si." ~ "AHMAD YANI"."""
    key_a, key_b = name_key(a), name_key(b)
    return bool(key_a) and key_a == key_b
