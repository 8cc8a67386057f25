"""The register's write path: employees and retirement rules are created and changed only here.

Every service validates (the NIP, the golongan of the right ASN type, the position, an override's
decree), stores the retirement facts computed by employees/retirement.py on the row, records the actor
in the history (django-simple-history), and raises employees.exceptions errors for bad input, having
changed nothing.
"""

import dataclasses
import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from itertools import pairwise
from operator import attrgetter
from typing import Any, TypedDict, Unpack

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EMPTY_VALUES, MaxLengthValidator
from django.db import connections, router, transaction
from django.db.models import CharField, DateField, F, Field, Q, TextField, Window
from django.db.models.functions import Mod, Now, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import cases, retirement
from employees.choices import PNS_PANGKAT, PPPK_GOLONGAN, AsnType, JenisJabatan
from employees.exceptions import EmployeeError, NipError, RetirementRuleError
from employees.models import Employee, FactsRefreshRun, RetirementRule, UnitKerja
from employees.nip import (
    NipMismatch,
    RegisterWarning,
    clean_nip_lama,
    nip_mismatches,
    normalize_nip,
    parse_ni_pppk,
    parse_nip,
    register_warnings,
)
from employees.scope import staff_scope
from employees.services.facts import StoredFacts, facts_write
from employees.tasks import retirement_facts_refresh_task
from purna.history import history_note
from purna.jobs import job_queue_after_commit
from purna.notifications.services import reminders_replan_later
from purna.types import User

# The stored retirement facts (see retirement.RetirementFacts): computed here, never set by callers.
FACT_FIELDS = ["bup", "bup_date", "tmt_pensiun", "service_years", "service_months", "retirement_rule"]
# What the engine reads from an employee: retirement.Person's fields, which Employee has under the same names.
PERSON_FIELDS = [field.name for field in dataclasses.fields(retirement.Person)]
# The fields a NIP encodes or is checked against; the NIP is re-checked when one of them changes.
NIP_CHECKED_FIELDS = ["nip", "asn_type", "birth_date", "gender", "tmt_cpns", "nip_mismatch_accepted"]
# The work list's copy of the retirement record (see Employee.case_status): the record's services write it.
CASE_COPY_FIELDS = ["case_status", "case_due", "tmt_effective"]
_NOT_SETTABLE = {*FACT_FIELDS, *CASE_COPY_FIELDS, "retirement_rule_id", "id", "pk", "created_at", "updated_at"}
BUP_MIN, BUP_MAX = 40, 80  # the range the database allows (retirementrule_bup_range)


class EmployeeFields(TypedDict, total=False):
    """What employee_create and employee_update take: the model's own fields, less the computed ones
    (_NOT_SETTABLE, refused with TypeError), typed as the forms give them. A field left out keeps the
    model's default (create) or its stored value (update)."""

    asn_type: str
    nip: str
    nip_lama: str
    front_title: str
    name: str
    back_title: str
    birth_place: str
    birth_date: dt.date | None
    gender: str
    golongan: str
    jabatan: str
    jenis_jabatan: str
    jenjang: str
    rumpun: str
    unit: UnitKerja | None
    tmt_cpns: dt.date | None
    tmt_pns: dt.date | None
    tmt_golongan: dt.date | None
    contract_end: dt.date | None
    prior_service_months: int
    last_basic_salary: Decimal | None
    email: str
    phone: str
    personal_email: str
    personal_phone: str
    address: str
    status: str
    user: User | None
    bup_override: int | None
    bup_override_decree: str
    bup_override_date: dt.date | None
    bup_override_reason: str
    nip_mismatch_accepted: bool
    nip_mismatch_reason: str


def rule_from_model(rule: RetirementRule) -> retirement.Rule:
    """The engine's view of a RetirementRule row."""
    return retirement.Rule(
        id=rule.pk,
        asn_type=rule.asn_type,
        jenis_jabatan=rule.jenis_jabatan,
        jenjang=rule.jenjang,
        rumpun=rule.rumpun,
        born_before=rule.born_before,
        bup=rule.bup,
        valid_from=rule.valid_from,
        valid_until=rule.valid_until,
        legal_basis=rule.legal_basis,
    )


