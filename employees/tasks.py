"""Celery tasks of the register: thin interfaces that load ids and call one service."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def retirement_facts_refresh_task(employee_ids: list[int] | None = None) -> int:
    """Recompute the stored retirement facts (everyone's, or the given employees').

    Safe to run twice, or twice at once: the service derives the facts from stored data and writes only
    the rows whose facts differ, each batch under row locks.
    """
    # Imported here because employees.services.register imports this module to schedule the task.
    from employees.services.register import retirement_facts_refresh

    return retirement_facts_refresh(employee_ids=employee_ids)
