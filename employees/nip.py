"""Reading and checking the NIP (PNS), the NI PPPK and the old 9-digit NIP (DESIGN.md section 5, NIP).

NIP, 18 digits (BKN): `YYYYMMDD` birth date, `YYYYMM` TMT CPNS, gender (1 male, 2 female), a 3-digit
sequence 001-999, written in groups as "19860926 201505 1 001".
NI PPPK, 18 digits: `YYYYMMDD` birth date, `YYYY` year of first appointment, a 2-digit field that in
practice is "21" (it is not a month: it is kept, and a month there is a warning, see register_warnings),
gender, sequence.
Old NIP (before 2008, kept as `nip_lama`): 9 digits.

A NIP that disagrees with the record is flagged with the part that disagrees and never silently
fixed: BKN requires proof to change a birth date, so either the record or the NIP is wrong and a
person has to decide which.

Pure: no ORM, no settings, no clock; `today` is a parameter. Messages are translated (gettext) and
dates are written in Indonesian.
"""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

from employees.exceptions import NipFormatError
from employees.retirement import bup_date
from purna.formatting import bulan_tahun, tanggal

NIP_LENGTH = 18
NIP_LAMA_LENGTH = 9
# No ASN was born, or appointed, before this year; earlier years are typing errors.
MIN_YEAR = 1900
# The youngest age at which anyone is appointed CPNS or PPPK (DESIGN.md: "after age ~17").
MIN_APPOINTMENT_AGE = 17
# PP 11/2017 art. 23 (1) a: an applicant for CPNS is at most 35 years old when applying, and at most 40
# for the posts (jabatan tertentu) the regulation allows. The law counts the age when applying, which is
# some months before the TMT CPNS, so a TMT shortly after the 36th birthday can still be right: these
# limits flag a register entry for a person to check (a warning), they never refuse it.
CPNS_MAX_AGE = 35
CPNS_MAX_AGE_CERTAIN_POSTS = 40
# Digits 13-14 of an NI PPPK as BKN issues them; a month there (01-12) suggests a PNS NIP typed as an NI PPPK.
NI_PPPK_CODE = "21"

# The values of AsnType.PPPK and Gender in employees/choices.py (not imported: this module is pure).
PPPK = "PPPK"
MALE = "1"
FEMALE = "2"

_DIGITS = re.compile(r"[0-9]*")


class NipPart(StrEnum):
    """The part of a NIP that disagrees with the record."""

    BIRTH_DATE = "birth_date"
    TMT_CPNS = "tmt_cpns"
    GENDER = "gender"
    APPOINTMENT_YEAR = "appointment_year"
    NI_PPPK_CODE = "ni_pppk_code"


@dataclass(frozen=True)
class ParsedNip:
    """The parts of a PNS NIP. `tmt_cpns` is the first day of the encoded month."""

    value: str
    birth_date: dt.date
    tmt_cpns: dt.date
    gender: str
    sequence: int

    def __str__(self) -> str:
        return format_nip(self.value)


@dataclass(frozen=True)
class ParsedNiPppk:
    """The parts of an NI PPPK. `code` is the 2-digit field after the year ("21" in practice)."""

    value: str
    birth_date: dt.date
    appointment_year: int
    code: str
    gender: str
    sequence: int

    def __str__(self) -> str:
        return format_nip(self.value)


@dataclass(frozen=True)
class NipMismatch:
    """One disagreement between a NIP and the record, with a message that names both values."""

    part: NipPart
    message: str
    encoded: object = None
    recorded: object = None


def normalize_nip(value: str | None) -> str:
    """The NIP without any whitespace: "19860926 201505 1 001" -> "198609262015051001"."""
    return "".join(str(value or "").split())


def format_nip(value: str) -> str:
    """A NIP or NI PPPK in its usual groups: "19860926 201505 1 001" (other values are returned as given)."""
    value = normalize_nip(value)
    if len(value) != NIP_LENGTH or not value.isdecimal():
        return value
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"


def build_nip(birth_date: dt.date, tmt_cpns: dt.date, gender: str, sequence: int) -> str:
    """The NIP a record should have: birth date, TMT CPNS year-month, gender, sequence."""
    return f"{birth_date:%Y%m%d}{tmt_cpns:%Y%m}{gender}{sequence:03d}"


def build_ni_pppk(birth_date: dt.date, appointment_year: int, gender: str, sequence: int, code: str = "21") -> str:
    """The NI PPPK a record should have: birth date, appointment year, code ("21"), gender, sequence."""
    return f"{birth_date:%Y%m%d}{appointment_year:04d}{code}{gender}{sequence:03d}"


def _digits(value: str | None, *, length: int, label: str, field: str) -> str:
    digits = normalize_nip(value)
    if not _DIGITS.fullmatch(digits):
        raise NipFormatError(_("%(label)s may contain only digits (and spaces).") % {"label": label}, field=field)
    if len(digits) != length:
        raise NipFormatError(
            _("%(label)s must have %(expected)d digits; this one has %(count)d.")
            % {"label": label, "expected": length, "count": len(digits)},
            field=field,
        )
    return digits


