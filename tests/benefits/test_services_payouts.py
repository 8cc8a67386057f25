"""benefits/services/payouts.py: the one write path of payouts: preparing (amounts, the rate in force, overrides,
scope, database guards), verifying and approving (who may, bulk actions with their errors)."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, PaymentMethod, Payout, PayoutStatus, PayoutStatusChange, RateBasis, ThtClaim
from benefits.services import payouts as services
from employees.choices import AsnType, CaseStatus, RetirementKind
from purna import roles
from tests.benefits.payout_fixtures import (
    RP,
    TMT,
    approved,
    flat_rate_fixture,  # noqa: F401 (a fixture)
    prepare,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    timeline,
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import (
    EventFactory,
    PayoutFactory,
    RetirementCaseFactory,
    TaliAsihRateBandFactory,
    TaliAsihRateFactory,
    ThtClaimFactory,
    UnitKerjaFactory,
    UserFactory,
)

D = dt.date


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


def test_rate_basis_values_are_the_pure_modules():
    assert set(RateBasis.values) == {"flat", "golongan", "masa_kerja", "tahun_anggota"}
