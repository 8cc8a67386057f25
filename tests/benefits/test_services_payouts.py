"""benefits/services/payouts.py: the one write path of payouts and THT claims: amounts, the pipeline and who may
move it, scope, the timeline and history, database guards, and concurrency on PostgreSQL."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import (
    BenefitType,
    PaymentMethod,
    Payout,
    PayoutStatus,
    PayoutStatusChange,
    RateBasis,
    ThtClaim,
)
from benefits.services import payouts as services
from ceremonies.models import EventStatus
from employees.choices import AsnType, CaseStatus, RetirementKind
from purna import roles
from tests.factories import (
    MINIMAL_PDF,
    EmployeeFactory,
    EventFactory,
    ParticipantFactory,
    PayoutFactory,
    RetirementCaseFactory,
    TaliAsihRateBandFactory,
    TaliAsihRateFactory,
    ThtClaimFactory,
    UnitKerjaFactory,
    UserFactory,
)

D = dt.date
RP = Decimal
TMT = D(2025, 7, 1)


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def staff(db):
    """One user per role, seeing every unit (central BKD staff)."""
    return {
        "operator": UserFactory(username="operator-bkd", roles=[roles.OPERATOR]),
        "verifikator": UserFactory(username="verifikator", roles=[roles.VERIFIKATOR]),
        "pimpinan": UserFactory(username="pimpinan", roles=[roles.PIMPINAN]),
        "bendahara": UserFactory(username="bendahara", roles=[roles.BENDAHARA]),
        "admin": UserFactory(username="admin-kepegawaian", roles=[roles.ADMIN]),
    }


@pytest.fixture
def flat_rate(db):
    return TaliAsihRateFactory(amount=RP("1250000"), decision_number="800/7/KORPRI/2020")


def retiree(unit, **fields):
    defaults = {
        "unit": unit,
        "name": "Ahmad Yani",
        "front_title": "Drs. H.",
        "back_title": "M.Si.",
        "golongan": "III/c",
        "tmt_pensiun": TMT,
        "service_years": 30,
        "service_months": 4,
    }
    return EmployeeFactory(**{**defaults, **fields})


def prepare(employee, staff, benefit_type=BenefitType.TALI_ASIH, **kwargs):
    return services.payout_prepare(employee=employee, benefit_type=benefit_type, actor=staff["operator"], **kwargs)


def approved(employee, staff, **kwargs):
    payout = prepare(employee, staff, **kwargs)
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    return services.payout_approve(payout=payout, actor=staff["pimpinan"])


def timeline(payout):
    return list(
        PayoutStatusChange.objects.filter(payout=payout).values_list("from_status", "to_status", "actor__username")
    )


# --- Preparing --------------------------------------------------------------------------------------------


def test_prepare_computes_tali_asih_from_the_rate_in_force_at_the_tmt(staff, unit, flat_rate):
    TaliAsihRateFactory(amount=RP("2000000"), effective_from=D(2026, 1, 1))  # not yet in force at the TMT
    employee = retiree(unit)

    payout = prepare(employee, staff)

    assert (payout.status, payout.amount, payout.computed_amount) == (PayoutStatus.DRAFT, RP("1250000"), RP("1250000"))
    assert payout.rate == flat_rate and payout.tmt == TMT
    assert payout.breakdown["decision_number"] == "800/7/KORPRI/2020"
    assert payout.breakdown["amount"] == "1250000.00" and payout.breakdown["years"] == 30
    assert payout.breakdown["retirement_kind"] == RetirementKind.BUP
    assert payout.prepared_by == staff["operator"]
    assert timeline(payout) == [("", PayoutStatus.DRAFT, "operator-bkd")]
    assert payout.history.latest().history_user == staff["operator"]


def test_the_breakdown_stays_when_the_rate_changes_later(staff, unit, flat_rate):
    payout = prepare(retiree(unit), staff)
    flat_rate.amount = RP("9000000")
    flat_rate.save()

    payout.refresh_from_db()
    assert payout.amount == RP("1250000") and payout.breakdown["amount"] == "1250000.00"


def test_a_live_retirement_record_decides_the_tmt_kind_and_years(staff, unit, flat_rate):
    TaliAsihRateFactory(amount=RP("3500000"), retirement_kind=RetirementKind.DEATH)
    slabs = TaliAsihRateBandFactory(
        rate__asn_type=AsnType.PPPK, rate__effective_from=D(2020, 1, 1), min_years=0, max_years=None
    ).rate
    died = retiree(unit, tmt_cpns=D(1995, 3, 1))
    RetirementCaseFactory(employee=died, kind=RetirementKind.DEATH, tmt=D(2024, 2, 1))
    pppk = retiree(unit, asn_type=AsnType.PPPK, golongan="IX", tmt_cpns=D(2022, 3, 1), name="Siti Aminah")
    RetirementCaseFactory(employee=pppk, kind=RetirementKind.CONTRACT_END, tmt=D(2025, 3, 1))

    death_payout = prepare(died, staff)
    pppk_payout = prepare(pppk, staff)

    assert death_payout.amount == RP("3500000") and death_payout.tmt == D(2024, 2, 1)
    # Masa kerja to the record's TMT (28 years 11 months), not the stored facts' 30 years 4 months.
    assert (death_payout.breakdown["years"], death_payout.breakdown["months"]) == (28, 11)
    assert pppk_payout.rate == slabs and pppk_payout.amount == RP("1000000")


def test_a_cancelled_record_gives_the_computed_tmt_back(staff, unit, flat_rate):
    employee = retiree(unit)
    RetirementCaseFactory(employee=employee, kind=RetirementKind.APS, tmt=D(2019, 1, 1), status=CaseStatus.CANCELLED)

    assert prepare(employee, staff).tmt == TMT


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("no_rate", "No tali asih rate is in force on 01-07-2025"),
        ("no_tmt", "no TMT pensiun"),
        ("no_band", "no amount for 3 years of service"),
    ],
)
def test_prepare_refuses_what_cannot_be_computed(english, staff, unit, setup, message):
    employee = retiree(unit, tmt_pensiun=None if setup == "no_tmt" else TMT, service_years=3)
    if setup == "no_band":
        TaliAsihRateBandFactory(min_years=5, max_years=None)
    elif setup == "no_tmt":
        TaliAsihRateFactory()

    with pytest.raises(PayoutError, match=message):
        prepare(employee, staff)
    assert not Payout.objects.exists() and not PayoutStatusChange.objects.exists()


def test_a_second_payout_of_the_same_benefit_is_refused(english, staff, unit, flat_rate):
    employee = retiree(unit)
    prepare(employee, staff)

    with pytest.raises(PayoutError, match="already has a KORPRI tali asih payout"):
        prepare(employee, staff)
    assert Payout.objects.count() == 1


def test_the_database_refuses_a_second_live_payout(unit):
    first = PayoutFactory(employee=retiree(unit))

    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutFactory(employee=first.employee)
    # A cancelled one does not count; a THT payout is another benefit.
    Payout.objects.filter(pk=first.pk).update(
        status=PayoutStatus.CANCELLED, cancelled_at=timezone.now(), cancel_reason="salah"
    )
    PayoutFactory(employee=first.employee)
    PayoutFactory(employee=first.employee, benefit_type=BenefitType.THT)


@pytest.mark.parametrize(
    "fields",
    [
        {"amount": RP("0")},
        {"amount": RP("-5")},
        {"amount": RP("1000000000.01")},
        {"status": PayoutStatus.VERIFIED},  # no verified_at
        {"status": PayoutStatus.CANCELLED},  # no reason
        {"override_amount": RP("5000"), "amount": RP("5000")},  # no reason
        {"method": PaymentMethod.CASH_AT_EVENT},  # no event
        {"method": PaymentMethod.BANK_TRANSFER, "bank_name": "BPD Jateng"},  # no account
    ],
    ids=["zero", "negative", "too-large", "verified-undated", "cancelled-no-reason", "override", "cash", "transfer"],
)
def test_database_constraints_guard_the_amount_and_status(unit, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutFactory(employee=retiree(unit), **fields)


def test_prepare_is_refused_outside_the_scope_and_without_the_permission(english, staff, unit, flat_rate):
    employee = retiree(unit)
    other_unit_operator = UserFactory(roles=[roles.OPERATOR], units=[UnitKerjaFactory()])

    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=other_unit_operator)
    for role in ("verifikator", "bendahara", "pimpinan"):
        with pytest.raises(PayoutError, match="may not prepare"):
            services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=staff[role])
    assert not Payout.objects.exists()


def test_tht_takes_the_amount_taspen_paid_and_is_refused_while_unknown(english, staff, unit):
    employee = retiree(unit)
    with pytest.raises(PayoutError, match="THT amount paid by PT Taspen is not recorded"):
        prepare(employee, staff, BenefitType.THT)
    claim = ThtClaimFactory(employee=employee, amount_received=None)
    with pytest.raises(PayoutError, match="not recorded"):
        prepare(employee, staff, BenefitType.THT)

    ThtClaim.objects.filter(pk=claim.pk).update(amount_received=RP("27345600.50"))
    payout = prepare(employee, staff, BenefitType.THT)

    assert payout.amount == RP("27345600.50") and payout.rate is None
    assert payout.breakdown["source"] == "taspen" and payout.breakdown["taspen_reference"] == claim.taspen_reference


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "more than zero"),
        ("-1.000", "more than zero"),
        ("Rp 1.000.000.001", "1.000.000.000"),
        ("satu juta", "not an amount"),
    ],
)
def test_an_amount_set_by_hand_is_checked(english, staff, unit, flat_rate, value, message):
    with pytest.raises(PayoutError, match=message) as caught:
        prepare(retiree(unit), staff, override_amount=value, override_reason="Keputusan rapat")
    assert list(caught.value.errors) == ["override_amount"]
    assert not Payout.objects.exists()


def test_an_amount_set_by_hand_needs_a_reason_and_keeps_the_computed_one(english, staff, unit, flat_rate):
    employee = retiree(unit)
    with pytest.raises(PayoutError, match="reason") as caught:
        prepare(employee, staff, override_amount="Rp 1.500.000")
    assert list(caught.value.errors) == ["override_reason"]

    payout = prepare(employee, staff, override_amount="Rp 1.500.000", override_reason="Ditambah tali asih ahli waris")

    assert (payout.amount, payout.computed_amount, payout.override_amount) == (
        RP("1500000"),
        RP("1250000"),
        RP("1500000"),
    )
    assert PayoutStatusChange.objects.get(payout=payout).note == "Ditambah tali asih ahli waris"


def test_a_drafts_amount_can_be_overridden_and_restored_with_history(english, staff, unit, flat_rate):
    payout = prepare(retiree(unit), staff)

    payout = services.payout_amount_override(
        payout=payout, actor=staff["operator"], amount="2.000.000", reason="Keputusan rapat pengurus"
    )
    assert payout.amount == RP("2000000") and payout.override_reason == "Keputusan rapat pengurus"
    payout = services.payout_amount_override(payout=payout, actor=staff["operator"], amount="", reason="Salah ketik")
    assert payout.amount == RP("1250000") and payout.override_amount is None

    assert [h.amount for h in payout.history.order_by("history_id")] == [RP("1250000"), RP("2000000"), RP("1250000")]
    assert [c.amount for c in payout.status_changes.all()] == [RP("1250000"), RP("2000000"), RP("1250000")]
    verified = services.payout_verify(payout=payout, actor=staff["verifikator"])
    with pytest.raises(PayoutError, match="Only a draft's amount"):
        services.payout_amount_override(payout=verified, actor=staff["operator"], amount="1", reason="x")


# --- Verifying and approving ------------------------------------------------------------------------------


def test_the_pipeline_records_who_did_each_step(staff, unit, flat_rate):
    payout = approved(retiree(unit), staff)

    assert payout.status == PayoutStatus.APPROVED
    assert (payout.verified_by, payout.approved_by) == (staff["verifikator"], staff["pimpinan"])
    assert payout.verified_at and payout.approved_at
    assert timeline(payout) == [
        ("", PayoutStatus.DRAFT, "operator-bkd"),
        (PayoutStatus.DRAFT, PayoutStatus.VERIFIED, "verifikator"),
        (PayoutStatus.VERIFIED, PayoutStatus.APPROVED, "pimpinan"),
    ]
    assert payout.history.latest().history_user == staff["pimpinan"]


def test_the_preparer_can_neither_verify_nor_approve_their_own_payout(english, staff, unit, flat_rate):
    admin = staff["admin"]  # holds every permission
    payout = services.payout_prepare(employee=retiree(unit), benefit_type=BenefitType.TALI_ASIH, actor=admin)

    with pytest.raises(PayoutError, match="someone else must verify"):
        services.payout_verify(payout=payout, actor=admin)
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    with pytest.raises(PayoutError, match="someone else must approve"):
        services.payout_approve(payout=payout, actor=admin)

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.VERIFIED and payout.approved_at is None
    assert len(timeline(payout)) == 2


def test_approving_a_draft_is_refused_and_nothing_changes(english, staff, unit, flat_rate):
    payout = prepare(retiree(unit), staff)

    with pytest.raises(PayoutError, match="still a draft"):
        services.payout_approve(payout=payout, actor=staff["pimpinan"])

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.DRAFT and payout.approved_by is None
    assert payout.history.count() == 1 and len(timeline(payout)) == 1


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        ("operator", "payout_verify", "may not verify"),
        ("bendahara", "payout_verify", "may not verify"),
        ("verifikator", "payout_approve", "may not approve"),
        ("operator", "payout_approve", "may not approve"),
    ],
)
def test_the_wrong_role_is_refused(english, staff, unit, flat_rate, role, action, message):
    payout = prepare(retiree(unit), staff)
    if action == "payout_approve":
        payout = services.payout_verify(payout=payout, actor=staff["verifikator"])

    with pytest.raises(PayoutError, match=message):
        getattr(services, action)(payout=payout, actor=staff[role])


def test_verifying_twice_is_refused(english, staff, unit, flat_rate):
    payout = services.payout_verify(payout=prepare(retiree(unit), staff), actor=staff["verifikator"])

    with pytest.raises(PayoutError, match="Only a draft can be verified; this payout is Verified"):
        services.payout_verify(payout=payout, actor=staff["verifikator"])


def test_bulk_approve_reports_each_payouts_error(english, staff, unit, flat_rate):
    ready = services.payout_verify(payout=prepare(retiree(unit), staff), actor=staff["verifikator"])
    draft = prepare(retiree(unit, name="Budi Santoso", front_title="", back_title=""), staff)

    report = services.payouts_approve_bulk(payouts=[ready, draft], actor=staff["pimpinan"])

    assert [p.pk for p in report.done] == [ready.pk]
    assert report.errors == [
        ("Budi Santoso", ["This payout is still a draft: it must be verified before it is approved."])
    ]


def busy_on(table: str, condition: str) -> None:
    """From now on (in this test's transaction), a row written to `table` where `condition` holds meets a
    real serialization failure from PostgreSQL (SQLSTATE 40001), as when another transaction changed it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_busy() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION 'busy' USING ERRCODE = '40001'; END IF; RETURN NEW; END $$"
        )
        cursor.execute(f"CREATE TRIGGER test_busy BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION test_busy()")


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_bulk_verify_reports_a_payout_the_busy_database_refused_and_does_the_others(english, staff, unit, flat_rate):
    first, busy, last = (
        prepare(retiree(unit, name=name, front_title="", back_title=""), staff)
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi")
    )
    busy_on(PayoutStatusChange._meta.db_table, f"NEW.payout_id = {busy.pk}")

    report = services.payouts_verify_bulk(payouts=[first, busy, last], actor=staff["verifikator"])

    assert [p.pk for p in report.done] == [first.pk, last.pk]
    assert report.errors == [("Budi Santoso", ["The database was busy: this payout was not changed. Try again."])]
    busy.refresh_from_db()
    assert busy.status == PayoutStatus.DRAFT and busy.verified_by is None
    assert list(busy.status_changes.values_list("to_status", flat=True)) == [PayoutStatus.DRAFT]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_bulk_prepare_reports_a_person_the_busy_database_refused_and_does_the_others(english, staff, unit, flat_rate):
    first, busy, last = (
        retiree(unit, name=name, front_title="", back_title="")
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi")
    )
    busy_on(Payout._meta.db_table, f"NEW.employee_id = {busy.pk}")

    report = services.payouts_prepare_bulk(
        employees=[first, busy, last], benefit_type=BenefitType.TALI_ASIH, actor=staff["operator"]
    )

    assert [p.employee_id for p in report.done] == [first.pk, last.pk]
    assert report.errors == [("Budi Santoso", ["The database was busy: this one was not changed. Try again."])]
    assert not Payout.objects.filter(employee=busy).exists()


