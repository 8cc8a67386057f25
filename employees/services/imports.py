"""Employee import: the one write path behind the import page, the admin and `manage.py import_employees`
(and the family import's jobs: the same upload, job and page; their rows are employees/services/family_import.py's).

An upload becomes an ImportJob (import_job_create); its import runs in Celery (employee_import_task ->
import_job_run), or in the command's own process. Every row is checked before anything is kept:

- Check, outside any transaction so that the progress bar can follow it: each row is read
  (employees/importer.py, on purna/spreadsheets.py), validated with the register's own rules against
  the stored employee with the same NIP, and its retirement facts computed
  (employees/services/import_check.py).
- Write, all or nothing, in one transaction that is committed only if no row had an error (and it is not
  a dry run): COPY and set-wise updates on PostgreSQL, with one history row per created or changed
  employee copied by INSERT ... SELECT; an update applies only if the employee was not changed since
  its check (employees/services/import_writes.py).

On PostgreSQL outside a transaction, a thread writes the rows of each checked batch while the next ones
are checked, and another reads the next batch's stored employees: checking is Python's work, reading
and writing mostly PostgreSQL's, and on two cores they overlap. Elsewhere (SQLite, or inside a caller's
transaction, as in tests) the rows wait in a temporary file and are written after the check. Either way
memory stays bounded by a few batches.

Why not bulk_create / bulk_update / simple_history's bulk_*_with_history: measured on PostgreSQL for
20,000 employees on the 2-core reference machine, bulk_create cost 190 us a row, an INSERT ... SELECT FROM
unnest of every column (facts.facts_write's mechanism, which suits its seven fact columns) 186 us, COPY
52 us; bulk_history_create 220 us a row against 23 us for INSERT ... SELECT. bench/import.py has the
figures of whole imports.
"""

import itertools
import logging
import os
import time
import uuid
from concurrent.futures import Future
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from employees import importer
from employees.choices import ImportKind, ImportStatus
from employees.importer import ImportResult
from employees.models import Employee, ImportJob
from employees.scope import ALL_UNITS, staff_scope
from employees.services.family_import import family_import_job
from employees.services.import_check import Checker, Loader
from employees.services.import_writes import SpoolWrites, ThreadWrites, Writes, job_finish, may_use_threads
from employees.tasks import employee_import_task
from purna import spreadsheets
from purna.jobs import job_queue_after_commit
from purna.spreadsheets import CellError, ImportFileError, Sheet
from purna.types import User

logger = logging.getLogger(__name__)

# Rows checked (and written) at a time.
BATCH_SIZE = 2000


def import_job_create(
    *,
    actor: User | None,
    file: Any,
    dry_run: bool = False,
    schedule: bool = True,
    kind: str = ImportKind.EMPLOYEES,
) -> ImportJob:
    """Store an uploaded spreadsheet (employees, or their families: `kind`) as an import job and, after
    commit, queue its import.

    `file` is an uploaded file (or any django File). Raises ImportFileError, storing nothing, for a file
    that is empty, too large, not a CSV / XLSX by its content, or an XLSX that is a zip bomb or holds a
    nested archive (purna/spreadsheets.py check_file; the job checks the stored file again before parsing it). The
    rest (encoding, columns, rows) is checked by the job, whose page shows the result. `schedule=False` leaves the running to the caller
    (the management command runs it in its own process).
    """
    name = os.path.basename(file.name or "")
    extension = spreadsheets.check_file(file, name=name, size=file.size, max_bytes=settings.PURNA_IMPORT_MAX_BYTES)
    file.seek(0)
    job = ImportJob(
        kind=kind,
        original_name=name[:255],
        dry_run=dry_run,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The stored name is not the uploaded one: names carry personal data and may be hostile.
    job.file.save(f"{uuid.uuid4().hex}.{extension}", File(file), save=False)
    if not schedule:
        job.queued_at = timezone.now()  # run by the caller: the sweep (purna/jobs.py) leaves it alone
    with transaction.atomic():
        job.save()
        if schedule:
            job_queue_after_commit(ImportJob, job.pk, employee_import_task)
    return job


def import_job_from_dry_run(*, dry_run: ImportJob, actor: User | None, schedule: bool = True) -> tuple[ImportJob, bool]:
    """The real import of a clean dry run's stored file ("Impor sekarang"): a new job on the same file,
    queued after commit. Returns (job, created): a second click (or two at once: the dry run's row is
    locked) finds the import already made from that file and returns it, created False, so the file is
    imported once. The register is checked again by the new job, as it may have changed since.

    Raises ImportFileError when the dry run did not finish without errors (nothing to import from it).
    """
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=dry_run.pk)
        if not locked.dry_run or locked.status != ImportStatus.DONE or importer.unpack(locked.errors).errors:
            raise ImportFileError(_("Only a dry run that finished without errors can be imported from its file."))
        existing = dry_run_import(locked)
        if existing is not None:
            return existing, False
        job = ImportJob(
            kind=locked.kind,
            original_name=locked.original_name,
            dry_run=False,
            file=locked.file.name,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            queued_at=None if schedule else timezone.now(),
        )
        job.save()
        if schedule:
            job_queue_after_commit(ImportJob, job.pk, employee_import_task)
    return job, True


def dry_run_import(dry_run: ImportJob) -> ImportJob | None:
    """The real import made from a dry run's stored file, if any (they share the file)."""
    return ImportJob.objects.filter(file=dry_run.file.name, dry_run=False).order_by("pk").first()


