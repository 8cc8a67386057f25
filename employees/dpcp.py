"""What must be right before a DPCP is printed (Data Perorangan Calon Penerima Pensiun, the form of
Peraturan BKN 2/2018): every field the form prints that is empty in the register, and every value that
disagrees with another part of the record (the NIP against the birth date, the TMT CPNS and the gender;
a TMT golongan after the TMT pensiun; a janda/duda proposal without a date of death or an heir).

Pure: the caller passes the employee, the retirement record and the family as read (no query is made
here, no related manager is touched) and the day it checks on. Each problem names where it is fixed
(the employee's form, the retirement record, the family), so the page can link to that place.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from employees.choices import AsnType, RetirementKind
from employees.exceptions import NipFormatError
from employees.nip import nip_mismatches

# Where a problem is fixed.
FIX_EMPLOYEE = "employee"
FIX_CASE = "case"
FIX_FAMILY = "family"

# The kinds whose DPCP is signed by the heir (the widow or widower), not by the employee.
HEIR_SIGNS = {RetirementKind.DEATH, RetirementKind.KILLED, RetirementKind.PENSIONER_DEATH}


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    fix: str


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def living_spouses(spouses: Sequence[Any], on: dt.date | None) -> list[Any]:
    """The spouses still married to the employee on `on` (the day of death for janda/duda): not divorced
    or widowed before it, not dead before it."""
    found = []
    for spouse in spouses:
        ended = spouse.ended_on is not None and (on is None or spouse.ended_on <= on)
        dead = spouse.died_on is not None and (on is None or spouse.died_on <= on)
        if not ended and not dead:
            found.append(spouse)
    return found


def dpcp_problems(
    *, employee: Any, case: Any, spouses: Sequence[Any], children: Sequence[Any], today: dt.date
) -> list[Problem]:
    """The DPCP's empty or disagreeing fields for `employee` and their retirement record `case`, in the
    order the form prints them ([] when it can be printed as it is)."""
    problems: list[Problem] = []

    def empty(field: str, label: str, value: Any, fix: str = FIX_EMPLOYEE) -> None:
        if _empty(value):
            problems.append(Problem(field, _("%(field)s is empty.") % {"field": label}, fix))

    is_pns = employee.asn_type == AsnType.PNS
    empty("birth_place", _("Place of birth"), employee.birth_place)
    try:
        mismatches = nip_mismatches(
            employee.nip,
            asn_type=employee.asn_type,
            birth_date=employee.birth_date,
            gender=employee.gender,
            tmt_cpns=employee.tmt_cpns,
            today=today,
        )
    except NipFormatError as error:
        problems.append(Problem("nip", str(error), FIX_EMPLOYEE))
    else:
        problems.extend(Problem("nip", mismatch.message, FIX_EMPLOYEE) for mismatch in mismatches)
    empty("golongan", _("Golongan"), employee.golongan)
    if is_pns:
        empty("tmt_pns", _("TMT PNS"), employee.tmt_pns)
        empty("tmt_golongan", _("TMT golongan"), employee.tmt_golongan)
    if employee.tmt_golongan is not None:
        if employee.tmt_cpns and employee.tmt_golongan < employee.tmt_cpns:
            problems.append(Problem("tmt_golongan", _("TMT golongan is before the TMT CPNS."), FIX_EMPLOYEE))
        if employee.tmt_golongan > case.tmt:
            problems.append(Problem("tmt_golongan", _("TMT golongan is after the TMT pensiun."), FIX_EMPLOYEE))
    empty("jabatan", _("Position title"), employee.jabatan)
    if employee.last_basic_salary is None:
        problems.append(Problem("last_basic_salary", _("Last basic salary is empty."), FIX_EMPLOYEE))
    elif employee.last_basic_salary <= 0:
        problems.append(Problem("last_basic_salary", _("Last basic salary must be above zero."), FIX_EMPLOYEE))
    empty("address", _("Address"), employee.address)
    empty("address_after_retirement", _("Address after retirement"), case.address_after_retirement, FIX_CASE)

    if case.kind in HEIR_SIGNS:
        if case.died_on is None:
            problems.append(Problem("died_on", _("Date of death is empty."), FIX_CASE))
        if not living_spouses(spouses, case.died_on) and not children:
            problems.append(
                Problem("heir", _("No living spouse or child is recorded to receive the pension."), FIX_FAMILY)
            )

    for spouse in spouses:
        who = _("Spouse %(name)s") % {"name": spouse.name}
        empty("spouse_nik", _("%(who)s: NIK") % {"who": who}, spouse.nik, FIX_FAMILY)
        empty("spouse_birth_date", _("%(who)s: date of birth") % {"who": who}, spouse.birth_date, FIX_FAMILY)
        empty("spouse_marriage_date", _("%(who)s: marriage date") % {"who": who}, spouse.marriage_date, FIX_FAMILY)
    for child in children:
        who = _("Child %(name)s") % {"name": child.name}
        empty("child_birth_date", _("%(who)s: date of birth") % {"who": who}, child.birth_date, FIX_FAMILY)
        if child.birth_date is not None and employee.birth_date and child.birth_date <= employee.birth_date:
            problems.append(
                Problem("child_birth_date", _("%(who)s is born before the employee.") % {"who": who}, FIX_FAMILY)
            )
    return problems
