"""Employee import, pass 1: every row of a file checked against the register (employees/services/imports.py).

Each row is read (employees/importer.py), validated with the register's own rules against the stored
employee with the same NIP (employees/services/register.py employee_prepare: NIP format and agreement
with the record, golongan PNS vs PPPK, jenjang only for fungsional...), and its retirement facts
computed; the rows to write are handed to the writer (employees/services/import_writes.py) as they are
found. On PostgreSQL outside a transaction a thread reads the next batch's stored employees while the
current one is checked (Loader): checking is Python's work, reading mostly PostgreSQL's.
"""

import operator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from django.db import connections
from django.db.models.base import ModelState
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import importer
from employees.exceptions import EmployeeError
from employees.importer import ImportResult
from employees.models import Employee, RetirementRule, UnitKerja
from employees.nip import format_nip
from employees.scope import Scope
from employees.services.import_writes import COMPARED, COMPARED_BITS, INSERT_FIELDS, UPDATE_FIELDS, Writes
from employees.services.register import (
    NIP_CHECKED_FIELDS,
    BulkValidation,
    employee_prepare,
    employee_register_warnings,
    rule_from_model,
)
from purna.spreadsheets import CellError, Sheet, column_letter

# How many register warnings (employees.nip.register_warnings) an import keeps in its notices.
WARNINGS_KEPT = 100

_META = Employee._meta
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


class Checker:
    """Pass 1 for one file: checks rows against the register and plans the writes."""

    def __init__(
        self,
        *,
        sheet: Sheet,
        layout: importer.Layout,
        result: ImportResult,
        writes: Writes | None,
        scope: Scope,
    ):
        self.scope = scope
        self.sheet = sheet
        self.layout = layout
        self.result = result
        self.writes = writes
        self.units = importer.UnitLookup(
            UnitKerja.objects.values_list("code", "pk", "is_active"),
            names=UnitKerja.objects.values_list("name", "pk", "is_active"),
        )
        self.unit_codes = dict(UnitKerja.objects.values_list("pk", "code"))
        self.rules_for = _rules_by_position()
        self.validation = BulkValidation()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.cells_of = {column.field: index for index, column in layout.positions}
        self.seen: dict[str, int] = {}
        # A new employee is the model's defaults with the row's values over them (_employee_build).
        self.defaults = {f.attname: getattr(Employee(), f.attname) for f in _ALL_FIELDS}

    def cell(self, field: str, row: int) -> str:
        index = self.cells_of.get("unit_code" if field in ("unit", "unit_id") else field)
        return f"{column_letter(index + self.sheet.first_column)}{row}" if index is not None else ""

    def parse(self, rows: list[tuple[int, list]]) -> list[tuple[int, dict, list]]:
        parse = importer.parse_row
        layout, units, first_column = self.layout, self.units, self.sheet.first_column
        return [
            (number, *parse(cells, layout, row=number, units=units, first_column=first_column))
            for number, cells in rows
        ]

    def check(self, parsed: list[tuple[int, dict, list]], existing_rows: list[tuple], alias: str) -> None:
        existing = {
            row[_NIP_POSITION]: _employee_build(dict(zip(_ATTNAMES, row, strict=True)), db=alias)
            for row in existing_rows
        }
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
            employee = _employee_build({**self.defaults, **values})
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
        if check_nip and len(result.notices) < WARNINGS_KEPT:
            # A new row, or one whose NIP, birth date or TMT changed: what looks wrong is shown, not refused.
            for warning in employee_register_warnings(employee):
                result.notices.append(
                    _("Row %(row)d, NIP %(nip)s: %(message)s")
                    % {"row": number, "nip": format_nip(employee.nip), "message": warning.message}
                )

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
        for bit, old, new in zip(COMPARED_BITS, before, after, strict=True):
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
                # The errors' keys are the model's own fields, never a reverse relation (which has no verbose_name).
                "" if field == "__all__" else str(_META.get_field(field).verbose_name)  # type: ignore[union-attr]
            )
            for message in messages:
                errors.append(CellError(number, column, str(message), self.cell(field, number)))


def _employee_build(attributes: dict[str, Any], *, db: str | None = None) -> Employee:
    """An Employee with these attribute values (every concrete field's attname), as Employee(*values) or,
    with `db`, Employee.from_db(db, ...) would build it, without Model.__init__'s setattr per field.

    Model.__init__ with every field given by position sets each attname, sends pre_init and post_init
    (Employee has no receivers: a test keeps it so) and gives the object a fresh ModelState; setting a
    foreign key's attname on a new object only stores it (no related object is cached yet). At 46
    fields: 18 us an employee by Model.__init__, 2.3 us this way (timeit, on the machine of
    docs/benchmarks.md), for each row of a file and each stored employee it names.
    """
    employee = Employee.__new__(Employee)
    employee.__dict__.update(attributes)
    state = employee._state = ModelState()
    if db is not None:
        state.adding, state.db = False, db
    return employee


def _existing_rows(alias: str, nips: list[str]) -> list[tuple]:
    """The stored employees with these NIPs, as tuples of every column (for Employee.from_db)."""
    return list(Employee.objects.using(alias).filter(nip__in=nips).order_by().values_list(*_ATTNAMES))


class Loader:
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
