"""Celery tasks of the benefits: thin interfaces that load ids and call one service."""

from celery import shared_task

from purna.tasks import TransientRetryTask


@shared_task(base=TransientRetryTask, acks_late=True, reject_on_worker_lost=True)
def receipt_render_task(receipt_id: int) -> str | None:
    """Render a receipt's PDF (routed to the PDF queue, CELERY_TASK_ROUTES); return its status.

    Safe to run twice, or twice at once: the receipt's stored status decides, under its row lock
    (benefits.services.receipts.receipt_render).
    """
    # Imported here because benefits.services.receipts imports this module to schedule the task.
    from benefits.services.receipts import receipt_render

    receipt = receipt_render(receipt_id=receipt_id)
    return receipt.status if receipt is not None else None


@shared_task(base=TransientRetryTask, acks_late=True)
def receipts_sweep_task() -> int:
    """Every minute (Celery beat, purna/settings.py): hand over the receipts that never reached the broker
    (benefits/services/receipts.py receipts_sweep); returns how many."""
    from benefits.services.receipts import receipts_sweep

    return receipts_sweep()


@shared_task(base=TransientRetryTask, acks_late=True, reject_on_worker_lost=True)
def payouts_prepare_batch_task(batch_id: int) -> str:
    """Prepare the payouts of a PayoutBatch (benefits/services/batches.py) and return its status.

    Safe to run twice, or twice at once: the batch row is locked for each chunk, its stored position
    says where to continue, and a finished batch returns at once.
    """
    # Imported here because benefits.services.batches imports this module to queue the task.
    from benefits.services.batches import payout_batch_run

    return payout_batch_run(batch_id=batch_id).status
