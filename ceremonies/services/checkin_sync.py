"""Check-ins and souvenirs synced from the phones at the door, each under the unique id the phone gave it.

The phones work offline (static/js/checkin_offline.js): they queue what staff tap and send the queue when
the signal returns, perhaps twice (a reply lost on the way), perhaps two phones for the same person. So:
- an operation id already recorded gets its first answer again and changes nothing;
- a person already checked in (by another phone, or online) is answered "already", not checked in twice:
  participant_check_in is idempotent under the participant's row lock;
- a check-in (or souvenir) made on a phone before staff undid it online is not redone: the undo came
  later and wins, and the phone is told (outcome "conflict").
At an event taken per day or per session (ceremonies/attendance.py) all of this holds for each day or
session: a check-in names its part (else the one under way when the phone recorded it), two phones
checking the same person in for the same day give one attendance, and an undo of day 1 does not stop
a check-in for day 2.
"""

import datetime as dt
from typing import TypedDict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ceremonies import attendance
from ceremonies.checkin_sync import CheckinOperationInput
from ceremonies.exceptions import CeremonyError
from ceremonies.models import (
    Attendance,
    CheckinOperation,
    CheckinOperationKind,
    CheckinOperationOutcome,
    Event,
    Participant,
)
from ceremonies.selectors import attendance_parts, part_key
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
    present: list[str]  # the days or sessions the participant is checked in for (their keys)


def _result(
    operation: CheckinOperationInput,
    outcome: str,
    message: str,
    participant: Participant | None = None,
    *,
    duplicate: bool = False,
    present: list[str] | None = None,
) -> CheckinOperationResult:
    return {
        "id": str(operation.operation_id),
        "outcome": outcome,
        "message": message,
        "participant": participant.pk if participant else None,
        "checked_in": bool(participant and participant.has_attended),
        "souvenir": bool(participant and participant.souvenir_at),
        "duplicate": duplicate,
        "present": present or [],
    }


def _message(outcome: str, kind: str, participant: Participant, part: attendance.Part | None = None) -> str:
    name = participant.employee.display_name
    if part is not None and kind == CheckinOperationKind.CHECK_IN:
        values = {"name": name, "part": part.short_label}
        if outcome == CheckinOperationOutcome.CONFLICT:
            return (
                _("The check-in of %(name)s for %(part)s was undone after this phone recorded it; it was not redone.")
                % values
            )
        if outcome == CheckinOperationOutcome.DONE:
            return _("%(name)s is checked in for %(part)s.") % values
        return _("%(name)s was already checked in for %(part)s.") % values
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


def _undone_after(participant: Participant, kind: str, done_at: dt.datetime, part: attendance.Part | None) -> bool:
    """Whether staff undid this kind of operation for the participant (for this day or session) after the
    phone recorded it."""
    if part is not None and kind == CheckinOperationKind.CHECK_IN:
        undone = Attendance.history.filter(participant_id=participant.pk, history_type="-", history_date__gt=done_at)
        if part.session_id is not None:
            return undone.filter(session_id=part.session_id).exists()
        return undone.filter(day=part.day, session__isnull=True).exists()
    return participant.history.filter(
        history_change_reason__startswith=UNDO_REASONS[CheckinOperationKind(kind)], history_date__gt=done_at
    ).exists()


def _present(participant: Participant, parts: list[attendance.Part]) -> list[str]:
    if not parts:
        return []
    rows = Attendance.objects.filter(participant=participant).values_list("day", "session_id")
    return [part_key(day, session_id) for day, session_id in rows]


def _apply(
    operation: CheckinOperationInput,
    participant: Participant,
    actor: User,
    now: dt.datetime,
    parts: list[attendance.Part],
) -> CheckinOperationResult:
    # The phone's clock says when it happened; a phone set in the future is not believed.
    done_at = min(operation.done_at, now)
    part = None
    if parts and operation.kind == CheckinOperationKind.CHECK_IN:
        part = attendance.part_chosen(parts, operation.part or None, done_at)
        if part is None:
            return _result(
                operation,
                "refused",
                _("This day or session is not part of this event."),
                participant,
                present=_present(participant, parts),
            )
    with transaction.atomic():
        locked = Participant.objects.select_for_update().select_related("employee").get(pk=participant.pk)
        # Under the participant's lock: the same operation sent twice at once finds the first one here.
        stored = CheckinOperation.objects.filter(operation_id=operation.operation_id).first()
        if stored is not None:
            stored_part = attendance.part_get(parts, stored.part) if stored.part else None
            return _result(
                operation,
                stored.outcome,
                _message(stored.outcome, stored.kind, locked, stored_part),
                locked,
                duplicate=True,
                present=_present(locked, parts),
            )
        if _undone_after(locked, operation.kind, done_at, part):
            outcome = CheckinOperationOutcome.CONFLICT
        elif operation.kind == CheckinOperationKind.CHECK_IN:
            locked, changed = participant_check_in(
                participant=locked, actor=actor, now=done_at, part=part.key if part else None
            )
            outcome = CheckinOperationOutcome.DONE if changed else CheckinOperationOutcome.ALREADY
        else:
            locked, changed = souvenir_hand(participant=locked, actor=actor, now=done_at)
            outcome = CheckinOperationOutcome.DONE if changed else CheckinOperationOutcome.ALREADY
        CheckinOperation.objects.create(
            operation_id=operation.operation_id,
            participant=locked,
            kind=operation.kind,
            outcome=outcome,
            part=part.key if part else "",
            done_at=done_at,
            actor=history_user(actor),
        )
    return _result(
        operation,
        outcome,
        _message(outcome, operation.kind, locked, part),
        locked,
        present=_present(locked, parts),
    )


def checkin_operations_apply(
    *, event: Event, actor: User, operations: list[CheckinOperationInput], now: dt.datetime | None = None
) -> list[CheckinOperationResult]:
    """Record the operations a phone sends for `event`, each at most once, and answer each of them.

    Each operation is its own transaction: one refused (the event closed meanwhile) or unknown (a QR code
    of another event, a participant outside the actor's scope) does not hold back the others. The phone
    drops every operation that got an answer and keeps the rest for the next try."""
    now = now or timezone.now()
    parts = attendance_parts(event=event)
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
            results.append(_apply(operation, participant, actor, now, parts))
        except CeremonyError as error:
            # What the participant holds is sent back as it is: the phone shows what the server has.
            results.append(
                _result(
                    operation, "refused", " ".join(error.messages), participant, present=_present(participant, parts)
                )
            )
    return results
