"""The register's family: spouses, children and parents are added, changed and removed only here, and the
retirees' correction requests are sent and decided here.

Each service checks the actor's scope (employees/scope.py), validates with the pure rules of
employees/family.py and the model's own checks, all before writing anything, records the actor in the
history (django-simple-history through purna.history.history_note) and raises FamilyError, having
changed nothing, for bad input.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import family
from employees.choices import CorrectionStatus
from employees.exceptions import EmployeeError
from employees.family import CHILD_FIELDS, PARENT_FIELDS, SPOUSE_FIELDS
from employees.models import Child, Employee, FamilyCorrection, Parent, RetirementCase, Spouse
from employees.scope import staff_scope
from purna.history import history_note
from purna.types import User

FIELDS: dict[type[Model], list[str]] = {Spouse: SPOUSE_FIELDS, Child: CHILD_FIELDS, Parent: PARENT_FIELDS}
CORRECTION_MAX_LENGTH = 2000


class FamilyError(EmployeeError):
    """A family entry or correction request that cannot be saved: nothing was changed."""


def employee_dates(employee: Employee, died_on: dt.date | None = None) -> family.PersonDates:
    """The employee as the family rules read them: the date of death is the retirement record's."""
    return family.PersonDates(birth_date=employee.birth_date, died_on=died_on)


def _employee_died_on(employee: Employee) -> dt.date | None:
    return RetirementCase.objects.filter(employee=employee).values_list("died_on", flat=True).first()


def _scope_check(actor: User | None, employee: Employee) -> None:
    """Staff change the family of their own units' employees only; no actor is the system's own work."""
    if actor is not None and not staff_scope(actor).covers(employee.unit_id):
        raise FamilyError(_("This employee belongs to a work unit outside yours: nothing was changed."))


def member_errors(member: Spouse | Child | Parent, *, employee_died_on: dt.date | None) -> dict[str, list[str]]:
    """The family rules' verdict on one member of `member.employee`'s family (see employees/family.py)."""
    employee = employee_dates(member.employee, employee_died_on)
    if isinstance(member, Spouse):
        return family.spouse_errors(
            employee=employee,
            spouse=family.MarriageDates(
                birth_date=member.birth_date,
                died_on=member.died_on,
                marriage_date=member.marriage_date,
                ended_on=member.ended_on,
                end_reason=member.end_reason,
            ),
            nik=member.nik,
        )
    if isinstance(member, Child):
        other = member.other_parent
        errors = family.child_errors(
            employee=employee,
            child=family.ChildFacts(birth_date=member.birth_date, died_on=member.died_on),
            other_parent=family.PersonDates(birth_date=other.birth_date, died_on=other.died_on) if other else None,
            nik=member.nik,
        )
        if other is not None and other.employee_id != member.employee_id:
            errors.setdefault("other_parent", []).append(_("The other parent must be a spouse of this employee."))
        return errors
    return family.parent_errors(
        employee=employee,
        parent=family.PersonDates(birth_date=member.birth_date, died_on=member.died_on),
        nik=member.nik,
    )


def spouse_nik_taken(spouse: Spouse) -> Spouse | None:
    """The current marriage of another entry with the same NIK, if any (constraint spouse_nik_one_marriage)."""
    if not spouse.nik or spouse.ended_on is not None:
        return None
    return (
        Spouse.objects.filter(nik=spouse.nik, ended_on__isnull=True)
        .exclude(pk=spouse.pk)
        .select_related("employee")
        .first()
    )


def _spouse_taken_message(other: Spouse, employee_id: int) -> str:
    if other.employee_id == employee_id:
        return _("This NIK is already recorded as a current spouse of this employee.")
    return _("This NIK is already the current spouse of another employee (%(nip)s).") % {"nip": other.employee.nip}


def _validate(member: Spouse | Child | Parent, *, employee_died_on: dt.date | None) -> None:
    member.nik = family.normalize_nik(member.nik)
    errors = member_errors(member, employee_died_on=employee_died_on)
    if isinstance(member, Spouse):
        other = spouse_nik_taken(member)
        if other is not None:
            errors.setdefault("nik", []).append(_spouse_taken_message(other, member.employee_id))
    if isinstance(member, Parent) and member.relation:
        others = Parent.objects.filter(employee_id=member.employee_id, relation=member.relation).exclude(pk=member.pk)
        if others.exists():
            errors.setdefault("relation", []).append(
                _("This employee's %(relation)s is already recorded.") % {"relation": member.get_relation_display()}
            )
    try:
        # The rules above speak for the constraints they cover; full_clean checks the fields' shapes.
        member.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise FamilyError(errors=errors)


def _save(
    member: Spouse | Child | Parent, *, actor: User | None, reason: str, employee_died_on: dt.date | None
) -> None:
    _validate(member, employee_died_on=employee_died_on)
    history_note(member, actor=actor, reason=reason)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        # Another request recorded the same spouse between the check and the write (the constraint
        # spouse_nik_one_marriage; SQLite's message does not name it, so the fact is read again).
        if not (isinstance(member, Spouse) and spouse_nik_taken(member) is not None):
            raise
        raise FamilyError(errors={"nik": [_("This NIK is already the current spouse of another employee.")]}) from exc


def _check_fields(model: type[Model], fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - set(FIELDS[model]))
    if unknown:
        raise TypeError(f"Unknown {model.__name__} fields: {', '.join(unknown)}")