def test_bulk_prepare_skips_those_who_have_one_and_collects_errors(english, staff, unit, flat_rate):
    has_one = retiree(unit)
    prepare(has_one, staff)
    new = retiree(unit, name="Budi Santoso", front_title="", back_title="")
    no_tmt = retiree(unit, name="Citra Lestari", front_title="", back_title="", tmt_pensiun=None)
    event = EventFactory(organizer=unit)

    report = services.payouts_prepare_bulk(
        employees=[has_one, new, no_tmt], benefit_type=BenefitType.TALI_ASIH, actor=staff["operator"], event=event
    )

    assert [p.employee for p in report.done] == [new] and report.done[0].event == event
    assert report.skipped == [has_one]
    assert [name for name, _messages in report.errors] == ["Citra Lestari"]
    assert Payout.objects.count() == 2


# --- Paying -----------------------------------------------------------------------------------------------


def pay_by_transfer(payout, actor, **kwargs):
    fields = {
        "method": PaymentMethod.BANK_TRANSFER,
        "paid_on": timezone.localdate(),
        "bank_name": "Bank Jateng",
        "account_number": "1234 5678 90",
        "account_holder": "AHMAD YANI",
        **kwargs,
    }
    return services.payout_pay(payout=payout, actor=actor, **fields)


