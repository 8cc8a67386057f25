import uuid
from operator import attrgetter

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from employees import cases
from employees.choices import (
    GOLONGAN_CHOICES,
    PNS_PANGKAT,
    AsnType,
    CaseStatus,
    ChecklistCondition,
    ChildRelation,
    CorrectionStatus,
    DisciplineLevel,
    EmployeeStatus,
    Gender,
    ImportKind,
    ImportStatus,
    JenisJabatan,
    Jenjang,
    MarriageEnd,
    ParentRelation,
    RetirementKind,
    RumpunKhusus,
    SkHandoverPlace,
)
from employees.counts import RegisterQuerySet
from employees.storage import private_storage
from purna.jobs import JobStatus, ProgressJob


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


class StaffScope(models.Model):
    """Which units' employees a staff user may see and change (employees/scope.py decides from it).

    Every unit, or the chosen units with all the units nested under them. A staff user without one
    sees nobody; superusers see everything.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="staff_scope",
    )
    all_units = models.BooleanField(
        _("all work units"), default=False, help_text=_("Central BKD staff: every unit, now and in the future.")
    )
    units = models.ManyToManyField(
        UnitKerja,
        verbose_name=_("work units"),
        blank=True,
        related_name="+",
        help_text=_("Only these units and the units under them (ignored when all work units is ticked)."),
    )
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")

    def __str__(self) -> str:
        return str(self.user)


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
    # Indexed in Meta: a plain B-tree for sorting. Django's db_index would add a LIKE index on PostgreSQL
    # that no search uses (names are searched case-insensitively and by trigram), and every index slows
    # the set-based writes of imports and the facts refresh.
    name = models.CharField(_("name"), max_length=150)
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
    tmt_golongan = models.DateField(
        _("TMT golongan"), null=True, blank=True, help_text=_("Since when the employee holds the current golongan.")
    )
    contract_end = models.DateField(_("PPPK contract end"), null=True, blank=True)
    prior_service_months = models.PositiveIntegerField(
        _("recognised prior service (months)"), default=0, help_text=_("Earlier service recognised by an SK PMK.")
    )
    last_basic_salary = models.DecimalField(
        _("last basic salary"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Gaji pokok terakhir, printed on the DPCP."),
    )
    # Two kinds of contact (employees/contact.py chooses between them): the office's, and the person's own,
    # which still reaches them once they have retired. The postal address at the office is the unit.
    email = models.EmailField(_("office email"), blank=True)
    phone = models.CharField(_("office phone"), max_length=30, blank=True)
    personal_email = models.EmailField(
        _("personal email"), blank=True, help_text=_("Used once the employee has left the office (retired).")
    )
    personal_phone = models.CharField(_("personal phone"), max_length=30, blank=True)
    address = models.TextField(
        _("home address"), blank=True, help_text=_("Where letters go once the employee has left the office.")
    )
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
    # No index: nothing looks employees up by rule, and every index is written again for each row the
    # facts refresh or an import changes.
    retirement_rule = models.ForeignKey(
        RetirementRule,
        verbose_name=_("BUP rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    # A copy of the retirement record for the "Akan purna tugas" work list, so that it filters, counts and
    # sorts on this table's index alone (joining 100,000 rows to their records took 270 ms): the record's
    # status ("" without one), its proposal deadline, and the TMT the employee leaves on (the record's while
    # it is live, else tmt_pensiun: employees.cases.worklist_tmt). Kept in step by the record's services
    # and by the register's (employees/services/cases.py, register.py); not in the history (the record has
    # its own).
    case_status = models.CharField(
        _("retirement record status"), max_length=20, choices=CaseStatus.choices, blank=True, editable=False
    )
    case_due = models.DateField(_("proposal due"), null=True, blank=True, editable=False)
    tmt_effective = models.DateField(_("TMT (record or BUP)"), null=True, blank=True, editable=False)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "case_status", "case_due", "tmt_effective"])

    # Its bulk writes replace the register's revision, as saves do (employees/counts.py).
    objects = RegisterQuerySet.as_manager()

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["name"]
        indexes = [
            # Covering (PostgreSQL): the dashboard and the projection count from the index alone.
            models.Index(
                fields=["status", "tmt_pensiun"], name="employee_status_tmt", include=["unit", "jenis_jabatan"]
            ),
            models.Index(fields=["name"], name="employee_name"),
            # The register sorted by golongan (employees.filters.SORT_FIELDS: golongan, then name): the first
            # page read from the index, not the 100,000 rows sorted (85 ms at 100,000 employees, 5 ms with it
            # descending, where PostgreSQL sorts the first golongan's names only).
            models.Index(fields=["golongan", "name", "id"], name="employee_golongan_name"),
            # The register sorted by unit: a page within one unit is read in this order (employees.selectors.
            # unit_sorted_rows), where sorting by the unit's name sorted every row of the register.
            models.Index(fields=["unit", "name", "id"], name="employee_unit_name"),
            # The work list (employees.selectors.retirement_worklist): its rows in its order, counted from
            # the index alone on PostgreSQL. The condition must be the selector's first filter, word for
            # word, for the planner to use it: in service, or with a record still in progress.
            models.Index(
                fields=["tmt_effective", "name", "id"],
                name="employee_worklist",
                include=["case_status", "case_due", "unit"],
                condition=Q(status__in=[EmployeeStatus.AKTIF, EmployeeStatus.MPP])
                | Q(
                    case_status__in=[
                        CaseStatus.PREPARING,
                        CaseStatus.PROPOSED,
                        CaseStatus.INCOMPLETE,
                        CaseStatus.NOT_ELIGIBLE,
                        CaseStatus.PERTEK,
                        CaseStatus.SK_ISSUED,
                    ]
                ),
            ),
            # The latest change of the register (employees/document_kinds.py register_fingerprint, read on
            # every request for the export and the projection's workbook): the end of this index rather
            # than every row.
            models.Index(fields=["updated_at"], name="employee_updated_at"),
            # The retirees of a TMT period whatever their status (benefits.selectors.payout_candidates, the
            # dashboard's "tali asih not prepared"): the worklist's index above covers only those still in
            # service, so these read the whole table. Covering: counted from the index alone.
            models.Index(fields=["tmt_effective"], name="employee_tmt_effective", include=["status", "unit", "id"]),
            # The work list's "no record yet" filter: in the index above the rows with a record come first
            # in TMT order (most of the next 12 months have one), and PostgreSQL walked past all of them
            # (213,000 at 1,000,000 employees, 50 ms) to find a page without. The selector states both
            # conditions in these words (case_status = '' and a TMT after today).
            models.Index(
                fields=["tmt_effective", "name", "id"],
                name="employee_worklist_uncased",
                include=["status", "case_status", "case_due", "unit"],
                condition=Q(case_status=""),
            ),
            # A nine-digit search also looks for an old NIP (employees.selectors.employee_search).
            models.Index(fields=["nip_lama"], name="employee_nip_lama", condition=~Q(nip_lama="")),
            # The retirees' portal finds people by email, in any case (email__iexact is UPPER(email) = ...).
            models.Index(Upper("email"), name="employee_email_upper", condition=~Q(email="")),
            models.Index(
                Upper("personal_email"), name="employee_personal_email_upper", condition=~Q(personal_email="")
            ),
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

    @property
    def is_active(self) -> bool:
        """In active service (not on MPP leave, retired, deceased, gone or moved)."""
        return self.status == EmployeeStatus.AKTIF


class FamilyMember(models.Model):
    """What spouses, children and parents share on the register (the DPCP and the heirs read them).

    An heir (a spouse or child of a deceased employee) may sign in to the portal with their own `user`."""

    name = models.CharField(_("name"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, blank=True, help_text=_("16 digits, from the KTP or KK."))
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    died_on = models.DateField(_("date of death"), null=True, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Spouse(FamilyMember):
    """A husband or wife of the employee, with the marriage as recorded (several wives in their order)."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="spouses")
    order = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("1 for the first wife or the husband, 2 for the second wife...")
    )
    marriage_date = models.DateField(_("marriage date"), null=True, blank=True)
    marriage_certificate = models.CharField(_("marriage certificate number"), max_length=100, blank=True)
    ended_on = models.DateField(_("marriage ended on"), null=True, blank=True)
    end_reason = models.CharField(_("marriage ended by"), max_length=10, choices=MarriageEnd.choices, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spouse")
        verbose_name_plural = _("spouses")
        ordering = ["employee", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="spouse_nik_16_digits"),
            # A person is the current spouse of one employee only (employees/family.py says why in Indonesian).
            models.UniqueConstraint(
                fields=["nik"], condition=~Q(nik="") & Q(ended_on__isnull=True), name="spouse_nik_one_marriage"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""), name="spouse_end_needs_reason"
            ),
        ]