def import_job_run(*, job_id: int) -> ImportJob:
    """Run an import job to its end; safe to run twice, or twice at once.

    The job's row is locked to start it: a finished job (done or failed) is returned as it is, and a
    waiting one is marked running and run. A job found running was started by a run that never
    finished: its process was lost (killed for memory by the task's ceiling, or stopped) and its writes
    were never committed. It is not run again, since the same file would most likely take the next
    process down the same way (a redelivered task would crash in a loop): it is marked failed, saying
    so; the person can upload the file again. The write transaction locks the job again and gives up if
    another run finished it meanwhile, so the rows are written at most once (two runs at once, a task
    delivered twice, leave the job failed by the second; a running task is not redelivered, since
    CELERY_TASK_TIME_LIMIT is below the broker's visibility timeout). A MemoryError (the task's memory
    ceiling, purna/jobs.py) fails the job with its own message. Messages are stored in the site's
    language.
    """
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.is_finished:
            return job
        if job.status == ImportStatus.RUNNING:
            logger.warning("Import job %s was left running by a lost run: marked failed, not run again", job_id)
            return _job_fail(job, _job_lost_message)
        job.status, job.started_at = ImportStatus.RUNNING, timezone.now()
        job.processed_rows = 0
        job.save(update_fields=["status", "started_at", "processed_rows"])
    try:
        with translation.override(settings.LANGUAGE_CODE):
            if job.kind == ImportKind.FAMILY:
                return family_import_job(job)
            return _job_import(job)
    except MemoryError:
        logger.warning("Import job %s needed more memory than its ceiling allows", job_id)
        return _job_fail(ImportJob.objects.get(pk=job_id), _job_memory_message)
    except Exception:
        logger.exception("Import job %s stopped on an unexpected error", job_id)
        _job_fail(
            ImportJob.objects.get(pk=job_id),
            lambda: _("The import stopped on an unexpected error; nothing was saved. Try again."),
        )
        raise


def _job_lost_message() -> str:
    return _(
        "The import stopped before its end: reading the file needed more memory than allowed, or the server "
        "was restarted. Nothing was saved and the file will not be read again by itself. Check the file (or "
        "split it into smaller files) and upload it again."
    )


def _job_memory_message() -> str:
    return _(
        "The file needs more memory to read than an import is allowed; nothing was saved. Split it into "
        "smaller files and upload them one by one."
    )


def _job_fail(job: ImportJob, message: Any) -> ImportJob:
    """Finish a job failed with one message about the whole file (in the site's language)."""
    result = ImportResult()
    with translation.override(settings.LANGUAGE_CODE):
        result.add_error(CellError(None, "", message()))
    return job_finish(job, result)


def _job_import(job: ImportJob) -> ImportJob:
    result = ImportResult()
    with job.file.open("rb") as file:
        try:
            sheet = importer.open_sheet(
                file, name=job.original_name, size=job.file.size, max_bytes=settings.PURNA_IMPORT_MAX_BYTES
            )
            layout = importer.read_header(sheet.header)
        except ImportFileError as exc:
            result.add_error(CellError(None, "", exc.message))
            return job_finish(job, result)
        result.notices += sheet.notices
        if layout.ignored:
            result.notices.append(
                _("Columns computed by Purna were ignored: %(columns)s.") % {"columns": ", ".join(layout.ignored)}
            )
        if layout.unused:
            result.notices.append(
                _("Columns of a SIASN export that Purna does not keep were ignored: %(columns)s.")
                % {"columns": ", ".join(layout.unused)}
            )
        job.total_rows = sheet.total_rows
        ImportJob.objects.filter(pk=job.pk).update(total_rows=sheet.total_rows)
        for error in importer.formula_errors(sheet.formula_cells, layout, first_column=sheet.first_column):
            result.add_error(error)
        writes = None if job.dry_run else _writes_for(job)
        started = time.monotonic()
        try:
            _rows_check(job, sheet, layout, result, writes)
            checked = time.monotonic()
            if result.total_rows == 0 and result.ok:
                result.add_error(CellError(None, "", _("The file has column headers but no rows.")))
            if writes is None or not result.ok:
                return job_finish(job, result)
            job = writes.commit(result)
            logger.info(
                "Import job %s: %d rows checked in %.1f s, written %.1f s later",
                job.pk,
                result.total_rows,
                checked - started,
                time.monotonic() - checked,
            )
            return job
        finally:
            if writes is not None:
                writes.close()


def _rows_check(
    job: ImportJob, sheet: Sheet, layout: importer.Layout, result: ImportResult, writes: Writes | None
) -> None:
    # An import by a staff member writes only their own units' employees; the command's (no user) is
    # the server administrator's.
    scope = staff_scope(job.created_by) if job.created_by_id else ALL_UNITS
    checker = Checker(sheet=sheet, layout=layout, result=result, writes=writes, scope=scope)
    alias = router.db_for_read(Employee)
    loader = Loader(alias, threaded=may_use_threads(alias))
    processed = 0
    rows = iter(sheet.rows)
    pending: tuple[list, Future] | None = None
    try:
        while True:
            batch = list(itertools.islice(rows, BATCH_SIZE))
            if batch:
                parsed = checker.parse(batch)
                nips = [values["nip"] for _number, values, _errors in parsed if values.get("nip")]
                upcoming = (parsed, loader.submit(nips))
            if pending is not None:
                checker.check(pending[0], pending[1].result(), alias)
                processed += len(pending[0])
                result.total_rows = processed
                ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)
            if not batch:
                return
            pending = upcoming
    finally:
        loader.close()


def _writes_for(job: ImportJob) -> Writes:
    if may_use_threads(router.db_for_write(Employee)):
        return ThreadWrites(job, batch_size=BATCH_SIZE)
    return SpoolWrites(job, batch_size=BATCH_SIZE)
