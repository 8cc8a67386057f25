"""The family import: a spreadsheet of family members keyed by the employee's NIP, all or nothing.

An upload is an ImportJob of kind "keluarga" (employees/services/imports.py import_job_create stores it
and queues it; import_job_run locks it and calls family_import_job here, in the Celery worker).

Each row is read (employees/family_import.py), its employee found in the uploader's scope (an unknown NIP,
or one outside the uploader's units, is an error of its row), and the member matched to the family
already recorded (by NIK, else by name, within the same employee and kind): a match is updated (or left
alone when the file says nothing new), anything else added; nothing is removed. Every member is checked
with the family rules (employees/family.py, through employees.services.family.member_errors), the
one-current-marriage-per-NIK rule across the file and the register, one father and one mother per
employee, and one row per member. Any error: nothing is written and every error is reported with its row
and column. A dry run checks and counts without writing.

The file is read twice, a batch of rows at a time, so that a province's file (MAX_ROWS) never sits in
memory whole: the first pass checks every row (and saves the progress after each batch); only when no
row failed does the second pass, in one transaction, check each batch again against the register and
write it (bulk inserts and updates, each row with its history record and the uploader). What one batch
must know of the others is kept small: the NIKs of current spouses, the spouses' names and dates (a
child may name a wife listed further down), the parents and the members already seen in the file. The
reads are a fixed number of queries per batch whatever the file's size.
"""

import itertools
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from employees import family_import as sheet_reader
from employees.choices import ImportStatus
from employees.family import PersonDates
from employees.family_import import CHILD, PARENT, SPOUSE, FamilyRow, Layout
from employees.importer import ImportResult
from employees.models import Child, Employee, ImportJob, Parent, RetirementCase, Spouse
from employees.scope import ALL_UNITS, Scope, staff_scope
from employees.services.family import member_errors
from employees.services.import_writes import job_finish
from purna import spreadsheets
from purna.history import REASON_MAX_LENGTH
from purna.spreadsheets import CellError, ImportFileError, Sheet

# A province's civil servants with their spouses, children and parents fit in one file.
MAX_ROWS = 200_000
BATCH_SIZE = 2000
MODELS: dict[str, Any] = {SPOUSE: Spouse, CHILD: Child, PARENT: Parent}
# Checked by the rules and this module, or set by it: not by each model's full_clean (no query per row).
_NOT_CLEANED = ["employee", "other_parent", "user"]
# What the file may set on each kind of member (the columns' fields, as the model names them).
_FIELDS: dict[str, list[str]] = {
    kind: sorted(
        {("relation" if c.field == "child_relation" else c.field) for c in sheet_reader.COLUMNS if kind in c.kinds}
        - {"nip", "relation", "other_parent"}
        | ({"relation"} if kind != SPOUSE else set())
        | ({"other_parent"} if kind == CHILD else set())
    )
    for kind in MODELS
}
_COLUMN_OF = {column.field: column.header for column in sheet_reader.COLUMNS}


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _member_keys(employee_id: int, kind: str, nik: str, name: str) -> list[tuple]:
    keys = [(employee_id, kind, "name", _name_key(name))]
    if nik:
        keys.insert(0, (employee_id, kind, "nik", nik))
    return keys


class _Recorded:
    """The recorded families of one batch's employees, indexed to match rows against them."""

    def __init__(self, employee_ids: Iterable[int]) -> None:
        self.members: dict[tuple, Any] = {}
        self.spouses: dict[tuple[int, str], Spouse] = {}
        self.parents: dict[tuple[int, str], Parent] = {}
        ids = list(employee_ids)
        for kind, model in MODELS.items():
            members = model.objects.filter(employee_id__in=ids).order_by("pk")
            if kind == CHILD:
                members = members.select_related("other_parent")  # the rules read the other parent's dates
            for member in members:
                for key in _member_keys(member.employee_id, kind, member.nik, member.name):
                    self.members.setdefault(key, member)
                if kind == SPOUSE:
                    self.spouses.setdefault((member.employee_id, _name_key(member.name)), member)
                if kind == PARENT:
                    self.parents[(member.employee_id, member.relation)] = member

    def match(self, employee_id: int, kind: str, nik: str, name: str) -> Any:
        for key in _member_keys(employee_id, kind, nik, name):
            if key in self.members:
                return self.members[key]
        return None


