"""Reads for the retirees' portal: who a sign-in request names, which employee a portal user is."""

from typing import Any

from django.db.models import Q

from employees.choices import EmployeeStatus
from employees.models import Employee


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
