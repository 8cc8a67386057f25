"""The family import: a spreadsheet of family members keyed by the employee's NIP, all or nothing.

Each row is read (employees/family_import.py), its employee found in the actor's scope (an unknown NIP,
or one outside the actor's units, is an error of its row), and the member matched to the family already
recorded (by NIK, else by name, within the same employee and kind): a match is updated, anything else
added; nothing is removed. Every member is checked with the family rules (employees/family.py, through
employees.services.family.member_errors), the one-current-marriage-per-NIK rule across the file and the
register, and one father and one mother per employee. Any error: nothing is written and every error is
reported with its row and column. Otherwise everything is written in one transaction, each row with its
history record and the actor. A dry run checks and counts without writing.

The reads are a fixed number of queries whatever the file's size (employees, their records, their
families, the NIKs of current spouses); the writes are one save per member (its history row with it).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from employees import family_import as sheet_reader
from employees.family_import import CHILD, PARENT, SPOUSE, FamilyRow
from employees.models import Child, Employee, Parent, RetirementCase, Spouse
from employees.scope import staff_scope
from employees.services.family import member_errors
from purna import spreadsheets
from purna.history import history_note
from purna.spreadsheets import CellError, ImportFileError
from purna.types import User

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
MODELS: dict[str, Any] = {SPOUSE: Spouse, CHILD: Child, PARENT: Parent}
# Checked by the rules and this module, or set by it: not by each model's full_clean (no query per row).
_NOT_CLEANED = ["employee", "other_parent", "user"]


@dataclass
class FamilyImportResult:
    """What an import did (or, in a dry run or with errors, would have done)."""

    dry_run: bool
    rows: int = 0
    added: int = 0
    updated: int = 0
    errors: list[CellError] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors and bool(self.rows)


def _key(kind: str, nik: str, name: str) -> tuple[str, str]:
    return (kind, nik) if nik else (kind, " ".join(name.split()).casefold())


class _Families:
    """The recorded families of the file's employees, indexed to match rows against them."""

    def __init__(self, employees: list[Employee]) -> None:
        ids = [employee.pk for employee in employees]
        self.members: dict[int, dict[tuple[str, str], Any]] = defaultdict(dict)
        self.spouses_by_name: dict[int, dict[str, Spouse]] = defaultdict(dict)
        self.parents: dict[int, dict[str, Parent]] = defaultdict(dict)
        for kind, model in MODELS.items():
            for member in model.objects.filter(employee_id__in=ids):
                self.add(kind, member)

    def add(self, kind: str, member: Any) -> None:
        employee_id = member.employee_id
        if member.nik:
            self.members[employee_id][(kind, member.nik)] = member
        self.members[employee_id][_key(kind, "", member.name)] = member
        if kind == SPOUSE:
            self.spouses_by_name[employee_id][" ".join(member.name.split()).casefold()] = member
        if kind == PARENT:
            self.parents[employee_id][member.relation] = member

    def match(self, employee_id: int, kind: str, nik: str, name: str) -> Any:
        found = self.members[employee_id]
        return (found.get((kind, nik)) if nik else None) or found.get(_key(kind, "", name))


def family_import(
    *, actor: User | None, file: IO[bytes], name: str, size: int, dry_run: bool = False
) -> FamilyImportResult:
    """Import a family spreadsheet (CSV or XLSX) all or nothing; raise ImportFileError for a file that
    cannot be read at all. Returns the counts and the rows' errors."""
    result = FamilyImportResult(dry_run=dry_run)
    sheet = spreadsheets.open_sheet(
        file, name=name, size=size, max_bytes=MAX_BYTES, headers=sheet_reader.header_names()
    )
    layout = sheet_reader.read_header(sheet.header)
    for cell in sheet.formula_cells:
        result.errors.append(CellError(None, "", spreadsheets.formula_message(cell), cell))
    rows: list[FamilyRow] = []
    for number, cells in sheet.rows:
        if spreadsheets.is_blank(cells):
            continue
        result.rows += 1
        if result.rows > MAX_ROWS:
            raise ImportFileError(_("At most %(count)d rows per file: split the file.") % {"count": MAX_ROWS})
        row, errors = sheet_reader.parse_row(number, cells[sheet.first_column :], layout)
        result.errors.extend(errors)
        if row is not None:
            rows.append(row)
    if not result.rows:
        result.errors.append(CellError(None, "", _("The file has no rows to import.")))

    members = _prepare(rows, actor=actor, result=result)
    if result.errors or dry_run:
        return result
    try:
        with transaction.atomic():
            # Spouses first: the children name them as their other parent.
            for member in sorted(members, key=lambda m: not isinstance(m, Spouse)):
                history_note(member, actor=actor, reason=_("family import"))
                member.save()
    except IntegrityError:
        # A spouse recorded elsewhere between the check and the write: nothing of the file was kept.
        result.errors.append(
            CellError(None, "nik", _("A spouse's NIK was recorded meanwhile for another employee; import again."))
        )
        result.added = result.updated = 0
    return result


