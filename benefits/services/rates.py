"""Tali asih rates (benefits.models.TaliAsihRate and its bands): the one write path of the staff pages.

A rate is saved with its whole table of bands at once, because a table is right or wrong as a whole
(benefits/tali_asih.py `bands_check`: slabs without gaps or overlaps, each golongan group once). Bands
are given as the KORPRI decision writes them, both ends included ("5-10 tahun": first_year 5, last_year
10); `tali_asih.upper_end` converts to the stored exclusive end. A rate belongs to the whole agency (no
unit, no scope): the add/change permissions decide. The rate and each band keep their history.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from benefits import tali_asih
from benefits.exceptions import RateError
from benefits.models import TaliAsihRate, TaliAsihRateBand
from purna.history import history_note
from purna.types import User

BANDS = "bands"  # the errors' key for the table as a whole


@dataclass(frozen=True)
class BandInput:
    """One band as typed: a golongan group, or whole years from `first_year` to `last_year` (both
    included; None: no upper end)."""

    amount: Decimal
    golongan_group: str = ""
    first_year: int | None = None
    last_year: int | None = None

    def as_band(self) -> tali_asih.Band:
        return tali_asih.Band(
            amount=self.amount,
            golongan_group=self.golongan_group,
            min_years=self.first_year,
            max_years=tali_asih.upper_end(self.last_year),
        )


@dataclass(frozen=True)
class RateInput:
    name: str
    decision_number: str
    effective_from: dt.date
    basis: str
    decision_date: dt.date | None = None
    effective_until: dt.date | None = None
    amount: Decimal | None = None
    cap: Decimal | None = None
    retirement_kind: str = ""
    asn_type: str = ""
    notes: str = ""


def _errors(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}


def tali_asih_rate_save(
    *, rate: TaliAsihRate | None, data: RateInput, bands: Sequence[BandInput], actor: User
) -> TaliAsihRate:
    """Create a rate (`rate` None) or change one, with its table of bands replaced by `bands`.

    Raises RateError, with nothing saved, when the rate or a band is not valid, or when the table does
    not fit the basis (tali_asih.bands_check: gaps and overlaps name the years)."""
    target = TaliAsihRate() if rate is None else TaliAsihRate.objects.get(pk=rate.pk)
    for field, value in vars(data).items():
        setattr(target, field, value)
    errors: dict[str, list[str]] = {}
    try:
        target.full_clean()
    except ValidationError as error:
        errors.update(_errors(error))
    rows = [
        TaliAsihRateBand(
            amount=band.amount,
            golongan_group=band.golongan_group,
            min_years=band.first_year,
            max_years=tali_asih.upper_end(band.last_year),
        )
        for band in bands
    ]
    for row in rows:
        try:
            # The model's constraints too: a positive amount, an end above the start (last >= first).
            row.full_clean(exclude=["rate"])
        except ValidationError as error:
            label = row.as_band().label
            errors.setdefault(BANDS, []).extend(f"{label}: {message}" for message in error.messages)
    if not errors.get(BANDS):
        errors.setdefault(BANDS, []).extend(tali_asih.bands_check(data.basis, [band.as_band() for band in bands]))
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise RateError(errors=errors)
    with transaction.atomic():
        history_note(target, actor=actor, reason="rate created" if rate is None else "rate changed")
        target.save()
        for old in target.bands.all():
            history_note(old, actor=actor, reason="table replaced")
            old.delete()
        for row in rows:
            row.rate = target
            history_note(row, actor=actor, reason="table replaced")
            row.save()
    return target
