"""The register's write path (employees/services/register.py) on the real database, with the seeded BUP table."""

import datetime as dt
import functools
import importlib

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employees.exceptions import EmployeeError, NipError, NipFormatError, RetirementRuleError
from employees.models import Employee, FactsRefreshRun, RetirementRule
from employees.nip import NipPart, build_ni_pppk, build_nip
from employees.retirement import tmt_pensiun
from employees.services.register import (
    BulkValidation,
    employee_create,
    employee_update,
    retirement_facts_refresh,
    retirement_rule_save,
)
from employees.tasks import retirement_facts_refresh_task
from tests.factories import EmployeeFactory, RetirementRuleFactory, UnitKerjaFactory, UserFactory
from tests.workers import instead_of_broker

D = dt.date
seed_migration = importlib.import_module("employees.migrations.0003_seed_retirement_rules")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "english")]


@pytest.fixture
def unit(db):
    return UnitKerjaFactory()


@pytest.fixture
def refresh_task_delay(monkeypatch):
    """Record the scheduling of the refresh task instead of sending it to a broker."""
    calls = []
    instead_of_broker(monkeypatch, retirement_facts_refresh_task, lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def fields(unit, /, **overrides):
    """A consistent PNS record: its NIP encodes its birth date, TMT CPNS and gender."""
    values = {
        "name": "Siti Aminah",
        "birth_date": D(1970, 5, 12),
        "gender": "2",
        "tmt_cpns": D(1995, 3, 1),
        "jenis_jabatan": "pelaksana",
        "golongan": "III/c",
        "unit": unit,
    }
    values.update(overrides)
    values.setdefault("nip", build_nip(values["birth_date"], values["tmt_cpns"], values["gender"], 1))
    return values


def stored_facts(employee):
    employee.refresh_from_db()
    return (
        employee.bup,
        employee.bup_date,
        employee.tmt_pensiun,
        employee.service_years,
        employee.service_months,
        employee.retirement_rule_id,
    )


def test_create_stores_retirement_facts_and_history(actor, unit):
    employee = employee_create(actor=actor, **fields(unit))
    employee.refresh_from_db()
    assert (employee.bup, employee.bup_date, employee.tmt_pensiun) == (58, D(2028, 5, 12), D(2028, 6, 1))
    assert (employee.service_years, employee.service_months) == (33, 3)
    assert employee.retirement_rule.jenis_jabatan == "pelaksana"
    record = employee.history.get()
    assert (record.history_type, record.history_user) == ("+", actor)
    assert record.tmt_pensiun == D(2028, 6, 1)


def test_create_normalises_the_nip(actor, unit):
    employee = employee_create(actor=actor, **fields(unit, nip="19700512 199503 2 001", nip_lama="010 123 456"))
    employee.refresh_from_db()
    assert (employee.nip, employee.nip_lama) == ("197005121995032001", "010123456")


@pytest.mark.parametrize(
    ("jenis_jabatan", "jenjang", "rumpun", "birth_date", "expected_bup"),
    [
        ("administrator", "", "", D(1970, 5, 12), 58),
        ("pengawas", "", "", D(1970, 5, 12), 58),
        ("pelaksana", "", "", D(1970, 5, 12), 58),
        ("jpt_utama", "", "", D(1970, 5, 12), 60),
        ("jpt_madya", "", "", D(1970, 5, 12), 60),
        ("jpt_pratama", "", "", D(1970, 5, 12), 60),
        ("fungsional", "ahli_pertama", "", D(1970, 5, 12), 58),
        ("fungsional", "ahli_muda", "", D(1970, 5, 12), 58),
        ("fungsional", "ahli_madya", "", D(1970, 5, 12), 60),
        ("fungsional", "ahli_utama", "", D(1970, 5, 12), 65),
        ("fungsional", "penyelia", "", D(1970, 5, 12), 58),
        ("fungsional", "mahir", "", D(1970, 5, 12), 58),
        ("fungsional", "terampil", "", D(1970, 5, 12), 58),
        ("fungsional", "pemula", "", D(1970, 5, 12), 58),
        ("fungsional", "ahli_utama", "guru", D(1970, 5, 12), 60),
        ("fungsional", "terampil", "guru", D(1970, 5, 12), 60),
        ("fungsional", "ahli_madya", "dosen", D(1970, 5, 12), 65),
        ("fungsional", "ahli_utama", "profesor", D(1970, 5, 12), 70),
        ("fungsional", "ahli_muda", "peneliti", D(1970, 5, 12), 58),
        ("fungsional", "ahli_madya", "peneliti", D(1970, 5, 12), 65),
        ("fungsional", "ahli_utama", "perekayasa", D(1970, 5, 12), 70),
        ("fungsional", "ahli_madya", "", D(1957, 4, 6), 65),  # transition rule
        ("fungsional", "ahli_madya", "", D(1957, 4, 7), 60),
    ],
)
def test_seeded_rules_give_the_bup_of_the_design_table(
    actor, unit, jenis_jabatan, jenjang, rumpun, birth_date, expected_bup
):
    values = fields(
        unit,
        jenis_jabatan=jenis_jabatan,
        jenjang=jenjang,
        rumpun=rumpun,
        birth_date=birth_date,
        tmt_cpns=D(birth_date.year + 25, 3, 1),
    )
    employee = employee_create(actor=actor, **values)
    assert employee.bup == expected_bup
    assert employee.retirement_rule.legal_basis


def test_golongan_plays_no_part(actor, unit):
    low = employee_create(actor=actor, **fields(unit, golongan="II/a"))
    high = employee_create(
        actor=actor, **fields(unit, golongan="IV/e", nip=build_nip(D(1970, 5, 12), D(1995, 3, 1), "2", 2))
    )
    assert stored_facts(low) == stored_facts(high)


def test_update_recomputes_the_facts_and_records_the_actor(actor, unit):
    employee = employee_create(actor=actor, **fields(unit))
    other = UserFactory(username="verifikator", password=None, units="all")
    updated = employee_update(employee=employee, actor=other, jenis_jabatan="jpt_pratama", phone="0812")
    updated.refresh_from_db()
    assert (updated.bup, updated.tmt_pensiun) == (60, D(2030, 6, 1))
    assert updated.history.first().history_user == other
    assert updated.history.count() == 2


def test_update_that_fails_changes_nothing(actor, unit):
    employee = employee_create(actor=actor, **fields(unit))
    with pytest.raises(EmployeeError) as raised:
        employee_update(employee=employee, actor=actor, jenjang="ahli_muda", phone="0812")
    assert "jenjang" in raised.value.errors
    assert employee.jenjang == ""
    employee.refresh_from_db()
    assert (employee.jenjang, employee.phone) == ("", "")
    assert employee.history.count() == 1


@pytest.mark.parametrize(
    ("record", "part", "text"),
    [
        ({"birth_date": D(1970, 5, 13)}, NipPart.BIRTH_DATE, "12 Mei 1970 but the record says 13 Mei 1970"),
        ({"tmt_cpns": D(1996, 3, 1)}, NipPart.TMT_CPNS, "Maret 1995 but the record says 1 Maret 1996"),
        ({"gender": "1"}, NipPart.GENDER, "female (2) but the record says male (1)"),
    ],
)
def test_create_with_a_nip_mismatch_raises_and_saves_nothing(actor, unit, record, part, text):
    values = fields(unit, nip=build_nip(D(1970, 5, 12), D(1995, 3, 1), "2", 1))
    values.update(record)
    with pytest.raises(NipError) as raised:
        employee_create(actor=actor, **values)
    assert raised.value.parts == [part]
    assert text in raised.value.errors["nip"][0]
    assert not Employee.objects.exists()
    assert not Employee.history.exists()


def test_pppk_appointment_year_mismatch(actor, unit):
    values = fields(
        unit,
        asn_type="PPPK",
        golongan="IX",
        tmt_cpns=D(2022, 1, 1),
        nip=build_ni_pppk(D(1970, 5, 12), 2021, "2", 4),
    )
    with pytest.raises(NipError) as raised:
        employee_create(actor=actor, **values)
    assert raised.value.parts == [NipPart.APPOINTMENT_YEAR]
    assert not Employee.objects.exists()


def test_pppk_with_consistent_ni_pppk_and_contract(actor, unit):
    values = fields(
        unit,
        asn_type="PPPK",
        golongan="IX",
        tmt_cpns=D(2021, 12, 1),
        contract_end=D(2026, 11, 30),
        nip=build_ni_pppk(D(1970, 5, 12), 2021, "2", 4),
    )
    employee = employee_create(actor=actor, **values)
    assert (employee.bup, employee.tmt_pensiun) == (58, D(2026, 12, 1))  # the contract ends first
    assert (employee.service_years, employee.service_months) == (5, 0)


def test_accepted_nip_mismatch_is_saved_and_in_the_history(actor, unit):
    values = fields(unit, nip=build_nip(D(1970, 5, 12), D(1995, 3, 1), "2", 1), birth_date=D(1970, 5, 13))
    employee = employee_create(
        actor=actor,
        nip_mismatch_accepted=True,
        nip_mismatch_reason="Akta kelahiran menunjukkan 13 Mei 1970; NIP belum dikoreksi BKN.",
        **values,
    )
    record = employee.history.get()
    assert record.history_user == actor
    assert record.nip_mismatch_accepted is True
    assert record.nip_mismatch_reason.startswith("Akta kelahiran")
    assert record.history_change_reason == "NIP mismatch accepted: birth_date"
    assert employee.bup_date == D(2028, 5, 13)  # the record's birth date, not the NIP's


def test_accepting_a_mismatch_needs_a_reason(actor, unit):
    values = fields(unit, nip=build_nip(D(1970, 5, 12), D(1995, 3, 1), "2", 1), birth_date=D(1970, 5, 13))
    with pytest.raises(EmployeeError) as raised:
        employee_create(actor=actor, nip_mismatch_accepted=True, nip_mismatch_reason="  ", **values)
    assert list(raised.value.errors) == ["nip_mismatch_reason"]
    assert not Employee.objects.exists()


def test_unreadable_nip_raises_a_format_error(actor, unit):
    with pytest.raises(NipFormatError) as raised:
        employee_create(actor=actor, **fields(unit, nip="19700512199503200"))
    assert raised.value.field == "nip"
    assert not Employee.objects.exists()


def test_duplicate_nip_is_refused(actor, unit):
    employee_create(actor=actor, **fields(unit))
    with pytest.raises(EmployeeError) as raised:
        employee_create(actor=actor, **fields(unit, name="Orang Lain"))
    assert "nip" in raised.value.errors
    assert Employee.objects.count() == 1


def test_editing_other_fields_does_not_reopen_an_old_nip_mismatch(actor, unit):
    # Imported before these checks existed: the NIP encodes 1970-05-12, the record says 1970-05-13.
    legacy = EmployeeFactory(
        unit=unit, birth_date=D(1970, 5, 13), tmt_cpns=D(1995, 3, 1), gender="1", nip="197005121995031001"
    )
    updated = employee_update(employee=legacy, actor=actor, phone="0812 1111 2222")
    assert updated.phone == "0812 1111 2222"
    assert updated.bup == 58
    with pytest.raises(NipError) as raised:
        employee_update(employee=legacy, actor=actor, tmt_cpns=D(1995, 4, 1))
    assert raised.value.parts == [NipPart.BIRTH_DATE, NipPart.TMT_CPNS]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"golongan": "IX"}, "golongan"),  # a PPPK golongan on a PNS
        ({"golongan": "IV/f"}, "golongan"),
        ({"jenjang": "ahli_muda"}, "jenjang"),  # jenjang on a pelaksana
        ({"jenis_jabatan": "fungsional"}, "jenjang"),  # a JF without its jenjang
        ({"rumpun": "guru"}, "rumpun"),
        ({"contract_end": D(2030, 1, 1)}, "contract_end"),  # a contract end on a PNS
        ({"bup_override": 60}, "bup_override_decree"),
        ({"bup_override": 60, "bup_override_decree": "800/1/2025"}, "bup_override_reason"),
        ({"bup_override": 90, "bup_override_decree": "800/1/2025", "bup_override_reason": "x"}, "bup_override"),
        ({"nip_lama": "12345"}, "nip_lama"),
        ({"tmt_pns": D(1990, 1, 1)}, "tmt_pns"),
        ({"unit": None}, "unit"),
    ],
)
def test_bad_input_is_refused_by_field(actor, unit, overrides, field):
    with pytest.raises(EmployeeError) as raised:
        employee_create(actor=actor, **fields(unit, **overrides))
    assert field in raised.value.errors
    assert not Employee.objects.exists()


