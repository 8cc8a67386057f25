"""Issue and redeem one-time portal sign-in codes (the rules: employees/sign_in_codes.py).

Issuing a new code revokes the open one (the database allows one open code per account). Redeeming
locks the account's open code row, so the same code typed on two phones at once signs in once, and a
wrong code counts against that code: after PURNA_SIGN_IN_CODE_ATTEMPTS wrong tries it is locked and
staff issue a new one.

Heirs (a spouse or child of a deceased employee who signs in to the portal) are not served here yet:
their codes would key on the heir's account the same way; the model keeps `heir_key` for it.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.choices import EmployeeStatus
from employees.exceptions import EmployeeError
from employees.models import Employee, SignInCode
from employees.services.accounts import employee_portal_account_ensure
from employees.sign_in_codes import CodeFacts, CodeState, code_clean, code_make, code_state
from purna.types import User


@dataclass(frozen=True)
class IssuedCode:
    """The new row and the code itself, which exists nowhere else: show or print it now."""

    row: SignInCode
    code: str


def sign_in_code_issue(*, employee: Employee, actor: User, now: dt.datetime | None = None) -> IssuedCode:
    """A new one-time code for the employee's portal account, valid PURNA_SIGN_IN_CODE_DAYS days; the
    open code before it, if any, is revoked."""
    now = now or timezone.now()
    if employee.status == EmployeeStatus.MENINGGAL:
        raise EmployeeError(_("This employee is recorded as deceased: the portal is for the heirs."))
    with transaction.atomic():
        user = employee_portal_account_ensure(employee=employee, actor=actor)
        SignInCode.objects.select_for_update().filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        code = code_make()
        row = SignInCode.objects.create(
            user=user,
            employee=employee,
            code_hash=make_password(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + dt.timedelta(days=settings.PURNA_SIGN_IN_CODE_DAYS),
        )
    return IssuedCode(row=row, code=code)


def sign_in_code_matches(*, employee: Employee, code: str, now: dt.datetime | None = None) -> bool:
    """Whether `code` is the employee's open, usable code (for reprinting its slip); spends nothing."""
    now = now or timezone.now()
    row = SignInCode.objects.filter(employee=employee, used_at__isnull=True, revoked_at__isnull=True).first()
    return bool(
        row
        and _state(row, now) == CodeState.USABLE
        and code_clean(code)
        and check_password(code_clean(code), row.code_hash)
    )


def _state(row: SignInCode, now: dt.datetime) -> CodeState:
    facts = CodeFacts(row.expires_at, row.used_at, row.revoked_at, row.failed_attempts)
    return code_state(facts, now=now, max_attempts=settings.PURNA_SIGN_IN_CODE_ATTEMPTS)


def sign_in_code_redeem(*, nip: str, code: str, now: dt.datetime | None = None) -> Any:
    """The portal account the NIP and code sign in, spending the code; None when they do not match a
    usable code (a wrong code counts as a wrong try of the person's open code)."""
    now = now or timezone.now()
    cleaned = code_clean(code)
    with transaction.atomic():
        row = (
            SignInCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(employee__nip=nip, used_at__isnull=True, revoked_at__isnull=True)
            .first()
        )
        if row is None or _state(row, now) != CodeState.USABLE:
            return None
        if not cleaned or not check_password(cleaned, row.code_hash):
            row.failed_attempts += 1
            row.save(update_fields=["failed_attempts"])
            return None
        row.used_at = now
        row.save(update_fields=["used_at"])
        return row.user


def sign_in_code_revoke(*, employee: Employee, actor: User, now: dt.datetime | None = None) -> int:
    """Revoke the employee's open code (a lost slip); how many were revoked."""
    now = now or timezone.now()
    return SignInCode.objects.filter(employee=employee, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
