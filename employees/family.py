"""The register's family: which entries cannot be right, and which children count for the pension.

Pure rules (no database, no clock: the date is a parameter). The services (employees/services/family.py)
call them before every write, the spreadsheet import does too, so each rule lives here once.

- A child counts for the pension while under 25, unmarried and without an income of their own
  (UU 11/1969 art. 16 and 18 par. 3: "anak ... yang belum mencapai usia 25 tahun, tidak mempunyai
  penghasilan sendiri dan belum pernah menikah"). The 25th birthday ends it (someone born on
  29 February reaches it on 28 February, as employees.retirement.bup_date reads a birthday).
- Dates that cannot be right are refused: a child born before the employee or the other parent, or
  before that parent was MIN_PARENT_AGE; a marriage before either spouse was born, after either
  died, or ended before it began; a parent born less than MIN_PARENT_AGE years before the employee.
- A NIK (Nomor Induk Kependudukan, UU 24/2013) has 16 digits.
- A person is the current spouse of one employee only: checked by the service, which alone can look at
  the other employees, and held by the database (constraint spouse_nik_one_marriage).
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from employees.retirement import bup_date

# The fields of each kind of family member that staff enter and the history compares (the forms, the
# services and the employee page's history read them from here).
SPOUSE_FIELDS = [
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "died_on",
    "order",
    "marriage_date",
    "marriage_certificate",
    "ended_on",
    "end_reason",
    "email",
    "phone",
    "address",
]
CHILD_FIELDS = [
    "name",
    "nik",
    "birth_place",
    "birth_date",
    "died_on",
    "gender",
    "relation",
    "other_parent",
    "is_married",
    "is_working",
    "in_school",
    "email",
    "phone",
    "address",
]
PARENT_FIELDS = ["name", "nik", "relation", "birth_place", "birth_date", "died_on", "email", "phone", "address"]

# The age a child stops counting for the pension (UU 11/1969 art. 16).
PENSION_CHILD_AGE = 25
# The youngest a parent can plausibly be at a child's birth: earlier dates are typing errors.
MIN_PARENT_AGE = 12
NIK_PATTERN = re.compile(r"^[0-9]{16}$")

Errors = dict[str, list[str]]


@dataclass(frozen=True)
class PersonDates:
    """What the rules read of the employee, a spouse or a parent: birth and death."""

    birth_date: dt.date | None = None
    died_on: dt.date | None = None


@dataclass(frozen=True)
class MarriageDates:
    """A spouse as the rules read it."""

    birth_date: dt.date | None = None
    died_on: dt.date | None = None
    marriage_date: dt.date | None = None
    ended_on: dt.date | None = None
    end_reason: str = ""


@dataclass(frozen=True)
class ChildFacts:
    """A child as the rules read it."""

    birth_date: dt.date | None = None
    died_on: dt.date | None = None
    is_married: bool = False
    is_working: bool = False


@dataclass(frozen=True)
class PensionChild:
    """Whether a child counts for the pension on a date, and if not, why (a sentence for the page)."""

    counts: bool
    reason: str = ""


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def normalize_nik(value: str) -> str:
    """A NIK as people type it ("6471 0512 7001 0003"): spaces, dots and dashes dropped."""
    return re.sub(r"[\s.\-]", "", value or "")


def nik_errors(nik: str) -> list[str]:
    """Why a NIK (already normalised) cannot be stored; empty for a good one or none."""
    if nik and not NIK_PATTERN.match(nik):
        return [_("A NIK has 16 digits (from the KTP or the family card).")]
    return []


def age_reached(birth_date: dt.date, years: int) -> dt.date:
    """The day someone born on `birth_date` turns `years` old."""
    return bup_date(birth_date, years)


def _born_before_parent_could(child_birth: dt.date, parent_birth: dt.date) -> bool:
    return child_birth < age_reached(parent_birth, MIN_PARENT_AGE)


def spouse_errors(*, employee: PersonDates, spouse: MarriageDates, nik: str = "") -> Errors:
    """What is wrong with a spouse's entry for `employee`, by field (empty when nothing is)."""
    errors: Errors = {}
    for message in nik_errors(nik):
        _add(errors, "nik", message)
    if spouse.birth_date and spouse.died_on and spouse.died_on < spouse.birth_date:
        _add(errors, "died_on", _("The date of death is before the date of birth."))
    married = spouse.marriage_date
    if married:
        if spouse.birth_date and married < spouse.birth_date:
            _add(errors, "marriage_date", _("The marriage date is before the spouse's date of birth."))
        if employee.birth_date and married < employee.birth_date:
            _add(errors, "marriage_date", _("The marriage date is before the employee's date of birth."))
        if employee.died_on and married > employee.died_on:
            _add(errors, "marriage_date", _("The marriage date is after the employee's death."))
        if spouse.died_on and married > spouse.died_on:
            _add(errors, "marriage_date", _("The marriage date is after the spouse's death."))
        if spouse.ended_on and spouse.ended_on < married:
            _add(errors, "ended_on", _("The marriage cannot end before it began."))
    if spouse.ended_on and not spouse.end_reason:
        _add(errors, "end_reason", _("Say how the marriage ended (divorce or death)."))
    if spouse.end_reason and not spouse.ended_on:
        _add(errors, "ended_on", _("Give the date the marriage ended."))
    if spouse.ended_on and spouse.birth_date and spouse.ended_on < spouse.birth_date:
        _add(errors, "ended_on", _("The marriage cannot end before the spouse's date of birth."))
    return errors


