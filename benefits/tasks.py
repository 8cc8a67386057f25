"""Celery tasks of the benefits: thin interfaces that load ids and call one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def receipt_render_task(receipt_id: int) -> str | None:
    """Render a receipt's PDF (routed to the PDF queue, CELERY_TASK_ROUTES); return its status.

    Safe to run twice, or twice at once: the receipt's stored status decides, under its row lock
    (benefits.services_receipts.receipt_render).
    """
    # Imported here because benefits.services_receipts imports this module to schedule the task.
    from benefits.services_receipts import receipt_render

    receipt = receipt_render(receipt_id=receipt_id)
    return receipt.status if receipt is not None else None
