"""Reads for the pension proposal's checklist of one record: the items as employees/checklist.py takes
them, and the facts of the person (kind, family, service) its conditions read."""

import datetime as dt

from employees import checklist
from employees.cases import DEATH_KINDS
from employees.models import Child, DocumentType, Employee, RetirementCase, Spouse


def item_spec(document_type: DocumentType) -> checklist.ItemSpec:
    return checklist.ItemSpec(
        code=document_type.code,
        name=document_type.name,
        is_required=document_type.is_required,
        kinds=frozenset(document_type.kinds or ()),
        condition=document_type.condition,
    )


def family_day(case: RetirementCase) -> dt.date:
    """The day the family is counted on: the date of death for a death, else the TMT."""
    if case.kind in DEATH_KINDS and case.died_on is not None:
        return case.died_on
    return case.tmt


def case_person_facts(*, case: RetirementCase, employee: Employee) -> checklist.PersonFacts:
    """What the checklist's conditions read about the record's person: two queries (spouses, children)."""
    spouses = Spouse.objects.filter(employee_id=employee.pk).values_list("ended_on", "died_on")
    children = Child.objects.filter(employee_id=employee.pk).values_list(
        "birth_date", "died_on", "is_married", "is_working", "in_school"
    )
    return checklist.PersonFacts(
        kind=case.kind,
        on=family_day(case),
        gender=employee.gender,
        spouses=tuple(checklist.SpouseFact(marriage_ended_on=ended, died_on=died) for ended, died in spouses),
        children=tuple(checklist.ChildFact(*row) for row in children),
        prior_service_months=employee.prior_service_months or 0,
        caused_by_duty=case.caused_by_duty,
        kpp_requested=case.kpp_requested,
    )
