"""Employee import: the one write path behind the import page, the admin and `manage.py import_employees`.

An upload becomes an ImportJob (import_job_create); its import runs in Celery (employee_import_task ->
import_job_run), or in the command's own process. Every row is checked before anything is kept:

- Check, outside any transaction so that the progress bar can follow it: each row is read
  (employees/importer.py), validated with the register's own rules against the stored employee with
  the same NIP (employees/services/register.py employee_prepare: NIP format and agreement with the
  record, golongan PNS vs PPPK, jenjang only for fungsional...), and its retirement facts computed.
- Write, all or nothing, in one transaction that is committed only if no row had an error (and it is not
  a dry run). New employees are inserted and changed ones updated set-wise (PostgreSQL: COPY, and COPY
  into a staging table joined by one UPDATE; SQLite: executemany), and one history row per created or
  changed employee is copied by INSERT ... SELECT from the row just written, with the actor and the job
  in its reason. An update applies only if the row's updated_at is still the one checked: if someone
  changed an employee of the file meanwhile, nothing is written and the job says to import again.

On PostgreSQL outside a transaction, a thread writes the rows of each checked batch while the next ones
are checked, and another reads the next batch's stored employees (_ThreadWrites, _Loader): checking is
Python's work, reading and writing mostly PostgreSQL's, and on two cores they overlap. Elsewhere (SQLite,
or inside a caller's transaction, as in tests) the rows wait in a temporary file and are written after
the check (_SpoolWrites). Either way memory stays bounded by a few batches.

Why not bulk_create / bulk_update / simple_history's bulk_*_with_history: measured on PostgreSQL for
20,000 employees on the 2-core reference machine, bulk_create cost 190 us a row, an INSERT ... SELECT FROM
unnest of every column (register._facts_write's mechanism, which suits its six fact columns) 186 us, COPY
52 us; bulk_history_create 220 us a row against 23 us for INSERT ... SELECT. bench/import.py has the
figures of whole imports.
"""

import csv
import io
import itertools
import logging
import operator
import os
import pickle
import queue
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from employees import importer
from employees.choices import ImportStatus
from employees.counts import register_changed
from employees.exceptions import EmployeeError
from employees.importer import CellError, ImportFileError, ImportResult
from employees.models import Employee, ImportJob, RetirementRule, UnitKerja
from employees.scope import ALL_UNITS, Scope, staff_scope
from employees.services.register import NIP_CHECKED_FIELDS, BulkValidation, employee_prepare, rule_from_model
from employees.tasks import employee_import_task

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# SQLite's limit on a statement's parameters (999 on old builds) bounds its IN (...) lists.
SQLITE_IN_SIZE = 500

_META = Employee._meta
# Written for a new employee: every column but the id.
INSERT_FIELDS = [f for f in _META.concrete_fields if not f.primary_key]
# Read for a changed one: the same, but not when it was created nor its portal account. Only the columns
# that changed in a batch are written (and updated_at): others may be kept by other services meanwhile
# (the retirement record's copy, Employee.case_status).
UPDATE_FIELDS = [f for f in INSERT_FIELDS if f.name not in ("created_at", "user")]
# Compared to decide "unchanged": everything an import can change, the retirement facts included.
COMPARED = [f.attname for f in UPDATE_FIELDS if f.name != "updated_at"]
# COMPARED's fields as bits of a mask, by their place in UPDATE_FIELDS.
_COMPARED_BITS = [1 << [f.attname for f in UPDATE_FIELDS].index(name) for name in COMPARED]
_UPDATED_AT_BIT = 1 << [f.name for f in UPDATE_FIELDS].index("updated_at")
_FIELD_LABELS = {
    **{column.field: column.header for column in importer.COLUMNS},
    "unit_id": importer.COLUMN_BY_FIELD["unit_code"].header,
    "unit": importer.COLUMN_BY_FIELD["unit_code"].header,
    "bup": "BUP",
    "bup_date": "tanggal mencapai BUP",
    "tmt_pensiun": "TMT pensiun",
    "service_years": "masa kerja",
    "service_months": "masa kerja",
}
_HEADER_FIELD = {column.header: column.field for column in importer.COLUMNS}