def test_pns_golongan_is_refused_for_pppk(actor, unit):
    values = fields(
        unit,
        asn_type="PPPK",
        golongan="III/c",
        tmt_cpns=D(2021, 12, 1),
        nip=build_ni_pppk(D(1970, 5, 12), 2021, "2", 4),
    )
    with pytest.raises(EmployeeError) as raised:
        employee_create(actor=actor, **values)
    assert raised.value.errors["golongan"] == ["A PPPK golongan is a Roman numeral from I to XVII; III/c is not one."]


def test_bup_override_with_decree_and_reason(actor, unit):
    employee = employee_create(
        actor=actor,
        bup_override=60,
        bup_override_decree="800/123/BKPSDM/2025",
        bup_override_reason="Perpanjangan BUP berdasarkan keputusan Bupati",
        **fields(unit),
    )
    assert (employee.bup, employee.tmt_pensiun, employee.retirement_rule) == (60, D(2030, 6, 1), None)


def test_computed_fields_cannot_be_set(actor, unit):
    with pytest.raises(TypeError):
        employee_create(actor=actor, tmt_pensiun=D(2040, 1, 1), **fields(unit))
    with pytest.raises(TypeError):
        employee_create(actor=actor, favourite_colour="blue", **fields(unit))


def _make_employees(unit, count, **kwargs):
    """Rows as an import leaves them: written directly, facts not yet computed."""
    return Employee.objects.bulk_create(EmployeeFactory.build_batch(count, unit=unit, **kwargs))


