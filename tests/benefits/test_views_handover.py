"""The hand-over of payouts at a ceremony (benefits/views/payouts.py): marking paid, who may, the event's
tab, its fixed number of queries, and the hand-over rows of the event report."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from benefits.handover import handover_report_rows
from benefits.models import BenefitType, PaymentMethod, Payout, PayoutStatus
from benefits.services import payouts as services
from ceremonies import documents as ceremony_documents
from ceremonies.models import Participant, ParticipantStatus
from ceremonies.selectors import event_participants
from employees.models import Employee
from employees.scope import staff_scope
from tests.benefits.documents_helpers import payout_in
from tests.benefits.payout_page_fixtures import (
    RP,
    TMT,
    approved,
    flat_rate_fixture,  # noqa: F401 (a fixture)
    other_unit_fixture,  # noqa: F401 (a fixture)
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import EmployeeFactory, EventFactory, ParticipantFactory, ThtClaimFactory

# --- The hand-over at a ceremony -------------------------------------------------------------------------


def test_the_hand_over_marks_paid_and_a_second_click_changes_nothing(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = approved(employee, staff)
    ThtClaimFactory(employee=employee)
    services.payout_prepare(employee=employee, benefit_type=BenefitType.THT, actor=staff["operator"])
    client.force_login(staff["bendahara"])
    page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
    assert page.count('data-testid="handover-button"') == 1
    url = reverse("benefits:handover_pay", args=[event.pk, payout.pk])

    row = client.post(url, {"confirm": "1"}, headers={"HX-Request": "true"})

    paid = Payout.objects.get(pk=payout.pk)
    assert (paid.status, paid.event, paid.method) == (PayoutStatus.PAID, event, PaymentMethod.CASH_AT_EVENT)
    assert row.status_code == 200 and 'data-testid="handover-button"' not in row.content.decode()
    changes = paid.status_changes.count()

    again = client.post(url, {"confirm": "1"}, headers={"HX-Request": "true"})

    assert again.status_code == 200 and Payout.objects.get(pk=payout.pk).paid_at == paid.paid_at
    assert paid.status_changes.count() == changes
    totals = client.get(reverse("benefits:handover", args=[event.pk])).context["handover"]
    assert (totals.handed_count, totals.handed_amount) == (1, RP("20000000"))
    assert (totals.outstanding_count, totals.outstanding_amount) == (1, RP("25000000"))


def test_the_hand_over_asks_for_confirmation_showing_the_amount(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = approved(employee, staff)
    client.force_login(staff["bendahara"])
    url = reverse("benefits:handover_pay", args=[event.pk, payout.pk])

    for headers in ({"HX-Request": "true"}, {}):
        asked = client.post(url, headers=headers)
        page = asked.content.decode()
        assert asked.status_code == 200 and 'data-testid="handover-confirm"' in page
        assert "Rp 20.000.000" in page and "representative" not in page
        assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED

    client.post(url, {"confirm": "1"})
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID


def test_someone_not_checked_in_is_shown_so_and_needs_a_representatives_name(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee)
    payout = approved(employee, staff)
    client.force_login(staff["bendahara"])
    page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
    assert "Belum presensi" in page
    url = reverse("benefits:handover_pay", args=[event.pk, payout.pk])

    asked = client.post(url, {"confirm": "1"}, headers={"HX-Request": "true"}).content.decode()

    assert 'name="representative"' in asked and "Belum presensi" in asked
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED

    client.post(url, {"confirm": "1", "representative": "  Rina   Wulandari "})

    paid = Payout.objects.get(pk=payout.pk)
    assert paid.status == PayoutStatus.PAID
    assert "Rina Wulandari" in paid.status_changes.get(to_status=PayoutStatus.PAID).note
    assert "Rina Wulandari" in paid.history.latest().history_change_reason


def test_only_the_bendahara_sees_and_uses_the_hand_over_button(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee)
    payout = approved(employee, staff)
    client.force_login(staff["verifikator"])

    page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()

    assert "Rp 20.000.000" in page and 'data-testid="handover-button"' not in page
    assert client.post(reverse("benefits:handover_pay", args=[event.pk, payout.pk])).status_code == 403


def test_the_events_hand_over_tab_links_to_the_list(client, staff, unit):
    event = EventFactory(organizer=unit)
    client.force_login(staff["verifikator"])

    page = client.get(reverse("ceremonies:detail", args=[event.pk])).content.decode()

    assert reverse("benefits:handover", args=[event.pk]) in page


def _handover_of(unit, count, name=None):
    """An event of `count` participants, each with an approved tali asih payout."""
    event = EventFactory(organizer=unit)
    employees = Employee.objects.bulk_create(
        EmployeeFactory.build_batch(count, unit=unit, tmt_pensiun=TMT, **({"name": name} if name else {}))
    )
    Participant.objects.bulk_create([Participant(event=event, employee=e) for e in employees])
    Payout.objects.bulk_create(
        [
            Payout(
                employee=e,
                benefit_type=BenefitType.TALI_ASIH,
                tmt=TMT,
                amount=RP("20000000"),
                computed_amount=RP("20000000"),
                status=PayoutStatus.APPROVED,
                verified_at=timezone.now(),
                approved_at=timezone.now(),
            )
            for e in employees
        ]
    )
    return event, employees


@pytest.mark.parametrize("count", [60, 600])
def test_the_hand_over_page_runs_a_fixed_number_of_queries(client, staff, unit, count, django_assert_num_queries):
    event, _ = _handover_of(unit, count)
    client.force_login(staff["bendahara"])
    url = reverse("benefits:handover", args=[event.pk])
    client.get(url)

    # The session, the user, their permissions (one read), their scope and the units tree, the event, the
    # participants' names and NIPs, the page's participants, their payouts, the totals (the agency of
    # base.html comes from the cache).
    with django_assert_num_queries(HANDOVER_QUERIES):
        response = client.get(url)
    handover = response.context["handover"]
    assert len(handover.rows) == 50
    assert response.content.decode().count('data-testid="handover-row"') == 50
    # The totals are the event's, not the page's.
    assert (handover.outstanding_count, handover.outstanding_amount) == (count, count * RP("20000000"))


def test_the_hand_over_list_pages_and_finds_a_person_by_name_or_nip(client, staff, unit):
    event, employees = _handover_of(unit, 120)
    Employee.objects.filter(pk=employees[70].pk).update(name="Sutarmi Handayani")
    client.force_login(staff["bendahara"])
    url = reverse("benefits:handover", args=[event.pk])

    last = client.get(url, {"page": 3})
    by_name = client.get(url, {"q": " handayani  sutarmi "})
    by_nip = client.get(url, {"q": employees[70].nip[:14]})
    nobody = client.get(url, {"q": "Tidak Ada Orangnya"})

    assert len(last.context["handover"].rows) == 20
    assert [r.participant.employee_id for r in by_name.context["handover"].rows] == [employees[70].pk]
    assert employees[70].pk in [r.participant.employee_id for r in by_nip.context["handover"].rows]
    assert "Sutarmi Handayani" in by_name.content.decode()
    assert nobody.context["handover"].rows == [] and "Tidak Ada Orangnya" in nobody.content.decode()
    assert nobody.context["handover"].outstanding_count == 120


def test_a_hand_over_without_htmx_goes_back_to_the_persons_row_whatever_its_page(client, staff, unit):
    event, employees = _handover_of(unit, 60)
    Participant.objects.filter(event=event).update(status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = Payout.objects.get(employee=max(employees, key=lambda e: e.name))
    client.force_login(staff["bendahara"])

    answer = client.post(reverse("benefits:handover_pay", args=[event.pk, payout.pk]), {"confirm": "1"})

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID
    page = client.get(answer["Location"].split("#")[0])
    assert [r.participant.employee_id for r in page.context["handover"].rows] == [payout.employee_id]


HANDOVER_QUERIES = 10


def test_the_event_report_lists_what_was_handed_over(staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit, name="Ahmad Yani")
    ParticipantFactory(event=event, employee=employee)
    services.payout_hand_over(payout=approved(employee, staff), event=event, actor=staff["bendahara"])
    participants = event_participants(event=event, scope=staff_scope(staff["admin"]))

    rows = ceremony_documents.handover_rows(event, participants)

    assert rows == handover_report_rows(event, participants)
    assert [(r["name"], r["amount"]) for r in rows] == [(employee.display_name, RP("20000000"))]
    assert rows[0]["nip"].replace(" ", "") == employee.nip


def test_the_hand_over_message_ends_a_name_with_a_degree_with_one_stop(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    Employee.objects.filter(pk=employee.pk).update(back_title="S.E.")
    ParticipantFactory(event=event, employee=employee, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = approved(employee, staff)
    client.force_login(staff["bendahara"])

    page = client.post(
        reverse("benefits:handover_pay", args=[event.pk, payout.pk]), {"confirm": "1"}, follow=True
    ).content.decode()

    assert "S.E.." not in page
    assert "S.E." in page


# --- Undoing a hand-over -------------------------------------------------------------------------------------


@pytest.fixture
def handed_over(staff, unit, flat_rate, private_media, monkeypatch):
    from benefits.services import receipts as services_receipts

    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    # The ceremony is under way.
    starts_at = timezone.now() - dt.timedelta(minutes=30)
    event = EventFactory(organizer=unit, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=45))
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee, status=ParticipantStatus.ATTENDED, checked_in_at=timezone.now())
    payout = services.payout_hand_over(payout=approved(employee, staff), event=event, actor=staff["bendahara"])
    return event, payout


def test_the_bendahara_undoes_a_hand_over_with_a_reason_and_a_second_undo_is_refused(client, staff, handed_over):
    event, payout = handed_over
    client.force_login(staff["bendahara"])
    page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
    # The confirmation shows the amount before anything is undone.
    assert 'data-testid="handover-undo"' in page and "Ya, batalkan serah terima Rp 20.000.000" in page
    url = reverse("benefits:handover_undo", args=[event.pk, payout.pk])

    refused = client.post(url, {"reason": " "}, headers={"HX-Request": "true"}).content.decode()
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID and 'role="alert"' in refused

    row = client.post(url, {"reason": "salah orang"}, headers={"HX-Request": "true"}).content.decode()

    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED
    assert 'data-testid="handover-button"' in row and 'data-testid="handover-undo"' not in row
    changes = Payout.objects.get(pk=payout.pk).status_changes.count()

    again = client.post(url, {"reason": "lagi"}, follow=True)

    assert again.status_code == 200 and "Hanya pembayaran yang sudah diserahkan" in again.content.decode()
    assert Payout.objects.get(pk=payout.pk).status_changes.count() == changes
    # The receipt of the payout is kept, marked void, on its page.
    detail = client.get(reverse("benefits:payout_detail", args=[payout.pk])).content.decode()
    assert 'data-testid="receipt-void"' in detail and "salah orang" in detail


def test_only_the_bendahara_may_undo_a_hand_over(client, staff, handed_over):
    event, payout = handed_over
    url = reverse("benefits:handover_undo", args=[event.pk, payout.pk])
    for role in ("operator", "verifikator", "pimpinan"):
        client.force_login(staff[role])
        assert (
            'data-testid="handover-undo"'
            not in client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
        )
        assert client.post(url, {"reason": "keliru"}).status_code == 403
    client.logout()
    assert client.post(url, {"reason": "keliru"}).status_code == 302
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID


def test_another_units_event_or_payout_is_not_found_for_an_undo(client, staff, unit, other_unit, handed_over):
    event, payout = handed_over
    others_event = EventFactory(organizer=other_unit)
    others_payout = payout_in(PayoutStatus.PAID, employee=retiree(other_unit, name="Budi"))
    client.force_login(staff["bendahara"])

    assert (
        client.post(reverse("benefits:handover_undo", args=[others_event.pk, payout.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.post(reverse("benefits:handover_undo", args=[event.pk, others_payout.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID


def test_no_undo_is_offered_after_the_event_day(client, staff, handed_over):
    event, payout = handed_over

    with time_machine.travel(event.ends_at + dt.timedelta(days=1), tick=False):
        client.force_login(staff["bendahara"])
        page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
        response = client.post(
            reverse("benefits:handover_undo", args=[event.pk, payout.pk]), {"reason": "x"}, follow=True
        )

    assert 'data-testid="handover-undo"' not in page
    assert "hari acara" in response.content.decode()
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.PAID