def import_job_create(*, actor: Any, file: Any, dry_run: bool = False, schedule: bool = True) -> ImportJob:
    """Store an uploaded spreadsheet as an import job and, after commit, queue its import.

    `file` is an uploaded file (or any django File). Raises ImportFileError, storing nothing, for a file
    that is empty, too large, not a CSV / XLSX by its content, or an XLSX that is a zip bomb or holds a
    nested archive (importer.check_file; the job checks the stored file again before parsing it). The
    rest (encoding, columns, rows) is checked by the job, whose page shows the result. `schedule=False` leaves the running to the caller
    (the management command runs it in its own process).
    """
    name = os.path.basename(file.name or "")
    extension = importer.check_file(file, name=name, size=file.size, max_bytes=settings.PURNA_IMPORT_MAX_BYTES)
    file.seek(0)
    job = ImportJob(
        original_name=name[:255],
        dry_run=dry_run,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    # The stored name is not the uploaded one: names carry personal data and may be hostile.
    job.file.save(f"{uuid.uuid4().hex}.{extension}", File(file), save=False)
    with transaction.atomic():
        job.save()
        if schedule:
            transaction.on_commit(lambda: employee_import_task.delay(job.pk))
    return job


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
        if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
            return job
        if job.status == ImportStatus.RUNNING:
            logger.warning("Import job %s was left running by a lost run: marked failed, not run again", job_id)
            return _job_fail(job, _job_lost_message)
        job.status = ImportStatus.RUNNING
        job.processed_rows = 0
        job.save(update_fields=["status", "processed_rows"])
    try:
        with translation.override(settings.LANGUAGE_CODE):
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
    return _job_finish(job, result)


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
            return _job_finish(job, result)
        result.notices += sheet.notices
        if layout.ignored:
            result.notices.append(
                _("Columns computed by Purna were ignored: %(columns)s.") % {"columns": ", ".join(layout.ignored)}
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
                return _job_finish(job, result)
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


def _job_finish(job: ImportJob, result: ImportResult) -> ImportJob:
    job.status = ImportStatus.DONE if result.ok else ImportStatus.FAILED
    # The rows read (an XLSX's announced total may count empty rows at its end).
    job.total_rows = job.processed_rows = result.total_rows
    job.created_count = result.created
    job.updated_count = result.updated
    job.unchanged_count = result.unchanged
    job.errors = result.pack()
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "total_rows",
            "processed_rows",
            "created_count",
            "updated_count",
            "unchanged_count",
            "errors",
            "finished_at",
        ]
    )
    return job


# --- Pass 1: check every row ---------------------------------------------------------------------------


def _rules_by_position() -> Any:
    rules = [rule_from_model(rule) for rule in RetirementRule.objects.all()]
    cache: dict[tuple, list] = {}

    def rules_for(position: tuple) -> list:
        # Thousands of rows share a handful of positions; each then looks at 2-3 rules instead of all.
        found = cache.get(position)
        if found is None:
            found = cache[position] = [rule for rule in rules if rule.matches_position(*position)]
        return found

    return rules_for


_ALL_FIELDS = _META.concrete_fields
_POSITION = operator.attrgetter("asn_type", "jenis_jabatan", "jenjang", "rumpun")
_COMPARED = operator.attrgetter(*COMPARED)
_NIP_CHECKED = operator.attrgetter(*NIP_CHECKED_FIELDS)
_INSERT_VALUES = operator.attrgetter(*(f.attname for f in INSERT_FIELDS))
_UPDATE_VALUES = operator.attrgetter(*(f.attname for f in UPDATE_FIELDS))
_UNIT_HEADER = importer.COLUMN_BY_FIELD["unit_code"].header
_ATTNAMES = [f.attname for f in _ALL_FIELDS]
_NIP_POSITION = _ATTNAMES.index("nip")


