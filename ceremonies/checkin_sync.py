"""What a phone sends when it syncs the check-ins it made (offline or not): the shape of the payload.

Pure: no ORM, no clock. The view reads the request's JSON and hands it here; the operations come back as
frozen dataclasses, or CheckinSyncError says, in the user's language, what is wrong with the payload
(then nothing is recorded). ceremonies/services/checkin_sync.py applies them.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ceremonies.attendance import KEY_MAX_LENGTH

# A phone sends its queue in batches of at most this many operations (static/js/checkin_offline.js).
MAX_OPERATIONS = 100
# The largest request body the sync endpoint reads: 100 operations take about 15 KB.
MAX_BODY_BYTES = 64 * 1024
KINDS = ("check_in", "souvenir")


class CheckinSyncError(ValueError):
    """The payload cannot be read; the message says why."""


@dataclass(frozen=True)
class CheckinOperationInput:
    operation_id: uuid.UUID
    kind: str
    participant_id: int | None
    code: str
    done_at: dt.datetime
    # The day or session a check-in is for at an event taken per day or session (ceremonies/attendance.py);
    # empty: the one under way when it was done.
    part: str = ""


def _operation(raw: Any, position: int) -> CheckinOperationInput:
    where = _("Operation %(n)d") % {"n": position}
    if not isinstance(raw, dict):
        raise CheckinSyncError(_("%(where)s is not an object.") % {"where": where})
    try:
        operation_id = uuid.UUID(str(raw.get("id", "")))
    except ValueError as exc:
        raise CheckinSyncError(_("%(where)s has no valid id.") % {"where": where}) from exc
    kind = raw.get("kind")
    if kind not in KINDS:
        raise CheckinSyncError(_("%(where)s has an unknown kind.") % {"where": where})
    participant_id = raw.get("participant")
    if participant_id is not None and (
        isinstance(participant_id, bool) or not isinstance(participant_id, int) or participant_id <= 0
    ):
        raise CheckinSyncError(_("%(where)s names no valid participant.") % {"where": where})
    code = raw.get("code") or ""
    if not isinstance(code, str) or len(code) > 32:
        raise CheckinSyncError(_("%(where)s has an invalid QR code.") % {"where": where})
    if participant_id is None and not code:
        raise CheckinSyncError(_("%(where)s names no participant.") % {"where": where})
    try:
        done_at = dt.datetime.fromisoformat(str(raw.get("at", "")).replace("Z", "+00:00"))
    except ValueError as exc:
        raise CheckinSyncError(_("%(where)s has no valid time.") % {"where": where}) from exc
    if done_at.tzinfo is None:
        raise CheckinSyncError(_("%(where)s has no valid time.") % {"where": where})
    part = raw.get("part") or ""
    if not isinstance(part, str) or len(part) > KEY_MAX_LENGTH:
        raise CheckinSyncError(_("%(where)s names no valid day or session.") % {"where": where})
    return CheckinOperationInput(operation_id, kind, participant_id, code, done_at, part)


def operations_parse(payload: Any) -> list[CheckinOperationInput]:
    """The operations of a decoded JSON payload `{"operations": [...]}`; CheckinSyncError when it is not
    one, has more than MAX_OPERATIONS, or one operation is malformed (then none is taken)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("operations"), list):
        raise CheckinSyncError(_("The data sent is not a list of operations."))
    raw_operations = payload["operations"]
    if len(raw_operations) > MAX_OPERATIONS:
        raise CheckinSyncError(_("At most %(n)d operations at once.") % {"n": MAX_OPERATIONS})
    operations = [_operation(raw, position) for position, raw in enumerate(raw_operations, start=1)]
    if len({operation.operation_id for operation in operations}) != len(operations):
        raise CheckinSyncError(_("The same operation id appears twice."))
    return operations
