"""Farewell ceremonies (pelepasan ASN purna tugas) and pre-retirement trainings (pelatihan persiapan
purna tugas): the event, its agenda and speakers, its participants from invitation to attendance.

Written only through ceremonies/services/; rules (what may change when) are in ceremonies/rules.py.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ceremonies import feedback as feedback_rules
from ceremonies import rules
from employees.models import Employee, UnitKerja
from employees.storage import private_storage
from purna.jobs import JobStatus, ProgressJob

# How far the certificate layout may be nudged on pre-printed paper (the database holds the same range).
OFFSET_VALIDATORS = [MinValueValidator(-30), MaxValueValidator(30)]


class EventKind(models.TextChoices):
    FAREWELL = "pelepasan", _("Purna tugas farewell")
    TRAINING = "pelatihan", _("Purna tugas preparation training")
    OTHER = "lainnya", _("Other event")


class EventStatus(models.TextChoices):
    DRAFT = "draf", _("Draft")
    PUBLISHED = "terbit", _("Published")
    HELD = "terlaksana", _("Held")
    CLOSED = "ditutup", _("Closed")


class ParticipantStatus(models.TextChoices):
    NOT_INVITED = "belum_diundang", _("Not invited")
    INVITED = "diundang", _("Invited")
    CONFIRMED = "hadir_konfirmasi", _("Confirmed")
    DECLINED = "menolak", _("Declined")
    ATTENDED = "hadir", _("Attended")
    ABSENT = "tidak_hadir", _("Absent")


class AttendanceBy(models.TextChoices):
    """How attendance is taken at an event held over several days (ceremonies/attendance.py); a one-day
    event takes one check-in whatever this says."""

    DAY = "hari", _("Per day")
    SESSION = "sesi", _("Per agenda session")


class OfficialRole(models.TextChoices):
    """The post an official signs money documents for (the kuitansi and the recap of payouts)."""

    HEAD_OF_AGENCY = "head", _("Head of BKPSDM")
    TREASURER = "treasurer", _("Treasurer")


class Official(models.Model):
    """A person who presides over events or signs their certificates: the Wali Kota, the Sekda, the head
    of BKPSDM. Reusable across events. An active official with a role signs the money documents for that
    post; one marked acting (Plt.) stands in for it and is preferred while active."""

    name = models.CharField(_("name"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    title = models.CharField(_("position"), max_length=200, help_text=_('As printed: "Wali Kota Balikpapan".'))
    role = models.CharField(
        _("signs as"),
        max_length=10,
        choices=OfficialRole.choices,
        blank=True,
        help_text=_("The post this official signs receipts and recaps for."),
    )
    is_acting = models.BooleanField(
        _("acting (Plt.)"), default=False, help_text=_('Printed as "Plt." before the position.')
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.title})"


class Instructor(models.Model):
    """An instructor or speaker (BKD, PT Taspen, Dinas Koperasi dan UKM, a hospital, a psychologist...),
    reusable across events."""

    name = models.CharField(_("name"), max_length=150)
    institution = models.CharField(_("institution"), max_length=200)
    expertise = models.CharField(_("expertise"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.institution})"


class Event(models.Model):
    """A farewell ceremony, a pre-retirement training, or another event for retirees."""

    kind = models.CharField(_("kind"), max_length=10, choices=EventKind.choices, default=EventKind.FAREWELL)
    title = models.CharField(_("event name"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.CharField(_("venue"), max_length=200)
    organizer = models.ForeignKey(
        UnitKerja,
        verbose_name=_("organising unit"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Operators of this unit (and BKD's central staff) prepare the event."),
    )
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Most participants (retirees); empty for no limit.")
    )
    status = models.CharField(_("status"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT)
    attendance_by = models.CharField(
        _("attendance over several days"),
        max_length=4,
        choices=AttendanceBy.choices,
        default=AttendanceBy.DAY,
        help_text=_(
            "A one-day event takes one check-in. An event over several days takes one per day, or one per "
            "agenda session."
        ),
    )
    presiding_official = models.ForeignKey(
        Official,
        verbose_name=_("presiding official"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signatories = models.ManyToManyField(
        Official,
        verbose_name=_("certificate signatories"),
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificate_wording = models.TextField(
        _("certificate wording"),
        blank=True,
        help_text=_(
            "The sentence below the recipient's name; empty for the standard wording. It may use "
            "{masa_kerja}, {tmt_pensiun}, {pemerintah}, {acara}, {tanggal_acara}, {tempat} and {penyelenggara}."
        ),
    )
    certificate_logo = models.ImageField(
        _("certificate logo"),
        upload_to="acara/logo/",
        blank=True,
        help_text=_("Printed on this event's certificates instead of the agency's logo (PNG or JPEG)."),
    )
    # Pre-printed certificate paper (a border, a crest) is rarely fed exactly straight: the layout moves by
    # these millimetres, right and down (negative: left and up).
    print_offset_x_mm = models.SmallIntegerField(
        _("certificate print offset, horizontal (mm)"), default=0, validators=OFFSET_VALIDATORS
    )
    print_offset_y_mm = models.SmallIntegerField(
        _("certificate print offset, vertical (mm)"), default=0, validators=OFFSET_VALIDATORS
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gt=0), name="event_capacity"),
            models.CheckConstraint(
                condition=Q(print_offset_x_mm__gte=-30, print_offset_x_mm__lte=30)
                & Q(print_offset_y_mm__gte=-30, print_offset_y_mm__lte=30),
                name="event_print_offset_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == EventStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == EventStatus.PUBLISHED

    @property
    def is_held(self) -> bool:
        return self.status == EventStatus.HELD

    @property
    def is_changeable(self) -> bool:
        """Not closed: its details and agenda may still change (ceremonies/rules.py)."""
        return rules.event_changeable(self.status)


class Session(models.Model):
    """One item of an event's agenda (a training's sessions, a ceremony's programme)."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    topic = models.CharField(_("topic"), max_length=200)
    instructor = models.ForeignKey(
        Instructor,
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.topic


def _checkin_code() -> str:
    # Printed on the invitation as a QR code; unguessable, so a code read off a photo is no key to others.
    return secrets.token_urlsafe(12)


class Participant(models.Model):
    """A retiree (an employee record) taking part in an event, with an optional companion, from the
    invitation to the attendance on the day and the souvenir handed."""

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participants")
    employee = models.ForeignKey(
        Employee, verbose_name=_("employee"), on_delete=models.PROTECT, related_name="event_participations"
    )
    companion_name = models.CharField(_("companion"), max_length=150, blank=True)
    companion_relation = models.CharField(
        _("companion's relation"), max_length=50, blank=True, help_text=_("Spouse, child...")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ParticipantStatus.choices, default=ParticipantStatus.NOT_INVITED
    )
    # What the retiree says with their answer (the RSVP page): coming with their spouse, and what would
    # help them on the day (a wheelchair, a seat near the door...).
    with_spouse = models.BooleanField(_("comes with spouse"), default=False)
    access_needs = models.CharField(_("access needs"), max_length=300, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # Bumped when a new invitation is sent: earlier links stop working.
    rsvp_version = models.PositiveIntegerField(default=0, editable=False)
    checkin_code = models.CharField(_("check-in code"), max_length=32, unique=True, default=_checkin_code)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    souvenir_at = models.DateTimeField(_("souvenir handed at"), null=True, blank=True)
    souvenir_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("souvenir handed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    souvenir_note = models.CharField(_("souvenir"), max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["employee__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="participant_once_per_event"),
        ]

    def __str__(self) -> str:
        return f"{self.employee.display_name} @ {self.event}"

    @property
    def is_invited(self) -> bool:
        return self.status == ParticipantStatus.INVITED

    @property
    def has_confirmed(self) -> bool:
        return self.status == ParticipantStatus.CONFIRMED

    @property
    def has_declined(self) -> bool:
        return self.status == ParticipantStatus.DECLINED

    @property
    def has_attended(self) -> bool:
        return self.status == ParticipantStatus.ATTENDED

    @property
    def was_absent(self) -> bool:
        return self.status == ParticipantStatus.ABSENT


class Attendance(models.Model):
    """A participant's presence on one day, or at one agenda session, of an event held over several days
    (ceremonies/attendance.py): one per participant and day, or participant and session, whoever checks
    them in and however often. Undoing one deletes it, with the reason in its history.

    Participant.checked_in_at stays "attended at least once" (the first check-in): the pages, documents
    and certificates that read it keep working. Written only through ceremonies/services/events.py."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="attendances"
    )
    day = models.DateField(_("day"))
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    checked_in_at = models.DateTimeField(_("checked in at"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["day", "pk"]
        constraints = [
            # Two phones checking the same person in for the same day give one row.
            models.UniqueConstraint(
                fields=["participant", "day"], condition=Q(session__isnull=True), name="attendance_once_per_day"
            ),
            models.UniqueConstraint(
                fields=["participant", "session"],
                condition=Q(session__isnull=False),
                name="attendance_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.session or self.day})"


# --- Check-in operations synced from phones (offline check-in) -----------------------------------------------


class CheckinOperationKind(models.TextChoices):
    CHECK_IN = "check_in", _("Check-in")
    SOUVENIR = "souvenir", _("Souvenir")


class CheckinOperationOutcome(models.TextChoices):
    DONE = "done", _("Done")
    ALREADY = "already", _("Already done")
    CONFLICT = "conflict", _("Conflict")


class CheckinOperation(models.Model):
    """One check-in or souvenir a phone recorded, offline or not, under the id the phone gave it.

    The unique id makes a sync safe to repeat: the second time the operation is found here and its first
    answer is given again, nothing is changed (ceremonies/services/checkin_sync.py)."""

    operation_id = models.UUIDField(_("operation id"), unique=True)
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="checkin_operations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CheckinOperationKind.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=CheckinOperationOutcome.choices)
    # The day or session a check-in was for, by its key (ceremonies/attendance.py); empty for the single
    # check-in of a one-day event and for souvenirs.
    part = models.CharField(_("day or session"), max_length=24, blank=True)
    done_at = models.DateTimeField(_("done on the phone at"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("check-in operation")
        verbose_name_plural = _("check-in operations")
        ordering = ["received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.operation_id}"


# --- Training feedback (penilaian pelatihan) -----------------------------------------------------------------


class TrainingFeedback(models.Model):
    """A participant's rating of one session of a training and of its instructor, with an optional rating
    of how useful it was and a short comment. One per participant and session, changed in place while
    the form is open (ceremonies/feedback.py decides when); written only through
    ceremonies/services/feedback.py. The instructor is kept as rated: a later change of the agenda does not
    move the rating to another person."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="feedback"
    )
    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="feedback")
    instructor = models.ForeignKey(
        Instructor,
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback",
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=feedback_rules.COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("training feedback")
        verbose_name_plural = _("training feedback")
        ordering = ["session__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "session"], name="feedback_once_per_session"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_range"),
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="feedback_usefulness_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} / {self.session}: {self.rating}"


# --- Certificates (piagam penghargaan, sertifikat pelatihan) ------------------------------------------------


class CertificateKind(models.TextChoices):
    PIAGAM = "piagam", _("Certificate of appreciation (piagam penghargaan)")
    SERTIFIKAT = "sertifikat", _("Training certificate")
    OTHER = "lainnya", _("Other certificate")


class CertificateStatus(models.TextChoices):
    VALID = "sah", _("Valid")
    REVOKED = "dicabut", _("Revoked")


# A certificate batch's status: the shared one of every job.
BatchStatus = JobStatus


class CertificateBatch(ProgressJob):
    """One run of certificate rendering (an issue for an event, or a re-issue), with its progress."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="certificate_batches"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # queued_at (ProgressJob): empty while the batch could not be handed to the broker; its own sweep
    # (ceremonies/services/certificates.py certificate_batches_sweep) also restarts batches whose run died.
    # Which run of the rendering task holds the batch (its Celery task id) and when that run last showed
    # progress: a second copy of the task leaves a batch held by a live run alone, and the sweep gives a
    # batch whose run went silent (its worker killed) to a new run.
    claimed_by = models.CharField(_("held by task"), max_length=64, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event} ({self.done}/{self.total})"


def _verification_code() -> str:
    # Printed as a QR code and typed from paper: 128 random bits cannot be guessed or enumerated.
    return secrets.token_urlsafe(16)


class Certificate(models.Model):
    """A certificate handed to a participant: its number (gap-free, purna/numbering.py), the text and the
    signatory as printed (a snapshot: a later change of official does not change a signed paper), the
    stored PDF and its public verification code.

    A correction is a re-issue: the same number and code, a new version, a new file. Written only
    through ceremonies/services/certificates.py.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=CertificateKind.choices)
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("number"), max_length=100, unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    seq = models.PositiveIntegerField(_("sequence"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    issued_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    wording = models.TextField(_("wording"))
    signatory_name = models.CharField(_("signatory"), max_length=150)
    signatory_nip = models.CharField(_("signatory's NIP"), max_length=18, blank=True)
    signatory_title = models.CharField(_("signatory's position"), max_length=200)
    verification_code = models.CharField(
        _("verification code"), max_length=32, unique=True, default=_verification_code, editable=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CertificateStatus.choices, default=CertificateStatus.VALID
    )
    revoked_reason = models.CharField(_("reason for revocation"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        CertificateBatch,
        verbose_name=_("batch"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    file = models.FileField(_("file"), upload_to="sertifikat/", storage=private_storage, blank=True)
    # The version the stored file shows: the renderer skips a certificate whose file is current.
    rendered_version = models.PositiveSmallIntegerField(_("rendered version"), default=0, editable=False)
    rendered_at = models.DateTimeField(_("rendered at"), null=True, blank=True)
    verification_count = models.PositiveIntegerField(_("verifications"), default=0, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Verifications are counted with a set-wise UPDATE, not recorded as history.
    history = HistoricalRecords(excluded_fields=["verification_count"])

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["year", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["participant"], name="certificate_once_per_participant"),
            models.UniqueConstraint(fields=["year", "seq"], name="certificate_seq_once_per_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        """Not revoked."""
        return self.status == CertificateStatus.VALID

    @property
    def is_rendered(self) -> bool:
        return bool(self.file) and self.rendered_version == self.version


class PensionDocumentKind(models.TextChoices):
    """The pension proposal's papers printed from the register (ceremonies/pension_documents.py)."""

    DPCP = "dpcp", _("DPCP (Data Perorangan Calon Penerima Pensiun)")
    COVER_LETTER = "pengantar", _("Cover letter of the pension proposal")
    SK_RECEIPT = "tanda_terima_sk", _("Receipt of the SK pensiun")


def _pension_template_path(instance: "PensionTemplate", filename: str) -> str:
    return f"templat-dokumen/{instance.kind}-{secrets.token_hex(6)}.docx"


class PensionTemplate(models.Model):
    """The agency's own Word template (docxtpl) of a pension document; without one, the template shipped
    in ceremonies/docx/ is used. Replaced in the admin; checked by rendering it before it is stored."""

    kind = models.CharField(_("document"), max_length=20, choices=PensionDocumentKind.choices, unique=True)
    file = models.FileField(_("Word template (.docx)"), storage=private_storage, upload_to=_pension_template_path)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pension document template")
        verbose_name_plural = _("pension document templates")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()


class PensionCoverLetter(models.Model):
    """A surat pengantar usul pensiun to the BKN regional office, for one retirement record or many, numbered
    from the agency's letter counter (purna/numbering.py) when issued. The signer is copied from the
    officials register at that moment: a letter keeps the name it was signed with."""

    number = models.CharField(_("letter number"), max_length=100, unique=True)
    issued_on = models.DateField(_("date"))
    addressee = models.CharField(_("addressed to"), max_length=300)
    attachments = models.PositiveSmallIntegerField(_("attachments (sets)"), default=1)
    cases = models.ManyToManyField(
        "employees.RetirementCase", verbose_name=_("retirement records"), related_name="cover_letters"
    )
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_nip = models.CharField(_("signer's NIP"), max_length=18, blank=True)
    signer_title = models.CharField(_("signer's position"), max_length=250)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pension proposal cover letter")
        verbose_name_plural = _("pension proposal cover letters")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return self.number