def _prepare(rows: list[FamilyRow], *, actor: User | None, result: FamilyImportResult) -> list[Any]:
    """The members to save (new or changed), checked; errors are added to `result`."""
    scope = staff_scope(actor) if actor is not None else None
    employees_q: QuerySet[Employee] = Employee.objects.filter(nip__in={row.nip for row in rows})
    if scope is not None:
        employees_q = scope.filter(employees_q)
    employees = {employee.nip: employee for employee in employees_q}
    died_on = dict(
        RetirementCase.objects.filter(employee__in=employees.values(), died_on__isnull=False).values_list(
            "employee_id", "died_on"
        )
    )
    families = _Families(list(employees.values()))
    current_niks = {
        nik: (employee_id, pk)
        for nik, employee_id, pk in Spouse.objects.filter(
            nik__in={row.fields.get("nik") for row in rows if row.kind == SPOUSE and row.fields.get("nik")},
            ended_on__isnull=True,
        ).values_list("nik", "employee_id", "pk")
    }
    niks_in_file: dict[str, int] = {}
    members: list[Any] = []
    children: list[tuple[FamilyRow, Child, str]] = []
    for row in rows:
        employee = employees.get(row.nip)
        if employee is None:
            result.errors.append(
                CellError(row.row, "nip", _("NIP %(nip)s is not in the register of your units.") % {"nip": row.nip})
            )
            continue
        fields = dict(row.fields)
        other_parent_name = fields.pop("other_parent", "") if row.kind == CHILD else ""
        member = families.match(employee.pk, row.kind, fields.get("nik", ""), fields["name"])
        if member is None:
            member = MODELS[row.kind](employee=employee)
            result.added += 1
        else:
            result.updated += 1
        member.employee = employee
        for name, value in fields.items():
            setattr(member, name, value)
        if row.kind == PARENT:
            recorded = families.parents[employee.pk].get(member.relation)
            if recorded is not None and recorded is not member:
                result.errors.append(
                    CellError(
                        row.row,
                        "hubungan",
                        _("This employee's %(relation)s is already recorded.")
                        % {"relation": member.get_relation_display()},
                    )
                )
        families.add(row.kind, member)
        if row.kind == CHILD:
            children.append((row, member, other_parent_name))
        else:
            _check(row, member, died_on.get(employee.pk), result)
        if row.kind == SPOUSE and member.nik and member.ended_on is None:
            taken = current_niks.get(member.nik)
            if (taken and taken[1] != member.pk) or niks_in_file.get(member.nik, employee.pk) != employee.pk:
                result.errors.append(
                    CellError(row.row, "nik", _("This NIK is already the current spouse of another employee."))
                )
            niks_in_file[member.nik] = employee.pk
        members.append(member)
    for row, child, other_parent_name in children:
        # After every spouse of the file is known: a child may name a wife listed below it.
        if other_parent_name:
            key = " ".join(other_parent_name.split()).casefold()
            spouse = families.spouses_by_name[child.employee.pk].get(key)
            if spouse is None:
                result.errors.append(
                    CellError(
                        row.row,
                        "orang_tua_lain",
                        _("%(name)s is not a spouse of this employee (in the register or the file).")
                        % {"name": other_parent_name},
                    )
                )
            child.other_parent = spouse
        _check(row, child, died_on.get(child.employee.pk), result)
    return members


def _check(row: FamilyRow, member: Any, employee_died_on: Any, result: FamilyImportResult) -> None:
    columns = {column.field: column.header for column in sheet_reader.COLUMNS}
    columns["relation"] = "status_anak" if row.kind == CHILD else "hubungan"
    errors = member_errors(member, employee_died_on=employee_died_on)
    try:
        member.full_clean(exclude=_NOT_CLEANED, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    for name, messages in errors.items():
        for message in messages:
            result.errors.append(CellError(row.row, columns.get(name, ""), message))
