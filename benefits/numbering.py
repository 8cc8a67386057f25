"""Letter numbers of the benefits' documents (kuitansi): "900/123/BKPSDM/2025".

Indonesian agencies number their letters by their correspondence rules (Permendagri 1/2023 on the
tata naskah dinas of regional governments: classification code / sequence / unit / year), with a
sequence that restarts every year and may have no gaps, since a missing number must be explained to
the auditor. The sequence itself comes from the database (benefits.services_receipts.number_next,
under a row lock); this module only formats it and checks the configured pattern.

Pattern placeholders: {seq} (the year's sequence, padding allowed as {seq:04d}), {year} (four digits)
and {month_roman} (I-XII, for agencies that write the month). Pure: no ORM, no settings, no clock.
"""

import string

from django.utils.translation import gettext as _

PLACEHOLDERS = ("seq", "year", "month_roman")
REQUIRED = ("seq", "year")
ROMAN_MONTHS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def month_roman(month: int) -> str:
    """ "X" for October."""
    return ROMAN_MONTHS[month - 1]


def number_format(pattern: str, *, seq: int, year: int, month: int) -> str:
    """The number of the `seq`-th document of `year`, issued in `month`, by `pattern`."""
    return pattern.format(seq=seq, year=year, month_roman=month_roman(month))


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with a number pattern, in words (empty when it is usable).

    {seq} and {year} are required: without the sequence two documents would share a number, without
    the year the numbers of two years (each starting at 1) would collide.
    """
    try:
        fields = [name for _text, name, _spec, _conversion in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        return [_("The pattern's braces do not match: %(error)s.") % {"error": exc}]
    problems = []
    unknown = sorted({name for name in fields if name not in PLACEHOLDERS})
    if unknown:
        problems.append(
            _("Unknown placeholders %(unknown)s; use %(known)s.")
            % {
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
            }
        )
    missing = [name for name in REQUIRED if name not in fields]
    if missing:
        problems.append(_("The pattern needs %(missing)s.") % {"missing": ", ".join(f"{{{name}}}" for name in missing)})
    if not problems:
        try:
            number_format(pattern, seq=1, year=2025, month=1)
        except (ValueError, TypeError, IndexError) as exc:
            problems.append(_("The pattern cannot be formatted: %(error)s.") % {"error": exc})
    return problems
