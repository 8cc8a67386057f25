"""The benefits' admin: rates with their bands checked, payouts read-only and moved by actions that call the
services (errors per payout), THT claims saved through the service, everything scoped by unit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benefits.models import BenefitType, PayoutStatus, TaliAsihRate, ThtClaim
from benefits.services import payouts as services
from purna import roles
from tests.factories import EmployeeFactory, PayoutFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

D = dt.date
RP = Decimal


def staff_client(role, **kwargs) -> tuple[Client, object]:
    user = UserFactory(roles=[role], is_staff=True, **kwargs)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"  # messages asserted in English: the language selector's cookie
    return client, user


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator", roles=[roles.OPERATOR])


def drafts(unit, operator, count=2):
    TaliAsihRateFactory()
    return [
        services.payout_prepare(
            employee=EmployeeFactory(unit=unit, tmt_pensiun=D(2025, 7, 1), name=f"Pegawai {i}"),
            benefit_type=BenefitType.TALI_ASIH,
            actor=operator,
        )
        for i in range(count)
    ]


RATE_FORM = {
    "name": "Tali asih menurut masa kerja",
    "decision_number": "800/5/KORPRI/2025",
    "decision_date": "2025-01-02",
    "effective_from": "2025-01-01",
    "effective_until": "",
    "basis": "masa_kerja",
    "amount": "",
    "cap": "",
    "retirement_kind": "",
    "asn_type": "",
    "notes": "",
    "bands-TOTAL_FORMS": "2",
    "bands-INITIAL_FORMS": "0",
    "bands-MIN_NUM_FORMS": "0",
    "bands-MAX_NUM_FORMS": "1000",
    "bands-0-golongan_group": "",
    "bands-0-min_years": "5",
    "bands-0-last_years": "10",
    "bands-0-amount": "1000000",
    "bands-1-golongan_group": "",
    "bands-1-min_years": "11",
    "bands-1-last_years": "",
    "bands-1-amount": "2000000",
}


def test_admin_adds_a_rate_with_its_bands_and_history(db):
    client, user = staff_client(roles.ADMIN)

    response = client.post(reverse("admin:benefits_taliasihrate_add"), RATE_FORM)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    rate = TaliAsihRate.objects.get()
    assert [(b.min_years, b.max_years, b.amount) for b in rate.bands.all()] == [
        (5, 11, RP("1000000")),  # "5-10 tahun": both ends included, stored as 5 <= years < 11
        (11, None, RP("2000000")),
    ]
    assert rate.history.get().history_user == user


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bands-1-min_years": "8"}, "The slabs 5-10 and &gt;= 8 overlap."),
        ({"bands-1-min_years": "10"}, "The slabs 5-10 and &gt;= 10 overlap."),
        ({"bands-1-min_years": "13"}, "No slab covers 11-12 years of service (between the slabs 5-10 and &gt;= 13)."),
        ({"bands-0-last_years": "4"}, "The last year of a slab cannot be before its first year."),
        ({"basis": "flat", "amount": "1250000"}, "A flat or per-year rate has no bands"),
        ({"basis": "flat", "bands-TOTAL_FORMS": "0"}, "A flat or per-year rate needs its amount."),
        ({"effective_until": "2024-12-31"}, "The end of the period cannot be before its start."),
        ({"bands-0-amount": "-5"}, "The amount must be more than zero."),
    ],
)
def test_admin_refuses_bad_rates(db, changes, message):
    client, _user = staff_client(roles.ADMIN)

    response = client.post(
        reverse("admin:benefits_taliasihrate_add"), {**RATE_FORM, **changes}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaliAsihRate.objects.exists()


def test_admin_takes_the_korpri_table_as_written_and_shows_the_years_each_band_covers(db):
    client, _user = staff_client(roles.ADMIN)
    written = {
        **RATE_FORM,
        "bands-TOTAL_FORMS": "4",
        "bands-1-last_years": "15",
        **{
            f"bands-{i}-{name}": value
            for i, (first, last) in enumerate([("16", "20"), ("21", "")], start=2)
            for name, value in (
                ("golongan_group", ""),
                ("min_years", first),
                ("last_years", last),
                ("amount", "3000000"),
            )
        },
    }

    response = client.post(reverse("admin:benefits_taliasihrate_add"), written)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    rate = TaliAsihRate.objects.get()
    assert [band.as_band().label for band in rate.bands.all()] == ["5-10", "11-15", "16-20", ">= 21"]
    page = client.get(reverse("admin:benefits_taliasihrate_change", args=[rate.pk])).content.decode()
    assert 'name="bands-0-last_years" value="10"' in page
    assert "16-20" in page


def test_admin_pages_open_and_the_payout_is_read_only(unit, operator):
    client, _user = staff_client(roles.ADMIN)
    payout = drafts(unit, operator, 1)[0]

    for name in ("taliasihrate", "payout", "thtclaim"):
        assert client.get(reverse(f"admin:benefits_{name}_changelist")).status_code == 200
    page = client.get(reverse("admin:benefits_payout_change", args=[payout.pk]))
    assert page.status_code == 200
    assert 'name="amount"' not in page.content.decode()
    assert client.get(reverse("admin:benefits_payout_add")).status_code == 403
    assert client.get(reverse("admin:benefits_payout_delete", args=[payout.pk])).status_code == 403


def test_the_verify_action_calls_the_service_and_reports_each_error(unit, operator):
    client, verifier = staff_client(roles.VERIFIKATOR)
    first, second = drafts(unit, operator)
    services.payout_verify(payout=second, actor=UserFactory(roles=[roles.VERIFIKATOR]))

    response = client.post(
        reverse("admin:benefits_payout_changelist"),
        {"action": "verify_selected", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    shown = [(message.level, str(message)) for message in response.context["messages"]]
    first.refresh_from_db()
    assert first.status == PayoutStatus.VERIFIED and first.verified_by == verifier
    assert [level for level, _text in shown] == [messages.SUCCESS, messages.ERROR]
    assert shown[1][1].startswith(f"{second.employee.display_name}: ")


def test_the_approve_action_is_offered_only_to_approvers(unit, operator):
    verifier_client, _verifier = staff_client(roles.VERIFIKATOR)
    approver_client, approver = staff_client(roles.PIMPINAN)
    payout = services.payout_verify(payout=drafts(unit, operator, 1)[0], actor=UserFactory(roles=[roles.VERIFIKATOR]))

    actions = verifier_client.get(reverse("admin:benefits_payout_changelist")).context["action_form"]
    assert [name for name, _label in actions.fields["action"].choices if name] == ["verify_selected"]
    approver_client.post(
        reverse("admin:benefits_payout_changelist"), {"action": "approve_selected", "_selected_action": [payout.pk]}
    )
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and payout.approved_by == approver


def test_payouts_and_claims_outside_the_scope_are_not_shown(unit, operator):
    payout = drafts(unit, operator, 1)[0]
    client, _user = staff_client(roles.ADMIN, units=[UnitKerjaFactory()])

    assert client.get(reverse("admin:benefits_payout_change", args=[payout.pk])).status_code == 302
    assert client.get(reverse("admin:benefits_payout_history", args=[payout.pk])).status_code == 404
    assert payout.employee.name not in client.get(reverse("admin:benefits_payout_changelist")).content.decode()


def test_a_tht_claim_is_saved_through_the_service(unit):
    client, user = staff_client(roles.OPERATOR)
    employee = EmployeeFactory(unit=unit)
    data = {
        "employee": employee.pk,
        "claim_filed_on": "2025-05-02",
        "taspen_reference": "TSP-77",
        "documents_complete": "on",
        "documents_complete_on": "",
        "amount_received": "25000000",
        "received_on": "2025-07-10",
        "notes": "",
    }

    response = client.post(reverse("admin:benefits_thtclaim_add"), data)

    assert response.status_code == 302
    claim = ThtClaim.objects.get(employee=employee)
    assert claim.amount_received == RP("25000000") and claim.documents_complete_on is not None
    assert claim.history.get().history_user == user

    bad = client.post(
        reverse("admin:benefits_thtclaim_change", args=[claim.pk]),
        {**data, "received_on": "2999-01-01"},
    )
    assert bad.status_code == 200 and "future" in bad.content.decode()


def test_a_tht_claim_form_refuses_an_employee_outside_the_scope_and_a_change_under_a_payout(unit, operator):
    client, _user = staff_client(roles.OPERATOR, units=[unit])
    outsider = EmployeeFactory(unit=UnitKerjaFactory())
    data = {"employee": outsider.pk, "documents_complete_on": "", "amount_received": "1000000", "notes": ""}

    refused = client.post(reverse("admin:benefits_thtclaim_add"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert refused.status_code == 200 and "not in your work units" in refused.content.decode()
    assert not ThtClaim.objects.exists()

    employee = EmployeeFactory(unit=unit, tmt_pensiun=D(2025, 7, 1))
    claim = services.tht_claim_save(employee=employee, actor=operator, amount_received="1000000")
    services.payout_prepare(employee=employee, benefit_type=BenefitType.THT, actor=operator)
    changed = client.post(
        reverse("admin:benefits_thtclaim_change", args=[claim.pk]),
        {**data, "employee": employee.pk, "amount_received": "2000000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert changed.status_code == 200 and "cancel or reverse it first" in changed.content.decode()
    claim.refresh_from_db()
    assert claim.amount_received == RP("1000000")


def test_posting_the_payout_form_changes_nothing(unit, operator):
    client, _user = staff_client(roles.ADMIN)
    payout = drafts(unit, operator, 1)[0]

    response = client.post(reverse("admin:benefits_payout_change", args=[payout.pk]), {"status": "dibayar"})

    assert response.status_code == 403
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.DRAFT and payout.history.count() == 1


def test_a_paid_payout_with_its_proof_opens_with_a_link_to_the_checked_download(unit, private_media):
    client, _user = staff_client(roles.ADMIN)
    now = timezone.now()
    payout = PayoutFactory(
        employee__unit=unit,
        status=PayoutStatus.PAID,
        verified_at=now,
        approved_at=now,
        paid_at=now,
        paid_on=now.date(),
        method="transfer",
        bank_name="Bank Jateng",
        account_number="1234567890",
        account_holder="AHMAD YANI",
        proof="payouts/1/bukti.pdf",
        proof_name="Bukti transfer.pdf",
    )

    page = client.get(reverse("admin:benefits_payout_change", args=[payout.pk]))

    assert page.status_code == 200
    download = reverse("benefits:payout_proof", args=[payout.pk])
    assert f'<a href="{download}">Bukti transfer.pdf</a>' in page.content.decode()
