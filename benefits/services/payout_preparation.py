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
from employees import cases, retirement
from employees.choices import RetirementKind
from employees.models import Employee, RetirementCase
from purna.db import BUSY_MESSAGE, is_transient

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


def retirement_terms(employee: Employee) -> RetirementTerms:
    """The TMT and kind of the employee's retirement record while it is live or done (a death or an APS
    decides its own TMT), else the computed TMT pensiun as a retirement at the BUP."""
    case = RetirementCase.objects.filter(employee_id=employee.pk, status__in=cases.LIVE).first()
    tmt = case.tmt if case is not None else employee.tmt_pensiun
    kind = case.kind if case is not None else RetirementKind.BUP
    if tmt is None:
        return RetirementTerms(None, kind, 0, 0)
    if tmt == employee.tmt_pensiun and employee.service_years is not None:
        years, months = employee.service_years, employee.service_months or 0
    else:
        years, months = retirement.service_length(employee.tmt_cpns, tmt, employee.prior_service_months)
    return RetirementTerms(tmt, kind, years, months)


def tali_asih_compute(*, employee: Employee) -> tuple[RetirementTerms, tali_asih.Breakdown]:
    """The tali asih due to an employee from the rate in force at their TMT, with its breakdown (no
    write: the staff pages show it before a payout is prepared). Raises PayoutError."""
    terms = retirement_terms(employee)
    if terms.tmt is None:
        raise PayoutError(_("The employee has no TMT pensiun yet: complete their record first."))
    rates = [rate_from_model(rate) for rate in TaliAsihRate.objects.prefetch_related("bands")]
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
    return terms, breakdown


def _tht_amount(employee: Employee) -> tuple[Decimal, dict[str, Any]]:
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
    actor: Any,
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
    *, employees: Iterable[Employee], benefit_type: str, actor: Any, event: Event | None = None
) -> BulkReport:
    """Prepare a draft payout for each employee (a cohort, a ceremony's participants); those already
    having a live or paid one are skipped; one person's error does not stop the others'."""
    _permission_check(actor, PERM_PREPARE, _("You may not prepare payouts."))
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
