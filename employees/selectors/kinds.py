"""Reads for the kinds of retirement beyond BUP: the rule in force, and what the record page shows of
the outcome, the heirs and the KPP (the rules themselves are in employees/pension_kinds.py)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from employees import pension_kinds
from employees.choices import CaseStatus
from employees.models import DisciplinePenalty, Employee, KindRule, RetirementCase


def kind_rule_data(row: KindRule) -> pension_kinds.KindRule:
    """A row of the table as the pure rules take it."""
    return pension_kinds.KindRule(
        id=row.pk,
        kind=row.kind,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        legal_basis=row.legal_basis,
        unsure=row.unsure,
        proposal_months_before=row.proposal_months_before,
        min_age=row.min_age,
        min_service_years=row.min_service_years,
        uang_duka_multiplier=row.uang_duka_multiplier,
        gaji_terusan_months=row.gaji_terusan_months,
        pension_tmt_after_months=row.pension_tmt_after_months,
        first_payment_after_months=row.first_payment_after_months,
    )


def kind_rule_in_force(*, kind: str, on: dt.date) -> pension_kinds.KindRule | None:
    """The rule of `kind` valid on `on` (pension_kinds.rule_in_force over the kind's rows), or None. One query."""
    rows = [kind_rule_data(row) for row in KindRule.objects.filter(kind=kind)]
    return pension_kinds.rule_in_force(rows, kind=kind, on=on)


@dataclass(frozen=True)
class LeadTimes:
    """How many months before its TMT a record of `kind` must be proposed, for any TMT: the kind's rules
    (employees.KindRule, read once) with the setting PURNA_PROPOSAL_MONTHS_BEFORE_TMT where none is in force."""

    kind: str
    rules: tuple[pension_kinds.KindRule, ...]
    default: int

    def months_on(self, tmt: dt.date) -> int:
        return pension_kinds.proposal_months(self.rules, kind=self.kind, on=tmt, default=self.default)

    def spans(self) -> tuple[pension_kinds.LeadSpan, ...]:
        return pension_kinds.proposal_months_spans(self.rules, kind=self.kind, default=self.default)


def proposal_lead_times(*, kind: str = pension_kinds.BUP) -> LeadTimes:
    """The proposal lead times of `kind`: by default BUP's, the kind an employee with no record yet is
    expected to retire by (their TMT is the TMT pensiun of the BUP). One query."""
    rows = tuple(kind_rule_data(row) for row in KindRule.objects.filter(kind=kind))
    return LeadTimes(kind=kind, rules=rows, default=settings.PURNA_PROPOSAL_MONTHS_BEFORE_TMT)


def discipline_penalties(employee: Employee) -> list[pension_kinds.Penalty]:
    """The employee's discipline penalties as the KPP check takes them. One query."""
    return [
        pension_kinds.Penalty(level=level, decided_on=decided_on)
        for level, decided_on in DisciplinePenalty.objects.filter(employee=employee).values_list("level", "decided_on")
    ]


def kpp_on(case: RetirementCase) -> dt.date:
    """The day the KPP counts service to: the date of death for a death, the TMT otherwise."""
    return case.died_on if case.kind in pension_kinds.DEATH_KINDS and case.died_on else case.tmt


def case_kpp_check(case: RetirementCase, employee: Employee) -> pension_kinds.KppCheck:
    """The KPP eligibility of a record's employee (one query: the penalties)."""
    return pension_kinds.kpp_check(
        kind=case.kind,
        caused_by_duty=case.caused_by_duty,
        on=kpp_on(case),
        tmt_cpns=employee.tmt_cpns,
        prior_service_months=employee.prior_service_months,
        tmt_golongan=employee.tmt_golongan,
        penalties=discipline_penalties(employee),
    )


def family_heirs(*, kind: str, employee: Employee, died_on: dt.date, on: dt.date) -> pension_kinds.Heirs:
    """The heirs of a deceased employee from the register's family (three queries)."""
    spouses = [
        pension_kinds.SpouseFact(
            id=spouse.pk, name=spouse.name, order=spouse.order, died_on=spouse.died_on, ended_on=spouse.ended_on
        )
        for spouse in employee.spouses.all()
    ]
    children = [
        pension_kinds.ChildFact(
            id=child.pk,
            name=child.name,
            birth_date=child.birth_date,
            other_parent_id=child.other_parent_id,
            died_on=child.died_on,
            is_married=child.is_married,
            is_working=child.is_working,
        )
        for child in employee.children.all()
    ]
    parents = [
        pension_kinds.ParentFact(id=parent.pk, name=parent.name, died_on=parent.died_on)
        for parent in employee.parents.all()
    ]
    return pension_kinds.heirs(kind=kind, died_on=died_on, on=on, spouses=spouses, children=children, parents=parents)


def case_service_length(case: RetirementCase, employee: Employee) -> pension_kinds.ServiceLength:
    """The masa kerja pensiun of a record's employee, counted to the death for a death in service (no query)."""
    return pension_kinds.masa_kerja(
        kind=case.kind,
        tmt=case.tmt,
        died_on=case.died_on,
        tmt_cpns=employee.tmt_cpns,
        prior_service_months=employee.prior_service_months or 0,
        retired_on=case.pensioner_tmt,
    )


def employee_service_length(*, employee: Employee, case: RetirementCase | None) -> pension_kinds.ServiceLength | None:
    """The masa kerja the employee page shows instead of the BUP's (Employee.service_years): counted to the
    date of death for someone who died (a live death record with its date), None otherwise (no query)."""
    if case is None or case.status == CaseStatus.CANCELLED or case.kind not in pension_kinds.DECEASED_KINDS:
        return None
    if case.died_on is None:
        return None
    return case_service_length(case, employee)


@dataclass(frozen=True)
class CaseKindPanel:
    """What the record page shows of its kind (templates/employees/includes/case_kind_rules.html)."""

    case: RetirementCase
    rule: KindRule | None
    death: pension_kinds.DeathPayments | None
    heirs: pension_kinds.Heirs | None
    kpp: pension_kinds.KppCheck
    is_death: bool
    service: pension_kinds.ServiceLength


def case_kind_panel(*, case: RetirementCase, today: dt.date | None = None) -> CaseKindPanel:
    """The outcome stored on the record, its rule, the family's payments and heirs for a death, and the
    KPP eligibility. Four queries for a death (penalties, spouses, children, parents), one otherwise, when
    the record comes from retirement_case_get (its kind rule selected with it).
    """
    today = today or timezone.localdate()
    employee = case.employee
    rule = case.kind_rule  # selected with the record by retirement_case_get
    death = heirs = None
    is_death = case.kind in pension_kinds.DECEASED_KINDS
    if is_death and case.died_on is not None and rule is not None:
        death = pension_kinds.death_payments(
            died_on=case.died_on, rule=kind_rule_data(rule), last_income=case.last_income
        )
        heirs = family_heirs(kind=case.kind, employee=employee, died_on=case.died_on, on=max(today, case.died_on))
    return CaseKindPanel(
        case=case,
        rule=rule,
        death=death,
        heirs=heirs,
        kpp=case_kpp_check(case, employee),
        is_death=is_death,
        service=case_service_length(case, employee),
    )
