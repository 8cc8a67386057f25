"""Reads for the retirees' portal: who a sign-in request names, which employee a portal user is."""

from typing import Any

from employees.choices import EmployeeStatus
from employees.models import Employee


def employees_for_sign_in(*, email: str = "", nip: str = "", limit: int = 3) -> list[Employee]:
    """The employees a portal sign-in request names, by email (any case) or NIP, who have an email on
    record to send the link to and are alive. At most `limit`: one address may be shared by a couple."""
    employees = Employee.objects.exclude(email="").exclude(status=EmployeeStatus.MENINGGAL).select_related("user")
    if email:
        employees = employees.filter(email__iexact=email.strip())
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
