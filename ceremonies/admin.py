"""The ceremonies in the Django admin: reference data (officials, instructors) edited freely; events
written through the services (same checks, same history) and shown with their agenda and participants;
certificates and their printing batches shown as records, changed only by the actions that call the
services (revoke, re-issue, print again); who came on which day of a training and the check-ins synced
from phones shown as records with their history; HR admins of some units see their own only
(employees/scope.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ceremonies import selectors
from ceremonies.exceptions import CeremonyError, PensionPaperError
from ceremonies.models import (
    Attendance,
    Certificate,
    CertificateBatch,
    CheckinOperation,
    Event,
    Instructor,
    Official,
    Participant,
    PensionTemplate,
    Session,
)
from ceremonies.services.certificates import certificate_batch_retry, certificate_reissue, certificate_revoke
from ceremonies.services.events import event_create, event_update, event_validate
from ceremonies.services.pension import pension_template_check, pension_template_upload
from employees.admin import ScopedAdminMixin, ServiceValidatedForm
from employees.scope import staff_scope
from purna.admin import HistoryAdmin, ReadOnlyInline, RecordAdminMixin
from purna.db import BUSY_MESSAGE, is_transient
from purna.forms import ServiceErrorsMixin


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "nip", "role", "is_acting", "is_active"]
    list_filter = ["is_active", "role", "is_acting"]
    search_fields = ["name", "title", "nip"]


@admin.register(Instructor)
class InstructorAdmin(HistoryAdmin):
    list_display = ["name", "institution", "expertise", "email", "phone"]
    search_fields = ["name", "institution", "expertise"]


class SessionInline(ReadOnlyInline):
    model = Session
    fields = ["starts_at", "ends_at", "topic", "instructor", "notes"]
    readonly_fields = fields


class ParticipantInline(ReadOnlyInline):
    model = Participant
    fields = ["employee", "status", "companion_name", "invited_at", "responded_at", "checked_in_at", "souvenir_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        # Only the participants of the user's own units.
        return (
            staff_scope(request.user).filter(super().get_queryset(request), "employee__unit").select_related("employee")
        )


class EventAdminForm(ServiceValidatedForm):
    actor = None  # the signed-in user, set by EventAdmin.get_form

    def service_validate(self, instance: Event) -> None:
        event_validate(event=instance, actor=self.actor)


@admin.register(Event)
class EventAdmin(ScopedAdminMixin, HistoryAdmin):
    """Saved through event_create / event_update; participants are added on the staff pages, where the
    capacity and the rules are checked under a lock."""

    form = EventAdminForm
    list_display = ["title", "kind", "starts_at", "venue", "organizer", "status", "capacity"]
    list_filter = ["kind", "status"]
    list_select_related = ["organizer"]
    search_fields = ["title", "venue"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organizer"]
    filter_horizontal = ["signatories"]
    readonly_fields = ["status", "created_by", "created_at"]
    inlines = [SessionInline, ParticipantInline]

    def scoped(self, queryset, scope):
        return selectors.events_visible(queryset, scope)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.actor = request.user
        return form

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name != "signatories"}
        fields = {name: value for name, value in fields.items() if name in form.fields}
        try:
            if change:
                saved = event_update(event=obj, actor=request.user, **fields)
            else:
                saved = event_create(actor=request.user, **fields)
        except CeremonyError as error:  # checked by the form already; a race would land here
            raise ValidationError(error.messages) from error
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, saved._state.db


# --- Certificates: records changed only through the services' actions ------------------------------------


def certificates_may_change(user) -> bool:
    """Who may revoke, re-issue and print again: the staff pages' rule (ceremonies/views/certificates.py:
    change_event), so that no door is wider than the other, and the admin's own change_certificate."""
    return user.has_perm("ceremonies.change_event") and user.has_perm("ceremonies.change_certificate")


def _each(model_admin: admin.ModelAdmin, request, objects, call) -> int:
    """`call(obj)` (a service) for each of `objects`; a refusal becomes an error message naming the object.
    Returns how many went through."""
    done = 0
    for obj in objects:
        try:
            call(obj)
        except CeremonyError as error:
            model_admin.message_user(request, f"{obj}: {' '.join(error.messages)}", messages.ERROR)
        except DatabaseError as error:
            # One transaction per object: the busy one is named, the others stand (purna/db.py).
            if not is_transient(error):
                raise
            model_admin.message_user(request, f"{obj}: {BUSY_MESSAGE}", messages.ERROR)
        else:
            done += 1
    return done


