"""The second factor in the admin: each role's policy, the accounts with their devices and the reset (for
superusers only), and the trace of every enrolment, recovery code used and reset.

django-otp's own device admins are taken away: they would show a TOTP secret as a QR code and delete
devices without a trace.
"""

from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from purna.admin import ReadOnlyInline, RecordAdminMixin
from purna.two_factor import services
from purna.two_factor.exceptions import TwoFactorError
from purna.two_factor.models import RolePolicy, TwoFactorAccount, TwoFactorEvent
from purna.two_factor.policy import two_factor_required_condition

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class SuperuserOnlyMixin:
    """Who needs a second factor, and resetting one, are for superusers alone: an HR admin must not be
    able to take the second factor off their own account."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser


@admin.register(RolePolicy)
class RolePolicyAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["group", "two_factor_required"]
    list_editable = ["two_factor_required"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # Without its row a role requires the second factor: deleting is the same as ticking the box.
        return False


class TwoFactorEventInline(ReadOnlyInline):
    model = TwoFactorEvent
    fk_name = "user"
    fields = ["at", "kind", "actor"]
    readonly_fields = fields


@admin.register(TwoFactorAccount)
class TwoFactorAccountAdmin(SuperuserOnlyMixin, RecordAdminMixin, admin.ModelAdmin):
    list_display = ["username", "full_name", "required", "enrolled", "recovery_codes_left", "last_login"]
    list_filter = ["is_staff", "is_superuser", "groups"]
    search_fields = ["username", "first_name", "last_name", "email"]
    fields = [
        "username",
        "first_name",
        "last_name",
        "is_staff",
        "is_superuser",
        "groups",
        "required",
        "enrolled",
        "recovery_codes_left",
    ]
    readonly_fields = fields
    inlines = [TwoFactorEventInline]
    actions = ["reset_second_factor"]

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                needs_two_factor=two_factor_required_condition(),
                has_totp=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
                codes_left=Count("staticdevice__token_set", distinct=True),
            )
        )

    @admin.display(description=_("name"))
    def full_name(self, obj) -> str:
        return obj.get_full_name()

    @admin.display(description=_("needs a second factor"), boolean=True, ordering="needs_two_factor")
    def required(self, obj) -> bool:
        return obj.needs_two_factor

    @admin.display(description=_("authenticator app"), boolean=True, ordering="has_totp")
    def enrolled(self, obj) -> bool:
        return obj.has_totp

    @admin.display(description=_("recovery codes left"), ordering="codes_left")
    def recovery_codes_left(self, obj) -> int:
        return obj.codes_left

    def has_reset_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    @admin.action(
        description=_("Reset the second factor (lost phone): enrol again at next sign-in"), permissions=["reset"]
    )
    def reset_second_factor(self, request: HttpRequest, queryset) -> None:
        done = 0
        for account in queryset:
            try:
                services.two_factor_reset(user=account, actor=request.user)
            except TwoFactorError as error:
                self.message_user(request, str(error), messages.ERROR)
                return
            done += 1
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d account was reset.",
                "The second factors of %(count)d accounts were reset.",
                done,
            )
            % {"count": done},
            messages.SUCCESS,
        )


@admin.register(TwoFactorEvent)
class TwoFactorEventAdmin(SuperuserOnlyMixin, RecordAdminMixin, admin.ModelAdmin):
    list_display = ["at", "user", "kind", "actor"]
    list_filter = ["kind"]
    search_fields = ["user__username", "actor__username"]
    date_hierarchy = "at"