class _Checker:
    """Pass 1 for one file: checks rows against the register and plans the writes."""

    def __init__(
        self,
        *,
        sheet: importer.Sheet,
        layout: importer.Layout,
        result: ImportResult,
        writes: "_Writes | None",
        scope: Scope,
    ):
        self.scope = scope
        self.sheet = sheet
        self.layout = layout
        self.result = result
        self.writes = writes
        self.units = importer.UnitLookup(UnitKerja.objects.values_list("code", "pk", "is_active"))
        self.unit_codes = dict(UnitKerja.objects.values_list("pk", "code"))
        self.rules_for = _rules_by_position()
        self.validation = BulkValidation()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.cells_of = {column.field: index for index, column in layout.positions}
        self.seen: dict[str, int] = {}
        # A new employee is built from the model's defaults by position, Django's fast path (from_db's).
        self.defaults = [getattr(Employee(), f.attname) for f in _ALL_FIELDS]
        self.index = {f.attname: i for i, f in enumerate(_ALL_FIELDS)}

    def cell(self, field: str, row: int) -> str:
        index = self.cells_of.get("unit_code" if field in ("unit", "unit_id") else field)
        return f"{importer.column_letter(index + self.sheet.first_column)}{row}" if index is not None else ""

    def parse(self, rows: list[tuple[int, list]]) -> list[tuple[int, dict, list]]:
        parse = importer.parse_row
        layout, units, first_column = self.layout, self.units, self.sheet.first_column
        return [
            (number, *parse(cells, layout, row=number, units=units, first_column=first_column))
            for number, cells in rows
        ]

    def check(self, parsed: list[tuple[int, dict, list]], existing_rows: list[tuple], alias: str) -> None:
        existing = {row[_NIP_POSITION]: Employee.from_db(alias, _ATTNAMES, row) for row in existing_rows}
        for number, values, errors in parsed:
            self.row(number, values, errors, existing)

    def row(self, number: int, values: dict[str, Any], errors: list[CellError], existing: dict) -> None:
        nip = values.get("nip")
        if nip:
            first = self.seen.setdefault(nip, number)
            if first != number:
                errors.append(
                    CellError(
                        number,
                        "NIP",
                        _("NIP %(nip)s is also in row %(first)d: an employee may appear only once in a file.")
                        % {"nip": nip, "first": first},
                        self.cell("nip", number),
                    )
                )
        unit_active = values.pop("_unit_active", True)
        current = existing.get(nip) if nip else None
        # Read before the row's values are applied to the stored employee below.
        outside_scope = current is not None and not self.scope.covers(current.unit_id)
        if current is None:
            args = self.defaults.copy()
            index = self.index
            for name, value in values.items():
                args[index[name]] = value
            employee = Employee(*args)
            before = None
            unit_changed = True
        else:
            employee = current
            before = _COMPARED(employee)
            before_nip = _NIP_CHECKED(employee)
            before_updated_at = employee.updated_at
            unit_changed = "unit_id" in values and values["unit_id"] != employee.unit_id
            for name, value in values.items():
                setattr(employee, name, value)
        if outside_scope:
            errors.append(
                CellError(
                    number,
                    "NIP",
                    _("NIP %(nip)s belongs to an employee of a work unit outside yours: ask BKD to change them.")
                    % {"nip": nip},
                    self.cell("nip", number),
                )
            )
        elif unit_changed and employee.unit_id is not None and not self.scope.covers(employee.unit_id):
            errors.append(
                CellError(
                    number,
                    _UNIT_HEADER,
                    _("The work unit %(code)s is not one of yours.") % {"code": self.unit_codes.get(employee.unit_id)},
                    self.cell("unit_code", number),
                )
            )
        if not unit_active and unit_changed:
            errors.append(
                CellError(
                    number,
                    _UNIT_HEADER,
                    _("The work unit %(code)s is closed: choose an active unit.")
                    % {"code": self.unit_codes.get(employee.unit_id, "")},
                    self.cell("unit_code", number),
                )
            )
        check_nip = before is None or _NIP_CHECKED(employee) != before_nip
        try:
            employee_prepare(
                employee,
                rules=self.rules_for(_POSITION(employee)),
                today=self.today,
                check_nip=check_nip,
                bulk=self.validation,
            )
        except EmployeeError as exc:
            self._errors_add(number, errors, exc)
        result = self.result
        if errors:
            for error in errors:
                result.add_error(error)
            return

        if before is None:
            result.created += 1
            result.add_change(row=number, nip=employee.nip, name=employee.name, fields=[])
            if self.writes is not None and result.ok:
                employee.created_at = employee.updated_at = self.now
                self.writes.create(_INSERT_VALUES(employee))
            return
        after = _COMPARED(employee)
        if after == before:
            result.unchanged += 1
            return
        result.updated += 1
        mask = 0
        for bit, old, new in zip(_COMPARED_BITS, before, after, strict=True):
            if old != new:
                mask |= bit
        if len(result.changes) < importer.CHANGES_KEPT:
            changed = []
            for name, old, new in zip(COMPARED, before, after, strict=True):
                label = _FIELD_LABELS.get(name)
                if old != new and label and label not in changed:
                    changed.append(label)
            result.add_change(row=number, nip=employee.nip, name=employee.name, fields=changed)
        if self.writes is not None and result.ok:
            employee.updated_at = self.now
            self.writes.update((employee.pk, before_updated_at, *_UPDATE_VALUES(employee)), mask)

    def _errors_add(self, number: int, errors: list[CellError], exc: EmployeeError) -> None:
        # A cell that could not be read already has its error; the model's "cannot be empty" adds nothing.
        failed = {_HEADER_FIELD.get(error.column, error.column) for error in errors}
        if "unit_code" in failed:
            failed.add("unit")
        for field, messages in exc.errors.items():
            if field in failed:
                continue
            column = _FIELD_LABELS.get(field) or (
                "" if field == "__all__" else str(_META.get_field(field).verbose_name)
            )
            for message in messages:
                errors.append(CellError(number, column, str(message), self.cell(field, number)))


