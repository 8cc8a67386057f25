"""The outbox in the Django admin: read-only rows (they are the proof of what was sent), with the
actions "send again" and "cancel" going through the services."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from purna.admin import ReadOnlyInline
from purna.notifications.exceptions import NotificationError
from purna.notifications.models import Message, MessageAttachment, MessageEvent
from purna.notifications.selectors import kind_choices, kind_label, messages_visible
from purna.notifications.services import message_cancel, message_retry


class KindFilter(admin.SimpleListFilter):
    # From the registry, not from a DISTINCT over the whole outbox.
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


class MessageEventInline(ReadOnlyInline):
    model = MessageEvent
    fields = ["at", "event", "detail", "actor"]
    readonly_fields = fields


class MessageAttachmentInline(ReadOnlyInline):
    model = MessageAttachment
    fields = ["filename", "mimetype", "size"]
    readonly_fields = fields


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["planned_at", "kind_name", "to_name", "to_email", "about_label", "status", "attempts", "sent_at"]
    list_filter = ["status", KindFilter, "planned_at", "sent_at"]
    search_fields = ["to_email", "to_name", "about_label", "recipient_key", "occasion", "subject"]
    show_full_result_count = False
    ordering = ["-planned_at", "-pk"]
    actions = ["send_again", "cancel"]

    class Media:
        css = {"all": ["css/admin.css"]}  # the HTML preview's frame

    inlines = [MessageEventInline, MessageAttachmentInline]
    fieldsets = [
        (None, {"fields": ["kind", "status", "to_name", "to_email", "recipient_key", "occasion", "about_label"]}),
        (
            _("Delivery"),
            {
                "fields": [
                    "planned_at",
                    "next_attempt_at",
                    "attempts",
                    "soft_failures",
                    "claimed_at",
                    "sent_at",
                    "last_error",
                    "cancel_reason",
                    "created_by",
                    "created_at",
                ]
            },
        ),
        (_("As sent"), {"fields": ["message_id", "from_email", "subject", "body_text", "html_preview", "context"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_queryset(self, request):
        # Staff of some units read only their units' messages here too (selectors.messages_visible).
        return messages_visible(user=request.user) & super().get_queryset(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj: Message) -> str:
        return kind_label(obj.kind)

    @admin.display(description=_("HTML"))
    def html_preview(self, obj: Message) -> str:
        if not obj.body_html:
            return "\N{EN DASH}"
        # A sandboxed frame: the email's HTML can neither run scripts nor reach this page. Its address
        # (notifications:html) lets the email's inline styles through, which this page's policy blocks.
        return format_html(
            '<iframe sandbox="" class="email-preview" src="{}"></iframe>',
            reverse("notifications:html", args=[obj.pk]),
        )

    @admin.action(description=_("Send the selected failed emails again"), permissions=["change"])
    def send_again(self, request, queryset):
        done, refused = 0, 0
        for message in queryset:
            try:
                message_retry(message=message, actor=request.user)
                done += 1
            except NotificationError:
                refused += 1
        self._report(request, done, refused)

    @admin.action(description=_("Cancel the selected emails"), permissions=["change"])
    def cancel(self, request, queryset):
        done, refused = 0, 0
        for message in queryset:
            try:
                message_cancel(message=message, actor=request.user)
                done += 1
            except NotificationError:
                refused += 1
        self._report(request, done, refused)

    def _report(self, request, done: int, refused: int) -> None:
        if done:
            self.message_user(request, ngettext("%(n)d email done.", "%(n)d emails done.", done) % {"n": done})
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)d email was skipped: its status does not allow it.",
                    "%(n)d emails were skipped: their status does not allow it.",
                    refused,
                )
                % {"n": refused},
                level=messages.WARNING,
            )
