"""The ceremonies in the Django admin: reference data (officials, instructors) edited freely; events
written through the services (same checks, same history) and shown with their agenda and participants;
HR admins of some units see their events only (employees/scope.py)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from ceremonies import selectors
from ceremonies.exceptions import CeremonyError
from ceremonies.models import Event, Instructor, Official, Participant, Session
from ceremonies.services.events import event_create, event_update, event_validate
from employees.admin import ScopedAdminMixin, ServiceValidatedForm
from employees.scope import staff_scope
from purna.admin import ReadOnlyInline


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "nip", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "title", "nip"]


@admin.register(Instructor)
class InstructorAdmin(admin.ModelAdmin):
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
class EventAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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
