"""Reads for the pension proposal's checklist of one record: the items as employees/checklist.py takes
them, and the facts of the person (kind, family, service) its conditions read."""

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Q

from employees import checklist
from employees.cases import DECEASED_KINDS
from employees.choices import ChecklistCondition, RetirementKind
from employees.models import CaseDocument, Child, DocumentType, Employee, RetirementCase, Spouse


def item_spec(document_type: DocumentType) -> checklist.ItemSpec:
    return checklist.ItemSpec(
        code=document_type.code,
        name=document_type.name,
        is_required=document_type.is_required,
        kinds=frozenset(document_type.kinds or ()),
        condition=document_type.condition,
    )


def family_day(*, kind: str, tmt: dt.date, died_on: dt.date | None) -> dt.date:
    """The day the family is counted on: the date of death for a death, else the TMT."""
    return died_on if kind in DECEASED_KINDS and died_on is not None else tmt


def case_person_facts(
    *,
    case: RetirementCase,
    employee: Employee,
    family: tuple[Collection[Spouse], Collection[Child]] | None = None,
) -> checklist.PersonFacts:
    """What the checklist's conditions read about the record's person: two queries (spouses, children),
    none when the caller has read the employee's `family` already (its spouses and children)."""
    if family is not None:
        spouses = [(spouse.ended_on, spouse.died_on) for spouse in family[0]]
        children = [
            (child.birth_date, child.died_on, child.is_married, child.is_working, child.in_school)
            for child in family[1]
        ]
    else:
        spouses = list(Spouse.objects.filter(employee_id=employee.pk).values_list("ended_on", "died_on"))
        children = list(
            Child.objects.filter(employee_id=employee.pk).values_list(
                "birth_date", "died_on", "is_married", "is_working", "in_school"
            )
        )
    return checklist.PersonFacts(
        kind=case.kind,
        on=family_day(kind=case.kind, tmt=case.tmt, died_on=case.died_on),
        gender=employee.gender,
        spouses=tuple(checklist.SpouseFact(marriage_ended_on=ended, died_on=died) for ended, died in spouses),
        children=tuple(checklist.ChildFact(*row) for row in children),
        prior_service_months=employee.prior_service_months or 0,
        caused_by_duty=case.caused_by_duty,
        kpp_requested=case.kpp_requested,
    )


def checklist_items() -> list[checklist.ItemSpec]:
    """The active checklist items, in checklist order (one query)."""
    return [item_spec(document_type) for document_type in DocumentType.objects.filter(is_active=True)]


def uncased_missing(items: list[checklist.ItemSpec]) -> list[checklist.ItemSpec]:
    """What an employee with no record yet will be asked at least: the BUP items that do not depend on
    the family or the record (those are known once the record is opened)."""
    facts = checklist.PersonFacts(kind=RetirementKind.BUP, on=dt.date.max)
    return [
        item for item in checklist.missing_required(items, facts, ()) if item.condition == ChecklistCondition.ALWAYS
    ]


@dataclass(frozen=True)
class CaseMissing:
    case_id: int
    employee_id: int
    kind: str
    missing: list[checklist.ItemSpec]


def missing_by_case(
    items: list[checklist.ItemSpec], *, case_ids: Collection[int] = (), employee_ids: Collection[int] = ()
) -> dict[int, CaseMissing]:
    """The required items of each record's person not uploaded yet (employees/checklist.py), by record id,
    for the records `case_ids` and those of the employees `employee_ids`. Four queries whatever the
    number of records (the records, the spouses, the children, the uploads); none for no records."""
    if not case_ids and not employee_ids:
        return {}
    records = list(
        RetirementCase.objects.filter(Q(pk__in=list(case_ids)) | Q(employee_id__in=list(employee_ids))).values_list(
            "pk", "employee_id", "kind", "tmt", "died_on", "caused_by_duty", "kpp_requested",
            "employee__gender", "employee__prior_service_months",
        )
    )  # fmt: skip
    if not records:
        return {}
    found_cases = [row[0] for row in records]
    found_employees = [row[1] for row in records]
    spouses: dict[int, list[checklist.SpouseFact]] = defaultdict(list)
    for employee_id, ended, died in Spouse.objects.filter(employee_id__in=found_employees).values_list(
        "employee_id", "ended_on", "died_on"
    ):
        spouses[employee_id].append(checklist.SpouseFact(marriage_ended_on=ended, died_on=died))
    children: dict[int, list[checklist.ChildFact]] = defaultdict(list)
    for employee_id, *child in Child.objects.filter(employee_id__in=found_employees).values_list(
        "employee_id", "birth_date", "died_on", "is_married", "is_working", "in_school"
    ):
        children[employee_id].append(checklist.ChildFact(*child))
    uploaded: dict[int, set[str]] = defaultdict(set)
    for case_id, code in CaseDocument.objects.filter(case_id__in=found_cases).values_list(
        "case_id", "document_type__code"
    ):
        uploaded[case_id].add(code)
    result = {}
    for case_id, employee_id, kind, tmt, died_on, caused_by_duty, kpp_requested, gender, prior in records:
        facts = checklist.PersonFacts(
            kind=kind,
            on=family_day(kind=kind, tmt=tmt, died_on=died_on),
            gender=gender,
            spouses=tuple(spouses[employee_id]),
            children=tuple(children[employee_id]),
            prior_service_months=prior or 0,
            caused_by_duty=caused_by_duty,
            kpp_requested=kpp_requested,
        )
        result[case_id] = CaseMissing(
            case_id, employee_id, kind, checklist.missing_required(items, facts, uploaded[case_id])
        )
    return result