def _birth_date(digits: str, label: str) -> dt.date:
    try:
        birth_date = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        birth_date = None
    if birth_date is None or birth_date.year < MIN_YEAR:
        raise NipFormatError(
            _("Digits 1-8 of the %(label)s (%(digits)s) are not a valid birth date.")
            % {"label": label, "digits": digits[:8]}
        )
    return birth_date


def _gender_and_sequence(digits: str, label: str) -> tuple[str, int]:
    gender = digits[14]
    if gender not in (MALE, FEMALE):
        raise NipFormatError(
            _("Digit 15 of the %(label)s must be 1 (male) or 2 (female), not %(digit)s.")
            % {"label": label, "digit": gender}
        )
    sequence = int(digits[15:])
    if sequence == 0:
        raise NipFormatError(
            _("The last three digits of the %(label)s (the sequence number) cannot be 000.") % {"label": label}
        )
    return gender, sequence


def parse_nip(value: str) -> ParsedNip:
    """Read an 18-digit PNS NIP (spaces allowed); raise NipFormatError saying what is wrong."""
    digits = _digits(value, length=NIP_LENGTH, label="NIP", field="nip")
    birth_date = _birth_date(digits, "NIP")
    year, month = int(digits[8:12]), int(digits[12:14])
    if year < MIN_YEAR or not 1 <= month <= 12:
        raise NipFormatError(
            _("Digits 9-14 of the NIP (%(digits)s) are not a valid TMT CPNS year and month.") % {"digits": digits[8:14]}
        )
    gender, sequence = _gender_and_sequence(digits, "NIP")
    return ParsedNip(digits, birth_date, dt.date(year, month, 1), gender, sequence)


def parse_ni_pppk(value: str) -> ParsedNiPppk:
    """Read an 18-digit NI PPPK (spaces allowed); raise NipFormatError saying what is wrong."""
    digits = _digits(value, length=NIP_LENGTH, label="NI PPPK", field="nip")
    birth_date = _birth_date(digits, "NI PPPK")
    year = int(digits[8:12])
    if year < MIN_YEAR:
        raise NipFormatError(
            _("Digits 9-12 of the NI PPPK (%(digits)s) are not a valid year of appointment.") % {"digits": digits[8:12]}
        )
    gender, sequence = _gender_and_sequence(digits, "NI PPPK")
    return ParsedNiPppk(digits, birth_date, year, digits[12:14], gender, sequence)


def clean_nip_lama(value: str | None) -> str:
    """An old 9-digit NIP without spaces, or "" when none is given; raise NipFormatError otherwise."""
    value = normalize_nip(value)
    if not value:
        return ""
    return _digits(value, length=NIP_LAMA_LENGTH, label=_("The old NIP"), field="nip_lama")


def _gender_label(code: str) -> str:
    labels = {MALE: _("male (1)"), FEMALE: _("female (2)")}
    return labels.get(code, code)


def nip_mismatches(
    nip: str,
    *,
    asn_type: str,
    birth_date: dt.date | None,
    gender: str | None,
    tmt_cpns: dt.date | None,
    today: dt.date,
) -> list[NipMismatch]:
    """Where a NIP (or, for a PPPK, an NI PPPK) disagrees with the record, plus an implausible TMT.

    Raises NipFormatError if the number cannot be read. Compares the encoded birth date, TMT CPNS
    year-month (PNS) or appointment year (PPPK, against the record's first appointment) and gender with
    the record; record values that are missing are not compared. Also flags a TMT in the future (after
    `today`) or before the 17th birthday, under the TMT CPNS part.
    """
    is_pppk = asn_type == PPPK
    label = "NI PPPK" if is_pppk else "NIP"
    parsed: ParsedNip | ParsedNiPppk = parse_ni_pppk(nip) if is_pppk else parse_nip(nip)
    found: list[NipMismatch] = []

    if birth_date is not None and parsed.birth_date != birth_date:
        found.append(
            NipMismatch(
                NipPart.BIRTH_DATE,
                _("%(label)s encodes birth date %(encoded)s but the record says %(recorded)s.")
                % {"label": label, "encoded": tanggal(parsed.birth_date), "recorded": tanggal(birth_date)},
                parsed.birth_date,
                birth_date,
            )
        )

    if tmt_cpns is not None:
        if isinstance(parsed, ParsedNiPppk):
            if parsed.appointment_year != tmt_cpns.year:
                found.append(
                    NipMismatch(
                        NipPart.APPOINTMENT_YEAR,
                        _("NI PPPK encodes appointment year %(encoded)s but the record says %(recorded)s.")
                        % {"encoded": parsed.appointment_year, "recorded": tanggal(tmt_cpns)},
                        parsed.appointment_year,
                        tmt_cpns,
                    )
                )
        elif (parsed.tmt_cpns.year, parsed.tmt_cpns.month) != (tmt_cpns.year, tmt_cpns.month):
            found.append(
                NipMismatch(
                    NipPart.TMT_CPNS,
                    _("NIP encodes TMT CPNS %(encoded)s but the record says %(recorded)s.")
                    % {"encoded": bulan_tahun(parsed.tmt_cpns), "recorded": tanggal(tmt_cpns)},
                    parsed.tmt_cpns,
                    tmt_cpns,
                )
            )
        found.extend(_implausible_tmt(tmt_cpns, birth_date, today, is_pppk=is_pppk))

    if gender and parsed.gender != gender:
        found.append(
            NipMismatch(
                NipPart.GENDER,
                _("%(label)s encodes gender %(encoded)s but the record says %(recorded)s.")
                % {"label": label, "encoded": _gender_label(parsed.gender), "recorded": _gender_label(gender)},
                parsed.gender,
                gender,
            )
        )
    return found