def _member_add(
    model: type[Any], *, employee: Employee, actor: User | None, reason: str, fields: Mapping[str, Any]
) -> Any:
    _check_fields(model, fields)
    _scope_check(actor, employee)
    with transaction.atomic():
        member = model(employee=employee, **fields)
        _save(member, actor=actor, reason=reason, employee_died_on=_employee_died_on(employee))
    return member


def _member_update(member: Any, *, actor: User | None, reason: str, changes: Mapping[str, Any]) -> Any:
    model = type(member)
    _check_fields(model, changes)
    with transaction.atomic():
        locked = model.objects.select_for_update().select_related("employee").get(pk=member.pk)
        _scope_check(actor, locked.employee)
        for name, value in changes.items():
            setattr(locked, name, value)
        _save(locked, actor=actor, reason=reason, employee_died_on=_employee_died_on(locked.employee))
    return locked


def _member_remove(member: Any, *, actor: User | None, reason: str) -> None:
    with transaction.atomic():
        locked = type(member).objects.select_for_update().select_related("employee").get(pk=member.pk)
        _scope_check(actor, locked.employee)
        history_note(locked, actor=actor, reason=reason)
        locked.delete()


def spouse_add(*, employee: Employee, actor: User | None, reason: str = "", **fields: Any) -> Spouse:
    """Record a husband or wife of `employee`."""
    return _member_add(Spouse, employee=employee, actor=actor, reason=reason, fields=fields)


def spouse_update(*, spouse: Spouse, actor: User | None, reason: str = "", **changes: Any) -> Spouse:
    """Change a spouse's entry (e.g. the end of the marriage); returns the saved row."""
    return _member_update(spouse, actor=actor, reason=reason, changes=changes)


def spouse_remove(*, spouse: Spouse, actor: User | None, reason: str = "") -> None:
    """Delete a spouse's entry typed by mistake (a marriage that ended is recorded with its end date instead);
    their children keep their entries, without the other parent."""
    _member_remove(spouse, actor=actor, reason=reason)


def child_add(*, employee: Employee, actor: User | None, reason: str = "", **fields: Any) -> Child:
    """Record a child of `employee`."""
    return _member_add(Child, employee=employee, actor=actor, reason=reason, fields=fields)


def child_update(*, child: Child, actor: User | None, reason: str = "", **changes: Any) -> Child:
    """Change a child's entry (married, working, in school...); returns the saved row."""
    return _member_update(child, actor=actor, reason=reason, changes=changes)


def child_remove(*, child: Child, actor: User | None, reason: str = "") -> None:
    """Delete a child's entry typed by mistake."""
    _member_remove(child, actor=actor, reason=reason)


def parent_add(*, employee: Employee, actor: User | None, reason: str = "", **fields: Any) -> Parent:
    """Record the father or mother of `employee`."""
    return _member_add(Parent, employee=employee, actor=actor, reason=reason, fields=fields)


def parent_update(*, parent: Parent, actor: User | None, reason: str = "", **changes: Any) -> Parent:
    """Change a parent's entry; returns the saved row."""
    return _member_update(parent, actor=actor, reason=reason, changes=changes)


def parent_remove(*, parent: Parent, actor: User | None, reason: str = "") -> None:
    """Delete a parent's entry typed by mistake."""
    _member_remove(parent, actor=actor, reason=reason)


# --- Correction requests from the portal ----------------------------------------------------------------


def family_correction_request(*, employee: Employee, actor: User | None, text: str) -> FamilyCorrection:
    """A retiree asks the staff to correct their family data; the register itself is not touched."""
    text = (text or "").strip()
    if not text:
        raise FamilyError(errors={"text": [_("Write what should be corrected.")]})
    if len(text) > CORRECTION_MAX_LENGTH:
        raise FamilyError(
            errors={"text": [_("At most %(count)d characters, please.") % {"count": CORRECTION_MAX_LENGTH}]}
        )
    correction = FamilyCorrection(employee=employee, text=text, requested_by=actor)
    history_note(correction, actor=actor)
    correction.save()
    return correction


def _decide(correction: FamilyCorrection, *, actor: User, status: CorrectionStatus, reason: str) -> FamilyCorrection:
    with transaction.atomic():
        locked = FamilyCorrection.objects.select_for_update().select_related("employee").get(pk=correction.pk)
        _scope_check(actor, locked.employee)
        if locked.status != CorrectionStatus.PENDING:
            raise FamilyError(
                _("This request was already decided (%(status)s): nothing was changed.")
                % {"status": locked.get_status_display()}
            )
        locked.status = status
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        history_note(locked, actor=actor, reason=reason)
        locked.save()
    return locked


def family_correction_apply(*, correction: FamilyCorrection, actor: User, note: str = "") -> FamilyCorrection:
    """Staff mark a request as applied, once they have edited the family through the staff pages."""
    return _decide(correction, actor=actor, status=CorrectionStatus.APPLIED, reason=(note or "").strip())


def family_correction_reject(*, correction: FamilyCorrection, actor: User, reason: str) -> FamilyCorrection:
    """Staff refuse a request, saying why (the retiree reads the reason in the portal)."""
    reason = (reason or "").strip()
    if not reason:
        raise FamilyError(errors={"decision_reason": [_("Give the reason for the rejection.")]})
    return _decide(correction, actor=actor, status=CorrectionStatus.REJECTED, reason=reason)