@dataclass
class _Member:
    """A checked row: its member (new, or recorded and changed as the row says) and what changed."""

    row: FamilyRow
    member: Any
    new: bool
    changed: list[str]  # the columns whose values changed (a recorded member)

    @property
    def state(self) -> str:
        return "added" if self.new else "updated" if self.changed else "unchanged"


@dataclass
class _FileCheck:
    """One pass over the file's rows, batch by batch; `write` saves each checked batch (second pass)."""

    scope: Scope
    result: ImportResult
    actor: Any
    write: bool = False
    # What later batches must know of earlier ones (small values only).
    seen: dict[tuple, int] = field(default_factory=dict)  # member key -> its first row
    spouses: dict[tuple[int, str], tuple[PersonDates, int | None]] = field(default_factory=dict)
    parents: dict[tuple[int, str], int] = field(default_factory=dict)  # (employee, ayah/ibu) -> row
    niks: dict[str, int] = field(default_factory=dict)  # current spouse's NIK -> employee id
    pending: list[_Member] = field(default_factory=list)  # children naming a spouse further down
    # The spouses of the batch being checked, as the children of the same batch must point at them.
    batch_spouses: dict[tuple[int, str], Spouse] = field(default_factory=dict)

    def batch(self, rows: list[FamilyRow]) -> None:
        """Check (and, writing, save) a batch of read rows."""
        employees = self.scope.filter(Employee.objects.filter(nip__in={row.nip for row in rows}))
        by_nip = {employee.nip: employee for employee in employees}
        died_on = dict(
            RetirementCase.objects.filter(employee__in=by_nip.values(), died_on__isnull=False).values_list(
                "employee_id", "died_on"
            )
        )
        recorded = _Recorded(employee.pk for employee in by_nip.values())
        batch_niks = {row.fields.get("nik") for row in rows if row.kind == SPOUSE and row.fields.get("nik")}
        current_niks = (
            dict(Spouse.objects.filter(nik__in=batch_niks, ended_on__isnull=True).values_list("nik", "pk"))
            if batch_niks
            else {}
        )
        self.batch_spouses = {}
        checked: list[_Member] = []
        children: list[_Member] = []
        for row in rows:
            employee = by_nip.get(row.nip)
            if employee is None:
                self._error(row, "nip", _("NIP %(nip)s is not in the register of your units.") % {"nip": row.nip})
                continue
            found = self._member(row, employee, recorded)
            if found is None:
                continue
            if row.kind == PARENT:
                self._parent_check(row, found.member, recorded)
            if row.kind == SPOUSE:
                self._spouse_check(row, found.member, current_niks)
            if row.kind == CHILD:
                children.append(found)
            else:
                self._check(found, died_on.get(employee.pk))
                checked.append(found)
        for found in children:
            # After the batch's spouses: a child may name a wife listed below it.
            name = found.row.fields.get("other_parent", "")
            if name and not self._other_parent_set(found, name, recorded):
                self.pending.append(found)
                continue
            self._check(found, died_on.get(found.member.employee_id))
            checked.append(found)
        for found in checked:
            self._count(found)
        if self.write:
            self._save(checked)

    def finish(self) -> None:
        """The children that named a spouse further down the file."""
        died_on = dict(
            RetirementCase.objects.filter(
                employee_id__in={found.member.employee_id for found in self.pending}, died_on__isnull=False
            ).values_list("employee_id", "died_on")
        )
        self.batch_spouses = {}
        done = []
        for found in self.pending:
            name = found.row.fields["other_parent"]
            if not self._other_parent_set(found, name, None):
                self._error(
                    found.row,
                    "orang_tua_lain",
                    _("%(name)s is not a spouse of this employee (in the register or the file).") % {"name": name},
                )
                continue
            self._check(found, died_on.get(found.member.employee_id))
            self._count(found)
            done.append(found)
        if self.write:
            self._save(done)
        self.pending = []

    # --- One row ---------------------------------------------------------------------------------------

    def _member(self, row: FamilyRow, employee: Employee, recorded: _Recorded) -> _Member | None:
        """The row's member: the recorded one it matches, changed as the row says, or a new one; None for a
        member already in an earlier row of the file (an error)."""
        fields = {name: value for name, value in row.fields.items() if name != "other_parent"}
        keys = _member_keys(employee.pk, row.kind, fields.get("nik", ""), fields["name"])
        earlier = next((self.seen[key] for key in keys if key in self.seen), None)
        if earlier is not None:
            self._error(
                row,
                "nama",
                _("This family member is already in row %(row)d of the file: one row per member.") % {"row": earlier},
            )
            return None
        for key in keys:
            self.seen[key] = row.row
        member = recorded.match(employee.pk, row.kind, fields.get("nik", ""), fields["name"])
        if member is None:
            return _Member(row, MODELS[row.kind](employee=employee, **fields), new=True, changed=[])
        member.employee = employee
        changed = []
        labels = dict(_COLUMN_OF, relation="status_anak" if row.kind == CHILD else "hubungan")
        for name, value in fields.items():
            if getattr(member, name) != value:
                changed.append(labels.get(name, name))
                setattr(member, name, value)
        return _Member(row, member, new=False, changed=changed)

    def _parent_check(self, row: FamilyRow, parent: Parent, recorded: _Recorded) -> None:
        key = (parent.employee_id, parent.relation)
        found = recorded.parents.get(key)
        if key in self.parents or (found is not None and found.pk != parent.pk):
            self._error(
                row,
                "hubungan",
                _("This employee's %(relation)s is already recorded.") % {"relation": parent.get_relation_display()},
            )
        self.parents[key] = row.row

    def _spouse_check(self, row: FamilyRow, spouse: Spouse, current_niks: dict[str, int]) -> None:
        self.batch_spouses[(spouse.employee_id, _name_key(spouse.name))] = spouse
        self.spouses[(spouse.employee_id, _name_key(spouse.name))] = (
            PersonDates(birth_date=spouse.birth_date, died_on=spouse.died_on),
            spouse.pk,
        )
        if not spouse.nik or spouse.ended_on is not None:
            return
        taken = current_niks.get(spouse.nik)
        if (taken is not None and taken != spouse.pk) or self.niks.get(spouse.nik, spouse.employee_id) != (
            spouse.employee_id
        ):
            self._error(row, "nik", _("This NIK is already the current spouse of another employee."))
        self.niks[spouse.nik] = spouse.employee_id

    def _other_parent_set(self, found: _Member, name: str, recorded: _Recorded | None) -> bool:
        """Point the child at the spouse named `name` (recorded, or in the file so far); False if unknown."""
        child = found.member
        key = (child.employee_id, _name_key(name))
        spouse = self.batch_spouses.get(key) or (recorded.spouses.get(key) if recorded is not None else None)
        if spouse is None and key in self.spouses:
            # A spouse of an earlier batch: what the rules read of it (and its row, once written).
            dates, pk = self.spouses[key]
            spouse = Spouse(pk=pk, employee_id=child.employee_id, birth_date=dates.birth_date, died_on=dates.died_on)
        if spouse is None:
            return False
        if not found.new and (spouse.pk is None or spouse.pk != child.other_parent_id):
            found.changed.append(_COLUMN_OF["other_parent"])
        child.other_parent = spouse
        return True

    def _check(self, found: _Member, employee_died_on: Any) -> None:
        if self.write and found.state == "unchanged":
            return  # checked by the first pass, and not written
        columns = dict(_COLUMN_OF, relation="status_anak" if found.row.kind == CHILD else "hubungan")
        member = found.member
        errors = member_errors(member, employee_died_on=employee_died_on)
        try:
            member.full_clean(exclude=_NOT_CLEANED, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
        for name, messages in errors.items():
            for message in messages:
                self._error(found.row, columns.get(name, ""), message)

    def _count(self, found: _Member) -> None:
        state = found.state
        if state == "unchanged":
            self.result.unchanged += 1
            return
        if state == "added":
            self.result.created += 1
        else:
            self.result.updated += 1
        self.result.add_change(row=found.row.row, nip=found.row.nip, name=found.member.name, fields=found.changed)

    def _error(self, row: FamilyRow, column: str, message: str) -> None:
        self.result.add_error(CellError(row.row, column, message))

    # --- Writing ---------------------------------------------------------------------------------------

    def _save(self, checked: list[_Member]) -> None:
        if not self.result.ok:
            return
        reason = str(_("family import"))[:REASON_MAX_LENGTH]
        user = self.actor if getattr(self.actor, "is_authenticated", False) else None
        # Spouses first: the children name them as their other parent.
        for kind in (SPOUSE, PARENT, CHILD):
            model = MODELS[kind]
            new = [found.member for found in checked if found.new and isinstance(found.member, model)]
            changed = [
                found.member for found in checked if found.state == "updated" and isinstance(found.member, model)
            ]
            if new:
                bulk_create_with_history(new, model, default_user=user, default_change_reason=reason)
            if changed:
                bulk_update_with_history(changed, model, _FIELDS[kind], default_user=user, default_change_reason=reason)
            if kind == SPOUSE:
                for spouse in new:
                    key = (spouse.employee_id, _name_key(spouse.name))
                    self.spouses[key] = (self.spouses[key][0], spouse.pk)


def _rows(sheet: Sheet, layout: Layout, result: ImportResult) -> Generator[FamilyRow, None, None]:
    """The readable rows of the sheet; cell errors go to `result`, and past MAX_ROWS the file is refused."""
    count = 0
    for number, cells in sheet.rows:
        if spreadsheets.is_blank(cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(_("At most %(count)d rows per file: split the file.") % {"count": MAX_ROWS})
        row, errors = sheet_reader.parse_row(number, cells, layout)
        for error in errors:
            result.add_error(error)
        result.total_rows = count
        if row is not None:
            yield row


def _pass(job: ImportJob, check: _FileCheck, *, progress: bool) -> None:
    with job.file.open("rb") as file:
        sheet = sheet_reader_open(file, job)
        layout = sheet_reader.read_header(sheet.header)
        if progress:
            ImportJob.objects.filter(pk=job.pk).update(total_rows=sheet.total_rows)
            check.result.notices += sheet.notices
            for cell in sheet.formula_cells:
                check.result.add_error(CellError(None, "", spreadsheets.formula_message(cell), cell))
        rows = _rows(sheet, layout, check.result)
        try:
            while batch := list(itertools.islice(rows, BATCH_SIZE)):
                check.batch(batch)
                if progress:
                    ImportJob.objects.filter(pk=job.pk).update(processed_rows=check.result.total_rows)
        finally:
            # Stopped early (a file over MAX_ROWS): the readers let go of the file before it is closed.
            rows.close()
            getattr(sheet.rows, "close", lambda: None)()
        check.finish()


def sheet_reader_open(file: Any, job: ImportJob) -> Sheet:
    """The job's stored file opened as a family sheet (same limits as the employee import)."""
    return spreadsheets.open_sheet(
        file,
        name=job.original_name,
        size=job.file.size,
        max_bytes=settings.PURNA_IMPORT_MAX_BYTES,
        headers=sheet_reader.header_names(),
    )


class _Rollback(Exception):
    """The register changed between the check and the write: nothing of the file is kept."""


def family_import_job(job: ImportJob) -> ImportJob:
    """Run a family import job that import_job_run marked running: check every row, then (no error, not a
    dry run) write them all in one transaction; finish the job with its counts and errors by row."""
    result = ImportResult()
    scope = staff_scope(job.created_by) if job.created_by_id else ALL_UNITS
    actor = job.created_by
    try:
        _pass(job, _FileCheck(scope=scope, result=result, actor=actor), progress=True)
    except ImportFileError as exc:
        result.add_error(CellError(None, "", exc.message))
        return job_finish(job, result)
    if result.ok and result.total_rows == 0:
        result.add_error(CellError(None, "", _("The file has no rows to import.")))
    if not result.ok or job.dry_run or not (result.created or result.updated):
        return job_finish(job, result)  # nothing to write (an unchanged file: done, every row unchanged)

    written = ImportResult()
    failure = ""
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportStatus.RUNNING:
                # Another run of the same job finished first (a redelivered task): its writes stand.
                return locked
            _pass(job, _FileCheck(scope=scope, result=written, actor=actor, write=True), progress=False)
            if not written.ok:
                raise _Rollback
    except _Rollback:
        failure = _("The register changed while the file was being checked, so nothing was saved. Import it again.")
    except IntegrityError:
        failure = _("A spouse's NIK was recorded meanwhile for another employee, so nothing was saved. Import again.")
    if failure:
        result = written
        result.add_error(CellError(None, "", failure))
        result.created = result.updated = result.unchanged = 0
        return job_finish(job, result)
    written.notices = result.notices
    return job_finish(job, written)