def _implausible_tmt(tmt: dt.date, birth_date: dt.date | None, today: dt.date, *, is_pppk: bool) -> list[NipMismatch]:
    # The record's TMT is checked (it is what masa kerja is counted from); when it matches the NIP the
    # check covers the NIP too, and when it does not the mismatch above is already flagged.
    tmt_label = _("TMT of first appointment") if is_pppk else "TMT CPNS"
    part = NipPart.APPOINTMENT_YEAR if is_pppk else NipPart.TMT_CPNS
    found = []
    if tmt > today:
        found.append(
            NipMismatch(
                part,
                _("%(tmt_label)s %(date)s is in the future.") % {"tmt_label": tmt_label, "date": tanggal(tmt)},
                recorded=tmt,
            )
        )
    if birth_date is not None:
        # The same birthday rule as the BUP: someone born on 29 February turns 17 on 28 February.
        seventeenth = bup_date(birth_date, MIN_APPOINTMENT_AGE)
        if tmt < seventeenth:
            found.append(
                NipMismatch(
                    part,
                    _("%(tmt_label)s %(date)s is before the 17th birthday (%(birthday)s).")
                    % {"tmt_label": tmt_label, "date": tanggal(tmt), "birthday": tanggal(seventeenth)},
                    recorded=tmt,
                )
            )
    return found


@dataclass(frozen=True)
class RegisterWarning:
    """A register entry that is probably wrong but may be right: shown to a person, never refused."""

    part: NipPart
    message: str


def _age_on(birth_date: dt.date, day: dt.date) -> int:
    # Birthdays as for the BUP: someone born on 29 February has their birthday on 28 February.
    age = day.year - birth_date.year
    return age - 1 if bup_date(birth_date, age) > day else age


def register_warnings(
    nip: str, *, asn_type: str, birth_date: dt.date | None, tmt_cpns: dt.date | None
) -> list[RegisterWarning]:
    """What looks wrong in a register entry without being a format error (DESIGN.md section 5, NIP).

    - An NI PPPK whose digits 13-14 are a month (01-12): BKN writes "21" there, so the number is most
      likely a PNS NIP (birth date, TMT year-month) entered for a PPPK.
    - A PNS whose TMT CPNS is at an age above CPNS_MAX_AGE (35), or above CPNS_MAX_AGE_CERTAIN_POSTS (40),
      the highest limit of PP 11/2017 art. 23. The age is counted in whole years, birthday included
      (the 36th birthday itself is above 35); a 29 February birthday falls on 28 February.

    A number that cannot be read gives no warning here (its format error is reported elsewhere); a
    missing birth date or TMT is not compared.
    """
    found: list[RegisterWarning] = []
    if asn_type == PPPK:
        try:
            parsed = parse_ni_pppk(nip)
        except NipFormatError:
            return found
        if parsed.code.isdecimal() and 1 <= int(parsed.code) <= 12:
            found.append(
                RegisterWarning(
                    NipPart.NI_PPPK_CODE,
                    _(
                        "Digits 13-14 of the NI PPPK (%(digits)s) are a month; an NI PPPK has %(code)s there. "
                        "Is this a PNS NIP?"
                    )
                    % {"digits": parsed.code, "code": NI_PPPK_CODE},
                )
            )
        return found
    if birth_date is None or tmt_cpns is None or tmt_cpns < birth_date:
        return found
    age = _age_on(birth_date, tmt_cpns)
    if age > CPNS_MAX_AGE_CERTAIN_POSTS:
        found.append(
            RegisterWarning(
                NipPart.TMT_CPNS,
                _(
                    "TMT CPNS %(date)s is at age %(age)d, above %(limit)d, the highest appointment age "
                    "(PP 11/2017 art. 23)."
                )
                % {"date": tanggal(tmt_cpns), "age": age, "limit": CPNS_MAX_AGE_CERTAIN_POSTS},
            )
        )
    elif age > CPNS_MAX_AGE:
        found.append(
            RegisterWarning(
                NipPart.TMT_CPNS,
                _(
                    "TMT CPNS %(date)s is at age %(age)d, above %(limit)d; only the posts for which "
                    "PP 11/2017 art. 23 allows it appoint up to %(higher)d."
                )
                % {"date": tanggal(tmt_cpns), "age": age, "limit": CPNS_MAX_AGE, "higher": CPNS_MAX_AGE_CERTAIN_POSTS},
            )
        )
    return found