def _existing_rows(alias: str, nips: list[str]) -> list[tuple]:
    """The stored employees with these NIPs, as tuples of every column (for Employee.from_db)."""
    return list(Employee.objects.using(alias).filter(nip__in=nips).order_by().values_list(*_ATTNAMES))


class _Loader:
    """Reads the stored employees of the next batch while the current one is checked.

    On PostgreSQL outside a transaction a thread with its own connection does it (the query and the
    rows' transfer are mostly waiting, ~40 us a row); elsewhere the read is done when asked, inline.
    """

    def __init__(self, alias: str, *, threaded: bool) -> None:
        self.alias = alias
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="purna-import-read") if threaded else None

    def submit(self, nips: list[str]) -> Future:
        if self.executor is not None:
            return self.executor.submit(_existing_rows, self.alias, nips)
        done: Future = Future()
        done.set_result(_existing_rows(self.alias, nips))
        return done

    def close(self) -> None:
        if self.executor is not None:
            # The thread's connection is its own: close it from the thread.
            self.executor.submit(connections.close_all).result()
            self.executor.shutdown()


def _rows_check(
    job: ImportJob, sheet: importer.Sheet, layout: importer.Layout, result: ImportResult, writes: "_Writes | None"
) -> None:
    # An import by a staff member writes only their own units' employees; the command's (no user) is
    # the server administrator's.
    scope = staff_scope(job.created_by) if job.created_by_id else ALL_UNITS
    checker = _Checker(sheet=sheet, layout=layout, result=result, writes=writes, scope=scope)
    alias = router.db_for_read(Employee)
    loader = _Loader(alias, threaded=_may_use_threads(alias))
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


# --- Pass 2: write, all or nothing ---------------------------------------------------------------------


class _RegisterChanged(Exception):
    """A row changed between its check and its write."""


_FAILURES = {
    "changed": lambda: _(
        "Someone changed employees of this file while it was being checked, so nothing was saved. "
        "Import the file again."
    ),
    "added": lambda: _(
        "Someone added employees of this file while it was being checked, so nothing was saved. Import the file again."
    ),
}
# pg_advisory_xact_lock's first key: "purna import", so two runs of one job write one after the other.
_LOCK_CLASS = 0x50494D50