def child_errors(
    *, employee: PersonDates, child: ChildFacts, other_parent: PersonDates | None, nik: str = ""
) -> Errors:
    """What is wrong with a child's entry for `employee` (and the other parent, if recorded), by field."""
    errors: Errors = {}
    for message in nik_errors(nik):
        _add(errors, "nik", message)
    born = child.birth_date
    if born and child.died_on and child.died_on < born:
        _add(errors, "died_on", _("The date of death is before the date of birth."))
    if born and employee.birth_date:
        if born <= employee.birth_date:
            _add(errors, "birth_date", _("The child is born before the employee."))
        elif _born_before_parent_could(born, employee.birth_date):
            _add(
                errors,
                "birth_date",
                _("The child is born before the employee was %(age)d years old.") % {"age": MIN_PARENT_AGE},
            )
    if born and other_parent and other_parent.birth_date:
        if born <= other_parent.birth_date:
            _add(errors, "birth_date", _("The child is born before the other parent."))
        elif _born_before_parent_could(born, other_parent.birth_date):
            _add(
                errors,
                "birth_date",
                _("The child is born before the other parent was %(age)d years old.") % {"age": MIN_PARENT_AGE},
            )
    return errors


def parent_errors(*, employee: PersonDates, parent: PersonDates, nik: str = "") -> Errors:
    """What is wrong with a parent's entry for `employee`, by field."""
    errors: Errors = {}
    for message in nik_errors(nik):
        _add(errors, "nik", message)
    if parent.birth_date and parent.died_on and parent.died_on < parent.birth_date:
        _add(errors, "died_on", _("The date of death is before the date of birth."))
    if parent.birth_date and employee.birth_date:
        if parent.birth_date >= employee.birth_date:
            _add(errors, "birth_date", _("The parent is born after the employee."))
        elif _born_before_parent_could(employee.birth_date, parent.birth_date):
            _add(
                errors,
                "birth_date",
                _("The parent must be at least %(age)d years older than the employee.") % {"age": MIN_PARENT_AGE},
            )
    return errors


def child_counts_for_pension(child: ChildFacts, on_date: dt.date) -> PensionChild:
    """Whether `child` counts for the pension on `on_date`: alive, under 25, never married, no income
    (UU 11/1969 art. 16). The first reason that fails is given."""
    if child.birth_date is None:
        return PensionChild(False, _("date of birth not recorded"))
    if child.birth_date > on_date:
        return PensionChild(False, _("not born yet on that date"))
    if child.died_on and child.died_on <= on_date:
        return PensionChild(False, _("deceased"))
    if on_date >= age_reached(child.birth_date, PENSION_CHILD_AGE):
        return PensionChild(False, _("%(age)d years old or more") % {"age": PENSION_CHILD_AGE})
    if child.is_married:
        return PensionChild(False, _("married"))
    if child.is_working:
        return PensionChild(False, _("has an income"))
    return PensionChild(True)


# --- How the family of an employee who died is named (fixed Indonesian: kuitansi, slips, invitations) -----

_FEMALE = "2"  # employees.choices.Gender


def relation_word(*, kind: str, employee_gender: str) -> str:
    """The heir's relation to the deceased as written on the kuitansi: istri, suami or anak (`kind` is
    "spouse" or "child")."""
    if kind == "child":
        return "anak"
    return "suami" if employee_gender == _FEMALE else "istri"


def deceased_title(*, gender: str) -> str:
    """ "Almarhum Bapak" or "Almarhumah Ibu": how the deceased employee is named to their family."""
    return "Almarhumah Ibu" if gender == _FEMALE else "Almarhum Bapak"
