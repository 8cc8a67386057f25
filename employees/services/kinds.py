"""What the kinds beyond BUP decide on a retirement record, applied by its write path
(employees/services/cases.py): the TMT that follows from a date of death, the rule of the kind in force
(employees.KindRule, chosen by employees/selectors/kinds.py), and the outcome of employees/pension_kinds.py
stored on the record (with or without pension, from when, the first payment, the uang duka) with the
proposal deadline of the kind. The functions set fields on unsaved rows and raise CaseError; the caller
saves them inside its transaction.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from employees import cases, pension_kinds
from employees.choices import RetirementKind
from employees.exceptions import CaseError
from employees.models import Employee, RetirementCase
from employees.selectors.kinds import kind_rule_in_force
from purna.formatting import tanggal


def kind_rule_require(*, kind: str, on: dt.date) -> pension_kinds.KindRule | None:
    """The rule of `kind` in force on `on`; CaseError when a kind that needs one has none."""
    rule = kind_rule_in_force(kind=kind, on=on)
    if rule is None and kind in pension_kinds.RULED_KINDS:
        raise CaseError(
            _(
                "No rule for %(kind)s is in force on %(date)s: an administrator must add one to the table of "
                "retirement kind rules."
            )
            % {"kind": RetirementKind(kind).label, "date": tanggal(on)}
        )
    return rule


def death_tmt_decide(
    *,
    kind: str,
    employee: Employee,
    tmt: dt.date | None,
    died_on: dt.date | None,
    today: dt.date,
    retired_on: dt.date | None = None,
) -> dt.date | None:
    """For a death, the TMT pensiun janda/duda that follows from the date of death (a typed TMT must agree);
    for other kinds `tmt` unchanged. CaseError for a date of death that cannot be one in service, or, for a
    pensioner's death (pensiun terusan), one before the deceased's own TMT pensiun (`retired_on`)."""
    if kind not in pension_kinds.DECEASED_KINDS:
        return tmt
    if kind == pension_kinds.PENSIONER_DEATH:
        errors = pension_kinds.pensioner_death_date_errors(
            died_on=died_on, birth_date=employee.birth_date, retired_on=retired_on, today=today
        )
    else:
        errors = pension_kinds.death_date_errors(
            died_on=died_on,
            birth_date=employee.birth_date,
            tmt_cpns=employee.tmt_cpns,
            tmt_pensiun=employee.tmt_pensiun,
            today=today,
        )
    if errors or died_on is None:
        raise CaseError(errors={"died_on": errors})
    rule = kind_rule_require(kind=kind, on=died_on)
    assert rule is not None  # a death kind is a ruled kind
    derived = pension_kinds.death_payments(died_on=died_on, rule=rule, last_income=None).pension_tmt
    if tmt is not None and tmt != derived:
        raise CaseError(
            errors={
                "tmt": [
                    _("After a death on %(died)s the TMT pensiun janda/duda is %(tmt)s: leave it empty.")
                    % {"died": tanggal(died_on), "tmt": tanggal(derived)}
                ]
            }
        )
    return derived


def kind_facts_clean(
    *, kind: str, died_on: dt.date | None, caused_by_duty: bool, last_income: Decimal | None
) -> tuple[dt.date | None, bool, Decimal | None]:
    """The facts a kind keeps: a date of death only for a death (a pensioner's too), 'caused by duty' only
    for udzur, the last income (the base of the uang duka) only for a death in service. CaseError for a
    negative income."""
    if last_income is not None and last_income < 0:
        raise CaseError(errors={"last_income": [_("The last monthly income cannot be negative.")]})
    return (
        died_on if kind in pension_kinds.DECEASED_KINDS else None,
        caused_by_duty if kind == RetirementKind.DISABILITY else False,
        last_income if kind in pension_kinds.DEATH_KINDS else None,
    )


def kind_outcome_set(*, case: RetirementCase, employee: Employee, opened_on: dt.date) -> pension_kinds.Outcome:
    """Compute the outcome of `case` (its kind, TMT and facts set) under the rule in force and set it on
    the unsaved row with the kind's proposal deadline; return it. CaseError when no rule is in force."""
    on = pension_kinds.rule_date(kind=case.kind, tmt=case.tmt, died_on=case.died_on) or case.tmt
    rule = kind_rule_require(kind=case.kind, on=on)
    result = pension_kinds.outcome(
        pension_kinds.CaseFacts(
            kind=case.kind,
            tmt=case.tmt,
            birth_date=employee.birth_date,
            tmt_cpns=employee.tmt_cpns,
            prior_service_months=employee.prior_service_months,
            died_on=case.died_on,
            caused_by_duty=case.caused_by_duty,
            last_income=case.last_income,
            retired_on=case.pensioner_tmt,
        ),
        rule,
    )
    case.kind_rule_id = rule.id if rule is not None else None
    case.with_pension = result.with_pension
    case.pension_from = result.pension_from
    case.pension_first_paid = result.death.first_payment if result.death else None
    case.uang_duka = result.death.uang_duka if result.death else None
    case.outcome_note = result.reason
    months_before = rule.proposal_months_before if rule is not None else settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT
    case.proposal_due = cases.proposal_due(
        kind=case.kind, tmt=case.tmt, months_before=months_before, opened_on=opened_on
    )
    return result