def test_only_the_bendahara_pays_and_only_an_approved_payout(english, staff, unit, flat_rate, private_media):
    payout = prepare(retiree(unit), staff)
    with pytest.raises(PayoutError, match="Only an approved payout can be paid; this one is Draft"):
        pay_by_transfer(payout, staff["bendahara"])
    payout = approved(retiree(unit, name="Budi Santoso", front_title="", back_title=""), staff)
    for role in ("pimpinan", "verifikator", "operator"):
        with pytest.raises(PayoutError, match="Only the treasurer"):
            pay_by_transfer(payout, staff[role], account_holder="Budi Santoso")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and payout.paid_at is None

    proof = SimpleUploadedFile("Bukti transfer Budi.pdf", MINIMAL_PDF, content_type="application/pdf")
    paid = pay_by_transfer(payout, staff["bendahara"], account_holder="budi santoso", proof=proof)

    assert (paid.status, paid.paid_by, paid.method) == (PayoutStatus.PAID, staff["bendahara"], "transfer")
    assert paid.account_number == "1234567890" and not paid.holder_mismatch
    assert paid.proof_name == "Bukti transfer Budi.pdf" and paid.proof_content_type == "application/pdf"
    assert paid.proof.name.endswith(".pdf") and "Budi" not in paid.proof.name
    assert (private_media / paid.proof.name).read_bytes() == MINIMAL_PDF
    assert timeline(paid)[-1] == (PayoutStatus.APPROVED, PayoutStatus.PAID, "bendahara")


