"""Gap-free document numbers per kind and year (certificates, receipts...), and their printed form.

Indonesian correspondence rules (tata naskah dinas) number an agency's documents in one sequence per
year, printed as "800/123/BKPSDM/2025". A number is taken from a counter row locked for the rest of the
caller's transaction: two callers at once wait for each other, and a rolled-back document gives its
number back, because the counter's increment is rolled back with it. So `number_next` must be called
inside the transaction that stores the numbered document.
"""

import re
import string

from django.db import IntegrityError, connections, router, transaction

from purna.models import DocumentCounter

ROMAN_MONTHS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
PLACEHOLDERS = {"seq", "year", "month_roman"}
_RETRIES = 3


class NumberingError(ValueError):
    """A number pattern that cannot be used, or a number taken outside a transaction."""


def number_next(*, kind: str, year: int) -> int:
    """The next number of `kind` in `year` (1, 2, 3...), the counter row locked until the caller's
    transaction ends. Raises NumberingError outside a transaction: the lock would be released at once and
    a document that failed afterwards would leave a gap."""
    return numbers_next(kind=kind, year=year, count=1)[0]


def numbers_next(*, kind: str, year: int, count: int) -> range:
    """The next `count` numbers of `kind` in `year`, in order, taken at once (two queries for a batch of
    600 certificates instead of two per certificate); the same lock and rules as number_next."""
    if count < 1:
        raise NumberingError("at least one number must be taken")
    using = router.db_for_write(DocumentCounter)
    if not connections[using].in_atomic_block:
        raise NumberingError("numbers must be taken inside the transaction that stores the documents")
    for attempt in range(_RETRIES):
        counter = DocumentCounter.objects.using(using).select_for_update().filter(kind=kind, year=year).first()
        if counter is not None:
            break
        try:
            # Two first callers of a year may both find no row: the savepoint lets the loser's INSERT fail
            # on the unique constraint without spoiling the caller's transaction; it then locks the
            # winner's row on the next turn.
            with transaction.atomic(using=using):
                counter = DocumentCounter.objects.using(using).create(kind=kind, year=year, last=0)
            counter = DocumentCounter.objects.using(using).select_for_update().get(pk=counter.pk)
            break
        except IntegrityError:
            if attempt == _RETRIES - 1:
                raise
    assert counter is not None  # the loop either found or created the row, or raised
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"], using=using)
    return range(first, counter.last + 1)


def _fields(pattern: str) -> list[tuple[str, str]]:
    try:
        # A replacement field (name not None) always has a spec, "" when none is written.
        return [
            (name, spec or "") for _text, name, spec, _conv in string.Formatter().parse(pattern) if name is not None
        ]
    except ValueError as exc:
        raise NumberingError(f"{pattern!r}: {exc}") from None


def pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a number pattern ([] if it can be used): unknown placeholders, a bad format,
    no {seq} (every number would be the same)."""
    try:
        fields = _fields(pattern)
    except NumberingError as exc:
        return [str(exc)]
    names = {name for name, _spec in fields}
    errors = [f"unknown placeholder {{{name}}}" for name in sorted(names - PLACEHOLDERS)]
    if "seq" not in names:
        errors.append("{seq} is missing")
    if not errors:
        try:
            number_format(pattern, seq=1, year=2025, month=1)
        except (ValueError, KeyError, IndexError) as exc:
            errors.append(str(exc))
    return errors


def number_format(pattern: str, *, seq: int, year: int, month: int | None = None) -> str:
    """The printed number: "800/{seq}/BKPSDM/{year}" -> "800/7/BKPSDM/2025"; "{seq:03d}" pads to "007";
    "{month_roman}" is the month in Roman numerals ("X" for October), as letters number their month."""
    if not re.search(r"\{seq(:[^}]*)?\}", pattern):
        raise NumberingError(f"{pattern!r} has no {{seq}}")
    month_roman = ""
    if "month_roman" in pattern:
        if month is None:
            raise NumberingError(f"{pattern!r} needs the month")
        month_roman = ROMAN_MONTHS[month - 1]
    return pattern.format(seq=seq, year=year, month_roman=month_roman)
