"""Employee import, pass 2: the rows of a checked file written all or nothing (employees/services/imports.py).

New employees are inserted and changed ones updated set-wise (PostgreSQL: COPY, and COPY into a staging
table joined by one UPDATE; SQLite: executemany), and one history row per created or changed employee
is copied by INSERT ... SELECT from the row just written, with the actor and the job in its reason. An
update applies only if the row's updated_at is still the one checked: if someone changed an employee of
the file meanwhile, nothing is written and the job says to import again.

On PostgreSQL outside a transaction a thread writes each checked batch while the next ones are checked
(ThreadWrites); elsewhere (SQLite, or inside a caller's transaction, as in tests) the rows wait in a
temporary file and are written after the check (SpoolWrites). Either way memory stays bounded by a few
batches. The checker (employees/services/import_check.py) hands rows over in the shapes below.
"""

import csv
import io
import logging
import pickle
import queue
import tempfile
import threading
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.choices import ImportStatus
from employees.counts import register_changed
from employees.importer import ImportResult
from employees.models import Employee, ImportJob
from purna.spreadsheets import CellError

logger = logging.getLogger(__name__)

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
COMPARED_BITS = [1 << [f.attname for f in UPDATE_FIELDS].index(name) for name in COMPARED]
_UPDATED_AT_BIT = 1 << [f.name for f in UPDATE_FIELDS].index("updated_at")


def job_finish(job: ImportJob, result: ImportResult) -> ImportJob:
    """Store what a run found on its job and finish it (done, or failed if any error), as one update."""
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
    connection: Any, kind: str, rows: list[tuple], mask: int, history_date: Any, reason: str, actor_id: int | None
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


def _write_batches(
    connection: Any, batches: Iterator[tuple], history_date: Any, reason: str, actor_id: int | None
) -> str:
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


class Writes:
    """Pass 2: new employees (INSERT_FIELDS values) and changed ones (pk, updated_at when checked,
    UPDATE_FIELDS values), written all or nothing once every row has been checked without error."""

    def __init__(self, job: ImportJob, *, batch_size: int) -> None:
        self.job = job
        self.batch_size = batch_size
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
        if len(rows) >= self.batch_size:
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


class SpoolWrites(Writes):
    """Rows kept in an anonymous temporary file during the check, written in one transaction after it.

    For SQLite (one writer at a time: a second connection could not report progress meanwhile) and for
    callers already inside a transaction (whose rows a second connection could not see).
    """

    def __init__(self, job: ImportJob, *, batch_size: int) -> None:
        super().__init__(job, batch_size=batch_size)
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
            return job_finish(locked, result)

    def close(self) -> None:
        self.file.close()


_END = "end"


class ThreadWrites(Writes):
    """PostgreSQL: rows are written while the rest of the file is still being checked, by a thread with
    a connection and a transaction of its own, committed only once every row passed (else rolled back).

    The check is Python's work and the writes mostly PostgreSQL's, so on two cores they overlap: a
    100,000-row file is imported in the time of its check (bench/import.py). The thread starts by taking
    an advisory lock on the job, so two runs of one job (a redelivered task) write one after the other,
    and the second finds the job finished and writes nothing.
    """

    def __init__(self, job: ImportJob, *, batch_size: int) -> None:
        super().__init__(job, batch_size=batch_size)
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
                self.finished = job_finish(locked, self.result)
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
        return job_finish(self.job, result)

    def close(self) -> None:
        if self.thread.is_alive():
            self._send(_END, None)
            self.thread.join()


def may_use_threads(alias: str) -> bool:
    """Whether other connections may read and write for this import: on PostgreSQL (SQLite has one
    writer at a time) and outside a transaction (whose rows other connections could not see)."""
    connection = connections[alias]
    return connection.vendor == "postgresql" and not connection.in_atomic_block


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