def person_from_employee(employee: Employee) -> retirement.Person:
    """The engine's view of an employee (no golongan: it plays no part in the BUP)."""
    return retirement.Person(**{name: getattr(employee, name) for name in PERSON_FIELDS})


def _rules_load() -> list[retirement.Rule]:
    # All rules, not only those in force today: a rule applies if it is the one in force when the person's
    # discharge for its BUP takes effect, in the past or the future (see retirement.select_rule).
    return [rule_from_model(rule) for rule in RetirementRule.objects.all()]


def _facts_apply(
    employee: Employee, rules: Sequence[retirement.Rule], choose: retirement.RuleChoices | None = None
) -> retirement.RetirementFacts:
    facts = retirement.compute(person_from_employee(employee), rules, choose=choose)
    employee.bup = facts.bup
    employee.bup_date = facts.bup_date
    employee.tmt_pensiun = facts.tmt_pensiun
    employee.service_years = facts.service_years
    employee.service_months = facts.service_months
    employee.retirement_rule_id = facts.rule.id if facts.rule else None
    # A live record keeps the TMT it decided; otherwise the work list follows the computed one.
    employee.tmt_effective = cases.worklist_tmt(
        case_status=employee.case_status, case_tmt=employee.tmt_effective, tmt_pensiun=facts.tmt_pensiun
    )
    return facts


def _check_settable(fields: Mapping[str, object]) -> None:
    settable = {f.name for f in Employee._meta.concrete_fields} | {f.attname for f in Employee._meta.concrete_fields}
    unknown = sorted(set(fields) - settable)
    if unknown:
        raise TypeError(f"Unknown employee fields: {', '.join(unknown)}")
    computed = sorted(set(fields) & _NOT_SETTABLE)
    if computed:
        raise TypeError(f"Computed employee fields cannot be set: {', '.join(computed)}")


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


class BulkValidation:
    """Model validation for many employees in a row (the import), through employee_prepare(bulk=...).

    Model.full_clean without its per-row queries: the foreign keys' existence (the import resolves the
    unit from its code, never sets the portal account, and takes the BUP rule from the engine), the
    NIP's uniqueness (the import upserts by NIP), the table's check constraints (their conditions are
    checked in Python by _employee_validate); and without the stored facts, which are recomputed. Each
    field's clean() is a pure function of the value for Employee's fields, and a file repeats the same
    golongan, jabatan, unit and dates thousands of times, so cleaned values are remembered (up to
    MAX_REMEMBERED), which halves the cost of validating a row. It also remembers the BUP rule chosen
    per position and birth date (retirement.RuleChoices) for the facts.
    """

    MAX_REMEMBERED = 50_000

    def __init__(self) -> None:
        excluded = set(FACT_FIELDS)
        # Per field: its attname, whether it may be blank, a shortcut for the plain kinds (_shortcut: a
        # text field without choices whose only validator is its max_length, or a date field), the field
        # and its remembered values (keyed by type too: 1 == True == 1.0). A name, a NIP or a birth date
        # is seldom repeated, so remembering them filled the memory with values used once; for the plain
        # kinds clean() keeps a value of the right type as it is once it passes that one check, which the
        # shortcut makes without the calls (cProfile, 20,000 rows: 109,261 Field.clean calls before, 20,741).
        self.fields: list[tuple[str, bool, Any, Field[Any, Any], dict[Any, Any]]] = [
            (f.attname, f.blank, _shortcut(f), f, {})
            for f in Employee._meta.concrete_fields
            if not f.is_relation and f.name not in excluded
        ]
        self.remembered = 0
        # The BUP rule chosen for each position and birth date (the facts, computed for every row).
        self.rule_choices = retirement.RuleChoices()

    def full_clean(self, employee: Employee) -> None:
        """Model.clean_fields (remembering cleaned values) then Model.clean; raise ValidationError."""
        errors: dict[str, list] = {}
        values = employee.__dict__
        for attname, blank, shortcut, field, cleaned in self.fields:
            raw = values[attname]
            # Model.clean_fields skips a blank field's empty value (EMPTY_VALUES: None, "", [], (), {}).
            if raw.__class__ is str:
                if not raw:
                    if blank:
                        continue
                elif shortcut is not None and shortcut is not _DATE and (shortcut is True or len(raw) <= shortcut):
                    continue
            elif raw is None:
                if blank:
                    continue
            elif raw.__class__ is dt.date:
                if shortcut is _DATE:
                    continue
            elif blank and raw in EMPTY_VALUES:
                continue
            key = (raw.__class__, raw)
            try:
                value = cleaned[key]
            except KeyError:
                try:
                    value = field.clean(raw, employee)
                except ValidationError as exc:
                    errors[field.name] = exc.error_list
                    continue
                if self.remembered < self.MAX_REMEMBERED:
                    cleaned[key] = value
                    self.remembered += 1
            values[attname] = value
        try:
            employee.clean()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)


