"""Issue and redeem one-time portal sign-in codes (the rules: employees/sign_in_codes.py).

Issuing a new code revokes the open one (the database allows one open code per account). Redeeming
locks the account's open code row, so the same code typed on two phones at once signs in once, and a
wrong code counts against that code: after PURNA_SIGN_IN_CODE_ATTEMPTS wrong tries it is locked and
staff issue a new one.

An heir (a living spouse or child of an employee who died) without email gets a code the same way: it
is keyed on the heir's own portal account (employees/services/accounts.py heir_portal_account_ensure)
and marked with `heir_key`; the heir types the deceased's NIP, printed on their slip, and their code.
Several heirs of one employee may hold open codes at once: redeeming tries each open code of the NIP,
and a wrong code counts as a wrong try of every one of them.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.cases import is_deceased
from employees.choices import EmployeeStatus
from employees.exceptions import EmployeeError
from employees.models import Child, Employee, RetirementCase, SignInCode, Spouse
from employees.services.accounts import employee_portal_account_ensure, heir_portal_account_ensure
from employees.sign_in_codes import CodeFacts, CodeState, code_clean, code_make, code_state
from purna.types import User


@dataclass(frozen=True)
class IssuedCode:
    """The new row and the code itself, which exists nowhere else: show or print it now."""

    row: SignInCode
    code: str


def heir_key(heir: Spouse | Child | None) -> str:
    """The SignInCode.heir_key of an heir's code ("spouse:3", "child:5"); "" for the employee's own."""
    if heir is None:
        return ""
    return f"{'spouse' if isinstance(heir, Spouse) else 'child'}:{heir.pk}"


def _heir_refusal(employee: Employee, heir: Spouse | Child) -> str | None:
    if heir.employee_id != employee.pk:
        return _("%(name)s is not a family member of this employee.") % {"name": heir.name}
    case_kind = RetirementCase.objects.filter(employee=employee).values_list("kind", flat=True).first()
    if not is_deceased(employee_status=employee.status, case_kind=case_kind):
        return _("Only the heirs of an employee who died sign in to the portal: record the death first.")
    if heir.died_on is not None:
        return _("%(name)s is recorded as deceased.") % {"name": heir.name}
    return None


def sign_in_code_issue(
    *, employee: Employee, actor: User, heir: Spouse | Child | None = None, now: dt.datetime | None = None
) -> IssuedCode:
    """A new one-time code for the employee's portal account (or, with `heir`, for that heir's account),
    valid PURNA_SIGN_IN_CODE_DAYS days; the open code before it, if any, is revoked."""
    now = now or timezone.now()
    if heir is None and employee.status == EmployeeStatus.MENINGGAL:
        raise EmployeeError(_("This employee is recorded as deceased: the portal is for the heirs."))
    if heir is not None and (refusal := _heir_refusal(employee, heir)):
        raise EmployeeError(refusal)
    with transaction.atomic():
        if heir is None:
            user = employee_portal_account_ensure(employee=employee, actor=actor)
        else:
            user = heir_portal_account_ensure(heir=heir, actor=actor)
        SignInCode.objects.select_for_update().filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
            revoked_at=now
        )
        code = code_make()
        row = SignInCode.objects.create(
            user=user,
            employee=employee,
            heir_key=heir_key(heir),
            code_hash=make_password(code),
            issued_by=actor,
            issued_at=now,
            expires_at=now + dt.timedelta(days=settings.PURNA_SIGN_IN_CODE_DAYS),
        )
    return IssuedCode(row=row, code=code)


def _open_codes(employee: Employee, heir: Spouse | Child | None) -> Any:
    return SignInCode.objects.filter(
        employee=employee, heir_key=heir_key(heir), used_at__isnull=True, revoked_at__isnull=True
    )


def sign_in_code_matches(
    *, employee: Employee, code: str, heir: Spouse | Child | None = None, now: dt.datetime | None = None
) -> bool:
    """Whether `code` is the employee's (or the heir's) open, usable code (for reprinting its slip);
    spends nothing."""
    now = now or timezone.now()
    row = _open_codes(employee, heir).first()
    return bool(
        row
        and _state(row, now) == CodeState.USABLE
        and code_clean(code)
        and check_password(code_clean(code), row.code_hash)
    )


def sign_in_code_current(*, employee: Employee, heir: Spouse | Child | None = None) -> SignInCode | None:
    """The latest code issued to the employee (or the heir), whatever its state."""
    return SignInCode.objects.filter(employee=employee, heir_key=heir_key(heir)).order_by("-issued_at", "-pk").first()


def _state(row: SignInCode, now: dt.datetime) -> CodeState:
    facts = CodeFacts(row.expires_at, row.used_at, row.revoked_at, row.failed_attempts)
    return code_state(facts, now=now, max_attempts=settings.PURNA_SIGN_IN_CODE_ATTEMPTS)


def sign_in_code_redeem(*, nip: str, code: str, now: dt.datetime | None = None) -> Any:
    """The portal account the NIP and code sign in, spending the code; None when they do not match a
    usable code. The open codes of the NIP (the employee's, or those of the heirs of an employee who
    died) are locked and tried in turn; a wrong code counts as a wrong try of each usable one."""
    now = now or timezone.now()
    cleaned = code_clean(code)
    with transaction.atomic():
        rows = list(
            SignInCode.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(employee__nip=nip, used_at__isnull=True, revoked_at__isnull=True)
            .order_by("pk")
        )
        usable = [row for row in rows if _state(row, now) == CodeState.USABLE]
        for row in usable:
            if cleaned and check_password(cleaned, row.code_hash):
                row.used_at = now
                row.save(update_fields=["used_at"])
                return row.user
        for row in usable:
            row.failed_attempts += 1
            row.save(update_fields=["failed_attempts"])
        return None


def sign_in_code_revoke(
    *, employee: Employee, actor: User, heir: Spouse | Child | None = None, now: dt.datetime | None = None
) -> int:
    """Revoke the employee's (or the heir's) open code (a lost slip); how many were revoked."""
    now = now or timezone.now()
    return _open_codes(employee, heir).update(revoked_at=now)