def test_an_account_in_another_name_is_flagged(staff, unit, flat_rate):
    paid = pay_by_transfer(approved(retiree(unit), staff), staff["bendahara"], account_holder="Siti Aminah")
    assert paid.holder_mismatch

    titled = pay_by_transfer(
        approved(retiree(unit, name="Budi Santoso"), staff), staff["bendahara"], account_holder="Drs. BUDI SANTOSO"
    )
    assert not titled.holder_mismatch


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"bank_name": ""}, "bank_name", "required for a bank transfer"),
        ({"account_number": "12-AB"}, "account_number", "digits only"),
        ({"paid_on": None}, "paid_on", "Enter the date"),
        ({"paid_on": D(2999, 1, 1)}, "paid_on", "future"),
        ({"method": "cek"}, "method", "Choose how"),
        ({"method": PaymentMethod.CASH_AT_EVENT}, "event", "Choose the ceremony"),
        (
            {"proof": SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00 not a pdf")},
            "proof",
            "Only PDF, JPG or PNG",
        ),
    ],
)
def test_bad_payment_details_are_refused_by_field(
    english, staff, unit, flat_rate, private_media, kwargs, field, message
):
    payout = approved(retiree(unit), staff)

    with pytest.raises(PayoutError, match=message) as caught:
        pay_by_transfer(payout, staff["bendahara"], **kwargs)

    assert field in caught.value.errors
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.APPROVED and not payout.proof
    assert not [path for path in private_media.rglob("*") if path.is_file()]