def test_refresh_computes_missing_facts_and_is_idempotent(unit):
    _make_employees(unit, 7)
    assert retirement_facts_refresh() == 7
    assert retirement_facts_refresh() == 0
    assert not Employee.objects.filter(tmt_pensiun__isnull=True).exists()
    for employee in Employee.objects.all():
        assert employee.bup == 58
        assert employee.tmt_pensiun == tmt_pensiun(employee.birth_date, 58)


def test_refresh_after_a_rule_change_updates_exactly_the_affected_employees(actor, unit, refresh_task_delay):
    pelaksana = _make_employees(unit, 3, jenis_jabatan="pelaksana")
    jpt = _make_employees(unit, 2, jenis_jabatan="jpt_pratama")
    guru = _make_employees(unit, 2, jenis_jabatan="fungsional", jenjang="ahli_muda", rumpun="guru")
    assert retirement_facts_refresh(batch_size=2) == 7
    before = {e.pk: stored_facts(e) for e in jpt + guru}

    rule = RetirementRule.objects.get(jenis_jabatan="pelaksana", jenjang="", rumpun="")
    rule.bup = 60
    retirement_rule_save(rule=rule, actor=actor)

    assert retirement_facts_refresh(batch_size=2) == 3
    for employee in pelaksana:
        employee.refresh_from_db()
        assert employee.bup == 60
        assert employee.retirement_rule_id == rule.pk
    assert {e.pk: stored_facts(e) for e in jpt + guru} == before


