"""THT (recorded as Taspen pays it) and KORPRI tali asih (computed from the branch's rates): the rates,
each retiree's THT claim, and the payouts with their approval pipeline and timeline.

Written only through benefits/services/; the tali asih rules are in benefits/tali_asih.py.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from benefits import heirs, payouts, tali_asih
from benefits.choices import BenefitType, PaymentMethod, PayoutStatus
from employees.choices import AsnType, RetirementKind
from employees.counts import RegisterQuerySet
from employees.models import Child, Employee, Spouse
from employees.storage import private_storage
from purna.jobs import ProgressJob

MONEY = {"max_digits": 14, "decimal_places": 2}


class RateBasis(models.TextChoices):
    FLAT = tali_asih.FLAT, _("Flat amount")
    GOLONGAN_GROUP = tali_asih.GOLONGAN_GROUP, _("By golongan group")
    SERVICE_YEARS = tali_asih.SERVICE_YEARS, _("By years of service (slabs)")
    MEMBERSHIP_YEAR = tali_asih.MEMBERSHIP_YEAR, _("Per year of membership")


class GolonganGroup(models.TextChoices):
    # Group names are the civil service's own: never translated.
    I = "I", "I"  # noqa: E741
    II = "II", "II"
    III = "III", "III"
    IV = "IV", "IV"
    PPPK = "PPPK", "PPPK"


class TaliAsihRate(models.Model):
    """A KORPRI branch's decision on tali asih: its basis, its period and, for slab and golongan rates,
    its bands (DESIGN.md, "KORPRI tali asih"). Payouts keep a copy of what they used (Payout.breakdown)."""

    name = models.CharField(_("name"), max_length=200)
    decision_number = models.CharField(_("KORPRI decision number"), max_length=100)
    decision_date = models.DateField(_("KORPRI decision date"), null=True, blank=True)
    effective_from = models.DateField(
        _("effective from"), help_text=_("For retirees whose TMT pensiun is on or after.")
    )
    effective_until = models.DateField(
        _("effective until"), null=True, blank=True, help_text=_("Last TMT pensiun it applies to; empty: no end.")
    )
    basis = models.CharField(_("basis"), max_length=15, choices=RateBasis.choices, default=RateBasis.FLAT)
    amount = models.DecimalField(
        _("amount (Rp)"),
        **MONEY,
        null=True,
        blank=True,
        help_text=_("The flat amount, or the amount per year of membership; empty for rates with bands."),
    )
    cap = models.DecimalField(
        _("maximum (Rp)"), **MONEY, null=True, blank=True, help_text=_("Per-year rates only: the most it gives.")
    )
    retirement_kind = models.CharField(
        _("only for retirement kind"),
        max_length=15,
        choices=RetirementKind.choices,
        blank=True,
        help_text=_("Empty: every kind. A rate for one kind wins over a general one."),
    )
    asn_type = models.CharField(_("only for ASN type"), max_length=4, choices=AsnType.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tali asih rate")
        verbose_name_plural = _("tali asih rates")
        ordering = ["-effective_from", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_until__isnull=True) | Q(effective_until__gte=F("effective_from")),
                name="taliasihrate_valid_period",
                violation_error_message=_("The end of the period cannot be before its start."),
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0),
                name="taliasihrate_amount_pos",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0),
                name="taliasihrate_cap_positive",
                violation_error_message=_("The maximum must be more than zero."),
            ),
            models.CheckConstraint(
                condition=~Q(basis__in=[RateBasis.FLAT, RateBasis.MEMBERSHIP_YEAR]) | Q(amount__isnull=False),
                name="taliasihrate_amount_for_basis",
                violation_error_message=_("A flat or per-year rate needs its amount."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.decision_number})"

    @property
    def is_per_membership_year(self) -> bool:
        return self.basis == RateBasis.MEMBERSHIP_YEAR


class TaliAsihRateBand(models.Model):
    """One row of a rate's table: an amount for a golongan group, or for a slab of years of service."""

    rate = models.ForeignKey(TaliAsihRate, verbose_name=_("rate"), on_delete=models.CASCADE, related_name="bands")
    golongan_group = models.CharField(_("golongan group"), max_length=4, choices=GolonganGroup.choices, blank=True)
    min_years = models.PositiveSmallIntegerField(
        _("from years of service (inclusive)"),
        null=True,
        blank=True,
        help_text=_("Slabs: min ≤ masa kerja < max, e.g. 5 ≤ masa kerja < 10 (full years)."),
    )
    max_years = models.PositiveSmallIntegerField(
        _("up to years of service (exclusive)"),
        null=True,
        blank=True,
        help_text=_("Exclusive: 10 means up to 9 years and 11 months. Empty: no upper end."),
    )
    amount = models.DecimalField(_("amount (Rp)"), **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tali asih band")
        verbose_name_plural = _("tali asih bands")
        ordering = ["rate", "golongan_group", "min_years"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="taliasihband_amount_positive",
                violation_error_message=_("The amount must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_years__isnull=True) | Q(min_years__isnull=False, min_years__lt=F("max_years")),
                name="taliasihband_min_below_max",
                violation_error_message=_("A slab's upper end must be above its start."),
            ),
            models.CheckConstraint(
                condition=~Q(golongan_group="") | Q(min_years__isnull=False),
                name="taliasihband_group_or_years",
                violation_error_message=_("Give a golongan group or the years of service."),
            ),
        ]

    def __str__(self) -> str:
        return self.as_band().label

    def as_band(self) -> tali_asih.Band:
        return tali_asih.Band(
            amount=self.amount, golongan_group=self.golongan_group, min_years=self.min_years, max_years=self.max_years
        )


class ThtClaim(models.Model):
    """The THT (Tabungan Hari Tua) of one retiree as PT Taspen handles it: Purna records the claim and what
    Taspen paid, it does not compute THT (DESIGN.md, "THT (Taspen)")."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="tht_claim"
    )
    claim_filed_on = models.DateField(_("claim filed on"), null=True, blank=True)
    taspen_reference = models.CharField(_("Taspen reference"), max_length=100, blank=True)
    documents_complete = models.BooleanField(_("documents complete"), default=False)
    documents_complete_on = models.DateField(_("documents complete on"), null=True, blank=True)
    amount_received = models.DecimalField(
        _("amount received (Rp)"), **MONEY, null=True, blank=True, help_text=_("As stated by PT Taspen.")
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("THT claim")
        verbose_name_plural = _("THT claims")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_received__isnull=True)
                | Q(amount_received__gt=0, amount_received__lte=tali_asih.MAX_AMOUNT),
                name="thtclaim_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(documents_complete=True) | Q(documents_complete_on__isnull=True),
                name="thtclaim_complete_date_needs_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"THT {self.employee.display_name}"


# A cancelled or reversed payout no longer counts: the employee may get a new one.
CLOSED_STATUSES = (PayoutStatus.CANCELLED, PayoutStatus.REVERSED)
# Statuses past each step (for the constraints that the step's date is recorded).
_VERIFIED_OR_LATER = [PayoutStatus.VERIFIED, PayoutStatus.APPROVED, PayoutStatus.PAID, PayoutStatus.REVERSED]
_APPROVED_OR_LATER = [PayoutStatus.APPROVED, PayoutStatus.PAID, PayoutStatus.REVERSED]
_PAID_OR_LATER = [PayoutStatus.PAID, PayoutStatus.REVERSED]


def _proof_path(instance: "Payout", filename: str) -> str:
    # Not the uploaded name: names carry personal data and may be hostile.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"payouts/{instance.employee_id}/bukti-{uuid.uuid4().hex}.{extension}"


def _heir_statement_path(instance: "Payout", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"payouts/{instance.employee_id}/ahli-waris-{uuid.uuid4().hex}.{extension}"


def _user_fk(verbose_name: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class Payout(models.Model):
    """One payout of THT or tali asih to a retiree (or their heirs), from draft to paid.

    DRAFT -> VERIFIED -> APPROVED -> PAID, or CANCELLED (with a reason) before it is paid; a paid payout is
    never edited, only REVERSED by a recorded correction, after which a new payout may be prepared. One
    live (not cancelled, not reversed) payout per employee and benefit, enforced by the database.
    """

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="payouts")
    benefit_type = models.CharField(_("benefit"), max_length=10, choices=BenefitType.choices)
    status = models.CharField(_("status"), max_length=15, choices=PayoutStatus.choices, default=PayoutStatus.DRAFT)
    tmt = models.DateField(_("TMT pensiun"), help_text=_("The TMT the amount was computed for."))
    amount = models.DecimalField(_("amount (Rp)"), **MONEY, help_text=_("What is paid: the override if any."))
    computed_amount = models.DecimalField(_("computed amount (Rp)"), **MONEY)
    breakdown = models.JSONField(_("computation"), default=dict, blank=True)
    rate = models.ForeignKey(
        TaliAsihRate, verbose_name=_("rate"), null=True, blank=True, on_delete=models.PROTECT, related_name="payouts"
    )
    override_amount = models.DecimalField(_("amount set by hand (Rp)"), **MONEY, null=True, blank=True)
    override_reason = models.CharField(_("reason for the amount set by hand"), max_length=300, blank=True)

    prepared_by = _user_fk(_("prepared by"))
    prepared_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    verified_by = _user_fk(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    approved_by = _user_fk(_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = _user_fk(_("paid by"))
    paid_at = models.DateTimeField(_("payment recorded at"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cancelled_by = _user_fk(_("cancelled by"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    reversed_by = _user_fk(_("reversed by"))
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reverse_reason = models.CharField(_("reason for the correction"), max_length=300, blank=True)

    method = models.CharField(_("payment method"), max_length=15, choices=PaymentMethod.choices, blank=True)
    event = models.ForeignKey(
        "ceremonies.Event",
        verbose_name=_("ceremony"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
        help_text=_("The ceremony where it is handed over (cash)."),
    )
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_number = models.CharField(_("account number"), max_length=40, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=150, blank=True)
    holder_mismatch = models.BooleanField(
        _("account holder differs"),
        default=False,
        help_text=_("The account holder's name is not the employee's (titles and case ignored): check it."),
    )
    proof = models.FileField(_("proof of payment"), storage=private_storage, upload_to=_proof_path, blank=True)
    proof_name = models.CharField(_("original file name"), max_length=255, blank=True)
    proof_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    # The heir who receives the payout of an employee who died (benefits/heirs.py): a spouse or a child on
    # the register, at most one of them, with the heir statement as proof. Empty: the employee.
    payee_spouse = models.ForeignKey(
        Spouse,
        verbose_name=_("payee (spouse)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    payee_child = models.ForeignKey(
        Child,
        verbose_name=_("payee (child)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts",
    )
    heir_statement = models.FileField(
        _("heir statement"), storage=private_storage, upload_to=_heir_statement_path, blank=True
    )
    heir_statement_name = models.CharField(_("heir statement file name"), max_length=255, blank=True)
    heir_statement_content_type = models.CharField(_("heir statement content type"), max_length=100, blank=True)
    history = HistoricalRecords()
    # The dashboard's count of retirees without tali asih reads payouts: bulk writes follow it too.
    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-prepared_at", "-pk"]
        permissions = [
            ("verify_payout", _("Can verify payouts")),
            ("approve_payout", _("Can approve payouts")),
            ("pay_payout", _("Can record payouts as paid")),
            ("reverse_payout", _("Can reverse paid payouts")),
        ]
        indexes = [models.Index(fields=["status", "tmt"], name="payout_status_tmt")]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "benefit_type"],
                condition=~Q(status__in=CLOSED_STATUSES),
                name="payout_one_live_per_benefit",
                violation_error_message=_("This employee already has a payout of this benefit."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, amount__lte=tali_asih.MAX_AMOUNT), name="payout_amount_range"
            ),
            models.CheckConstraint(
                condition=Q(computed_amount__gte=0, computed_amount__lte=tali_asih.MAX_AMOUNT),
                name="payout_computed_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(override_amount__isnull=True) | (Q(override_amount=F("amount")) & ~Q(override_reason="")),
                name="payout_override_with_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_VERIFIED_OR_LATER) | Q(verified_at__isnull=False),
                name="payout_verified_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_APPROVED_OR_LATER) | Q(approved_at__isnull=False),
                name="payout_approved_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=_PAID_OR_LATER)
                | (Q(paid_at__isnull=False, paid_on__isnull=False) & ~Q(method="")),
                name="payout_paid_has_payment",
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.CASH_AT_EVENT) | Q(event__isnull=False),
                name="payout_cash_needs_event",
            ),
            models.CheckConstraint(
                condition=~Q(method=PaymentMethod.BANK_TRANSFER)
                | (~Q(bank_name="") & ~Q(account_number="") & ~Q(account_holder="")),
                name="payout_transfer_needs_account",
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.CANCELLED) | (Q(cancelled_at__isnull=False) & ~Q(cancel_reason="")),
                name="payout_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=PayoutStatus.REVERSED) | (Q(reversed_at__isnull=False) & ~Q(reverse_reason="")),
                name="payout_reversed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(payee_spouse__isnull=True) | Q(payee_child__isnull=True),
                name="payout_one_heir_payee",
                violation_error_message=_("A payout is paid to one heir: a spouse or a child, not both."),
            ),
            models.CheckConstraint(
                condition=(Q(payee_spouse__isnull=True) & Q(payee_child__isnull=True)) | ~Q(heir_statement=""),
                name="payout_heir_has_statement",
                violation_error_message=_("An heir as payee needs the heir statement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_benefit_type_display()}: {self.employee.display_name}"

    @property
    def payee(self) -> "Spouse | Child | None":
        """The heir who receives it, or None when it is the employee's own."""
        return self.payee_spouse or self.payee_child

    @property
    def payee_name(self) -> str:
        """Whose name the payment is made out to (the bank account holder is checked against it)."""
        payee = self.payee
        return payee.name if payee is not None else self.employee.display_name

    @property
    def payee_line(self) -> str:
        """ "Ibu Siti Aminah, istri", or "" when the employee receives it."""
        payee = self.payee
        if payee is None:
            return ""
        return heirs.payee_line(
            name=payee.name,
            kind=heirs.SPOUSE if self.payee_spouse_id else heirs.CHILD,
            employee_gender=self.employee.gender,
            child_gender=getattr(payee, "gender", ""),
        )

    @property
    def is_overridden(self) -> bool:
        return self.override_amount is not None

    # The status as the templates ask it (benefits/payouts.py holds the rules).
    @property
    def is_draft(self) -> bool:
        return self.status == PayoutStatus.DRAFT

    @property
    def is_verified(self) -> bool:
        return self.status == PayoutStatus.VERIFIED

    @property
    def is_approved(self) -> bool:
        return self.status == PayoutStatus.APPROVED

    @property
    def is_paid(self) -> bool:
        return self.status == PayoutStatus.PAID

    @property
    def is_reversed(self) -> bool:
        return self.status == PayoutStatus.REVERSED

    @property
    def is_bank_transfer(self) -> bool:
        return self.method == PaymentMethod.BANK_TRANSFER

    @property
    def is_tht(self) -> bool:
        return self.benefit_type == BenefitType.THT

    @property
    def is_tali_asih(self) -> bool:
        return self.benefit_type == BenefitType.TALI_ASIH

    @property
    def awaiting_decision(self) -> bool:
        return payouts.awaiting_decision(self.status)

    @property
    def receipt_open(self) -> bool:
        return payouts.receipt_open(self.status)


class PayoutStatusChange(models.Model):
    """The timeline of a payout: who moved it from which status to which, when, and why."""

    payout = models.ForeignKey(
        Payout, verbose_name=_("payout"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=15, choices=PayoutStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=15, choices=PayoutStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    amount = models.DecimalField(_("amount (Rp)"), **MONEY, null=True, blank=True)

    class Meta:
        verbose_name = _("payout status change")
        verbose_name_plural = _("payout status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"


# --- Documents: numbered receipts ------------------------------------------------------------------------


class ReceiptStatus(models.TextChoices):
    PENDING = "menunggu", _("Being prepared")
    DONE = "selesai", _("Ready")


class Receipt(models.Model):
    """The kuitansi (tanda terima) of a payout: numbered once, when first issued; issuing it again keeps
    the number and replaces the PDF, which a worker renders (benefits.tasks.receipt_render_task)."""

    payout = models.OneToOneField(Payout, verbose_name=_("payout"), on_delete=models.PROTECT, related_name="receipt")
    number = models.CharField(_("number"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    issued_on = models.DateField(_("dated"))
    issued_by = _user_fk(_("issued by"))
    status = models.CharField(_("status"), max_length=10, choices=ReceiptStatus.choices, default=ReceiptStatus.PENDING)
    file = models.FileField(_("file"), storage=private_storage, upload_to="receipts/", blank=True)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    # When its rendering was handed to the broker; empty while the broker could not be reached, so that
    # receipts_sweep hands it over once the broker is back (purna/dispatch.py).
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    # A hand-over undone (benefits.services.payout_flow.payout_hand_over_undo): the paper signed at the
    # ceremony no longer stands, so the receipt keeps its number and is printed "DIBATALKAN" with why,
    # until the payout is paid again (issuing it again clears this).
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)
    void_reason = models.CharField(_("reason it is void"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-year", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["year", "seq"], name="receipt_year_seq"),
            models.CheckConstraint(
                condition=~Q(status=ReceiptStatus.DONE) | (Q(rendered_at__isnull=False) & ~Q(file="")),
                name="receipt_done_has_file",
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="receipt_void_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_ready(self) -> bool:
        return self.status == ReceiptStatus.DONE

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class BatchStatus(models.TextChoices):
    PENDING = "menunggu", _("Waiting")
    RUNNING = "berjalan", _("Running")
    DONE = "selesai", _("Finished")
    FAILED = "gagal", _("Failed")


class PayoutBatch(ProgressJob):
    """A preparation of payouts too large to run inside a page request (more than
    PURNA_PAYOUT_PREPARE_INLINE_MAX retirees): the Celery worker prepares them chunk by chunk and stores
    its progress here after each chunk, so the page can poll it and a second run continues, not repeats.
    Its errors are per retiree (errors), so no error text."""

    Status = BatchStatus

    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    benefit_type = models.CharField(_("benefit"), max_length=10, choices=BenefitType.choices)
    event = models.ForeignKey(
        "ceremonies.Event",
        verbose_name=_("ceremony"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    period_from = models.DateField(_("TMT from"), null=True, blank=True)
    period_until = models.DateField(_("TMT until"), null=True, blank=True)
    # The retirees chosen when it was requested: the worker prepares exactly those, in this order.
    employee_ids = models.JSONField(_("employees"), default=list, editable=False)
    created = models.PositiveIntegerField(_("payouts prepared"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    error = None

    class Meta:
        verbose_name = _("payout preparation batch")
        verbose_name_plural = _("payout preparation batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def running(self) -> bool:
        return self.is_running