def test_cash_at_a_ceremony_and_the_hand_over(english, staff, unit, flat_rate):
    employee = retiree(unit)
    event = EventFactory(organizer=unit)
    payout = approved(employee, staff, event=event)

    with pytest.raises(PayoutError, match="not a participant"):
        services.payout_hand_over(payout=payout, event=event, actor=staff["bendahara"])
    ParticipantFactory(event=event, employee=employee)
    with pytest.raises(PayoutError, match="Only the treasurer"):
        services.payout_hand_over(payout=payout, event=event, actor=staff["pimpinan"])

    paid = services.payout_hand_over(payout=payout, event=event, actor=staff["bendahara"])

    assert (paid.status, paid.method, paid.event) == (PayoutStatus.PAID, PaymentMethod.CASH_AT_EVENT, event)
    assert paid.handed_over_at == paid.paid_at and paid.paid_on == timezone.localdate()
    assert paid.bank_name == "" and not paid.holder_mismatch
    assert PayoutStatusChange.objects.filter(payout=paid).last().note == f"Handed over at {event.title}"
    with pytest.raises(PayoutError, match="Only an approved payout"):
        services.payout_hand_over(payout=paid, event=event, actor=staff["bendahara"])


def test_nothing_is_handed_over_at_a_draft_event(english, staff, unit, flat_rate):
    employee = retiree(unit)
    event = EventFactory(organizer=unit, status=EventStatus.DRAFT)
    ParticipantFactory(event=event, employee=employee)

    with pytest.raises(PayoutError, match="nothing can be handed over"):
        services.payout_hand_over(payout=approved(employee, staff), event=event, actor=staff["bendahara"])


