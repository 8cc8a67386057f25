"""Preparing payouts: the tali asih due from the rate in force at the TMT (benefits/tali_asih.py), the THT
amount PT Taspen paid, and the draft payout of one employee or of many (a cohort, a ceremony's
participants). The pipeline's table is benefits/payouts.py; the helpers are in payout_base.py."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from benefits import notifications, tali_asih
from benefits.exceptions import PayoutError
from benefits.models import (
    BenefitType,
    Payout,
    TaliAsihRate,
    ThtClaim,
)
from benefits.payouts import COUNTED_STATUSES, PERM_PREPARE
from benefits.services.payout_base import (
    BulkReport,
    _permission_check,
    _save,
    _scope_check,
    _status_change,
    _text_check,
    _user,
    amount_parse,
)
from ceremonies.models import Event, EventStatus
from employees import cases, pension_kinds, retirement
from employees.choices import RetirementKind
from employees.models import Employee, RetirementCase
from employees.nip import format_nip
from purna.db import BUSY_MESSAGE, is_transient
from purna.types import User

# --- Tali asih: the rate in force and the amount ---------------------------------------------------------


def rate_from_model(rate: TaliAsihRate) -> tali_asih.Rate:
    """The pure module's view of a TaliAsihRate row (its bands prefetched or loaded)."""
    return tali_asih.Rate(
        id=rate.pk,
        name=rate.name,
        decision_number=rate.decision_number,
        decision_date=rate.decision_date,
        effective_from=rate.effective_from,
        effective_until=rate.effective_until,
        basis=rate.basis,
        amount=rate.amount,
        cap=rate.cap,
        retirement_kind=rate.retirement_kind,
        asn_type=rate.asn_type,
        bands=tuple(band.as_band() for band in rate.bands.all()),
    )


@dataclass(frozen=True)
class RetirementTerms:
    """What a payout is computed for: the TMT pensiun, the retirement kind and the masa kerja at the TMT."""

    tmt: dt.date | None
    kind: str
    service_years: int
    service_months: int


NO_CASE: Any = object()


def retirement_terms(employee: Employee, case: Any = NO_CASE) -> RetirementTerms:
    """The TMT and kind of the employee's retirement record while it is live or done (a death or an APS
    decides its own TMT), else the computed TMT pensiun as a retirement at the BUP. `case`: the record
    already read (None: none), else it is read here.

    The masa kerja is the years the member served: to the TMT, except after a death, where the service
    ended at the death (in service) or at the pensioner's own TMT (pensiun terusan), not at the widow(er)'s
    TMT that follows it: the count of the record's page (employees/pension_kinds.py masa_kerja)."""
    if case is NO_CASE:
        case = RetirementCase.objects.filter(employee_id=employee.pk, status__in=cases.LIVE).first()
    tmt = case.tmt if case is not None else employee.tmt_pensiun
    kind = case.kind if case is not None else RetirementKind.BUP
    if tmt is None:
        return RetirementTerms(None, kind, 0, 0)
    if case is not None and case.kind in pension_kinds.DECEASED_KINDS:
        service = pension_kinds.masa_kerja(
            kind=case.kind,
            tmt=tmt,
            died_on=case.died_on,
            tmt_cpns=employee.tmt_cpns,
            prior_service_months=employee.prior_service_months or 0,
            retired_on=case.pensioner_tmt,
        )
        years, months = service.years, service.months
    elif tmt == employee.tmt_pensiun and employee.service_years is not None:
        years, months = employee.service_years, employee.service_months or 0
    else:
        years, months = retirement.service_length(employee.tmt_cpns, tmt, employee.prior_service_months)
    return RetirementTerms(tmt, kind, years, months)


def tali_asih_compute(*, employee: Employee) -> tuple[RetirementTerms, tali_asih.Breakdown]:
    """The tali asih due to an employee from the rate in force at their TMT, with its breakdown (no
    write: the staff pages show it before a payout is prepared). Raises PayoutError."""
    terms = retirement_terms(employee)
    rates = [rate_from_model(rate) for rate in TaliAsihRate.objects.prefetch_related("bands")]
    return terms, _tali_asih_breakdown(employee, terms, rates)


def _tali_asih_breakdown(
    employee: Employee, terms: RetirementTerms, rates: list[tali_asih.Rate]
) -> tali_asih.Breakdown:
    if terms.tmt is None:
        raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
    rate = tali_asih.rate_for(rates, tmt=terms.tmt, asn_type=employee.asn_type, retirement_kind=terms.kind)
    if rate is None:
        raise PayoutError(
            _("No tali asih rate is in force on %(tmt)s for this retiree: add the KORPRI decision to the rates.")
            % {"tmt": terms.tmt.strftime("%d-%m-%Y")}
        )
    try:
        breakdown = tali_asih.tali_asih_amount(
            rate,
            golongan=employee.golongan,
            asn_type=employee.asn_type,
            service_years=terms.service_years,
            service_months=terms.service_months,
        )
    except tali_asih.TaliAsihError as exc:
        raise PayoutError(str(exc)) from exc
    return breakdown


