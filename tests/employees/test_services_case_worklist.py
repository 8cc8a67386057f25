"""The work list's copy of the retirement record on the employee (Employee.case_status, case_due,
tmt_effective): kept in step by the services, repaired by the sync, filled by the migration."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.models import Employee, RetirementCase, RetirementRule
from employees.retirement import add_months
from employees.services.cases import retirement_case_open, retirement_case_transition, retirement_worklist_sync
from employees.services.register import employee_update, retirement_facts_refresh
from tests.employees.case_fixtures import (
    checklist_complete,
    first_of_month,
    make_employee,
    retired_last_month_fixture,  # noqa: F401 (a fixture)
    today_fixture,  # noqa: F401 (a fixture)
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]
copy_migration = importlib.import_module("employees.migrations.0007_employee_worklist_copy")


# --- The work list's copy of the record (Employee.case_status, case_due, tmt_effective) ------------------


def copy_of(employee: Employee) -> tuple:
    return Employee.objects.filter(pk=employee.pk).values_list("case_status", "case_due", "tmt_effective").get()


def assert_in_step() -> None:
    # The sync recomputes every copy from the records themselves: nothing may be out of step.
    assert retirement_worklist_sync() == 0


def test_the_copy_follows_the_record_through_open_moves_cancel_and_reopen(actor, today):
    bup_tmt = first_of_month(today, 40)
    employee = make_employee(tmt=bup_tmt)
    assert copy_of(employee) == ("", None, bup_tmt)
    history = Employee.history.count()
    updated_at = Employee.objects.get(pk=employee.pk).updated_at

    aps_tmt = first_of_month(today, 4)
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert_in_step()
    # An import that checked the row before the record was opened must see it changed.
    assert Employee.objects.get(pk=employee.pk).updated_at > updated_at

    checklist_complete(case)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PROPOSED, actor=actor)
    assert copy_of(employee) == (CaseStatus.PROPOSED, case.proposal_due, aps_tmt)
    case = retirement_case_transition(case=case, to_status=CaseStatus.PREPARING, note="Berkas kurang", actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert_in_step()

    # Cancelled, the record no longer decides the TMT: the BUP's is back.
    case = retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)
    assert copy_of(employee) == (CaseStatus.CANCELLED, case.proposal_due, bup_tmt)
    assert_in_step()

    reopened = retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)
    assert copy_of(employee) == (CaseStatus.PREPARING, add_months(bup_tmt, -12), bup_tmt)
    assert reopened.proposal_due == add_months(bup_tmt, -12)
    assert_in_step()
    # The copy is not an employee change: the history has the record's moves, not the employee's.
    assert Employee.history.count() == history


def test_the_copy_follows_the_record_to_done(retired_last_month, actor, today):
    case = retirement_case_transition(case=retired_last_month, to_status=CaseStatus.PROPOSED, actor=actor)
    case = retirement_case_transition(
        case=case, to_status=CaseStatus.SK_ISSUED, actor=actor, sk_number="1", sk_date=today, sk_signer="Bupati"
    )
    case = retirement_case_transition(case=case, to_status=CaseStatus.DONE, actor=actor)

    employee = Employee.objects.get(pk=case.employee_id)
    assert employee.status == EmployeeStatus.PENSIUN
    assert copy_of(employee) == (CaseStatus.DONE, case.proposal_due, case.tmt)
    assert case.employee.case_status == CaseStatus.DONE
    assert_in_step()


def test_a_death_keeps_its_own_tmt_when_the_employee_is_marked_deceased(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    died_on = today - dt.timedelta(days=1)
    tmt = add_months(died_on.replace(day=1), 1)

    case = retirement_case_open(employee=employee, kind=RetirementKind.DEATH, died_on=died_on, actor=actor)

    # employee_update (the deceased status) recomputed the facts and left the record's TMT alone.
    assert Employee.objects.get(pk=employee.pk).status == EmployeeStatus.MENINGGAL
    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, tmt)
    assert_in_step()


def test_the_bup_moves_the_work_list_tmt_only_where_no_live_record_decides_it(actor, today):
    """A rule change (facts refresh) and an employee change (employee_update, as the import's
    employee_prepare) move tmt_effective with the TMT pensiun, unless a live record set its own."""
    plain = make_employee(tmt=first_of_month(today, 30))
    aps = make_employee(tmt=first_of_month(today, 30))
    aps_tmt = first_of_month(today, 6)
    retirement_case_open(employee=aps, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    cancelled = make_employee(tmt=first_of_month(today, 30))
    case = retirement_case_open(employee=cancelled, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    retirement_case_transition(case=case, to_status=CaseStatus.CANCELLED, note="Ditarik kembali", actor=actor)

    # The rule is changed without retirement_rule_save, whose refresh task would run in Celery.
    RetirementRule.objects.filter(jenis_jabatan="pelaksana", jenjang="", rumpun="").update(bup=60)
    assert retirement_facts_refresh() == 3

    later = first_of_month(today, 30 + 24)
    assert copy_of(plain) == ("", None, later)
    assert copy_of(aps)[2] == aps_tmt
    assert copy_of(cancelled)[2] == later
    assert_in_step()

    # A corrected birth date: two years earlier, so the BUP is reached two years earlier.
    for employee in (plain, aps):
        employee = Employee.objects.get(pk=employee.pk)
        employee_update(
            employee=employee,
            actor=actor,
            birth_date=add_months(employee.birth_date, -24),
            nip_mismatch_accepted=True,
            nip_mismatch_reason="Koreksi tanggal lahir menunggu SK BKN",
        )
    assert copy_of(plain)[2] == first_of_month(today, 30)
    assert copy_of(aps)[2] == aps_tmt
    assert_in_step()


def test_the_copy_cannot_be_set_through_the_register(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    for name, value in [("case_status", CaseStatus.DONE), ("case_due", today), ("tmt_effective", today)]:
        with pytest.raises(TypeError):
            employee_update(employee=employee, actor=actor, **{name: value})


def test_the_sync_repairs_records_written_around_the_services(actor, today):
    tmt = first_of_month(today, 8)
    employees = [make_employee(tmt=tmt) for _ in range(3)]
    RetirementCase.objects.bulk_create(
        [
            RetirementCase(employee=employees[0], tmt=tmt, proposal_due=add_months(tmt, -12)),
            RetirementCase(
                employee=employees[1],
                kind=RetirementKind.APS,
                tmt=first_of_month(today, 2),
                proposal_due=today,
                status=CaseStatus.CANCELLED,
            ),
        ]
    )

    assert retirement_worklist_sync(employee_ids=[employees[1].pk]) == 1
    assert copy_of(employees[1]) == (CaseStatus.CANCELLED, today, tmt)
    assert copy_of(employees[0]) == ("", None, tmt)  # not asked for
    assert retirement_worklist_sync(batch_size=1) == 1
    assert copy_of(employees[0]) == (CaseStatus.PREPARING, add_months(tmt, -12), tmt)
    assert copy_of(employees[2]) == ("", None, tmt)
    assert_in_step()


def test_the_migration_fills_the_copy_of_existing_rows(actor, today):
    employee = make_employee(tmt=first_of_month(today, 30))
    aps_tmt = first_of_month(today, 5)
    case = retirement_case_open(employee=employee, kind=RetirementKind.APS, tmt=aps_tmt, actor=actor)
    other = make_employee(tmt=first_of_month(today, 20))
    Employee.objects.update(case_status="", case_due=None, tmt_effective=None)  # as the new columns start

    def execute(sql: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)

    schema_editor = type("SchemaEditor", (), {"connection": connection, "execute": staticmethod(execute)})
    copy_migration.worklist_copy_fill(global_apps, schema_editor)

    assert copy_of(employee) == (CaseStatus.PREPARING, case.proposal_due, aps_tmt)
    assert copy_of(other) == ("", None, first_of_month(today, 20))
    assert_in_step()