_DATE = "date"


def _shortcut(field: "Field[Any, Any]") -> Any:
    """BulkValidation's shortcut for a field whose clean() of a non-empty value of its own type is one
    check or none: its max_length for a CharField, True for a TextField, _DATE for a DateField (not a
    DateTimeField); None for every other field (choices, other validators, other types, subclasses)."""
    if field.choices or not field.editable:
        return None
    kind = field.__class__
    validators = [validator.__class__ for validator in field.validators]
    if kind is CharField and validators == [MaxLengthValidator] and field.max_length:
        return field.max_length
    if kind is TextField and not validators:
        return True
    if kind is DateField and not validators:
        return _DATE
    return None


def _employee_validate(employee: Employee, *, bulk: BulkValidation | None = None) -> None:
    """Validate in place, normalising the NIP and the old NIP; raise NipFormatError or EmployeeError.

    `bulk`: see employee_prepare.
    """
    employee.nip = normalize_nip(employee.nip)
    is_pppk = employee.asn_type == AsnType.PPPK
    # An unreadable NIP stops here: the other checks would only add noise.
    if is_pppk:
        parse_ni_pppk(employee.nip)
    else:
        parse_nip(employee.nip)

    errors: dict[str, list[str]] = {}
    try:
        employee.nip_lama = clean_nip_lama(employee.nip_lama)
    except NipError as exc:
        for field, messages in exc.errors.items():
            errors.setdefault(field, []).extend(messages)

    # PNS and PPPK golongan are different scales: never accept (or map) one for the other.
    if employee.golongan:
        if employee.asn_type == AsnType.PNS and employee.golongan not in PNS_PANGKAT:
            _add(
                errors,
                "golongan",
                _("A PNS golongan runs from I/a to IV/e; %(golongan)s is not one.") % {"golongan": employee.golongan},
            )
        elif is_pppk and employee.golongan not in PPPK_GOLONGAN:
            _add(
                errors,
                "golongan",
                _("A PPPK golongan is a Roman numeral from I to XVII; %(golongan)s is not one.")
                % {"golongan": employee.golongan},
            )

    is_fungsional = employee.jenis_jabatan == JenisJabatan.FUNGSIONAL
    if employee.jenjang and not is_fungsional:
        _add(errors, "jenjang", _("Only a jabatan fungsional has a jenjang."))
    if is_fungsional and not employee.jenjang:
        _add(errors, "jenjang", _("A jabatan fungsional needs its jenjang."))
    if employee.rumpun and not is_fungsional:
        _add(errors, "rumpun", _("Only a jabatan fungsional belongs to a rumpun."))
    if employee.contract_end is not None and not is_pppk:
        _add(errors, "contract_end", _("Only a PPPK has a contract end date."))
    if employee.bup_override is not None:
        if not employee.bup_override_decree.strip():
            _add(errors, "bup_override_decree", _("A special BUP needs the number of its decree (SK)."))
        if not employee.bup_override_reason.strip():
            _add(errors, "bup_override_reason", _("A special BUP needs a reason."))
    if employee.nip_mismatch_accepted and not employee.nip_mismatch_reason.strip():
        _add(errors, "nip_mismatch_reason", _("Accepting a NIP that disagrees with the record needs a reason."))

    try:
        # The database constraints repeat checks made above with better messages; run them only when
        # those passed, so a message is not given twice.
        if bulk is not None:
            bulk.full_clean(employee)
        else:
            employee.full_clean(validate_constraints=not errors)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    else:
        # full_clean has turned the input into numbers and dates: these checks need them.
        if employee.bup_override is not None and not BUP_MIN <= employee.bup_override <= BUP_MAX:
            _add(errors, "bup_override", _("A special BUP must be between 40 and 80."))
        if employee.tmt_pns is not None and employee.tmt_pns < employee.tmt_cpns:
            _add(errors, "tmt_pns", _("TMT PNS cannot be before TMT CPNS."))
        if employee.contract_end is not None and employee.contract_end < employee.tmt_cpns:
            _add(errors, "contract_end", _("The contract cannot end before the first appointment."))
    if errors:
        raise EmployeeError(errors=errors)