def _batch_write(
    connection: Any, kind: str, rows: list[tuple], mask: int, history_date: Any, reason: str, actor_id
) -> None:
    """Write one batch of new ("create") or changed ("update": the columns in `mask`) employees, and
    their history rows."""
    if kind == "update":
        _rows_update(connection, rows, mask)
        _history_insert(connection, "id", [row[0] for row in rows], "~", history_date, reason, actor_id)
    else:
        _rows_insert(connection, rows)
        _history_insert(connection, "nip", [row[_NIP_INDEX] for row in rows], "+", history_date, reason, actor_id)
    register_changed(using=connection.alias)  # raw SQL and COPY: the cached counts follow (employees/counts.py)


_NIP_INDEX = next(i for i, f in enumerate(INSERT_FIELDS) if f.name == "nip")


def _write_batches(connection: Any, batches: Iterator[tuple], history_date, reason, actor_id) -> str:
    """Write every (kind, rows, mask) batch in a savepoint; "" if all went in, else the failure's key in
    _FAILURES."""
    try:
        with transaction.atomic(using=connection.alias):
            for kind, rows, mask in batches:
                _batch_write(connection, kind, rows, mask, history_date, reason, actor_id)
    except _RegisterChanged:
        return "changed"
    except IntegrityError:
        logger.warning("Employee import: integrity error while writing", exc_info=True)
        return "added"
    return ""


class _Writes:
    """Pass 2: new employees (INSERT_FIELDS values) and changed ones (pk, updated_at when checked,
    UPDATE_FIELDS values), written all or nothing once every row has been checked without error."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.actor_id = job.created_by_id
        self.reason = (_("Import #%(job)d: %(file)s") % {"job": job.pk, "file": job.original_name})[:100]
        self.pending: dict[str, list[tuple]] = {"update": [], "create": []}
        self.mask = 0  # the columns changed in the pending updates

    def create(self, row: tuple) -> None:
        self._add("create", row)

    def update(self, row: tuple, mask: int) -> None:
        self.mask |= mask
        self._add("update", row)

    def _add(self, kind: str, row: tuple) -> None:
        rows = self.pending[kind]
        rows.append(row)
        if len(rows) >= BATCH_SIZE:
            self._send_pending(kind)

    def _send_pending(self, kind: str) -> None:
        rows, self.pending[kind] = self.pending[kind], []
        mask = 0
        if kind == "update":
            mask, self.mask = self.mask | _UPDATED_AT_BIT, 0
        self._send(kind, rows, mask)

    def _flush(self) -> None:
        for kind in ("update", "create"):
            if self.pending[kind]:
                self._send_pending(kind)

    def _send(self, kind: str, rows: list[tuple] | None, mask: int = 0) -> None:
        raise NotImplementedError

    def commit(self, result: ImportResult) -> ImportJob:
        """Write everything and finish the job (done), or finish it failed if the register moved."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what was held; rows not committed are dropped."""


class _SpoolWrites(_Writes):
    """Rows kept in an anonymous temporary file during the check, written in one transaction after it.

    For SQLite (one writer at a time: a second connection could not report progress meanwhile) and for
    callers already inside a transaction (whose rows a second connection could not see).
    """

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        # Closed by close(); it outlives this method, so no context manager here.
        self.file = tempfile.TemporaryFile()  # noqa: SIM115

    def _send(self, kind: str, rows: list[tuple] | None, mask: int = 0) -> None:
        pickle.dump((kind, rows, mask), self.file, protocol=pickle.HIGHEST_PROTOCOL)

    def _batches(self) -> Iterator[tuple]:
        self.file.seek(0)
        while True:
            try:
                # Our own rows, written by this process to its own anonymous temporary file.
                yield pickle.load(self.file)  # noqa: S301
            except EOFError:
                return

    def commit(self, result: ImportResult) -> ImportJob:
        self._flush()
        connection = connections[router.db_for_write(Employee)]
        with transaction.atomic(using=connection.alias):
            locked = ImportJob.objects.select_for_update().get(pk=self.job.pk)
            if locked.status != ImportStatus.RUNNING:
                # Another run of the same job finished first (a redelivered task): its writes stand.
                return locked
            failure = _write_batches(connection, self._batches(), timezone.now(), self.reason, self.actor_id)
            if failure:
                result.add_error(CellError(None, "", _FAILURES[failure]()))
            return _job_finish(locked, result)

    def close(self) -> None:
        self.file.close()