def test_refresh_of_given_employees_only(unit):
    employees = _make_employees(unit, 4)
    assert retirement_facts_refresh(employee_ids=[employees[0].pk, employees[2].pk, employees[2].pk]) == 2
    assert Employee.objects.filter(tmt_pensiun__isnull=False).count() == 2
    assert retirement_facts_refresh(employee_ids=[]) == 0


def test_refresh_drops_facts_when_no_rule_applies(unit):
    [employee] = _make_employees(unit, 1)
    retirement_facts_refresh()
    RetirementRule.objects.filter(jenis_jabatan="pelaksana").delete()
    assert retirement_facts_refresh() == 1
    assert stored_facts(employee) == (None, None, None, None, None, None)


@pytest.mark.parametrize("count", [50, 500])
def test_refresh_runs_a_bounded_number_of_queries(unit, django_assert_max_num_queries, count):
    _make_employees(unit, count)
    # The rules and the primary keys; per batch a savepoint, the locked read, one UPDATE for all changed
    # rows and the release: 6 for 50 or for 5,000 rows.
    with django_assert_max_num_queries(6) as queries:
        assert retirement_facts_refresh() == count
    # (SQLite logs its executemany as "50 times: UPDATE ...": a single call.)
    assert sum("UPDATE " in q["sql"] for q in queries.captured_queries) == 1
    with CaptureQueriesContext(connection) as unchanged:
        assert retirement_facts_refresh() == 0
    # Nothing changed: reads only.
    assert len(unchanged) <= 5
    assert not any("UPDATE " in q["sql"] for q in unchanged.captured_queries)


