"""Celery tasks of the register: thin interfaces that load ids and call one service."""

from celery import shared_task
from django.conf import settings

from purna.jobs import memory_ceiling
from purna.tasks import TransientRetryTask


@shared_task(base=TransientRetryTask, acks_late=True, reject_on_worker_lost=True)
def retirement_facts_refresh_task(employee_ids: list[int] | None = None, run_id: int | None = None) -> int:
    """Recompute the stored retirement facts: a queued run for everyone (`run_id`, after a rule change),
    or the given employees', or everyone's; return how many changed.

    Safe to run twice, or twice at once: the service derives the facts from stored data and writes only
    the rows whose facts differ, each batch under row locks.
    """
    # Imported here because employees.services.register imports this module to schedule the task.
    from employees.services.register import retirement_facts_recompute, retirement_facts_refresh

    if run_id is not None:
        return retirement_facts_recompute(run_id=run_id).changed
    return retirement_facts_refresh(employee_ids=employee_ids)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def employee_import_task(job_id: int) -> str:
    """Run an employee import job (employees/services/imports.py) and return its status.

    Safe to run twice, or twice at once: the job's stored status decides, and its rows are written in
    one transaction that re-checks that status under a lock. Runs under a memory ceiling
    (PURNA_TASK_MEMORY_MB, purna/jobs.py): a file that needs more fails the job, and a run lost to it
    (the process aborted) is not run again when the task is redelivered: the job is marked failed.
    """
    # Imported here because employees.services.imports imports this module to schedule the task.
    from employees.services.imports import import_job_run

    with memory_ceiling(settings.PURNA_TASK_MEMORY_MB):
        return import_job_run(job_id=job_id).status
