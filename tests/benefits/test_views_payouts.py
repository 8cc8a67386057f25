"""The benefits' staff pages (benefits/views/payouts.py): access and scope, the payout list and its bulk actions,
the payout page and its actions, preparing (inline and as a batch), THT tracking and import, the
hand-over at a ceremony, the report's hand-over rows and the dashboard card."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits.handover import handover_report_rows
from benefits.models import BatchStatus, BenefitType, PaymentMethod, Payout, PayoutBatch, PayoutStatus, ThtClaim
from benefits.services import payouts as services
from benefits.tasks import payouts_prepare_batch_task
from ceremonies import documents as ceremony_documents
from ceremonies.models import Participant
from ceremonies.selectors import event_participants
from employees.models import Employee
from employees.scope import staff_scope
from purna import roles, uploads
from tests import bombs
from tests.employees.sheets import xlsx_bytes
from tests.factories import (
    MINIMAL_PDF,
    EmployeeFactory,
    EventFactory,
    ParticipantFactory,
    PayoutFactory,
    TaliAsihRateFactory,
    ThtClaimFactory,
    UnitKerjaFactory,
    UserFactory,
)

RP = Decimal
TMT = dt.date(2025, 7, 1)


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def other_unit(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture
def staff(db, unit):
    """One user per role, each seeing only `unit` (a unit's own staff)."""
    return {
        role: UserFactory(username=username, roles=[name], units=[unit])
        for role, username, name in [
            ("operator", "operator-dinkes", roles.OPERATOR),
            ("verifikator", "verifikator", roles.VERIFIKATOR),
            ("pimpinan", "pimpinan", roles.PIMPINAN),
            ("bendahara", "bendahara", roles.BENDAHARA),
            ("admin", "admin-kepegawaian", roles.ADMIN),
        ]
    }


@pytest.fixture
def flat_rate(db):
    return TaliAsihRateFactory(amount=RP("20000000"), decision_number="800/7/KORPRI/2020")


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def retiree(unit, **fields):
    defaults = {"unit": unit, "name": "Ahmad Yani", "golongan": "III/c", "tmt_pensiun": TMT, "service_years": 30}
    return EmployeeFactory(**{**defaults, **fields})


def prepare(employee, staff, **kwargs):
    return services.payout_prepare(
        employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=staff["operator"], **kwargs
    )


def verified(employee, staff, **kwargs):
    return services.payout_verify(payout=prepare(employee, staff, **kwargs), actor=staff["verifikator"])


def approved(employee, staff, **kwargs):
    return services.payout_approve(payout=verified(employee, staff, **kwargs), actor=staff["pimpinan"])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- Access and scope ------------------------------------------------------------------------------------


def page_urls(payout, event, employee, batch):
    return [
        ("get", reverse("benefits:payouts")),
        ("post", reverse("benefits:payouts_verify")),
        ("post", reverse("benefits:payouts_approve")),
        ("get", reverse("benefits:payout_detail", args=[payout.pk])),
        ("post", reverse("benefits:payout_verify", args=[payout.pk])),
        ("post", reverse("benefits:payout_approve", args=[payout.pk])),
        ("post", reverse("benefits:payout_pay", args=[payout.pk])),
        ("post", reverse("benefits:payout_override", args=[payout.pk])),
        ("post", reverse("benefits:payout_cancel", args=[payout.pk])),
        ("post", reverse("benefits:payout_reverse", args=[payout.pk])),
        ("get", reverse("benefits:payout_proof", args=[payout.pk])),
        ("get", reverse("benefits:prepare")),
        ("get", reverse("benefits:batch_detail", args=[batch.pk])),
        ("get", reverse("benefits:batch_progress", args=[batch.pk])),
        ("get", reverse("benefits:tht")),
        ("get", reverse("benefits:tht_edit", args=[employee.pk])),
        ("get", reverse("benefits:tht_import")),
        ("get", reverse("benefits:tht_template")),
        ("get", reverse("benefits:handover", args=[event.pk])),
        ("post", reverse("benefits:handover_pay", args=[event.pk, payout.pk])),
    ]


def test_every_page_sends_the_anonymous_to_sign_in_and_refuses_a_user_without_a_role(client, unit, no_role_user):
    payout = PayoutFactory(employee__unit=unit)
    event = EventFactory(organizer=unit)
    batch = PayoutBatch.objects.create(benefit_type=BenefitType.TALI_ASIH, requested_by=no_role_user)
    urls = page_urls(payout, event, payout.employee, batch)

    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], url
    client.force_login(no_role_user)
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    assert Payout.objects.get().status == PayoutStatus.DRAFT