class EventYearFilter(admin.SimpleListFilter):
    """The year of the event, which is the year a certificate is dated and numbered in."""

    title = _("event year")
    parameter_name = "tahun"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by("-year").values_list("year", flat=True).distinct()
        return [(year, str(year)) for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(year=value) if value and value.isdigit() else queryset


class RevokeForm(ServiceErrorsMixin, forms.Form):
    # Not required here: certificate_revoke says what a missing reason means, in its own words.
    reason = forms.CharField(
        label=_("Reason for revoking"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Shown on the public verification page and kept in the certificate's history with your name."),
    )


@admin.register(Certificate)
class CertificateAdmin(ScopedAdminMixin, RecordAdminMixin, HistoryAdmin):
    """Certificates as issued: a correction is a re-issue, a mistake a revocation, both actions here that
    call the services with the signed-in user (who and why land in the history)."""

    list_display = ["number", "kind", "recipient", "event", "issued_on", "status", "version"]
    list_filter = ["kind", "status", EventYearFilter]
    list_select_related = ["participant__employee", "participant__event"]
    search_fields = ["number", "=verification_code", "participant__employee__name", "=participant__employee__nip"]
    show_full_result_count = False
    fields = [
        "number",
        "kind",
        "recipient",
        "event",
        "status",
        "version",
        "files",
        "issued_on",
        "place",
        "wording",
        "signatory_name",
        "signatory_nip",
        "signatory_title",
        "revoked_reason",
        "revoked_at",
        "revoked_by",
        "batch",
        "rendered_at",
        "verification_count",
        "issued_by",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["revoke", "reissue"]
    scope_unit_field = "participant__employee__unit"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("participant__employee", "participant__event")

    def has_issue_permission(self, request) -> bool:
        return certificates_may_change(request.user)

    @admin.display(description=_("recipient"), ordering="participant__employee__name")
    def recipient(self, certificate: Certificate) -> str:
        employee = certificate.participant.employee
        return format_html("{}<br><small>NIP {}</small>", employee.display_name, employee.nip)

    @admin.display(description=_("event"), ordering="participant__event__starts_at")
    def event(self, certificate: Certificate) -> Event:
        return certificate.participant.event

    @admin.display(description=_("files"))
    def files(self, certificate: Certificate) -> str:
        links = []
        if certificate.is_rendered:
            links.append((reverse("ceremonies:certificate_pdf", args=[certificate.pk]), _("Download the PDF")))
        links.append((reverse("certificate_verify", args=[certificate.verification_code]), _("Verification page")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    @admin.action(description=_("Revoke the selected certificates"), permissions=["issue"])
    def revoke(self, request, queryset):
        """First a page that asks for the reason; its answer comes back to this action ("confirm")."""
        certificates = list(queryset.order_by("year", "seq"))
        form = RevokeForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            revoked = 0
            for certificate in certificates:
                try:
                    certificate_revoke(certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"])
                except CeremonyError as error:
                    if "reason" in error.errors:
                        # The reason is checked before anything changes, and it is the same for every
                        # certificate: the first one refuses it and nothing was revoked.
                        form.service_errors_add(error)
                        break
                    self.message_user(request, f"{certificate.number}: {' '.join(error.messages)}", messages.ERROR)
                except DatabaseError as error:
                    if not is_transient(error):
                        raise
                    self.message_user(request, f"{certificate.number}: {BUSY_MESSAGE}", messages.ERROR)
                else:
                    revoked += 1
            if not form.errors:
                if revoked:
                    self.message_user(
                        request,
                        ngettext("%(n)d certificate revoked.", "%(n)d certificates revoked.", revoked) % {"n": revoked},
                        messages.SUCCESS,
                    )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Revoke certificates"),
            "opts": self.model._meta,
            "certificates": certificates,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/ceremonies/certificate/revoke_confirmation.html", context)

    @admin.action(description=_("Re-issue the selected certificates (same number)"), permissions=["issue"])
    def reissue(self, request, queryset) -> None:
        reissued = _each(
            self,
            request,
            queryset.order_by("year", "seq"),
            lambda certificate: certificate_reissue(certificate=certificate, actor=request.user),
        )
        if reissued:
            self.message_user(
                request,
                ngettext(
                    "%(n)d certificate re-issued: it is being printed again.",
                    "%(n)d certificates re-issued: they are being printed again.",
                    reissued,
                )
                % {"n": reissued},
                messages.SUCCESS,
            )


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin):
    """The printing runs, with their progress and errors; a run stopped on an error can be started again."""

    list_display = ["event", "progress", "status", "created_at", "requested_by", "error_summary"]
    list_filter = ["status"]
    list_select_related = ["event", "requested_by"]
    search_fields = ["event__title"]
    fields = [
        "event",
        "progress",
        "status",
        "error",
        "requested_by",
        "created_at",
        "finished_at",
        # Whether the broker has it, and which run holds it (certificate_batches_sweep hands it over again).
        "queued_at",
        "claimed_by",
        "heartbeat_at",
    ]
    readonly_fields = fields
    actions = ["retry"]

    def scoped(self, queryset, scope):
        return selectors.certificate_batches_visible(queryset, scope)

    def has_issue_permission(self, request) -> bool:
        return certificates_may_change(request.user)

    @admin.display(description=_("progress"))
    def progress(self, batch: CertificateBatch) -> str:
        return f"{batch.done}/{batch.total}"

    @admin.display(description=_("error"))
    def error_summary(self, batch: CertificateBatch) -> str:
        return batch.error if len(batch.error) <= 80 else f"{batch.error[:79]}…"

    @admin.action(description=_("Print the selected batches again (those stopped on an error)"), permissions=["issue"])
    def retry(self, request, queryset) -> None:
        queued = _each(
            self,
            request,
            queryset.select_related("event"),
            lambda batch: certificate_batch_retry(batch=batch, actor=request.user),
        )
        if queued:
            self.message_user(
                request,
                ngettext("%(n)d batch is being printed again.", "%(n)d batches are being printed again.", queued)
                % {"n": queued},
                messages.SUCCESS,
            )


class ParticipantColumnsMixin:
    """The participant's name and event as list columns, for the rows that belong to one participant."""

    @admin.display(description=_("participant"), ordering="participant__employee__name")
    def participant_name(self, row: Attendance | CheckinOperation) -> str:
        return row.participant.employee.display_name

    @admin.display(description=_("event"), ordering="participant__event__starts_at")
    def event(self, row: Attendance | CheckinOperation) -> str:
        return row.participant.event.title


@admin.register(Attendance)
class AttendanceAdmin(ParticipantColumnsMixin, ScopedAdminMixin, RecordAdminMixin, HistoryAdmin):
    """Who came on which day (or to which session) of an event held over several days: written by the
    check-in and its undo (ceremonies/services/events.py), shown here with their history (an undone day's
    reason stays in it)."""

    list_display = ["participant_name", "event", "day", "session", "checked_in_at", "checked_in_by"]
    list_filter = ["day"]
    list_select_related = ["participant__employee", "participant__event", "session", "checked_in_by"]
    search_fields = ["participant__employee__name", "=participant__employee__nip", "participant__event__title"]
    show_full_result_count = False
    fields = ["participant", "day", "session", "checked_in_at", "checked_in_by"]
    readonly_fields = fields
    scope_unit_field = "participant__employee__unit"


@admin.register(CheckinOperation)
class CheckinOperationAdmin(ParticipantColumnsMixin, ScopedAdminMixin, RecordAdminMixin, admin.ModelAdmin):
    """The check-ins and souvenirs phones synced, each under the id the phone gave it, with what the server
    answered (done, already done, conflict): what to read when two phones disagree. Written only by the
    sync (ceremonies/services/checkin_sync.py), never changed: each row is its own history."""

    # The operation's id (a long UUID) is on its page and found by the search.
    list_display = ["participant_name", "event", "kind", "part", "outcome", "done_at", "actor"]
    list_filter = ["kind", "outcome"]
    list_select_related = ["participant__employee", "participant__event", "actor"]
    search_fields = ["=operation_id", "participant__employee__name", "=participant__employee__nip"]
    show_full_result_count = False
    fields = ["operation_id", "participant", "kind", "part", "outcome", "done_at", "received_at", "actor"]
    readonly_fields = fields
    scope_unit_field = "participant__employee__unit"


class PensionTemplateForm(forms.ModelForm):
    """The agency's Word template of a pension paper: rendered with sample data before it is stored, so
    a broken template is refused here with the reason (ceremonies/services/pension.py)."""

    class Meta:
        model = PensionTemplate
        fields = ["kind", "file"]
        # Private files have no URL (purna/storage.py): no "currently: <link>" of the clearable input.
        widgets = {"file": forms.FileInput}

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload is not None and kind and hasattr(upload, "read"):
            upload.seek(0)
            content = upload.read()
            upload.seek(0)
            try:
                pension_template_check(kind, content)
            except PensionPaperError as error:
                raise ValidationError({"file": error.messages}) from None
        return cleaned


@admin.register(PensionTemplate)
class PensionTemplateAdmin(HistoryAdmin):
    """Replace the Word template of the DPCP, the cover letter or the SK receipt; deleting a row brings
    back the template shipped with Purna."""

    form = PensionTemplateForm
    list_display = ["kind", "uploaded_at"]
    readonly_fields = ["file_name", "uploaded_at"]

    @admin.display(description=_("file"))
    def file_name(self, obj: PensionTemplate) -> str:
        return obj.file.name.rpartition("/")[2] if obj.file else "-"

    def get_fields(self, request, obj=None):
        # A private file has no URL for the read-only view of the admin's viewers: its name is shown.
        if obj is not None and not self.has_change_permission(request, obj):
            return ["kind", "file_name", "uploaded_at"]
        return ["kind", "file", "file_name", "uploaded_at"]

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data.get("file")
        if "file" not in form.changed_data or not hasattr(upload, "read"):
            return super().save_model(request, obj, form, change)
        upload.seek(0)
        saved = pension_template_upload(kind=obj.kind, content=upload.read(), actor=request.user)
        obj.pk, obj.file = saved.pk, saved.file