def _tht_amount(employee: Employee, claim: Any = NO_CASE) -> tuple[Decimal, dict[str, Any]]:
    if claim is NO_CASE:
        claim = ThtClaim.objects.filter(employee_id=employee.pk).first()
    if claim is None or claim.amount_received is None:
        raise PayoutError(_("The THT amount paid by PT Taspen is not recorded yet: record it on the THT claim first."))
    return claim.amount_received, {
        "source": "taspen",
        "claim_id": claim.pk,
        "taspen_reference": claim.taspen_reference,
        "received_on": claim.received_on.isoformat() if claim.received_on else None,
        "amount": str(claim.amount_received),
    }


# --- Preparing ------------------------------------------------------------------------------------------


def _event_check(event: Event | None) -> None:
    if event is not None and event.status in (EventStatus.DRAFT, EventStatus.CLOSED):
        raise PayoutError(
            errors={
                "event": [
                    _("The event is %(status)s: choose a published one.") % {"status": event.get_status_display()}
                ]
            }
        )


def payout_prepare(
    *,
    employee: Employee,
    benefit_type: str,
    actor: User,
    event: Event | None = None,
    override_amount: Any = None,
    override_reason: str = "",
) -> Payout:
    """Prepare a draft payout of THT or tali asih for an employee and return it.

    Tali asih is computed from the rate in force at the employee's TMT (the retirement record's while it
    is live, else the computed TMT pensiun) and the masa kerja then; THT takes the amount PT Taspen paid
    (ThtClaim.amount_received) and is refused while it is unknown. An amount set by hand needs its reason;
    the computed amount and its breakdown are kept beside it. One live payout per employee and benefit.
    `event` is the ceremony where it is to be handed over. Raises PayoutError; nothing is saved then.
    """
    _permission_check(actor, PERM_PREPARE, _("You may not prepare payouts."))
    if benefit_type not in BenefitType.values:
        raise PayoutError(errors={"benefit_type": [_("Choose THT or tali asih.")]})
    override = None
    if override_amount not in (None, ""):
        override = amount_parse(override_amount, "override_amount")
        override_reason = _text_check(
            override_reason,
            "override_reason",
            required=True,
            message=_("Give the reason for setting the amount by hand."),
        )
    else:
        override_reason = ""
    _event_check(event)
    with transaction.atomic():
        # The employee's row serialises two preparations for the same person; the unique constraint
        # (payout_one_live_per_benefit) is the last guard.
        locked = Employee.objects.select_for_update().get(pk=employee.pk)
        _scope_check(actor, locked)
        existing = (
            Payout.objects.filter(employee=locked, benefit_type=benefit_type, status__in=COUNTED_STATUSES)
            .only("status")
            .first()
        )
        if existing is not None:
            raise PayoutError(
                _("%(name)s already has a %(benefit)s payout (%(status)s).")
                % {
                    "name": locked.display_name,
                    "benefit": BenefitType(benefit_type).label,
                    "status": existing.get_status_display(),
                }
            )
        rate_id = None
        if benefit_type == BenefitType.TALI_ASIH:
            terms, breakdown = tali_asih_compute(employee=locked)
            computed, details, rate_id = breakdown.amount, breakdown.as_json(), breakdown.rate_id
        else:
            terms = retirement_terms(locked)
            if terms.tmt is None:
                raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
            computed, details = _tht_amount(locked)
        assert terms.tmt is not None  # both branches above refuse a record without a TMT
        problems = tali_asih.amount_check(computed)
        if problems and override is None:
            raise PayoutError(errors={"amount": problems})
        payout = Payout(
            employee=locked,
            benefit_type=benefit_type,
            tmt=terms.tmt,
            computed_amount=computed,
            amount=override if override is not None else computed,
            breakdown={**details, "tmt": terms.tmt.isoformat(), "retirement_kind": terms.kind},
            rate_id=rate_id,
            override_amount=override,
            override_reason=override_reason,
            event=event,
            prepared_by=_user(actor),
        )
        _save(payout, actor)
        _status_change(payout, from_status="", actor=actor, note=override_reason, amount=payout.amount)
        notifications.payout_prepared(payout)
    return payout


