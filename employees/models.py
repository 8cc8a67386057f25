from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from employees.choices import (
    GOLONGAN_CHOICES,
    PNS_PANGKAT,
    AsnType,
    EmployeeStatus,
    Gender,
    JenisJabatan,
    Jenjang,
    RumpunKhusus,
)


class UnitKerja(models.Model):
    """An organisational unit: a perangkat daerah (dinas, badan, kecamatan) or one of its sub-units."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("work unit")
        verbose_name_plural = _("work units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RetirementRule(models.Model):
    """One row of the retirement-age (BUP) table.

    Blank criteria match anything; the most specific matching rule wins (family > jenjang > jenis
    jabatan), see employees/retirement.py. Rules carry their validity dates and legal basis.
    """

    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices, blank=True)
    jenis_jabatan = models.CharField(_("position category"), max_length=20, choices=JenisJabatan.choices, blank=True)
    jenjang = models.CharField(_("jenjang (JF level)"), max_length=20, choices=Jenjang.choices, blank=True)
    rumpun = models.CharField(_("special position family"), max_length=20, choices=RumpunKhusus.choices, blank=True)
    born_before = models.DateField(
        _("born before"),
        null=True,
        blank=True,
        help_text=_("For transition rules: applies to people born before this date."),
    )
    bup = models.PositiveSmallIntegerField(_("retirement age (BUP)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("BUP rule")
        verbose_name_plural = _("BUP rules")
        ordering = ["jenis_jabatan", "jenjang", "rumpun", "valid_from"]
        constraints = [
            models.CheckConstraint(condition=Q(bup__gte=40, bup__lte=80), name="retirementrule_bup_range"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="retirementrule_valid_period",
            ),
        ]

    def __str__(self) -> str:
        parts = [self.get_rumpun_display(), self.get_jenis_jabatan_display(), self.get_jenjang_display()]
        label = " / ".join(str(p) for p in parts if p) or str(_("all positions"))
        return f"{label}: {self.bup}"


class Employee(models.Model):
    """An ASN (PNS or PPPK) in the register. Never hard-deleted: status records why they left."""

    asn_type = models.CharField(_("ASN type"), max_length=4, choices=AsnType.choices, default=AsnType.PNS)
    nip = models.CharField(_("NIP / NI PPPK"), max_length=18, unique=True)
    nip_lama = models.CharField(_("old NIP"), max_length=9, blank=True)
    front_title = models.CharField(_("title before name"), max_length=50, blank=True)
    name = models.CharField(_("name"), max_length=150, db_index=True)
    back_title = models.CharField(_("title after name"), max_length=80, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    golongan = models.CharField(_("golongan"), max_length=5, choices=GOLONGAN_CHOICES, blank=True)
    jabatan = models.CharField(_("position title"), max_length=200, blank=True)
    jenis_jabatan = models.CharField(_("position category"), max_length=20, choices=JenisJabatan.choices)
    jenjang = models.CharField(_("jenjang (JF level)"), max_length=20, choices=Jenjang.choices, blank=True)
    rumpun = models.CharField(_("special position family"), max_length=20, choices=RumpunKhusus.choices, blank=True)
    unit = models.ForeignKey(UnitKerja, verbose_name=_("work unit"), on_delete=models.PROTECT, related_name="employees")
    tmt_cpns = models.DateField(_("TMT CPNS"), help_text=_("For PPPK: the TMT of the first appointment."))
    tmt_pns = models.DateField(_("TMT PNS"), null=True, blank=True)
    contract_end = models.DateField(_("PPPK contract end"), null=True, blank=True)
    prior_service_months = models.PositiveIntegerField(
        _("recognised prior service (months)"), default=0, help_text=_("Earlier service recognised by an SK PMK.")
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=EmployeeStatus.choices, default=EmployeeStatus.AKTIF)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("portal account"), null=True, blank=True, on_delete=models.SET_NULL
    )

    # A per-person BUP decided by decree (e.g. an extension); always with its decree and reason.
    bup_override = models.PositiveSmallIntegerField(_("special BUP"), null=True, blank=True)
    bup_override_decree = models.CharField(_("special BUP decree number"), max_length=100, blank=True)
    bup_override_date = models.DateField(_("special BUP decree date"), null=True, blank=True)
    bup_override_reason = models.CharField(_("special BUP reason"), max_length=300, blank=True)
    nip_mismatch_accepted = models.BooleanField(
        _("NIP mismatch accepted"),
        default=False,
        help_text=_("Only for proven legacy cases: the NIP disagrees with the record and is kept with a reason."),
    )
    nip_mismatch_reason = models.CharField(_("NIP mismatch reason"), max_length=300, blank=True)

    # Retirement facts, computed by employees/retirement.py and stored so lists can filter and sort.
    bup = models.PositiveSmallIntegerField(_("BUP"), null=True, blank=True)
    bup_date = models.DateField(_("date BUP is reached"), null=True, blank=True)
    tmt_pensiun = models.DateField(_("TMT pensiun"), null=True, blank=True, db_index=True)
    service_years = models.PositiveSmallIntegerField(_("service (years)"), null=True, blank=True)
    service_months = models.PositiveSmallIntegerField(_("service (months)"), null=True, blank=True)
    retirement_rule = models.ForeignKey(
        RetirementRule, verbose_name=_("BUP rule"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "tmt_pensiun"], name="employee_status_tmt"),
            models.Index(fields=["unit", "tmt_pensiun"], name="employee_unit_tmt"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(nip__regex=r"^[0-9]{18}$"), name="employee_nip_18_digits"),
            models.CheckConstraint(
                condition=Q(bup_override__isnull=True) | ~Q(bup_override_decree=""),
                name="employee_bup_override_needs_decree",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.nip})"

    @property
    def display_name(self) -> str:
        """Name with academic titles as written on letters: "Drs. H. Ahmad Yani, M.Si."."""
        name = f"{self.front_title} {self.name}".strip()
        return f"{name}, {self.back_title}" if self.back_title else name

    @property
    def pangkat(self) -> str:
        return PNS_PANGKAT.get(self.golongan, "")