def test_a_payout_an_event_or_an_employee_of_another_unit_answers_404(client, staff, other_unit):
    payout = PayoutFactory(employee__unit=other_unit, proof="payouts/1/bukti.pdf")
    event = EventFactory(organizer=other_unit)
    ParticipantFactory(event=event, employee=payout.employee)
    client.force_login(staff["admin"])

    assert client.get(reverse("benefits:payout_detail", args=[payout.pk])).status_code == 404
    assert client.get(reverse("benefits:payout_proof", args=[payout.pk])).status_code == 404
    assert client.post(reverse("benefits:payout_verify", args=[payout.pk])).status_code == 404
    assert client.get(reverse("benefits:handover", args=[event.pk])).status_code == 404
    assert client.post(reverse("benefits:handover_pay", args=[event.pk, payout.pk])).status_code == 404
    assert client.get(reverse("benefits:tht_edit", args=[payout.employee.pk])).status_code == 404
    response = client.get(reverse("benefits:payouts"))
    assert response.status_code == 200 and list(response.context["object_list"]) == []


def test_another_users_batch_answers_404(client, staff):
    batch = PayoutBatch.objects.create(benefit_type=BenefitType.TALI_ASIH, requested_by=staff["admin"])
    client.force_login(staff["operator"])

    assert client.get(reverse("benefits:batch_detail", args=[batch.pk])).status_code == 404


# --- The payout list -------------------------------------------------------------------------------------


def test_the_list_shows_amounts_and_statuses_and_filters(client, staff, unit, flat_rate):
    draft = prepare(retiree(unit, name="Siti Aminah"), staff)
    done = approved(retiree(unit, name="Budi Santoso"), staff)
    PayoutFactory(employee=retiree(unit, name="Citra Lestari", tmt_pensiun=dt.date(2024, 3, 1)))
    client.force_login(staff["verifikator"])

    page = client.get(reverse("benefits:payouts")).content.decode()
    assert "Rp 20.000.000" in page and "Siti Aminah" in page and "Citra Lestari" in page

    def names(**query) -> set[str]:
        response = client.get(reverse("benefits:payouts"), query)
        return {payout.employee.name for payout in response.context["object_list"]}

    assert names(status=PayoutStatus.APPROVED) == {"Budi Santoso"}
    assert names(year=2024) == {"Citra Lestari"}
    assert names(q="aminah") == {"Siti Aminah"}
    assert names(q=draft.employee.nip[:10]) == {"Siti Aminah"}
    assert names(benefit_type=BenefitType.THT) == set()
    assert names(event=999999) == {"Siti Aminah", "Budi Santoso", "Citra Lestari"}  # a stale id is ignored
    assert done.status == PayoutStatus.APPROVED


def test_the_overdue_filter_keeps_approved_payouts_long_past_their_tmt(client, staff, unit, flat_rate):
    late = approved(retiree(unit, name="Lama Sekali"), staff)
    approved(retiree(unit, name="Baru Saja", tmt_pensiun=timezone.localdate()), staff)
    client.force_login(staff["bendahara"])

    response = client.get(reverse("benefits:payouts"), {"overdue": "1"})

    assert [payout.pk for payout in response.context["object_list"]] == [late.pk]


def queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_runs_the_same_queries_for_5_and_60_payouts(client, staff, unit, django_assert_max_num_queries):
    client.force_login(staff["pimpinan"])
    event = EventFactory(organizer=unit)
    PayoutFactory.create_batch(5, employee__unit=unit, event=event, prepared_by=staff["operator"])
    url = reverse("benefits:payouts")
    queries_of(client, url)
    five = queries_of(client, url)
    PayoutFactory.create_batch(55, employee__unit=unit, event=event, prepared_by=staff["operator"])

    with django_assert_max_num_queries(five):
        response = client.get(url)
    assert len(response.context["object_list"]) == 50


def test_bulk_approve_with_one_bad_payout_approves_the_others(en, staff, unit, flat_rate):
    good = [verified(retiree(unit, name=f"Pegawai {n}"), staff) for n in range(2)]
    draft = prepare(retiree(unit, name="Masih Draf"), staff)
    en.force_login(staff["pimpinan"])

    response = en.post(
        reverse("benefits:payouts_approve"),
        {"payout": [p.pk for p in [*good, draft]], "next": "/tht-tali-asih/pembayaran/?status=diverifikasi"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/tht-tali-asih/pembayaran/?status=diverifikasi"
    assert set(Payout.objects.filter(status=PayoutStatus.APPROVED).values_list("pk", flat=True)) == {p.pk for p in good}
    shown = messages_of(response)
    assert "2 payouts approved." in shown
    assert "Masih Draf: This payout is still a draft: it must be verified before it is approved." in shown


def test_bulk_verify_refuses_the_preparer_and_verifies_the_others(en, staff, unit, flat_rate):
    mine = services.payout_prepare(
        employee=retiree(unit, name="Disiapkan Admin"), benefit_type=BenefitType.TALI_ASIH, actor=staff["admin"]
    )
    other = prepare(retiree(unit, name="Disiapkan Operator"), staff)
    en.force_login(staff["admin"])

    response = en.post(reverse("benefits:payouts_verify"), {"payout": [mine.pk, other.pk]}, follow=True)

    assert Payout.objects.get(pk=other.pk).status == PayoutStatus.VERIFIED
    assert Payout.objects.get(pk=mine.pk).status == PayoutStatus.DRAFT
    assert "Disiapkan Admin: You prepared this payout: someone else must verify it." in messages_of(response)


# --- One payout ------------------------------------------------------------------------------------------


def test_the_payout_page_shows_the_breakdown_in_words_and_the_timeline(client, staff, unit, flat_rate):
    payout = verified(retiree(unit), staff)
    client.force_login(staff["pimpinan"])

    response = client.get(reverse("benefits:payout_detail", args=[payout.pk]))

    page = response.content.decode()
    assert "Rp 20.000.000" in page and "dua puluh juta rupiah" in page
    assert "800/7/KORPRI/2020" in page and "1 Juli 2025" in page
    assert [(c.from_status, c.to_status) for c in response.context["timeline"]] == [
        ("", PayoutStatus.DRAFT),
        (PayoutStatus.DRAFT, PayoutStatus.VERIFIED),
    ]
    assert "operator-dinkes" in page or staff["operator"].get_full_name() in page
    assert response.context["can_approve"] and not response.context["can_pay"] and not response.context["can_verify"]
    assert 'data-testid="approve-button"' in page and 'data-testid="pay-form"' not in page


def test_the_preparer_sees_no_verify_button_and_is_refused_with_the_reason(en, staff, unit, flat_rate):
    payout = services.payout_prepare(employee=retiree(unit), benefit_type=BenefitType.TALI_ASIH, actor=staff["admin"])
    en.force_login(staff["admin"])
    assert (
        'data-testid="verify-button"'
        not in en.get(reverse("benefits:payout_detail", args=[payout.pk])).content.decode()
    )

    response = en.post(reverse("benefits:payout_verify", args=[payout.pk]), follow=True)

    assert messages_of(response) == ["You prepared this payout: someone else must verify it."]
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.DRAFT


def test_a_verifikator_cannot_pay_and_a_bendahara_can_with_proof(client, staff, unit, flat_rate, private_media):
    payout = approved(retiree(unit, name="Ahmad Yani"), staff)
    url = reverse("benefits:payout_pay", args=[payout.pk])
    data = {
        "method": PaymentMethod.BANK_TRANSFER,
        "bank_name": "Bank Jateng",
        "account_number": "1234 5678 90",
        "account_holder": "Siti Rahayu",
        "paid_on": timezone.localdate().isoformat(),
    }
    client.force_login(staff["verifikator"])
    assert client.post(url, data).status_code == 403
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED

    client.force_login(staff["bendahara"])
    proof = SimpleUploadedFile("transfer Ahmad.pdf", MINIMAL_PDF, content_type="application/pdf")
    response = client.post(url, {**data, "proof": proof}, follow=True)

    paid = Payout.objects.get(pk=payout.pk)
    assert (paid.status, paid.account_number, paid.holder_mismatch) == (PayoutStatus.PAID, "1234567890", True)
    assert 'data-testid="holder-mismatch"' in response.content.decode()
    download = client.get(reverse("benefits:payout_proof", args=[payout.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == MINIMAL_PDF
    assert (
        download["Content-Disposition"].startswith("attachment")
        and "transfer Ahmad.pdf" in download["Content-Disposition"]
    )
    # The page links the permission-checked view, never the file's storage URL.
    proof_url = reverse("benefits:payout_proof", args=[payout.pk])
    assert f'href="{proof_url}" data-testid="proof-link"' in response.content.decode()
    assert paid.proof.name not in response.content.decode()


def test_paying_without_the_bank_fields_shows_the_errors_by_field(en, staff, unit, flat_rate):
    payout = approved(retiree(unit), staff)
    en.force_login(staff["bendahara"])

    response = en.post(
        reverse("benefits:payout_pay", args=[payout.pk]),
        {"method": PaymentMethod.BANK_TRANSFER, "paid_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 422
    assert response.context["pay_form"].errors["bank_name"] == ["This field is required for a bank transfer."]
    assert Payout.objects.get(pk=payout.pk).status == PayoutStatus.APPROVED


def test_cash_at_an_event_offers_only_the_employees_events(client, staff, unit, flat_rate):
    employee = retiree(unit)
    theirs = EventFactory(organizer=unit, title="Pelepasan Juli")
    EventFactory(organizer=unit, title="Pelepasan lain")
    ParticipantFactory(event=theirs, employee=employee)
    payout = approved(employee, staff)
    client.force_login(staff["bendahara"])

    form = client.get(reverse("benefits:payout_detail", args=[payout.pk])).context["pay_form"]
    assert list(form.fields["event"].queryset) == [theirs]

    client.post(
        reverse("benefits:payout_pay", args=[payout.pk]),
        {"method": PaymentMethod.CASH_AT_EVENT, "event": theirs.pk, "paid_on": timezone.localdate().isoformat()},
    )
    assert Payout.objects.get(pk=payout.pk).event == theirs


def test_override_cancel_and_reverse_need_their_reason(en, staff, unit, flat_rate):
    draft = prepare(retiree(unit, name="Satu"), staff)
    en.force_login(staff["operator"])

    response = en.post(reverse("benefits:payout_override", args=[draft.pk]), {"override_amount": "Rp 15.000.000"})
    assert response.status_code == 422 and "override_reason" in response.context["override_form"].errors
    en.post(
        reverse("benefits:payout_override", args=[draft.pk]),
        {"override_amount": "Rp 15.000.000", "override_reason": "Keputusan rapat pengurus"},
    )
    assert Payout.objects.get(pk=draft.pk).amount == RP("15000000")

    assert en.post(reverse("benefits:payout_cancel", args=[draft.pk]), {"reason": ""}).status_code == 422
    en.post(reverse("benefits:payout_cancel", args=[draft.pk]), {"reason": "Salah orang"})
    assert Payout.objects.get(pk=draft.pk).status == PayoutStatus.CANCELLED

    paid = services.payout_pay(
        payout=approved(retiree(unit, name="Dua"), staff),
        actor=staff["bendahara"],
        method=PaymentMethod.BANK_TRANSFER,
        paid_on=timezone.localdate(),
        bank_name="BRI",
        account_number="123",
        account_holder="Dua",
    )
    assert en.post(reverse("benefits:payout_reverse", args=[paid.pk]), {"reason": "x"}).status_code == 403
    en.force_login(staff["pimpinan"])
    assert en.post(reverse("benefits:payout_reverse", args=[paid.pk]), {"reason": ""}).status_code == 422
    en.post(reverse("benefits:payout_reverse", args=[paid.pk]), {"reason": "Rekening salah"})
    assert Payout.objects.get(pk=paid.pk).status == PayoutStatus.REVERSED


# --- Preparing -------------------------------------------------------------------------------------------


def test_prepare_counts_then_prepares_inline(en, staff, unit, other_unit, flat_rate):
    retiree(unit, name="Juli Satu")
    retiree(unit, name="Juli Dua", tmt_pensiun=dt.date(2025, 7, 1))
    having = retiree(unit, name="Sudah Ada")
    prepare(having, staff)
    retiree(unit, name="Agustus", tmt_pensiun=dt.date(2025, 9, 1))
    retiree(other_unit, name="Unit Lain")
    en.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-06", "tmt_until": "2025-07"}

    preview = en.get(reverse("benefits:prepare"), choice)
    assert (preview.context["total"], preview.context["having"], preview.context["to_prepare"]) == (3, 1, 2)

    response = en.post(reverse("benefits:prepare"), choice, follow=True)

    assert set(Payout.objects.values_list("employee__name", flat=True)) == {"Juli Satu", "Juli Dua", "Sudah Ada"}
    assert "Payouts prepared: 2; skipped (already had one): 1; errors: 0." in messages_of(response)


def test_prepare_for_a_ceremonys_participants(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    ParticipantFactory(event=event, employee=retiree(unit, name="Peserta", tmt_pensiun=dt.date(2024, 1, 1)))
    retiree(unit, name="Bukan Peserta")
    client.force_login(staff["operator"])

    client.post(reverse("benefits:prepare"), {"benefit_type": BenefitType.TALI_ASIH, "event": event.pk})

    payout = Payout.objects.get()
    assert (payout.employee.name, payout.event) == ("Peserta", event)


def test_prepare_beyond_the_inline_maximum_runs_as_a_batch(
    client, staff, unit, flat_rate, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PURNA_PAYOUT_PREPARE_INLINE_MAX = 2
    for n in range(4):
        retiree(unit, name=f"Pensiun {n}")
    retiree(unit, name="Tanpa TMT", tmt_pensiun=None, tmt_effective=TMT)
    queued = []
    monkeypatch.setattr(payouts_prepare_batch_task, "delay", lambda batch_id: queued.append(batch_id))
    client.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-07", "tmt_until": "2025-07"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("benefits:prepare"), choice)

    batch = PayoutBatch.objects.get()
    assert response["Location"] == reverse("benefits:batch_detail", args=[batch.pk])
    assert queued == [batch.pk] and batch.total == 5 and not Payout.objects.exists()
    progress = client.get(reverse("benefits:batch_progress", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress

    assert payouts_prepare_batch_task(batch.pk) == BatchStatus.DONE
    assert payouts_prepare_batch_task(batch.pk) == BatchStatus.DONE  # a second run changes nothing

    batch.refresh_from_db()
    assert (batch.done, batch.created, batch.skipped, len(batch.errors)) == (5, 4, 0, 1)
    assert batch.errors[0]["name"] == "Tanpa TMT"
    assert Payout.objects.count() == 4
    page = client.get(reverse("benefits:batch_detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in page and "Tanpa TMT" in page


def test_a_batch_stopped_half_way_continues_where_it_stopped(staff, unit, flat_rate):
    from benefits.services.batches import payout_batch_run

    people = [retiree(unit, name=f"Orang {n}") for n in range(5)]
    batch = PayoutBatch.objects.create(
        benefit_type=BenefitType.TALI_ASIH,
        employee_ids=[p.pk for p in people],
        total=5,
        done=2,
        requested_by=staff["operator"],
        status=BatchStatus.RUNNING,
    )

    payout_batch_run(batch_id=batch.pk, chunk_size=2)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.created) == (BatchStatus.DONE, 5, 3)
    assert set(Payout.objects.values_list("employee_id", flat=True)) == {p.pk for p in people[2:]}


# --- THT -------------------------------------------------------------------------------------------------


def test_the_tht_list_shows_claims_and_payout_status(client, staff, unit, other_unit):
    claim = ThtClaimFactory(employee=retiree(unit, name="Punya Klaim"), taspen_reference="TSP-777")
    services.payout_prepare(employee=claim.employee, benefit_type=BenefitType.THT, actor=staff["operator"])
    retiree(unit, name="Belum Klaim")
    retiree(other_unit, name="Unit Lain")
    client.force_login(staff["verifikator"])

    response = client.get(reverse("benefits:tht"))

    page = response.content.decode()
    assert {e.name for e in response.context["object_list"]} == {"Punya Klaim", "Belum Klaim"}
    assert "TSP-777" in page and "Rp 25.000.000" in page and "Draf" in page


def test_the_tht_edit_form_saves_through_the_service(en, staff, unit):
    employee = retiree(unit)
    en.force_login(staff["operator"])
    url = reverse("benefits:tht_edit", args=[employee.pk])

    response = en.post(url, {"amount_received": "-5", "taspen_reference": "TSP-1"})
    assert response.status_code == 200 and response.context["form"].errors["amount_received"]
    en.post(url, {"amount_received": "Rp 25.000.000", "received_on": "2025-07-10", "taspen_reference": "TSP-1"})

    claim = ThtClaim.objects.get(employee=employee)
    assert (claim.amount_received, claim.taspen_reference) == (RP("25000000"), "TSP-1")
    en.force_login(staff["verifikator"])
    assert en.get(url).status_code == 403


def test_the_tht_import_is_all_or_nothing_with_errors_by_cell(en, staff, unit):
    good = retiree(unit)
    en.force_login(staff["operator"])
    template = en.get(reverse("benefits:tht_template"))
    assert template.content.decode().startswith("NIP,Jumlah,Referensi,Tanggal")

    bad = f"NIP,Jumlah\n{good.nip},25000000\n199901012020011001,abc\n".encode()
    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.csv", bad)})
    page = response.content.decode()
    assert 'data-testid="tht-import-errors"' in page and "B3" in page
    assert not ThtClaim.objects.exists()

    ok = f"NIP,Jumlah,Referensi\n{good.nip},25000000,TSP-9\n".encode()
    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.csv", ok)}, follow=True)
    assert ThtClaim.objects.get().amount_received == RP("25000000")
    assert "THT amounts recorded: 1 new, 0 updated, 0 unchanged." in messages_of(response)


def test_the_tht_import_refuses_a_zip_bomb_with_its_reason_and_writes_nothing(en, staff, unit):
    retiree(unit)
    en.force_login(staff["operator"])
    data = bombs.shared_strings_bomb(xlsx_bytes([{"NIP": "1", "Jumlah": "1"}], headers=["NIP", "Jumlah"]))
    bombs.peak_reset()

    response = en.post(reverse("benefits:tht_import"), {"file": SimpleUploadedFile("tht.xlsx", data)})

    assert bombs.peak_bytes() < 300 * bombs.MB
    assert response.status_code == 200
    assert uploads._too_large(uploads.MAX_UNPACKED_BYTES) in response.content.decode()
    assert not ThtClaim.objects.exists()


# --- The hand-over at a ceremony -------------------------------------------------------------------------


def test_the_hand_over_marks_paid_and_a_second_click_changes_nothing(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    employee = retiree(unit)
    ParticipantFactory(event=event, employee=employee)
    payout = approved(employee, staff)
    ThtClaimFactory(employee=employee)
    services.payout_prepare(employee=employee, benefit_type=BenefitType.THT, actor=staff["operator"])
    client.force_login(staff["bendahara"])
    page = client.get(reverse("benefits:handover", args=[event.pk])).content.decode()
    assert page.count('data-testid="handover-button"') == 1
    url = reverse("benefits:handover_pay", args=[event.pk, payout.pk])

    row = client.post(url, headers={"HX-Request": "true"})

    paid = Payout.objects.get(pk=payout.pk)
    assert (paid.status, paid.event, paid.method) == (PayoutStatus.PAID, event, PaymentMethod.CASH_AT_EVENT)
    assert row.status_code == 200 and 'data-testid="handover-button"' not in row.content.decode()
    changes = paid.status_changes.count()

    again = client.post(url, headers={"HX-Request": "true"})

    assert again.status_code == 200 and Payout.objects.get(pk=payout.pk).paid_at == paid.paid_at
    assert paid.status_changes.count() == changes
    totals = client.get(reverse("benefits:handover", args=[event.pk])).context["handover"]
    assert (totals.handed_count, totals.handed_amount) == (1, RP("20000000"))
    assert (totals.outstanding_count, totals.outstanding_amount) == (1, RP("25000000"))


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


@pytest.mark.parametrize("count", [60, 600])
def test_the_hand_over_page_runs_a_fixed_number_of_queries(client, staff, unit, count, django_assert_num_queries):
    event = EventFactory(organizer=unit)
    employees = Employee.objects.bulk_create(EmployeeFactory.build_batch(count, unit=unit, tmt_pensiun=TMT))
    Participant.objects.bulk_create([Participant(event=event, employee=e) for e in employees])
    Payout.objects.bulk_create(
        [
            Payout(
                employee=e,
                benefit_type=BenefitType.TALI_ASIH,
                tmt=TMT,
                amount=RP("20000000"),
                computed_amount=RP("20000000"),
            )
            for e in employees[::2]
        ]
    )
    client.force_login(staff["bendahara"])
    url = reverse("benefits:handover", args=[event.pk])
    client.get(url)

    # The session, the user, their two permission reads, their scope and the units tree, the event, the
    # participants, the payouts, the agency (base.html).
    with django_assert_num_queries(HANDOVER_QUERIES):
        response = client.get(url)
    assert len(response.context["handover"].rows) == count


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


# --- The dashboard card ----------------------------------------------------------------------------------


def test_the_dashboard_card_shows_this_years_money(client, staff, unit, flat_rate, pimpinan):
    this_year = timezone.localdate().replace(month=1, day=1)
    approved(retiree(unit, name="Tahun Ini", tmt_pensiun=this_year), staff)
    client.force_login(staff["pimpinan"])

    response = client.get(reverse("dashboard"))

    page = response.content.decode()
    assert 'data-testid="payouts-card"' in page
    assert response.context["payouts"].outstanding_amount == RP("20000000")
    assert "Rp 20.000.000" in page


def test_a_change_made_by_no_one_on_record_shows_the_system(client, staff, unit, flat_rate):
    """A change whose actor is gone (or was the system) is shown, not a 500 (found by a hostile pass)."""
    payout = prepare(retiree(unit), staff)
    payout.status_changes.update(actor=None)
    client.force_login(staff["bendahara"])

    response = client.get(reverse("benefits:payout_detail", args=[payout.pk]))

    assert response.status_code == 200
