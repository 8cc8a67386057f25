"""The register's reminders (employees/notifications.py) planned on the outbox: who, when, once; and
when they stop."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.models import KindRule
from employees.notifications import (
    APPROACHING,
    APPROACHING_OPERATOR,
    DOCUMENTS_MISSING,
    PROPOSAL_OVERDUE,
    digest_overdue,
    digest_retirements,
    employees_resolve,
    reminder_stage,
)
from purna.notifications import builtin
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from purna.notifications.services import reminders_plan, reminders_replan
from tests.purna.notifications.builders import (
    case_open,
    document_types_ensure,
    documents_upload,
    employee_retiring,
    operator,
    pimpinan,
    staff,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)  # a Tuesday
JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
D = dt.date


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 3, 10, 6, 0, tzinfo=JAKARTA), tick=False):
        yield TODAY


@pytest.fixture(autouse=True)
def checklist(db):
    return document_types_ensure()


def kinds_about(employee) -> list[tuple[str, str]]:
    return sorted(Message.objects.filter(object_id=employee.pk).values_list("kind", "recipient_key"))


def occasion(message_occasion: str) -> str:
    """ "employee-12-tmt-2026-06-01-m3" -> "tmt-2026-06-01-m3" (the employee is part of every occasion)."""
    return re.sub(r"^employee-\d+-", "", message_occasion)


def occasions(kind: str) -> list[str]:
    return sorted(occasion(o) for o in Message.objects.filter(kind=kind).values_list("occasion", flat=True))


@pytest.mark.parametrize(
    ("tmt", "stage"),
    [
        (D(2027, 3, 1), 12),  # 12 months before: 1 March 2026, nine days ago
        (D(2026, 9, 1), 6),
        (D(2026, 6, 1), 3),
        (D(2027, 4, 1), None),  # its 12-month day is still ahead
        (D(2027, 2, 1), None),  # its 12-month day (1 February) is more than 30 days ago
        (D(2026, 7, 1), None),  # between the 6- and 3-month days
        (D(2026, 3, 1), None),  # already passed
    ],
)
def test_a_reminder_is_due_on_its_day_and_for_the_catch_up_period(tmt, stage):
    assert reminder_stage(tmt, TODAY, [12, 6, 3]) == stage


def test_the_latest_of_several_due_stages_is_sent():
    assert reminder_stage(D(2026, 5, 1), D(2026, 3, 1), [3, 2]) == 2  # with 2 and 3 months, both due


def test_plan_creates_each_reminder_once_even_when_run_twice(settings):
    op = operator()
    due_12 = employee_retiring(D(2027, 3, 1))
    due_6 = employee_retiring(D(2026, 9, 1))
    due_3 = employee_retiring(D(2026, 6, 1))
    not_due = employee_retiring(D(2026, 7, 1))

    first = reminders_plan()
    count = Message.objects.count()
    second = reminders_plan()

    assert second.created_total == 0
    assert Message.objects.count() == count
    assert first.errors == {}
    assert occasions(APPROACHING) == ["tmt-2026-06-01-m3", "tmt-2026-09-01-m6", "tmt-2027-03-01-m12"]
    for employee in (due_12, due_6, due_3):
        assert (APPROACHING, f"employee:{employee.pk}") in kinds_about(employee)
        assert (APPROACHING_OPERATOR, f"user:{op.pk}") in kinds_about(employee)
    assert kinds_about(not_due) == []
    message = Message.objects.get(kind=APPROACHING, object_id=due_6.pk)
    assert message.to_email == due_6.email
    assert message.about_label == f"{due_6.display_name} ({due_6.nip})"
    assert message.context == {"tmt": "2026-09-01", "months": 6}


def test_reminder_months_come_from_the_settings(settings):
    settings.PURNA_REMINDER_MONTHS = [7]
    employee_retiring(D(2026, 10, 1))  # 7 months ahead: 1 March
    employee_retiring(D(2026, 9, 1))  # 6 months: no longer a stage

    reminders_plan()

    assert occasions(APPROACHING) == ["tmt-2026-10-01-m7"]


def test_operators_are_the_active_operators_with_an_email():
    wanted = operator("op-1")
    operator("op-2", email="", first_name="Tanpa", last_name="Email")
    staff("Operator", "op-3", is_active=False)
    staff("Verifikator", "verif-1")
    employee = employee_retiring(D(2026, 9, 1))

    reminders_plan()

    assert Message.objects.filter(kind=APPROACHING_OPERATOR, object_id=employee.pk).get().recipient_key == (
        f"user:{wanted.pk}"
    )


@pytest.mark.parametrize(
    "status", [EmployeeStatus.MENINGGAL, EmployeeStatus.BERHENTI, EmployeeStatus.PINDAH, EmployeeStatus.PENSIUN]
)
def test_nobody_who_died_or_left_is_planned(status):
    operator()
    employee = employee_retiring(D(2026, 9, 1), status=status)

    reminders_plan()

    assert kinds_about(employee) == []


def test_employees_on_mpp_leave_are_still_reminded():
    employee = employee_retiring(D(2026, 6, 1), status=EmployeeStatus.MPP)

    reminders_plan()

    assert kinds_about(employee) == [(APPROACHING, f"employee:{employee.pk}")]


@pytest.mark.parametrize(
    ("change", "reason_start"),
    [
        ({"status": EmployeeStatus.MENINGGAL}, "The employee is no longer in service"),
        ({"status": EmployeeStatus.PINDAH}, "The employee is no longer in service"),
        ({"tmt_pensiun": D(2026, 10, 1)}, "The TMT pensiun has changed"),
    ],
)
def test_the_plan_cancels_queued_reminders_that_are_no_longer_due(change, reason_start, settings):
    settings.LANGUAGE_CODE = "en"
    operator()
    employee = employee_retiring(D(2026, 9, 1))
    reminders_plan()
    for field, value in change.items():
        setattr(employee, field, value)
    employee.save()

    report = reminders_plan()

    assert report.cancelled == 2
    cancelled = Message.objects.filter(object_id=employee.pk, status=MessageStatus.CANCELLED)
    assert cancelled.count() == 2
    assert all(reason.startswith(reason_start) for reason in cancelled.values_list("cancel_reason", flat=True))


def test_a_done_record_stops_the_reminders():
    employee = employee_retiring(D(2026, 6, 1))
    case_open(employee, status=CaseStatus.DONE)

    reminders_plan()

    assert kinds_about(employee) == []


def test_a_live_record_sets_the_tmt_of_the_reminders():
    # An APS: the record's TMT (1 September) is earlier than the computed one.
    employee = employee_retiring(D(2030, 1, 1))
    case_open(employee, tmt=D(2026, 9, 1), due=D(2026, 4, 10))

    reminders_plan()

    assert occasions(APPROACHING) == ["tmt-2026-09-01-m6"]


def test_replan_after_a_tmt_change_cancels_the_old_reminder_and_plans_the_new_one():
    operator()
    employee = employee_retiring(D(2026, 9, 1))
    reminders_plan()
    employee.tmt_pensiun = D(2026, 6, 1)
    employee.save()

    report = reminders_replan(model="employees.employee", object_ids=[employee.pk])

    assert report.cancelled == 2
    assert report.created[APPROACHING] == 1
    statuses = {
        occasion(o): status for o, status in Message.objects.filter(kind=APPROACHING).values_list("occasion", "status")
    }
    assert statuses == {"tmt-2026-09-01-m6": MessageStatus.CANCELLED, "tmt-2026-06-01-m3": MessageStatus.QUEUED}


def test_replan_touches_only_the_objects_named():
    first = employee_retiring(D(2026, 9, 1))
    other = employee_retiring(D(2026, 6, 1))

    reminders_replan(model="employees.employee", object_ids=[first.pk])

    assert kinds_about(first) == [(APPROACHING, f"employee:{first.pk}")]
    assert kinds_about(other) == []


def test_documents_missing_nine_months_before_goes_to_operators_while_documents_are_missing(checklist):
    op = operator()
    uncased = employee_retiring(D(2026, 12, 1))
    complete = employee_retiring(D(2026, 12, 1))
    documents_upload(case_open(complete), checklist)
    partial = employee_retiring(D(2026, 12, 1))
    documents_upload(case_open(partial), checklist[:3])
    proposed = employee_retiring(D(2026, 12, 1))
    case_open(proposed, status=CaseStatus.PROPOSED)

    reminders_plan()

    missing = Message.objects.filter(kind=DOCUMENTS_MISSING)
    assert sorted(missing.values_list("object_id", flat=True)) == sorted([uncased.pk, partial.pk])
    assert set(missing.values_list("recipient_key", flat=True)) == {f"user:{op.pk}"}
    assert {occasion(o) for o in missing.values_list("occasion", flat=True)} == {"tmt-2026-12-01-m9"}


def test_documents_missing_is_cancelled_once_everything_is_uploaded(checklist):
    operator()
    employee = employee_retiring(D(2026, 12, 1))
    case = case_open(employee)
    reminders_plan()
    documents_upload(case, checklist)

    reminders_plan()

    assert Message.objects.get(kind=DOCUMENTS_MISSING).status == MessageStatus.CANCELLED


def test_proposal_overdue_once_per_deadline_for_records_being_prepared_and_employees_without_one():
    op = operator()
    late_case = case_open(employee_retiring(D(2027, 6, 1)), due=D(2026, 3, 1))
    on_time_case = case_open(employee_retiring(D(2027, 6, 1)), due=D(2026, 3, 20))
    proposed = case_open(employee_retiring(D(2027, 6, 1)), due=D(2026, 3, 1), status=CaseStatus.PROPOSED)
    long_late = case_open(employee_retiring(D(2027, 6, 1)), due=D(2025, 12, 1))  # late for months: told back then
    uncased = employee_retiring(D(2027, 3, 1))  # due 1 March 2026 (TMT - 12 months)

    reminders_plan()
    reminders_plan()

    overdue = Message.objects.filter(kind=PROPOSAL_OVERDUE)
    assert sorted((pk, occasion(o)) for pk, o in overdue.values_list("object_id", "occasion")) == sorted(
        [(late_case.employee_id, "due-2026-03-01"), (uncased.pk, "due-2026-03-01")]
    )
    assert set(overdue.values_list("recipient_key", flat=True)) == {f"user:{op.pk}"}
    for case in (on_time_case, proposed, long_late):
        assert not overdue.filter(object_id=case.employee_id).exists()


def test_an_open_record_after_a_death_still_reminds_operators_but_not_the_dead():
    operator()
    employee = employee_retiring(D(2027, 6, 1), status=EmployeeStatus.MENINGGAL)
    case_open(employee, due=D(2026, 3, 1))

    reminders_plan()

    assert [kind for kind, _key in kinds_about(employee)] == [PROPOSAL_OVERDUE]


def test_the_dead_cannot_receive_mail():
    dead = employee_retiring(D(2027, 6, 1), status=EmployeeStatus.MENINGGAL)
    alive = employee_retiring(D(2027, 6, 1))

    found = employees_resolve({str(dead.pk), str(alive.pk), "999999"})

    assert not found[str(dead.pk)].reachable
    assert found[str(alive.pk)].reachable and found[str(alive.pk)].email == alive.email
    assert "999999" not in found


def test_weekly_digest_goes_to_each_pimpinan_once_a_week(settings):
    settings.PURNA_DIGEST_WEEKDAY = 1  # Tuesday: today
    head = pimpinan()
    pimpinan("wakil", email="", first_name="Tanpa")
    operator()

    reminders_plan()
    reminders_plan()

    digests = Message.objects.filter(kind=builtin.DIGEST_KIND)
    assert list(digests.values_list("recipient_key", "occasion")) == [(f"user:{head.pk}", "week-2026-W11")]


def test_no_digest_before_its_weekday(settings):
    settings.PURNA_DIGEST_WEEKDAY = 4  # Friday
    pimpinan()

    reminders_plan()

    assert not Message.objects.filter(kind=builtin.DIGEST_KIND).exists()


def test_digest_sections_count_the_next_quarter_and_the_overdue_records(pimpinan):
    employee_retiring(D(2026, 4, 1))
    employee_retiring(D(2026, 6, 1))
    employee_retiring(D(2026, 9, 1))  # beyond the next three months
    employee_retiring(D(2026, 5, 1), status=EmployeeStatus.MENINGGAL)
    case_open(employee_retiring(D(2027, 6, 1)), due=D(2026, 1, 1))

    retirements = digest_retirements(TODAY, pimpinan)
    overdue = digest_overdue(TODAY, pimpinan)

    assert retirements["total"] == 2
    assert retirements["per_month"] == [(D(2026, 4, 1), 1), (D(2026, 6, 1), 1)]
    # Overdue: the late record, and the three in service with no record whose TMT is within 12 months.
    assert overdue["total"] == 4


def test_the_digest_as_sent(settings):
    settings.PURNA_DIGEST_WEEKDAY = 1
    pimpinan()
    employee_retiring(D(2026, 4, 1), name="Ahmad Yani")

    reminders_plan()
    messages_send()

    [digest] = [m for m in mail.outbox if "kepala-bkpsdm" in m.to[0]]
    assert "Ahmad Yani" in digest.body
    assert "Ahmad Yani" in digest.alternatives[0][0]
    assert "April 2026" in digest.body


def test_the_overdue_proposal_of_an_employee_without_a_record_follows_the_bup_rules_lead_time():
    """As on the work list: the BUP rule's lead time (employees.KindRule), not the setting's 12 months."""
    KindRule.objects.filter(kind=RetirementKind.BUP).update(proposal_months_before=15)
    operator()
    fifteen = employee_retiring(D(2027, 6, 1))  # due 1 March 2026 (TMT - 15 months)
    twelve = employee_retiring(D(2027, 3, 1))  # due 1 December 2025: told back then, not now

    reminders_plan()

    overdue = Message.objects.filter(kind=PROPOSAL_OVERDUE)
    assert [(pk, occasion(o)) for pk, o in overdue.values_list("object_id", "occasion")] == [
        (fifteen.pk, "due-2026-03-01")
    ]
    assert not overdue.filter(object_id=twelve.pk).exists()