def _nip_check(employee: Employee, today: dt.date) -> list[NipMismatch]:
    """The NIP's disagreements with the (validated) record; NipError unless they were accepted."""
    mismatches = nip_mismatches(
        employee.nip,
        asn_type=employee.asn_type,
        birth_date=employee.birth_date,
        gender=employee.gender,
        tmt_cpns=employee.tmt_cpns,
        today=today,
    )
    if mismatches and not employee.nip_mismatch_accepted:
        raise NipError(mismatches)
    return mismatches


def employee_register_warnings(employee: Employee) -> list[RegisterWarning]:
    """What looks wrong in the employee's entry without being refused (employees.nip.register_warnings)."""
    return register_warnings(
        employee.nip, asn_type=employee.asn_type, birth_date=employee.birth_date, tmt_cpns=employee.tmt_cpns
    )


def _history_note(employee: Employee, actor: User | None, mismatches: list[NipMismatch]) -> None:
    reason = ""
    if mismatches:
        parts = ", ".join(sorted({str(m.part) for m in mismatches}))
        # The history keeps the reason's first 100 characters; the full reason is in nip_mismatch_reason.
        reason = _("NIP mismatch accepted: %(parts)s") % {"parts": parts}
    history_note(employee, actor=actor, reason=reason)


def employee_prepare(
    employee: Employee,
    *,
    rules: Sequence[retirement.Rule] | None = None,
    today: dt.date | None = None,
    check_nip: bool = True,
    bulk: BulkValidation | None = None,
) -> list[NipMismatch]:
    """Validate an employee and store its retirement facts on it, as employee_create and employee_update
    do before saving; nothing is saved. Returns the NIP's accepted mismatches.

    Raises NipError / EmployeeError as those services do. `check_nip=False` skips the NIP's agreement
    with the record (employee_update does so when neither the NIP nor a field it encodes changed).
    `rules` defaults to the whole BUP table; a subset that holds every rule matching the employee's
    position gives the same facts. `bulk` (a BulkValidation shared by the rows of one import) replaces
    full_clean, and its per-row queries, for the import (employees/services/imports.py).
    """
    _employee_validate(employee, bulk=bulk)
    mismatches = _nip_check(employee, today or timezone.localdate()) if check_nip else []
    _facts_apply(employee, _rules_load() if rules is None else rules, bulk.rule_choices if bulk else None)
    return mismatches