# --- Cancelling and reversing -----------------------------------------------------------------------------


def test_cancel_needs_a_reason_and_frees_the_place_for_a_new_payout(english, staff, unit, flat_rate):
    employee = retiree(unit)
    payout = prepare(employee, staff)
    with pytest.raises(PayoutError, match="Give the reason"):
        services.payout_cancel(payout=payout, actor=staff["operator"], reason="  ")

    cancelled = services.payout_cancel(payout=payout, actor=staff["operator"], reason="Data golongan salah")

    assert (cancelled.status, cancelled.cancel_reason, cancelled.cancelled_by) == (
        PayoutStatus.CANCELLED,
        "Data golongan salah",
        staff["operator"],
    )
    assert timeline(cancelled)[-1] == (PayoutStatus.DRAFT, PayoutStatus.CANCELLED, "operator-bkd")
    assert prepare(employee, staff).status == PayoutStatus.DRAFT
    with pytest.raises(PayoutError, match="cannot be cancelled"):
        services.payout_cancel(payout=cancelled, actor=staff["operator"], reason="lagi")


def test_a_paid_payout_is_only_reversed_by_a_recorded_correction(english, staff, unit, flat_rate):
    employee = retiree(unit)
    paid = pay_by_transfer(approved(employee, staff), staff["bendahara"])

    with pytest.raises(PayoutError, match="can only be reversed"):
        services.payout_cancel(payout=paid, actor=staff["operator"], reason="salah")
    with pytest.raises(PayoutError, match="Only a draft's amount"):
        services.payout_amount_override(payout=paid, actor=staff["operator"], amount="1", reason="salah")
    with pytest.raises(PayoutError, match="may not reverse"):
        services.payout_reverse(payout=paid, actor=staff["bendahara"], reason="salah rekening")
    with pytest.raises(PayoutError, match="Give the reason"):
        services.payout_reverse(payout=paid, actor=staff["pimpinan"], reason="")
    with pytest.raises(PayoutError, match="already has a KORPRI tali asih payout"):
        prepare(employee, staff)

    reversed_ = services.payout_reverse(
        payout=paid, actor=staff["pimpinan"], reason="Ditransfer ke rekening yang salah"
    )

    assert reversed_.status == PayoutStatus.REVERSED and reversed_.reversed_by == staff["pimpinan"]
    assert reversed_.paid_at is not None  # the payment stays on record
    assert timeline(reversed_)[-1] == (PayoutStatus.PAID, PayoutStatus.REVERSED, "pimpinan")
    again = prepare(employee, staff)
    assert again.status == PayoutStatus.DRAFT and Payout.objects.filter(employee=employee).count() == 2
    with pytest.raises(PayoutError, match="Only a paid payout can be reversed"):
        services.payout_reverse(payout=again, actor=staff["pimpinan"], reason="x")