class Child(FamilyMember):
    """A child of the employee. It counts for the pension while under 25, unmarried and without income
    (UU 11/1969 art. 16); `other_parent` says which marriage it comes from (one share per set of parents)."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="children"
    )
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    relation = models.CharField(
        _("relation"), max_length=10, choices=ChildRelation.choices, default=ChildRelation.NATURAL
    )
    other_parent = models.ForeignKey(
        Spouse,
        verbose_name=_("other parent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    is_married = models.BooleanField(_("married"), default=False)
    is_working = models.BooleanField(_("has an income"), default=False)
    in_school = models.BooleanField(_("in school or university"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["employee", "birth_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="child_nik_16_digits"),
        ]


class Parent(FamilyMember):
    """A parent of the employee: needed when an unmarried employee dies in the line of duty (tewas)."""

    employee = models.ForeignKey(Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="parents")
    relation = models.CharField(_("relation"), max_length=5, choices=ParentRelation.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("parent")
        verbose_name_plural = _("parents")
        ordering = ["employee", "relation", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"), name="parent_nik_16_digits"),
            models.UniqueConstraint(fields=["employee", "relation"], name="parent_one_per_relation"),
        ]


class DisciplinePenalty(models.Model):
    """A discipline penalty imposed on an employee: a medium or heavy one in the last year bars the KPP."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="discipline_penalties"
    )
    level = models.CharField(_("level"), max_length=6, choices=DisciplineLevel.choices)
    decided_on = models.DateField(_("imposed on"))
    decree_number = models.CharField(_("decree number"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discipline penalty")
        verbose_name_plural = _("discipline penalties")
        ordering = ["-decided_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ({self.decided_on:%d-%m-%Y})"


class KindRule(models.Model):
    """The numbers of a retirement kind from a date, with their legal basis (employees/pension_kinds.py).

    Regions apply some of them differently and some are unsure, so they are data an admin can change:
    a new row from a new date keeps the old one for records decided before it. A number that does not
    concern the kind stays empty.
    """

    kind = models.CharField(_("retirement kind"), max_length=15, choices=RetirementKind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    unsure = models.BooleanField(
        _("unsure"), default=False, help_text=_("A value agencies report but no regulation confirmed: check it.")
    )
    proposal_months_before = models.PositiveSmallIntegerField(
        _("proposal lead time (months)"),
        default=12,
        help_text=_("The proposal should reach BKN this many months before the TMT (regional offices ask 12 to 15)."),
    )
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), null=True, blank=True, help_text=_("APS: 45. Reorganisasi: 50.")
    )
    min_service_years = models.PositiveSmallIntegerField(
        _("minimum service (years)"),
        null=True,
        blank=True,
        help_text=_("APS: 20. Reorganisasi: 10. Udzur not caused by duty: 4."),
    )
    uang_duka_multiplier = models.DecimalField(
        _("uang duka wafat (x last income)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    gaji_terusan_months = models.PositiveSmallIntegerField(
        _("gaji terusan (months)"),
        null=True,
        blank=True,
        help_text=_("A death in service: the salary goes on. Pensiun terusan: the deceased's pension goes on."),
    )
    pension_tmt_after_months = models.PositiveSmallIntegerField(
        _("widow(er)'s pension TMT (months after the month of death)"), null=True, blank=True
    )
    first_payment_after_months = models.PositiveSmallIntegerField(
        _("first payment (months after the month of death)"), null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retirement kind rule")
        verbose_name_plural = _("retirement kind rules")
        ordering = ["kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="kindrule_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(proposal_months_before__gte=1, proposal_months_before__lte=36),
                name="kindrule_proposal_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.valid_from:%d-%m-%Y})"


class FamilyCorrection(models.Model):
    """A retiree's request, sent from the portal, to correct the family the register holds. Staff apply it
    (editing the family through the staff pages) or reject it with a reason; it changes nothing by itself."""

    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="family_corrections"
    )
    text = models.TextField(_("requested correction"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=10, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("family correction request")
        verbose_name_plural = _("family correction requests")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The staff's queue of pending requests.
            models.Index(fields=["created_at"], name="familycorrection_pending", condition=Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(decision_reason=""), name="familycorrection_reject_needs_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == CorrectionStatus.PENDING


class DocumentType(models.Model):
    """One item of the pension-proposal checklist (SK CPNS, DPCP, KARIS/KARSU...). Editable: regions differ."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_required = models.BooleanField(
        _("required"), default=True, help_text=_("Required items block the proposal to BKN while missing.")
    )
    kinds = models.JSONField(
        _("retirement kinds"),
        default=list,
        blank=True,
        help_text=_("The kinds of retirement that ask for it; none chosen: every kind."),
    )
    condition = models.CharField(
        _("condition"),
        max_length=30,
        choices=ChecklistCondition.choices,
        default=ChecklistCondition.ALWAYS,
        help_text=_("Asked only when this holds for the person (employees/checklist.py)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class RetirementCase(models.Model):
    """The retirement record (berkas purna tugas) of one employee: kind, TMT, proposal and SK pensiun."""

    employee = models.OneToOneField(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="retirement_case"
    )
    kind = models.CharField(
        _("retirement kind"), max_length=15, choices=RetirementKind.choices, default=RetirementKind.BUP
    )
    tmt = models.DateField(_("TMT pensiun"))
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PREPARING)
    died_on = models.DateField(
        _("date of death"), null=True, blank=True, help_text=_("For janda/duda, tewas and pensiun terusan.")
    )
    pensioner_tmt = models.DateField(
        _("TMT pensiun of the deceased"),
        null=True,
        blank=True,
        help_text=_("Pensiun terusan: the deceased pensioner's own TMT pensiun; the masa kerja is counted to it."),
    )
    caused_by_duty = models.BooleanField(
        _("caused by duty"), default=False, help_text=_("Udzur: the unfitness was caused by the duty.")
    )
    with_pension = models.BooleanField(
        _("with pension"),
        null=True,
        blank=True,
        help_text=_("The outcome: a pension, or an honourable discharge without pension (APS, udzur, reorganisasi)."),
    )
    # The outcome as employees/pension_kinds.py computed it when the record was opened or its facts changed,
    # under the rule of the kind in force then (kept so that a later change of the table does not rewrite it).
    kind_rule = models.ForeignKey(
        "KindRule",
        verbose_name=_("rule of the kind"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pension_from = models.DateField(_("pension from"), null=True, blank=True)
    pension_first_paid = models.DateField(
        _("pension first paid in"), null=True, blank=True, help_text=_("Janda/duda: the month of the first payment.")
    )
    last_income = models.DecimalField(
        _("last monthly income"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Basic salary with family and position allowances: the base of the uang duka wafat."),
    )
    uang_duka = models.DecimalField(_("uang duka wafat"), max_digits=14, decimal_places=2, null=True, blank=True)
    outcome_note = models.CharField(_("outcome"), max_length=500, blank=True)
    kpp_requested = models.BooleanField(
        _("KPP requested"), default=False, help_text=_("Kenaikan pangkat pengabdian requested on the DPCP.")
    )
    proposal_due = models.DateField(_("proposal due"), help_text=_("The proposal should reach BKN by this date."))
    proposed_on = models.DateField(_("proposed to BKN on"), null=True, blank=True)
    pertek_number = models.CharField(_("pertek BKN number"), max_length=100, blank=True)
    pertek_date = models.DateField(_("pertek BKN date"), null=True, blank=True)
    sk_number = models.CharField(_("SK pensiun number"), max_length=100, blank=True)
    sk_date = models.DateField(_("SK pensiun date"), null=True, blank=True)
    sk_signer = models.CharField(_("SK pensiun signed by"), max_length=200, blank=True)
    # The hand-over of the SK pensiun (tanda terima): to the retiree or, after a death, to the heir.
    sk_received_on = models.DateField(_("SK pensiun received on"), null=True, blank=True)
    sk_received_by = models.CharField(_("SK pensiun received by"), max_length=150, blank=True)
    sk_receiver_relation = models.CharField(
        _("receiver's relation"), max_length=60, blank=True, help_text=_('"the retiree", "wife", "son"...')
    )
    sk_received_where = models.CharField(
        _("SK pensiun handed over"), max_length=10, choices=SkHandoverPlace.choices, blank=True
    )
    sk_received_place = models.CharField(
        _("hand-over place"), max_length=200, blank=True, help_text=_("The ceremony's name or the desk's room.")
    )
    address_after_retirement = models.TextField(
        _("address after retirement"), blank=True, help_text=_("Printed on the DPCP; the pension is sent there.")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("retirement record")
        verbose_name_plural = _("retirement records")
        ordering = ["tmt"]
        permissions = [("override_checklist", _("Can propose to BKN with required documents missing"))]
        indexes = [models.Index(fields=["status", "proposal_due"], name="case_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=[CaseStatus.SK_ISSUED, CaseStatus.DONE])
                | (~Q(sk_number="") & Q(sk_date__isnull=False)),
                name="case_sk_needs_number_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.PERTEK) | (~Q(pertek_number="") & Q(pertek_date__isnull=False)),
                name="case_pertek_needs_number_and_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee.display_name}: {self.get_kind_display()}"

    @property
    def is_final(self) -> bool:
        """Done or cancelled: nothing more happens to the record (employees/cases.py)."""
        return self.status in cases.FINAL

    @property
    def is_cancelled(self) -> bool:
        return self.status == CaseStatus.CANCELLED

    @property
    def pertek_correctable(self) -> bool:
        """BKN's pertek can be corrected from its step on (employees/cases.py CORRECTABLE_STATUSES)."""
        return self.status in cases.CORRECTABLE_STATUSES


class CaseStatusChange(models.Model):
    """Who moved a retirement record to which step, and when."""

    case = models.ForeignKey(RetirementCase, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    missing_documents = models.TextField(
        _("required documents missing"),
        blank=True,
        help_text=_("Proposed to BKN with these required documents missing, by an authorised override."),
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


def _case_document_path(instance: "CaseDocument", filename: str) -> str:
    # The stored name is not the uploaded one: names carry personal data and may be hostile.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"cases/{instance.case_id}/{instance.document_type.code}-{uuid.uuid4().hex}.{extension}"


class CaseDocument(models.Model):
    """An uploaded document of a retirement record, stored privately and served only to permitted users."""

    case = models.ForeignKey(
        RetirementCase, verbose_name=_("retirement record"), on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=_case_document_path)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        constraints = [models.UniqueConstraint(fields=["case", "document_type"], name="casedocument_one_per_type")]

    def __str__(self) -> str:
        return f"{self.document_type}: {self.original_name}"


class ImportJob(ProgressJob):
    """One upload of an employee or a family spreadsheet (kind): validated, then applied all-or-nothing,
    with progress.

    Its counts and its uploader keep the names they had before ProgressJob (total_rows, processed_rows,
    created_by: columns and callers use them); total, done and requested_by read them. Its errors are
    per row (errors, with notices and changes: employees/importer.py ImportResult), so no error text."""

    Status = ImportStatus

    kind = models.CharField(_("kind"), max_length=10, choices=ImportKind.choices, default=ImportKind.EMPLOYEES)
    file = models.FileField(_("file"), storage=private_storage, upload_to="imports/")
    original_name = models.CharField(_("original file name"), max_length=255)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    total = property(attrgetter("total_rows"))
    done = property(attrgetter("processed_rows"))
    requested_by = property(attrgetter("created_by"))
    error = None

    class Meta:
        verbose_name = _("employee import")
        verbose_name_plural = _("employee imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name


class SiasnReconciliation(models.Model):
    """One pension list exported from SIASN, compared with the retirement records (employees/siasn_reconcile.py)
    when it was uploaded; its updates are applied at most once (applied_at).

    `lines` holds the verdict on each row with what the file said (employees/services/siasn.py), so the
    page shows it without reading the file again and the apply can check nothing moved since."""

    file = models.FileField(_("file"), storage=private_storage, upload_to="siasn/")
    original_name = models.CharField(_("original file name"), max_length=255)
    lines = models.JSONField(_("rows"), default=list, blank=True, editable=False)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    update_count = models.PositiveIntegerField(_("updates"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0)
    unknown_count = models.PositiveIntegerField(_("unknown NIPs"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("SIASN reconciliation")
        verbose_name_plural = _("SIASN reconciliations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.original_name


class FactsRefreshRun(ProgressJob):
    """One recomputation of retirement facts, with its progress: everyone's after the BUP table changed,
    or a large selection's from the employee admin; queued when the change is committed, run by the
    Celery worker, shown on the admin page it was started from.

    It stores no status: started_at, finished_at and error say it (status reads them)."""

    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    # None: everyone. Otherwise the selected employees' ids (100,000 of them take about 700 kB).
    employee_ids = models.JSONField(_("selected employees"), null=True, blank=True, editable=False)
    changed = models.PositiveIntegerField(_("employees changed"), default=0)

    class Meta:
        verbose_name = _("retirement dates recomputation")
        verbose_name_plural = _("retirement dates recomputations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def status(self) -> str:
        if self.finished_at is None:
            return JobStatus.RUNNING if self.started_at else JobStatus.PENDING
        return JobStatus.FAILED if self.error else JobStatus.DONE

    @classmethod
    def waiting_q(cls) -> models.Q:
        return models.Q(started_at__isnull=True, finished_at__isnull=True)


class RegisterRevision(models.Model):
    """One row: a random token replaced after every committed change to employees or units, under which
    the register's counts are cached (employees/counts.py)."""

    token = models.BigIntegerField(_("token"))

    class Meta:
        verbose_name = _("register revision")
        verbose_name_plural = _("register revisions")

    def __str__(self) -> str:
        return str(self.token)


class SignInCode(models.Model):
    """A one-time code a retiree without email signs in to the portal with (employees/sign_in_codes.py).

    The row is the log: who issued it and when, when it was used or revoked, how many wrong tries.
    Only the hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("portal account"), on_delete=models.CASCADE, related_name="+"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.CASCADE, related_name="sign_in_codes"
    )
    # For an heir's code: the spouse or child it is for ("spouse:3", "child:5"); empty for the employee.
    heir_key = models.CharField(_("heir"), max_length=30, blank=True)
    code_hash = models.CharField(_("code (hashed)"), max_length=200)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong tries"), default=0)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            # Issuing a new code revokes the previous one: at most one open code per account.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(used_at__isnull=True, revoked_at__isnull=True),
                name="sign_in_code_one_open_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} @ {self.issued_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        """Neither used nor revoked (it may still have expired or been locked)."""
        return self.used_at is None and self.revoked_at is None