def employee_scope_check(*, actor: User | None, employee: Employee, unit_before: int | None) -> None:
    """A staff member adds, changes and moves only employees of their own units (employees/scope.py);
    a change without an actor (a command, a task of the system) is the server administrator's."""
    if actor is None:
        return
    scope = staff_scope(actor)
    if unit_before is not None and not scope.covers(unit_before):
        raise EmployeeError(_("This employee belongs to a work unit outside yours: nothing was changed."))
    if not scope.covers(employee.unit_id):
        raise EmployeeError(errors={"unit": [_("Choose one of your own work units.")]})


def employee_create(*, actor: User | None, **fields: Unpack[EmployeeFields]) -> Employee:
    """Add an employee to the register, with their retirement facts.

    The NIP is normalised and checked: its format always, and its agreement with the record (birth
    date, TMT CPNS or appointment year, gender): a disagreement raises NipError unless
    `nip_mismatch_accepted` is True with a `nip_mismatch_reason`, in which case the history notes it.
    Raises EmployeeError (field by field) for any other bad input; nothing is saved then.
    """
    _check_settable(fields)
    employee = Employee(**fields)
    with transaction.atomic():
        _employee_validate(employee)
        employee_scope_check(actor=actor, employee=employee, unit_before=None)
        mismatches = _nip_check(employee, timezone.localdate())
        _facts_apply(employee, _rules_load())
        _history_note(employee, actor, mismatches)
        employee.save()
    return employee


def employee_update(*, employee: Employee, actor: User, **changes: Unpack[EmployeeFields]) -> Employee:
    """Change an employee and recompute their retirement facts; returns the saved row.

    The row is locked and re-read, the changes applied to it and validated as in employee_create. The
    NIP's agreement with the record is checked again when the NIP or a field it encodes (or the
    acceptance of a mismatch) changes, so editing a phone number does not re-open a decided case.
    The `employee` passed in is left untouched; use the returned row.
    """
    _check_settable(changes)
    with transaction.atomic():
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        before = {name: getattr(locked, name) for name in NIP_CHECKED_FIELDS}
        reminder_facts = (locked.status, locked.tmt_pensiun)
        unit_before = locked.unit_id
        for name, value in changes.items():
            setattr(locked, name, value)
        _employee_validate(locked)
        employee_scope_check(actor=actor, employee=locked, unit_before=unit_before)
        mismatches = []
        if any(getattr(locked, name) != before[name] for name in NIP_CHECKED_FIELDS):
            mismatches = _nip_check(locked, timezone.localdate())
        _facts_apply(locked, _rules_load())
        _history_note(locked, actor, mismatches)
        locked.save()
        if (locked.status, locked.tmt_pensiun) != reminder_facts:
            # Reminders follow a new TMT or status at once, not only at the next daily plan.
            reminders_replan_later(model=Employee, object_ids=[locked.pk])
    return locked


