"""Reads for the retirees' portal: who a sign-in request names, which employee a portal user is, and
which heir (a spouse or child of an employee who died, signing in with their own email)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from employees.cases import DECEASED_KINDS
from employees.choices import EmployeeStatus
from employees.models import Child, Employee, SignInCode, Spouse


def employees_for_sign_in(*, email: str = "", nip: str = "", limit: int = 3) -> list[Employee]:
    """The employees a portal sign-in request names, by email (office or personal, any case) or NIP, who
    have an email on record to send the link to and are alive. At most `limit`: one address may be shared
    by a couple. Where the link goes is employees/contact.py's choice, not necessarily the address typed."""
    employees = (
        Employee.objects.exclude(email="", personal_email="")
        .exclude(status=EmployeeStatus.MENINGGAL)
        .select_related("user")
    )
    if email:
        email = email.strip()
        employees = employees.filter(Q(email__iexact=email) | Q(personal_email__iexact=email))
    elif nip:
        employees = employees.filter(nip=nip)
    else:
        return []
    return list(employees.order_by("pk")[:limit])


def employee_for_portal(*, user: Any) -> Employee | None:
    """The employee record a portal user is linked to, with its unit and retirement record; None for a
    user linked to none (staff)."""
    if not user.is_authenticated:
        return None
    return Employee.objects.select_related("unit", "retirement_case").filter(user=user).first()


def _deceased_relative(queryset):
    """Family members whose employee died (employees.cases.is_deceased: the status, or a death record),
    and who are alive themselves."""
    return queryset.filter(died_on__isnull=True).filter(
        Q(employee__status=EmployeeStatus.MENINGGAL) | Q(employee__retirement_case__kind__in=DECEASED_KINDS)
    )


def heirs_for_sign_in(*, email: str, limit: int = 3) -> list[Spouse | Child]:
    """The heirs (spouses, then children) a portal sign-in request names by their own email (any case):
    family members of an employee who died, alive, with that email on record. At most `limit`."""
    email = (email or "").strip()
    if not email:
        return []
    found: list[Spouse | Child] = []
    for model in (Spouse, Child):
        members = _deceased_relative(model.objects.filter(email__iexact=email)).select_related("employee", "user")
        found.extend(members.order_by("pk")[:limit])
    return found[:limit]


def heir_for_portal(*, user: Any) -> Spouse | Child | None:
    """The heir a portal user is, with the deceased employee (their unit and retirement record) loaded;
    None for a user who is no heir, or whose relative is not recorded as deceased (any more)."""
    if not user.is_authenticated:
        return None
    for model in (Spouse, Child):
        heir = (
            _deceased_relative(model.objects.filter(user=user))
            .select_related("employee__unit", "employee__retirement_case")
            .first()
        )
        if heir is not None:
            return heir
    return None


@dataclass(frozen=True)
class PortalPerson:
    """Who is signed in to the portal: a retiree (heir None), or an heir reading the records of their
    deceased relative (`employee`)."""

    employee: Employee
    heir: Spouse | Child | None = None


def portal_person(*, user: Any) -> PortalPerson | None:
    """The retiree or heir a portal user is; None for a user who is neither (staff)."""
    employee = employee_for_portal(user=user)
    if employee is not None:
        return PortalPerson(employee)
    heir = heir_for_portal(user=user)
    if heir is not None:
        return PortalPerson(heir.employee, heir)
    return None


def sign_in_codes_of(*, employee: Employee, limit: int = 5) -> list[SignInCode]:
    """The employee's latest one-time sign-in codes (the log staff see, theirs and their heirs'), with
    who issued them."""
    return list(SignInCode.objects.filter(employee=employee).select_related("issued_by")[:limit])


@dataclass(frozen=True)
class HeirCodes:
    """An heir who may get a sign-in code (a living spouse or child of an employee who died): the URL word
    of their kind, the member, and their open code among the log's rows (None if none is shown there)."""

    kind: str  # "pasangan" or "anak", as in the URLs
    member: Spouse | Child
    open_code: SignInCode | None


def heir_codes(*, spouses: list[Spouse], children: list[Child], codes: list[SignInCode]) -> list[HeirCodes]:
    """The heirs of the employee page's family with their open codes (read from `codes`: no query)."""
    open_codes = {code.heir_key: code for code in reversed(codes) if code.heir_key and code.is_open}
    rows = [HeirCodes("pasangan", spouse, open_codes.get(f"spouse:{spouse.pk}")) for spouse in spouses]
    rows += [HeirCodes("anak", child, open_codes.get(f"child:{child.pk}")) for child in children]
    return [row for row in rows if row.member.died_on is None]


def code_log(*, codes: list[SignInCode], spouses: list[Spouse], children: list[Child]) -> list[tuple[SignInCode, str]]:
    """The codes' log with, for an heir's code, the heir's name (from the family the page read: no query)."""
    names = {
        **{f"spouse:{spouse.pk}": spouse.name for spouse in spouses},
        **{f"child:{child.pk}": child.name for child in children},
    }
    return [(code, names.get(code.heir_key, "") if code.heir_key else "") for code in codes]