def payouts_prepare_bulk(
    *, employees: Iterable[Employee], benefit_type: str, actor: User | None, event: Event | None = None
) -> BulkReport:
    """Prepare a draft payout for each employee (a cohort, a ceremony's participants); those already
    having a live or paid one are skipped; one person's error does not stop the others'."""
    actor = _permission_check(actor, PERM_PREPARE, _("You may not prepare payouts."))
    employees = list(employees)
    having = set(
        Payout.objects.filter(
            employee__in=[employee.pk for employee in employees],
            benefit_type=benefit_type,
            status__in=COUNTED_STATUSES,
        ).values_list("employee_id", flat=True)
    )
    report = BulkReport()
    for employee in employees:
        if employee.pk in having:
            report.skipped.append(employee)
            continue
        try:
            report.done.append(payout_prepare(employee=employee, benefit_type=benefit_type, actor=actor, event=event))
        except PayoutError as error:
            report.errors.append((employee.display_name, error.messages))
        except DatabaseError as error:
            # One transaction per person: the busy one is named, the others stand (purna/db.py).
            if not is_transient(error):
                raise
            report.errors.append((employee.display_name, [str(BUSY_MESSAGE)]))
    return report


# --- The preview before preparing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """One retiree of a preparation's preview: the amount and the rule it comes from, or why no payout
    would be prepared (`skipped`: one already exists; `problems`: it cannot be computed)."""

    employee: Employee
    amount: Decimal | None
    rule: str
    skipped: bool
    problems: tuple[str, ...]
    tmt: dt.date | None = None

    @property
    def nip(self) -> str:
        return format_nip(self.employee.nip)

    @property
    def prepared(self) -> bool:
        return not self.skipped and not self.problems


@dataclass(frozen=True)
class PreparePreview:
    rows: list[PreviewRow]
    total: Decimal  # the sum of the amounts that would be prepared

    @property
    def to_prepare(self) -> int:
        return sum(1 for row in self.rows if row.prepared)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.problems)


def _rule(breakdown: tali_asih.Breakdown) -> str:
    parts = [breakdown.rate_name]
    if breakdown.band:
        parts.append(breakdown.band)
    if breakdown.golongan_group:
        parts.append(_("golongan %(group)s") % {"group": breakdown.golongan_group})
    if breakdown.decision_number:
        parts.append(breakdown.decision_number)
    return " · ".join(part for part in parts if part)


def payouts_preview(*, employees: Iterable[Employee], benefit_type: str) -> PreparePreview:
    """What preparing `employees`' payouts of `benefit_type` would give, person by person, without a write:
    the amount and its rule (the tali asih rate and band, or the THT PT Taspen paid), those skipped
    (a live or paid payout already) and those refused with why, and the total. A fixed number of queries
    whatever the number of employees (the rates, records and THT claims are read once)."""
    employees = list(employees)
    ids = [employee.pk for employee in employees]
    having = set(
        Payout.objects.filter(employee__in=ids, benefit_type=benefit_type, status__in=COUNTED_STATUSES).values_list(
            "employee_id", flat=True
        )
    )
    records: dict[int, RetirementCase] = {}
    for case in RetirementCase.objects.filter(employee_id__in=ids, status__in=cases.LIVE).order_by("-pk"):
        records[case.employee_id] = case
    if benefit_type == BenefitType.TALI_ASIH:
        rates = [rate_from_model(rate) for rate in TaliAsihRate.objects.prefetch_related("bands")]
    else:
        claims = {claim.employee_id: claim for claim in ThtClaim.objects.filter(employee_id__in=ids)}
    rows, total = [], Decimal(0)
    for employee in employees:
        if employee.pk in having:
            rows.append(PreviewRow(employee, None, "", skipped=True, problems=()))
            continue
        terms = retirement_terms(employee, records.get(employee.pk))
        try:
            if benefit_type == BenefitType.TALI_ASIH:
                breakdown = _tali_asih_breakdown(employee, terms, rates)
                amount, rule = breakdown.amount, _rule(breakdown)
            else:
                if terms.tmt is None:
                    raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
                claim = claims.get(employee.pk)
                amount, _details = _tht_amount(employee, claim)
                rule = _("Paid by PT Taspen")
                if claim is not None and claim.taspen_reference:
                    rule = f"{rule} · {claim.taspen_reference}"
        except PayoutError as error:
            rows.append(PreviewRow(employee, None, "", skipped=False, problems=tuple(error.messages), tmt=terms.tmt))
            continue
        refused = tuple(str(problem) for problem in tali_asih.amount_check(amount))
        if refused:
            rows.append(PreviewRow(employee, amount, rule, skipped=False, problems=refused, tmt=terms.tmt))
            continue
        rows.append(PreviewRow(employee, amount, rule, skipped=False, problems=(), tmt=terms.tmt))
        total += amount
    return PreparePreview(rows=rows, total=total)