def retirement_facts_refresh(
    *,
    employee_ids: Iterable[int] | None = None,
    batch_size: int = 5000,
    workers: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Recompute the stored retirement facts of the given employees (or everyone); return how many changed.

    Set-based: the rules are loaded once; employees are read `batch_size` at a time as named rows,
    their facts computed in Python, and only the rows whose facts changed are written, one statement per
    batch (see facts_write), with the work list's TMT (Employee.tmt_effective, the TMT pensiun unless a
    live record decided another). Each batch is its own transaction and locks its rows in primary-key
    order, so a concurrent employee_update cannot be overwritten with facts computed from older data,
    and two refreshes at once cannot deadlock. Safe to run twice: it derives everything from stored data.
    No history rows are written: the facts are derived, and the rule change that moved them is in the
    rule's history with its actor.

    On PostgreSQL, outside a transaction, `workers` threads write batches side by side, each on its own
    connection: a changed row is rewritten in every index of the table, the database's work, which one
    connection does on one core (13 s for 100,000 changed rows on the 2-core reference machine, 7 s with
    two; bench/refresh.py).

    `progress(rows, changed)` is called after each batch is committed, from the thread that wrote it.
    """
    rules = _rules_load()
    # The stored facts with the work list's TMT (written with them), and the record's status.
    read_fields = ["pk", *PERSON_FIELDS, *StoredFacts._fields, "case_status"]
    person_values = attrgetter(*PERSON_FIELDS)
    position_of = attrgetter("asn_type", "jenis_jabatan", "jenjang", "rumpun")
    stored = attrgetter(*StoredFacts._fields)

    # The rules that can apply to each position (asn_type, jenis_jabatan, jenjang, rumpun), found once:
    # thousands of employees share a handful of positions, and compute() then looks at 2-3 rules.
    rules_by_position: dict[tuple, list[retirement.Rule]] = {}

    def rules_for(position: tuple) -> list[retirement.Rule]:
        found = rules_by_position.get(position)
        if found is None:
            found = rules_by_position[position] = [rule for rule in rules if rule.matches_position(*position)]
        return found

    def refresh(batch: Q) -> int:
        changed: dict[int, StoredFacts] = {}
        rows = 0
        with transaction.atomic():
            employees = Employee.objects.select_for_update().filter(batch).order_by("pk")
            for row in employees.values_list(*read_fields, named=True):
                rows += 1
                # PERSON_FIELDS are read in the order of Person's fields (attrgetter: a tuple, read by name).
                facts = retirement.compute(retirement.Person(*person_values(row)), rules_for(position_of(row)))
                new = StoredFacts(
                    bup=facts.bup,
                    bup_date=facts.bup_date,
                    tmt_pensiun=facts.tmt_pensiun,
                    service_years=facts.service_years,
                    service_months=facts.service_months,
                    retirement_rule_id=facts.rule.id if facts.rule else None,
                    tmt_effective=cases.worklist_tmt(
                        case_status=row.case_status, case_tmt=row.tmt_effective, tmt_pensiun=facts.tmt_pensiun
                    ),
                )
                if new != stored(row):
                    changed[row.pk] = new
            facts_write(changed)
        if progress is not None:
            progress(rows, len(changed))
        return len(changed)

    if employee_ids is None:
        # Batches are ranges of primary keys starting at every batch_size-th key, found in one query
        # without reading every key (4.3 million of them nationally).
        starts = list(
            Employee.objects.annotate(row=Window(RowNumber(), order_by=F("pk").asc()))
            .annotate(offset=Mod(F("row") - 1, batch_size))
            .filter(offset=0)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        batches = [Q(pk__gte=start, pk__lt=end) for start, end in pairwise(starts)]
        batches += [Q(pk__gte=start) for start in starts[-1:]]
    else:
        pks = sorted(set(employee_ids))
        batches = [Q(pk__in=pks[i : i + batch_size]) for i in range(0, len(pks), batch_size)]

    connection = connections[router.db_for_write(Employee)]
    if workers < 2 or len(batches) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction (a test, a caller's atomic block) other connections would not see its rows.
        return sum(refresh(batch) for batch in batches)

    pending = deque(batches)

    def work() -> int:
        changed = 0
        try:
            while pending:
                try:
                    batch = pending.popleft()
                except IndexError:  # another worker took the last one
                    break
                changed += refresh(batch)
        finally:
            connections.close_all()  # this thread's connections
        return changed

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(future.result() for future in [pool.submit(work) for _ in range(workers)])


def retirement_facts_recompute(*, run_id: int) -> FactsRefreshRun:
    """Carry out a queued recomputation of facts (a FactsRefreshRun: everyone's, or a selection's),
    storing its progress after each batch for the page that shows it. Safe to run twice: a finished run is not run again, and
    an interrupted one starts over (the refresh derives everything from stored data)."""
    run = FactsRefreshRun.objects.get(pk=run_id)
    if run.finished_at is not None:
        return run
    runs = FactsRefreshRun.objects.filter(pk=run_id)
    ids = run.employee_ids
    total = Employee.objects.count() if ids is None else len(ids)
    runs.update(started_at=Now(), total=total, done=0, changed=0)

    def progress(rows: int, changed: int) -> None:
        runs.update(done=F("done") + rows, changed=F("changed") + changed)

    try:
        changed = retirement_facts_refresh(employee_ids=ids, progress=progress)
    except Exception as exc:
        # The page stops waiting and says so; the batches already committed stay (they are correct).
        runs.update(finished_at=Now(), error=f"{type(exc).__name__}: {exc}"[:1000])
        raise
    connection = connections[router.db_for_write(Employee)]
    if changed and connection.vendor == "postgresql":
        # The pages' query plans rest on the statistics of the TMT columns, which may all have moved:
        # gather them now rather than when autovacuum next passes (ANALYZE samples: about 1 s at 100,000).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Employee._meta.db_table)}")
    runs.update(finished_at=Now())
    run.refresh_from_db()
    return run


def retirement_facts_recompute_queue(*, actor: User, employee_ids: Iterable[int] | None = None) -> FactsRefreshRun:
    """Record a recomputation of everyone's facts (or of `employee_ids`) and hand it to Celery once the
    caller's transaction commits: with a rule change, the run is recorded with it."""
    ids = sorted(set(employee_ids)) if employee_ids is not None else None
    run = FactsRefreshRun.objects.create(requested_by=actor, employee_ids=ids)
    job_queue_after_commit(FactsRefreshRun, run.pk, retirement_facts_refresh_task, kwargs={"run_id": run.pk})
    return run


