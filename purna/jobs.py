"""Background jobs' shared plumbing: the stored state of a long job, and the memory ceiling of heavy tasks.

ProgressJob is what every long job stores for the page that follows it (an employee import, a
recomputation of retirement facts, a preparation of payouts, a batch of certificates): its status, how
much there is to do and how much is done, who asked, when it started and finished, and the error that
stopped it. The worker saves it as it goes; the page polls it and shows progress_percent, computed by
one rule for all (progress_percent below). Each job model extends it, keeping its own names where its
columns were named before (ImportJob's total_rows) and its own status values (stored ones differ).

A Celery worker child is replaced once a task leaves it above CELERY_WORKER_MAX_MEMORY_PER_CHILD, but
that is checked after the task: a task that runs away (a spreadsheet that unpacks to gigabytes) would
take the machine first. memory_ceiling bounds the task itself: for its duration the process's data
segment (RLIMIT_DATA: the heap and private writable mappings, which Linux counts since 4.7) may grow by
at most the given number of megabytes; an allocation past it fails. In Python code that is a
MemoryError, which the task catches and reports; native code (python-calamine's Rust) aborts the
process instead, and the job's stored state then says what happened (the job is not run again: see
employees/services/imports.py import_job_run).
"""

import contextlib
import datetime as dt
import resource
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from celery import Task
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from purna.dispatch import task_dispatch

MB = 1024 * 1024


def progress_percent(done: int, total: int, *, finished: bool = False) -> int:
    """How far a job is, 0-100: the whole percents done (rounded down: 100 only once everything is done,
    however large the job). A job with nothing to do is at 100 once finished, at 0 before."""
    if total <= 0:
        return 100 if finished else 0
    return min(100, max(0, done) * 100 // total)


class JobStatus(models.TextChoices):
    """A job's status, as its stored values say it (Indonesian words, as the batches have always stored)."""

    PENDING = "menunggu", _("Waiting")
    RUNNING = "berjalan", _("Running")
    DONE = "selesai", _("Done")
    FAILED = "gagal", _("Failed")


class ProgressJob(models.Model):
    """The stored state of a long job run by the Celery worker, followed by a page (see the module's
    docstring). A job model names its status choices in `Status` when they are not JobStatus's (the
    names PENDING, RUNNING, DONE and FAILED are the same for all)."""

    Status: type[models.TextChoices] = JobStatus

    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    total = models.PositiveIntegerField(_("to do"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the job was last handed to the broker; empty while it could not be (Redis down): jobs_sweep
    # hands it over once the broker is back (job_queue_after_commit below).
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        abstract = True

    @classmethod
    def waiting_q(cls) -> models.Q:
        """The jobs not started yet (a model without a stored status says it otherwise)."""
        return models.Q(status=cls.Status.PENDING)

    @property
    def progress_percent(self) -> int:
        return progress_percent(self.done, self.total, finished=self.finished_at is not None)

    @property
    def is_finished(self) -> bool:
        """Done or failed: the page stops waiting."""
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def is_running(self) -> bool:
        """Waiting for the worker or being worked on: the page keeps polling."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED


def data_bytes() -> int:
    """This process's data segment now (VmData), 0 where /proc does not say."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def memory_ceiling(megabytes: int) -> Iterator[None]:
    """Within the block, this process's data segment may grow by at most `megabytes` (0: no ceiling).
    The previous limit is restored afterwards (a worker child runs other tasks next)."""
    current = data_bytes()
    if megabytes <= 0 or not current:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    ceiling = current + megabytes * MB
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            ceiling = min(ceiling, limit)
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


# --- Handing jobs to the worker ------------------------------------------------------------------------


def job_queue(model: type[ProgressJob], job_id: int, task: Task, *, kwargs: Mapping[str, Any] | None = None) -> bool:
    """Hand job `job_id` of `model` to `task` now (its id as the only argument, or `kwargs`); on success its
    queued_at says when. When the broker cannot be reached (purna/dispatch.py: at most
    PURNA_DISPATCH_TIMEOUT_SECONDS) the job stays waiting with queued_at empty, and jobs_sweep hands it over."""
    sent = task_dispatch(task, kwargs=kwargs) if kwargs is not None else task_dispatch(task, args=[job_id])
    if sent:
        model.objects.filter(pk=job_id).update(queued_at=timezone.now())
    return sent


def job_queue_after_commit(
    model: type[ProgressJob], job_id: int, task: Task, *, kwargs: Mapping[str, Any] | None = None
) -> None:
    """job_queue once the caller's transaction commits (the worker must find the rows). A broker that is
    down costs the request at most PURNA_DISPATCH_TIMEOUT_SECONDS and never an error page: the work was saved."""
    transaction.on_commit(lambda: job_queue(model, job_id, task, kwargs=kwargs), robust=True)


def jobs_sweep(*, grace: dt.timedelta = dt.timedelta(seconds=30)) -> int:
    """Hand to the worker the jobs that never reached the broker (it was down when they were saved) and
    return how many were handed over. Every job model has a created_at. The jobs and their tasks are listed in PURNA_SWEPT_JOBS; each
    entry's `kwarg` names the task's argument for the job's id (positional when absent). Jobs saved in the
    last `grace` are left to the request that is handing them over. Run every minute by Celery beat.

    Only jobs never handed over are sent: a job already in the broker is never sent twice (an import
    delivered twice fails its second run by design, employees/services/imports.py). A job whose message
    the broker lost (a Redis restarted without persistence) is offered to be started again on its page."""
    handed = 0
    cutoff = timezone.now() - grace
    for label, entry in settings.PURNA_SWEPT_JOBS.items():
        model: type[ProgressJob] = apps.get_model(label)
        task = import_string(entry["task"])
        kwarg = entry.get("kwarg")
        due = model.objects.filter(model.waiting_q(), queued_at__isnull=True, created_at__lte=cutoff)
        for job_id in due.order_by("pk").values_list("pk", flat=True):
            if not job_queue(model, job_id, task, kwargs={kwarg: job_id} if kwarg else None):
                return handed  # the broker is still down: the next sweep tries again
            handed += 1
    return handed
