"""Reads of the register's family and of the retirees' correction requests.

Staff reads take the user's scope (an entry of another unit's employee is DoesNotExist, shown as 404);
the portal's take the retiree's own employee record, never an id alone.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet

from employees.choices import CorrectionStatus
from employees.family import ChildFacts, PensionChild, child_counts_for_pension
from employees.models import Child, Employee, FamilyCorrection, Parent, Spouse
from employees.scope import Scope

Member = TypeVar("Member", Spouse, Child, Parent)


@dataclass(frozen=True)
class ChildRow:
    """A child with whether they count for the pension on the page's date (and why not)."""

    child: Child
    pension: PensionChild


@dataclass(frozen=True)
class Family:
    spouses: list[Spouse]
    children: list[ChildRow]
    parents: list[Parent]

    @property
    def is_empty(self) -> bool:
        return not (self.spouses or self.children or self.parents)


def child_pension(child: Child, on_date: dt.date) -> PensionChild:
    """employees.family.child_counts_for_pension for a Child row."""
    facts = ChildFacts(
        birth_date=child.birth_date, died_on=child.died_on, is_married=child.is_married, is_working=child.is_working
    )
    return child_counts_for_pension(facts, on_date)


def employee_family(*, employee: Employee, on_date: dt.date) -> Family:
    """The employee's spouses (in their order), children (oldest first, with their other parent and whether
    they count for the pension on `on_date`) and parents: three queries, however large the family."""
    children = Child.objects.filter(employee=employee).select_related("other_parent")
    return Family(
        spouses=list(Spouse.objects.filter(employee=employee)),
        children=[ChildRow(child, child_pension(child, on_date)) for child in children],
        parents=list(Parent.objects.filter(employee=employee)),
    )


def family_member_get(model: type[Member], *, pk: int, scope: Scope) -> Member:
    """A spouse, child or parent whose employee is in `scope` (else model.DoesNotExist)."""
    members: QuerySet[Any] = model.objects.select_related("employee__unit")
    return scope.filter(members, "employee__unit").get(pk=pk)


def family_correction_list(*, scope: Scope, status: str = CorrectionStatus.PENDING) -> QuerySet[FamilyCorrection]:
    """Correction requests of employees in `scope` with a status, oldest first (the staff's queue)."""
    corrections = FamilyCorrection.objects.filter(status=status).select_related("employee__unit", "decided_by")
    return scope.filter(corrections, "employee__unit").order_by("created_at", "pk")


def family_correction_get(*, pk: int, scope: Scope) -> FamilyCorrection:
    """One correction request of an employee in `scope` (else FamilyCorrection.DoesNotExist)."""
    corrections = FamilyCorrection.objects.select_related("employee__unit", "decided_by")
    return scope.filter(corrections, "employee__unit").get(pk=pk)


def employee_family_corrections(*, employee: Employee) -> list[FamilyCorrection]:
    """The employee's own correction requests, newest first (the portal and the staff's employee page)."""
    return list(FamilyCorrection.objects.filter(employee=employee).order_by("-created_at", "-pk"))


def portal_family_correction_get(*, pk: int, employee: Employee) -> FamilyCorrection:
    """One of the retiree's own correction requests (another person's is DoesNotExist, like a missing one)."""
    return FamilyCorrection.objects.get(pk=pk, employee=employee)