def retirement_rule_validate(rule: RetirementRule) -> None:
    """Raise RetirementRuleError, field by field, if the BUP table row cannot be saved as it is."""
    errors: dict[str, list[str]] = {}
    if (rule.jenjang or rule.rumpun) and rule.jenis_jabatan not in ("", JenisJabatan.FUNGSIONAL):
        _add(errors, "jenis_jabatan", _("A jenjang or rumpun applies only to jabatan fungsional."))
    try:
        rule.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    else:
        # The database's constraints say the same, but name the constraint instead of the problem.
        if not BUP_MIN <= rule.bup <= BUP_MAX:
            _add(errors, "bup", _("The BUP must be between 40 and 80."))
        if rule.valid_until is not None and rule.valid_until < rule.valid_from:
            _add(errors, "valid_until", _("A rule cannot end before it starts."))
        if not errors:
            try:
                rule.validate_constraints()
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if errors:
        raise RetirementRuleError(errors=errors)
    # Two rules with the same criteria and the same start would tie (see retirement.select_rule).
    duplicate = RetirementRule.objects.filter(
        asn_type=rule.asn_type,
        jenis_jabatan=rule.jenis_jabatan,
        jenjang=rule.jenjang,
        rumpun=rule.rumpun,
        born_before=rule.born_before,
        valid_from=rule.valid_from,
    ).exclude(pk=rule.pk)
    if duplicate.exists():
        raise RetirementRuleError(
            errors={NON_FIELD_ERRORS: [_("A rule with the same criteria and the same start date already exists.")]}
        )


def retirement_rule_save(*, rule: RetirementRule, actor: User) -> RetirementRule:
    """Create or change a row of the BUP table, then recompute everyone's facts after commit.

    Raises RetirementRuleError for bad input (nothing saved). The rule's history records the actor;
    the recomputation (a FactsRefreshRun, with its progress) runs in a Celery task, scheduled only once
    the change is committed.
    """
    with transaction.atomic():
        retirement_rule_validate(rule)
        history_note(rule, actor=actor)
        rule.save()
        retirement_facts_recompute_queue(actor=actor)
    return rule


def retirement_rules_delete(*, rules: Iterable[RetirementRule], actor: User) -> int:
    """Remove rows of the BUP table (entered by mistake), then recompute everyone's facts after commit.

    A rule that stopped applying is ended with `valid_until` instead, so that the dates computed under it
    stay explained. Each deletion is in the rule's history with the actor. Returns how many were removed.
    """
    deleted = 0
    with transaction.atomic():
        for rule in rules:
            history_note(rule, actor=actor)
            rule.delete()
            deleted += 1
        if deleted:
            retirement_facts_recompute_queue(actor=actor)
    return deleted