def test_refresh_in_small_batches_finds_every_row(unit):
    _make_employees(unit, 25)
    assert retirement_facts_refresh(batch_size=4) == 25
    assert not Employee.objects.filter(tmt_pensiun__isnull=True).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the refresh writes in parallel only on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_refresh_outside_a_transaction_writes_batches_on_worker_connections(seeded_rules):
    unit = UnitKerjaFactory()
    employees = _make_employees(unit, 25, jenis_jabatan="pelaksana")
    jpt = _make_employees(unit, 6, jenis_jabatan="jpt_pratama")
    with CaptureQueriesContext(connection) as main_thread:
        assert retirement_facts_refresh(batch_size=4, workers=2) == 31
    # This thread only read the rules and the keys: every batch was read and written by the workers.
    assert len(main_thread) == 2
    assert not any("FOR UPDATE" in q["sql"] or "UPDATE " in q["sql"] for q in main_thread.captured_queries)
    for employee in Employee.objects.filter(pk__in=[e.pk for e in employees]):
        assert (employee.bup, employee.tmt_pensiun) == (58, tmt_pensiun(employee.birth_date, 58))
    for employee in Employee.objects.filter(pk__in=[e.pk for e in jpt]):
        assert (employee.bup, employee.tmt_pensiun) == (60, tmt_pensiun(employee.birth_date, 60))
    RetirementRule.objects.filter(jenis_jabatan="pelaksana", jenjang="", rumpun="").update(bup=59)
    assert retirement_facts_refresh(batch_size=4, workers=2) == 25
    assert set(Employee.objects.filter(jenis_jabatan="pelaksana").values_list("bup", flat=True)) == {59}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_everyone_after_a_rule_change(
    seeded_rules,
    worker_queue,
    actor,
    refresh_task_delay,
):
    unit = UnitKerjaFactory()
    pelaksana = _make_employees(unit, 12, jenis_jabatan="pelaksana")
    # The task's own apply_async (refresh_task_delay replaced the instance's, which the services use).
    task = retirement_facts_refresh_task._get_current_object()
    send = functools.partial(type(task).apply_async, task)
    assert send(queue=worker_queue).get(timeout=120) == 12
    rule = RetirementRule.objects.get(jenis_jabatan="pelaksana", jenjang="", rumpun="")
    rule.bup = 59
    retirement_rule_save(rule=rule, actor=actor)
    # Scheduled on commit with the run that records it; sent here to the test worker's own queue.
    [(_args, kwargs)] = refresh_task_delay
    assert send(kwargs=kwargs, queue=worker_queue).get(timeout=120) == 12

    run = FactsRefreshRun.objects.get(pk=kwargs["run_id"])
    assert (run.requested_by, run.total, run.done, run.changed) == (actor, 12, 12, 12)
    assert run.finished_at is not None
    for employee in Employee.objects.filter(pk__in=[e.pk for e in pelaksana]):
        assert (employee.bup, employee.tmt_pensiun) == (59, tmt_pensiun(employee.birth_date, 59))


def test_rule_save_schedules_the_refresh_after_commit(actor, django_capture_on_commit_callbacks, refresh_task_delay):
    rule = RetirementRuleFactory.build(jenis_jabatan="", asn_type="PPPK", bup=59, valid_from=D(2026, 1, 1))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        retirement_rule_save(rule=rule, actor=actor)
        assert refresh_task_delay == []
    assert len(callbacks) == 1
    run = FactsRefreshRun.objects.get()
    assert (run.requested_by, run.started_at, run.finished_at) == (actor, None, None)
    callbacks[0]()
    assert refresh_task_delay == [((), {"run_id": run.pk})]
    assert rule.history.get().history_user == actor


