"""The payout pages (benefits/views/payouts.py): access and scope, the payout list and its bulk actions,
the payout page and its actions, and the dashboard card."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits.models import BenefitType, PaymentMethod, Payout, PayoutBatch, PayoutStatus
from benefits.services import payouts as services
from benefits.views import payouts as payout_views
from tests.benefits.payout_page_fixtures import (
    RP,
    approved,
    en_fixture,  # noqa: F401 (a fixture)
    flat_rate_fixture,  # noqa: F401 (a fixture)
    messages_of,
    other_unit_fixture,  # noqa: F401 (a fixture)
    prepare,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
    verified,
)
from tests.factories import MINIMAL_PDF, EventFactory, ParticipantFactory, PayoutFactory

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


def test_bulk_approve_of_more_than_its_maximum_is_refused_whole(en, staff, unit, flat_rate, monkeypatch):
    monkeypatch.setattr(payout_views, "BULK_MAX", 2)
    ready = [verified(retiree(unit, name=f"Pegawai {n}"), staff) for n in range(3)]
    en.force_login(staff["pimpinan"])

    response = en.post(reverse("benefits:payouts_approve"), {"payout": [p.pk for p in ready]}, follow=True)

    assert "Tick at most 2 payouts at once." in messages_of(response)
    assert not Payout.objects.filter(status=PayoutStatus.APPROVED).exists()


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