_END = "end"


class _ThreadWrites(_Writes):
    """PostgreSQL: rows are written while the rest of the file is still being checked, by a thread with
    a connection and a transaction of its own, committed only once every row passed (else rolled back).

    The check is Python's work and the writes mostly PostgreSQL's, so on two cores they overlap: a
    100,000-row file is imported in the time of its check (bench/import.py). The thread starts by taking
    an advisory lock on the job, so two runs of one job (a redelivered task) write one after the other,
    and the second finds the job finished and writes nothing.
    """

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.alias = router.db_for_write(Employee)
        # A few batches in flight at most: memory stays bounded when the check runs ahead.
        self.queue: queue.Queue = queue.Queue(maxsize=3)
        self.result: ImportResult | None = None
        self.failure = ""
        self.finished: ImportJob | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"purna-import-{job.pk}", daemon=True)
        self.thread.start()

    def _send(self, kind: str, rows: list[tuple] | None, mask: int = 0) -> None:
        while self.thread.is_alive():
            try:
                self.queue.put((kind, rows, mask), timeout=1)
                return
            except queue.Full:
                continue

    def _batches(self) -> Iterator[tuple]:
        while (item := self.queue.get())[0] != _END:
            yield item

    def _run(self) -> None:
        connection = connections[self.alias]
        try:
            with transaction.atomic(using=self.alias):
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, self.job.pk])
                status = ImportJob.objects.filter(pk=self.job.pk).values_list("status", flat=True).first()
                if status != ImportStatus.RUNNING:
                    for _batch in self._batches():
                        pass
                    self.finished = ImportJob.objects.get(pk=self.job.pk)
                    return
                self.failure = _write_batches(connection, self._batches(), timezone.now(), self.reason, self.actor_id)
                if self.failure:
                    # The check goes on sending batches until the end marker: take them, write nothing.
                    for _batch in self._batches():
                        pass
                if self.result is None or self.failure:
                    transaction.set_rollback(True, using=self.alias)
                    return
                locked = ImportJob.objects.select_for_update().get(pk=self.job.pk)
                if locked.status != ImportStatus.RUNNING:
                    transaction.set_rollback(True, using=self.alias)
                    self.finished = locked
                    return
                self.finished = _job_finish(locked, self.result)
        except BaseException as exc:  # handed to the main thread, which raises it
            self.error = exc
        finally:
            connection.close()

    def commit(self, result: ImportResult) -> ImportJob:
        self._flush()
        # Set before the end marker is sent: the thread reads it only after taking that marker.
        self.result = result
        self._send(_END, None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.finished is not None:
            return self.finished
        result.add_error(CellError(None, "", _FAILURES[self.failure]()))
        return _job_finish(self.job, result)

    def close(self) -> None:
        if self.thread.is_alive():
            self._send(_END, None)
            self.thread.join()


def _may_use_threads(alias: str) -> bool:
    """Whether other connections may read and write for this import: on PostgreSQL (SQLite has one
    writer at a time) and outside a transaction (whose rows other connections could not see)."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _writes_for(job: ImportJob) -> _Writes:
    if _may_use_threads(router.db_for_write(Employee)):
        return _ThreadWrites(job)
    return _SpoolWrites(job)


def _copy(cursor: Any, table: str, columns: list[str], not_null: list[str], rows: list[tuple]) -> None:
    """COPY rows into `table` in CSV format, written by the csv module (C code, a few microseconds a row).

    In that format an unquoted empty value is NULL: None is written so, and so is "", which the columns
    that cannot be NULL (`not_null`: the text columns) read back as "" thanks to FORCE_NOT_NULL.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    size = buffer.tell()
    buffer.seek(0)
    # Django's copy_expert passes psycopg2's errors through: give them Django's classes (IntegrityError).
    with cursor.db.wrap_database_errors:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)}))",
            buffer,
            # Read in one piece: psycopg2 takes the GIL back for every piece, and in the writer thread each
            # take waits for the checking thread's turn (8 KB pieces made a batch 300 ms slower).
            max(size, 8192),
        )


