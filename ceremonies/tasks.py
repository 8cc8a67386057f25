"""Celery tasks of the ceremonies: thin interfaces that load ids and call one service. Certificate tasks
go to the "pdf" queue (purna/settings.py CELERY_TASK_ROUTES)."""

from celery import shared_task

from purna.tasks import TransientRetryTask


@shared_task(base=TransientRetryTask, bind=True, acks_late=True, reject_on_worker_lost=True)
def certificates_render_task(self, batch_id: int) -> str:
    """Render a batch of certificates (ceremonies/services/certificates.py) and return its status.

    Safe to run twice, or after a worker was killed half-way: each certificate's stored version decides
    whether it is rendered, and a finished batch is returned as it is.
    """
    # Imported here because the service imports this module to queue the task.
    from ceremonies.services.certificates import certificates_render

    return certificates_render(batch_id=batch_id, run_id=self.request.id or "").status


@shared_task(base=TransientRetryTask, acks_late=True)
def certificate_batches_sweep_task() -> int:
    """Every minute (Celery beat, purna/settings.py): hand over the batches that never reached the broker
    or whose run went silent (ceremonies/services/certificates.py certificate_batches_sweep)."""
    from ceremonies.services.certificates import certificate_batches_sweep

    return certificate_batches_sweep()


@shared_task(base=TransientRetryTask, acks_late=True)
def feedback_reminders_queue_task() -> int:
    """Every hour (Celery beat, purna/settings.py): queue the training rating reminders now due, each once
    (ceremonies/services/feedback.py feedback_reminders_queue); returns how many were queued."""
    from ceremonies.services.feedback import feedback_reminders_queue

    return feedback_reminders_queue()
