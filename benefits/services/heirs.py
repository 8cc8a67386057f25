"""The write path of heirs as payees: the THT or tali asih of an employee who died made out to an heir (a
spouse or child on the register) with the heir statement (surat keterangan ahli waris) as proof, or given
back to the employee's name. The rules are benefits/heirs.py; the statuses it may happen in are the
pipeline's PAYEE move (benefits/payouts.py: until the payout is approved). Each change is in the payout's
history (django-simple-history, with the actor and the reason) and on its timeline.
"""

from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from benefits import heirs
from benefits import payouts as payout_rules
from benefits.exceptions import PayoutError
from benefits.models import Payout
from benefits.services.payout_base import (
    _action_check,
    _save,
    _scope_check,
    _status_change,
    _step_check,
    _text_check,
)
from employees.exceptions import CaseError
from employees.models import Child, RetirementCase, Spouse
from purna import uploads
from purna.types import User


def heir_statement_read(statement: Any) -> tuple[bytes, str]:
    """The statement's bytes and content type, checked like every document upload (content not name, size,
    PDFs without active content, images that decode); PayoutError on the heir_statement field."""
    from employees.services.cases import document_content_check

    try:
        data = uploads.read_upload(statement, settings.PURNA_DOCUMENT_MAX_BYTES)
    except uploads.UploadError as exc:
        raise PayoutError(errors={"heir_statement": [exc.message]}) from exc
    try:
        return data, document_content_check(data)
    except CaseError as exc:
        raise PayoutError(errors={"heir_statement": exc.messages}) from exc


def _heir_facts(heir: Spouse | Child) -> heirs.HeirFacts:
    return heirs.HeirFacts(
        kind=heirs.SPOUSE if isinstance(heir, Spouse) else heirs.CHILD,
        employee_id=heir.employee_id,
        name=heir.name,
        died=heir.died_on is not None,
    )


def _locked(payout: Payout) -> Payout:
    return (
        Payout.objects.select_for_update(of=("self", "employee"))
        .select_related("employee", "payee_spouse", "payee_child")
        .get(pk=payout.pk)
    )


def payout_payee_set(
    *, payout: Payout, heir: Spouse | Child, actor: User, statement: Any = None, note: str = ""
) -> Payout:
    """Make `heir` (a spouse or child of the payout's employee) the payee of a payout of an employee who
    died, with the heir statement (PDF, JPG or PNG, to private storage). The statement may be left out
    only when the payout already has one. Refused (PayoutError, nothing changed) for a living employee,
    another employee's family member, a deceased heir, and once the payout is approved."""
    if not isinstance(heir, Spouse | Child):
        raise PayoutError(errors={"heir": [_("Choose the spouse or child who receives it.")]})
    _action_check(actor, payout_rules.PAYEE)
    note = _text_check(note, "note", required=False)
    data, content_type = heir_statement_read(statement) if statement is not None else (b"", "")
    stored_name = ""
    locked = None
    try:
        with transaction.atomic():
            locked = _locked(payout)
            _scope_check(actor, locked.employee)
            _step_check(locked, payout_rules.PAYEE, actor)
            case_kind = RetirementCase.objects.filter(employee_id=locked.employee_id).values_list("kind", flat=True)
            refusal = heirs.payee_refusal(
                employee_id=locked.employee_id,
                employee_status=locked.employee.status,
                case_kind=case_kind.first(),
                heir=_heir_facts(heir),
            )
            if refusal is not None:
                raise PayoutError(errors={"heir": [refusal]})
            if not data and not locked.heir_statement:
                raise PayoutError(
                    errors={"heir_statement": [_("Attach the heir statement (surat keterangan ahli waris).")]}
                )
            before = locked.payee_line
            locked.payee_spouse = heir if isinstance(heir, Spouse) else None
            locked.payee_child = heir if isinstance(heir, Child) else None
            if data:
                extension = uploads.EXTENSIONS[content_type]
                locked.heir_statement.save(f"ahli-waris.{extension}", ContentFile(data), save=False)
                stored_name = locked.heir_statement.name or ""
                original = PurePath(getattr(statement, "name", "") or "").name[:255]
                locked.heir_statement_name = original or f"ahli-waris.{extension}"
                locked.heir_statement_content_type = content_type
            line = _("Paid to the heir: %(payee)s") % {"payee": locked.payee_line}
            if before and before != locked.payee_line:
                line = _("Payee changed from %(before)s to %(payee)s") % {"before": before, "payee": locked.payee_line}
            text = f"{line}. {note}" if note else line
            _save(locked, actor, text[:300])
            _status_change(locked, from_status=locked.status, actor=actor, note=text[:300])
    except Exception:
        if stored_name and locked is not None:
            locked.heir_statement.storage.delete(stored_name)
        raise
    return locked


def payout_payee_clear(*, payout: Payout, actor: User, reason: str) -> Payout:
    """Make the payout the employee's own again (no heir), with the reason; the heir statement stays in
    the history. Refused once the payout is approved."""
    _action_check(actor, payout_rules.PAYEE)
    reason = _text_check(reason, "reason", required=True)
    with transaction.atomic():
        locked = _locked(payout)
        _scope_check(actor, locked.employee)
        _step_check(locked, payout_rules.PAYEE, actor)
        if locked.payee is None:
            raise PayoutError(_("This payout has no heir as payee."))
        text = (_("Heir removed as payee (%(payee)s): %(reason)s") % {"payee": locked.payee_line, "reason": reason})[
            :300
        ]
        locked.payee_spouse = locked.payee_child = None
        locked.heir_statement = ""
        locked.heir_statement_name = locked.heir_statement_content_type = ""
        _save(locked, actor, text)
        _status_change(locked, from_status=locked.status, actor=actor, note=text)
    return locked