def _rows_insert(connection: Any, rows: list[tuple]) -> None:
    qn = connection.ops.quote_name
    columns = [qn(f.column) for f in INSERT_FIELDS]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            not_null = [qn(f.column) for f in INSERT_FIELDS if not f.null]
            _copy(cursor, qn(_META.db_table), columns, not_null, rows)
        else:
            sql = f"INSERT INTO {qn(_META.db_table)} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(value, connection) for f, value in zip(INSERT_FIELDS, row, strict=True)]
                    for row in rows
                ],
            )


def _rows_update(connection: Any, rows: list[tuple], mask: int) -> None:
    """Write (pk, updated_at when checked, *UPDATE_FIELDS values) rows, the columns in `mask` only, each
    row only if its updated_at is still the one checked (the update locks it); raise _RegisterChanged if
    any row had changed since."""
    qn = connection.ops.quote_name
    table = qn(_META.db_table)
    pk = qn(_META.pk.column)
    updated_at = qn(_META.get_field("updated_at").column)
    columns = [qn(f.column) for f in UPDATE_FIELDS]
    written = [index for index in range(len(UPDATE_FIELDS)) if mask & (1 << index)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A staging table shaped like the rows, filled by COPY, joined in one UPDATE.
            stage = qn("purna_import_stage")
            checked = qn("purna_checked_at")
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {pk}, {updated_at} AS {checked}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            cursor.execute(f"TRUNCATE {stage}")
            not_null = [qn(f.column) for f in UPDATE_FIELDS if not f.null]
            _copy(cursor, stage, [pk, checked, *columns], not_null, rows)
            cursor.execute(
                f"UPDATE {table} AS e SET "  # noqa: S608
                + ", ".join(f"{columns[index]} = s.{columns[index]}" for index in written)
                + f" FROM {stage} AS s WHERE e.{pk} = s.{pk} AND e.{updated_at} = s.{checked}"
            )
        else:
            sql = (
                f"UPDATE {table} SET {', '.join(f'{columns[index]} = %s' for index in written)} "  # noqa: S608
                f"WHERE {pk} = %s AND {updated_at} = %s"
            )
            fields = [UPDATE_FIELDS[index] for index in written]
            updated_field = _META.get_field("updated_at")
            cursor.executemany(
                sql,
                [
                    [
                        field.get_db_prep_save(row[2 + index], connection)
                        for field, index in zip(fields, written, strict=True)
                    ]
                    + [row[0], updated_field.get_db_prep_save(row[1], connection)]
                    for row in rows
                ],
            )
        if cursor.rowcount != len(rows):
            raise _RegisterChanged


def _history_insert(
    connection: Any, key: str, keys: list, history_type: str, history_date: Any, reason: str, actor_id: int | None
) -> None:
    """One django-simple-history row per employee whose `key` (id or nip) is in `keys`, copied from its
    row as just written: the same record that saving it would have made, for a fraction of the cost."""
    history = Employee.history.model
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in history._meta.concrete_fields if not f.name.startswith("history_"))
    date = history._meta.get_field("history_date").get_db_prep_save(history_date, connection)
    with connection.cursor() as cursor:
        prefix = (
            f"INSERT INTO {qn(history._meta.db_table)} ({columns}, history_date, history_change_reason, "  # noqa: S608
            f"history_type, history_user_id) SELECT {columns}, %s, %s, %s, %s FROM {qn(_META.db_table)} "
        )
        if connection.vendor == "postgresql":
            cursor.execute(prefix + f"WHERE {qn(key)} = ANY(%s)", [date, reason, history_type, actor_id, keys])
        else:
            for start in range(0, len(keys), SQLITE_IN_SIZE):
                chunk = keys[start : start + SQLITE_IN_SIZE]
                cursor.execute(
                    prefix + f"WHERE {qn(key)} IN ({', '.join(['%s'] * len(chunk))})",
                    [date, reason, history_type, actor_id, *chunk],
                )