def test_every_step_is_refused_outside_the_scope(english, staff, unit, flat_rate):
    payout = prepare(retiree(unit), staff)
    elsewhere = UnitKerjaFactory()
    verifier = UserFactory(roles=[roles.VERIFIKATOR], units=[elsewhere])
    operator = UserFactory(roles=[roles.OPERATOR], units=[elsewhere])

    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.payout_verify(payout=payout, actor=verifier)
    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.payout_cancel(payout=payout, actor=operator, reason="x")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.DRAFT


# --- THT claims -------------------------------------------------------------------------------------------


def test_tht_claim_is_created_then_updated_with_history(english, staff, unit):
    employee = retiree(unit)

    claim = services.tht_claim_save(
        employee=employee,
        actor=staff["operator"],
        claim_filed_on=D(2025, 5, 2),
        taspen_reference=" TSP-0001 ",
        documents_complete=True,
    )
    assert claim.taspen_reference == "TSP-0001" and claim.documents_complete_on == timezone.localdate()
    claim = services.tht_claim_save(
        employee=employee, actor=staff["operator"], amount_received="Rp 25.300.000", received_on=D(2025, 7, 10)
    )

    assert ThtClaim.objects.get(employee=employee).amount_received == RP("25300000")
    assert claim.history.count() == 2 and claim.history.latest().history_user == staff["operator"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount_received": "0"}, "amount_received", "more than zero"),
        ({"amount_received": "dua juta"}, "amount_received", "not an amount"),
        ({"received_on": D(2025, 7, 10)}, "amount_received", "Enter the amount received"),
        ({"claim_filed_on": D(2999, 1, 1)}, "claim_filed_on", "future"),
    ],
)
def test_bad_tht_claims_are_refused_by_field(english, staff, unit, fields, field, message):
    with pytest.raises(PayoutError, match=message) as caught:
        services.tht_claim_save(employee=retiree(unit), actor=staff["operator"], **fields)
    assert field in caught.value.errors
    assert not ThtClaim.objects.exists()