def test_a_recompute_run_records_its_progress_and_runs_once(unit, actor):
    _make_employees(unit, 7)
    run = FactsRefreshRun.objects.create(requested_by=actor)
    assert retirement_facts_refresh_task(run_id=run.pk) == 7
    run.refresh_from_db()
    assert (run.total, run.done, run.changed, run.progress_percent) == (7, 7, 7, 100)
    assert run.started_at <= run.finished_at
    # A second delivery of the same task finds the run finished and does nothing.
    Employee.objects.update(bup=None)
    assert retirement_facts_refresh_task(run_id=run.pk) == 7
    assert Employee.objects.filter(bup__isnull=True).count() == 7


def test_the_refresh_reports_each_batch(unit):
    _make_employees(unit, 9)
    reports = []
    assert retirement_facts_refresh(batch_size=4, progress=lambda rows, changed: reports.append((rows, changed))) == 9
    assert reports == [(4, 4), (4, 4), (1, 1)]


def test_rule_save_refuses_bad_rules_and_schedules_nothing(actor, django_capture_on_commit_callbacks):
    bad = RetirementRuleFactory.build(valid_from=D(2026, 1, 1), valid_until=D(2025, 1, 1))
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RetirementRuleError) as raised:
        retirement_rule_save(rule=bad, actor=actor)
    assert "valid_until" in raised.value.errors
    assert callbacks == []

    duplicate = RetirementRuleFactory.build(jenis_jabatan="pelaksana", valid_from=D(2014, 1, 15), bup=57)
    with pytest.raises(RetirementRuleError):
        retirement_rule_save(rule=duplicate, actor=actor)

    with pytest.raises(RetirementRuleError) as raised:
        retirement_rule_save(rule=RetirementRuleFactory.build(bup=30, valid_from=D(2030, 1, 1)), actor=actor)
    assert "bup" in raised.value.errors

    with pytest.raises(RetirementRuleError) as raised:
        retirement_rule_save(
            rule=RetirementRuleFactory.build(jenis_jabatan="pelaksana", jenjang="ahli_muda", valid_from=D(2030, 1, 1)),
            actor=actor,
        )
    assert "jenis_jabatan" in raised.value.errors


def test_task_runs_the_refresh(unit):
    _make_employees(unit, 3)
    assert retirement_facts_refresh_task() == 3
    assert retirement_facts_refresh_task() == 0  # safe to run twice


def test_seed_migration_is_idempotent_and_reversible(seeded_rules):
    assert RetirementRule.objects.count() == len(seed_migration.RULES)
    seed_migration.seed_rules(global_apps, None)
    assert RetirementRule.objects.count() == len(seed_migration.RULES)
    assert set(RetirementRule.objects.values_list("valid_from", flat=True)) == {D(2014, 1, 15)}
    assert not RetirementRule.objects.filter(legal_basis="").exists()
    seed_migration.unseed_rules(global_apps, None)
    assert not RetirementRule.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Siti Aminah"),
        ("name", "x" * 201),
        ("name", ""),
        ("birth_place", "x" * 101),
        ("birth_place", ""),
        ("nip_lama", "x" * 30),
        ("address", "x" * 5000),
        ("email", "not an address"),
        ("email", "siti@contoh.go.id"),
        ("jabatan", 12),  # not text: the field's own clean(), as Model.clean_fields does
        ("birth_date", "1970-05-12"),  # text, not a date: the same
        ("birth_date", None),
        ("tmt_pns", "12-05-1970"),
        ("gender", "3"),
    ],
)
def test_the_imports_validation_refuses_and_keeps_what_clean_fields_does(unit, field, value):
    # BulkValidation takes a shortcut for plain text and date fields: same verdict, same value kept.
    expected, bulk = Employee(**fields(unit)), Employee(**fields(unit))
    setattr(expected, field, value)
    setattr(bulk, field, value)
    try:
        expected.clean_fields(exclude=["unit", "user", "retirement_rule"])
        expected_errors = {}
    except ValidationError as exc:
        expected_errors = exc.message_dict
    try:
        BulkValidation().full_clean(bulk)
        bulk_errors = {}
    except ValidationError as exc:
        bulk_errors = exc.message_dict
    assert bulk_errors.get(field) == expected_errors.get(field)
    if not expected_errors.get(field):
        assert getattr(bulk, field) == getattr(expected, field)
