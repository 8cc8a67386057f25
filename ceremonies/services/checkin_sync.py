"""Check-ins and souvenirs synced from the phones at the door, each under the unique id the phone gave it.

The phones work offline (static/js/checkin_offline.js): they queue what staff tap and send the queue when
the signal returns, perhaps twice (a reply lost on the way), perhaps two phones for the same person. So:
- an operation id already recorded gets its first answer again and changes nothing;
- a person already checked in (by another phone, or online) is answered "already", not checked in twice:
  participant_check_in is idempotent under the participant's row lock;
- a check-in (or souvenir) made on a phone before staff undid it online is not redone: the undo came
  later and wins, and the phone is told (outcome "conflict").
"""

import datetime as dt
from typing import TypedDict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ceremonies.checkin_sync import CheckinOperationInput
from ceremonies.exceptions import CeremonyError
from ceremonies.models import CheckinOperation, CheckinOperationKind, CheckinOperationOutcome, Event, Participant
from ceremonies.services.events import participant_check_in, souvenir_hand
from employees.scope import staff_scope
from purna.formatting import jam
from purna.history import history_user
from purna.types import User

UNDO_REASONS = {
    CheckinOperationKind.CHECK_IN: "check-in undone",
    CheckinOperationKind.SOUVENIR: "souvenir undone",
}


class CheckinOperationResult(TypedDict):
    id: str
    outcome: str  # done, already, conflict, refused, unknown
    message: str
    participant: int | None
    checked_in: bool
    souvenir: bool
    duplicate: bool


def _result(
    operation: CheckinOperationInput,
    outcome: str,
    message: str,
    participant: Participant | None = None,
    *,
    duplicate: bool = False,
) -> CheckinOperationResult:
    return {
        "id": str(operation.operation_id),
        "outcome": outcome,
        "message": message,
        "participant": participant.pk if participant else None,
        "checked_in": bool(participant and participant.has_attended),
        "souvenir": bool(participant and participant.souvenir_at),
        "duplicate": duplicate,
    }


def _message(outcome: str, kind: str, participant: Participant) -> str:
    name = participant.employee.display_name
    if outcome == CheckinOperationOutcome.CONFLICT:
        if kind == CheckinOperationKind.CHECK_IN:
            return _("The check-in of %(name)s was undone after this phone recorded it; it was not redone.") % {
                "name": name
            }
        return _("The souvenir of %(name)s was undone after this phone recorded it; it was not redone.") % {
            "name": name
        }
    if kind == CheckinOperationKind.CHECK_IN:
        if outcome == CheckinOperationOutcome.DONE:
            return _("%(name)s is checked in.") % {"name": name}
        return _("%(name)s was already checked in at %(time)s.") % {
            "name": name,
            "time": jam(timezone.localtime(participant.checked_in_at)) if participant.checked_in_at else "",
        }
    if outcome == CheckinOperationOutcome.DONE:
        return _("Souvenir recorded for %(name)s.") % {"name": name}
    return _("The souvenir of %(name)s was already recorded.") % {"name": name}


def _undone_after(participant: Participant, kind: str, done_at: dt.datetime) -> bool:
    """Whether staff undid this kind of operation for the participant after the phone recorded it."""
    return participant.history.filter(
        history_change_reason__startswith=UNDO_REASONS[CheckinOperationKind(kind)], history_date__gt=done_at
    ).exists()


def _apply(
    operation: CheckinOperationInput, participant: Participant, actor: User, now: dt.datetime
) -> CheckinOperationResult:
    # The phone's clock says when it happened; a phone set in the future is not believed.
    done_at = min(operation.done_at, now)
    with transaction.atomic():
        locked = Participant.objects.select_for_update().select_related("employee").get(pk=participant.pk)
        # Under the participant's lock: the same operation sent twice at once finds the first one here.
        stored = CheckinOperation.objects.filter(operation_id=operation.operation_id).first()
        if stored is not None:
            return _result(
                operation, stored.outcome, _message(stored.outcome, stored.kind, locked), locked, duplicate=True
            )
        if _undone_after(locked, operation.kind, done_at):
            outcome = CheckinOperationOutcome.CONFLICT
        elif operation.kind == CheckinOperationKind.CHECK_IN:
            locked, changed = participant_check_in(participant=locked, actor=actor, now=done_at)
            outcome = CheckinOperationOutcome.DONE if changed else CheckinOperationOutcome.ALREADY
        else:
            locked, changed = souvenir_hand(participant=locked, actor=actor, now=done_at)
            outcome = CheckinOperationOutcome.DONE if changed else CheckinOperationOutcome.ALREADY
        CheckinOperation.objects.create(
            operation_id=operation.operation_id,
            participant=locked,
            kind=operation.kind,
            outcome=outcome,
            done_at=done_at,
            actor=history_user(actor),
        )
    return _result(operation, outcome, _message(outcome, operation.kind, locked), locked)


def checkin_operations_apply(
    *, event: Event, actor: User, operations: list[CheckinOperationInput], now: dt.datetime | None = None
) -> list[CheckinOperationResult]:
    """Record the operations a phone sends for `event`, each at most once, and answer each of them.

    Each operation is its own transaction: one refused (the event closed meanwhile) or unknown (a QR code
    of another event, a participant outside the actor's scope) does not hold back the others. The phone
    drops every operation that got an answer and keeps the rest for the next try."""
    now = now or timezone.now()
    ids = [operation.participant_id for operation in operations if operation.participant_id]
    codes = [operation.code for operation in operations if operation.code]
    candidates = Participant.objects.filter(event=event).filter(Q(pk__in=ids) | Q(checkin_code__in=codes))
    participants = list(staff_scope(actor).filter(candidates, "employee__unit").select_related("employee"))
    by_pk = {participant.pk: participant for participant in participants}
    by_code = {participant.checkin_code: participant for participant in participants}
    results = []
    for operation in operations:
        participant = by_pk.get(operation.participant_id) if operation.participant_id else by_code.get(operation.code)
        if participant is None:
            results.append(_result(operation, "unknown", _("This person is not a participant of this event.")))
            continue
        try:
            results.append(_apply(operation, participant, actor, now))
        except CeremonyError as error:
            results.append(_result(operation, "refused", " ".join(error.messages), participant))
    return results