def test_the_amount_of_a_prepared_tht_cannot_change_under_it(english, staff, unit):
    employee = retiree(unit)
    services.tht_claim_save(employee=employee, actor=staff["operator"], amount_received="25000000")
    prepare(employee, staff, BenefitType.THT)

    with pytest.raises(PayoutError, match="cancel or reverse it first"):
        services.tht_claim_save(employee=employee, actor=staff["operator"], amount_received="26000000")
    services.tht_claim_save(employee=employee, actor=staff["operator"], notes="Berkas dikirim ulang")
    assert ThtClaim.objects.get(employee=employee).amount_received == RP("25000000")


def test_tht_claims_need_the_permission_and_the_scope(english, staff, unit):
    with pytest.raises(PayoutError, match="may not record THT"):
        services.tht_claim_save(employee=retiree(unit), actor=staff["bendahara"], notes="x")
    outsider = UserFactory(roles=[roles.OPERATOR], units=[UnitKerjaFactory()])
    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services.tht_claim_save(employee=retiree(unit), actor=outsider, notes="x")
    with pytest.raises(TypeError):
        services.tht_claim_save(employee=retiree(unit), actor=staff["operator"], employee_id=1)


# --- Concurrency (PostgreSQL row locks) ---------------------------------------------------------------------


def at_the_same_moment(action, actors):
    """Run action(actor) in one thread per actor, released together; the outcomes (result or error)."""
    barrier = threading.Barrier(len(actors))
    outcomes = []

    def run(actor):
        try:
            barrier.wait()
            outcomes.append(action(actor))
        except PayoutError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL"
)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_the_same_moment_approve_once():
    operator = UserFactory(username="op", roles=[roles.OPERATOR], units="all")
    verifier = UserFactory(username="ver", roles=[roles.VERIFIKATOR], units="all")
    approvers = [UserFactory(username=f"pim{i}", roles=[roles.PIMPINAN], units="all") for i in range(2)]
    TaliAsihRateFactory()
    employee = retiree(UnitKerjaFactory())
    payout = services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=operator)
    payout = services.payout_verify(payout=payout, actor=verifier)

    outcomes = at_the_same_moment(lambda actor: services.payout_approve(payout=payout, actor=actor), approvers)

    assert sorted(isinstance(outcome, PayoutError) for outcome in outcomes) == [False, True]
    assert PayoutStatusChange.objects.filter(payout=payout, to_status=PayoutStatus.APPROVED).count() == 1
    assert payout.history.filter(status=PayoutStatus.APPROVED).count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_bendahara_paying_at_the_same_moment_pay_once():
    operator = UserFactory(username="op", roles=[roles.OPERATOR], units="all")
    verifier = UserFactory(username="ver", roles=[roles.VERIFIKATOR], units="all")
    approver = UserFactory(username="pim", roles=[roles.PIMPINAN], units="all")
    treasurers = [UserFactory(username=f"bend{i}", roles=[roles.BENDAHARA], units="all") for i in range(2)]
    TaliAsihRateFactory()
    payout = services.payout_prepare(
        employee=retiree(UnitKerjaFactory()), benefit_type=BenefitType.TALI_ASIH, actor=operator
    )
    payout = services.payout_verify(payout=payout, actor=verifier)
    payout = services.payout_approve(payout=payout, actor=approver)

    outcomes = at_the_same_moment(lambda actor: pay_by_transfer(payout, actor), treasurers)

    assert sorted(isinstance(outcome, PayoutError) for outcome in outcomes) == [False, True]
    assert PayoutStatusChange.objects.filter(payout=payout, to_status=PayoutStatus.PAID).count() == 1
    assert payout.history.filter(status=PayoutStatus.PAID).count() == 1


def test_rate_basis_values_are_the_pure_modules():
    assert set(RateBasis.values) == {"flat", "golongan", "masa_kerja", "tahun_anggota"}
