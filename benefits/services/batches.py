"""The write path of payout preparation batches (PayoutBatch): a preparation too large for a page request
is stored with the chosen retirees, queued on commit, and run by the worker chunk by chunk through
payouts_prepare_bulk, its progress saved after each chunk.

Safe to run twice, or twice at once: each chunk is taken under the batch row's lock from the stored
position, and a finished batch is left alone; payouts_prepare_bulk skips whoever already has a payout.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.exceptions import PayoutError
from benefits.models import BatchStatus, PayoutBatch
from benefits.services import payouts as services
from ceremonies.models import Event
from employees.models import Employee
from purna.jobs import job_queue_after_commit
from purna.types import User

# Each chunk is one transaction: small enough that the page sees progress every second or so.
CHUNK_SIZE = 25
# The stored errors are shown on a page: beyond this many, only the count grows.
MAX_STORED_ERRORS = 500


def payout_batch_create(
    *,
    employee_ids: list[int],
    benefit_type: str,
    actor: User | None,
    event: Event | None = None,
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
) -> PayoutBatch:
    """Store a preparation of payouts for these employees and queue it for the worker once committed."""
    if actor is None or not actor.has_perm(services.PERM_PREPARE):
        raise PayoutError(_("You may not prepare payouts."))
    from benefits.tasks import payouts_prepare_batch_task

    with transaction.atomic():
        batch = PayoutBatch.objects.create(
            benefit_type=benefit_type,
            event=event,
            period_from=period_from,
            period_until=period_until,
            employee_ids=list(employee_ids),
            total=len(employee_ids),
            requested_by=actor,
        )
        job_queue_after_commit(PayoutBatch, batch.pk, payouts_prepare_batch_task)
    return batch


def payout_batch_run(*, batch_id: int, chunk_size: int = CHUNK_SIZE) -> PayoutBatch:
    """Prepare the batch's payouts from where it stopped, one chunk per transaction, as the person who
    requested it (their permissions and scope apply); return the batch as stored at the end."""
    while True:
        with transaction.atomic():
            # Only the batch row is locked: its event and requester are outer joins PostgreSQL will not lock.
            batch = (
                PayoutBatch.objects.select_for_update(of=("self",))
                .select_related("event", "requested_by")
                .get(pk=batch_id)
            )
            if batch.is_finished:
                return batch
            if batch.status == BatchStatus.PENDING:
                batch.status, batch.started_at = BatchStatus.RUNNING, timezone.now()
            ids = batch.employee_ids[batch.done : batch.done + chunk_size]
            if not ids:
                batch.status, batch.finished_at = BatchStatus.DONE, timezone.now()
                batch.save()
                return batch
            employees = {employee.pk: employee for employee in Employee.objects.filter(pk__in=ids)}
            try:
                report = services.payouts_prepare_bulk(
                    employees=[employees[pk] for pk in ids if pk in employees],
                    benefit_type=batch.benefit_type,
                    actor=batch.requested_by,
                    event=batch.event,
                )
            except PayoutError as error:
                # The requester lost the permission since: nothing more can be prepared in their name.
                batch.status, batch.finished_at = BatchStatus.FAILED, timezone.now()
                batch.errors = [*batch.errors, {"name": "", "messages": error.messages}][:MAX_STORED_ERRORS]
                batch.save()
                return batch
            batch.done += len(ids)
            batch.created += len(report.done)
            batch.skipped += len(report.skipped)
            room = MAX_STORED_ERRORS - len(batch.errors)
            batch.errors = [
                *batch.errors,
                *({"name": name, "messages": messages} for name, messages in report.errors[: max(room, 0)]),
            ]
            batch.save()
