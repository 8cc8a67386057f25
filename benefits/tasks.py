"""Celery tasks of the benefits: thin interfaces that load ids and call one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def payouts_prepare_batch_task(batch_id: int) -> str:
    """Prepare the payouts of a PayoutBatch (benefits/batches.py) and return its status.

    Safe to run twice, or twice at once: the batch row is locked for each chunk, its stored position
    says where to continue, and a finished batch returns at once.
    """
    # Imported here because benefits.batches imports this module to queue the task.
    from benefits.batches import payout_batch_run

    return payout_batch_run(batch_id=batch_id).status
