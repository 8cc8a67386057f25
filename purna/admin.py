from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as celery_beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from simple_history.admin import SimpleHistoryAdmin

from purna.accounts import account_change_lines
from purna.models import AccountChange, Instansi

# The User admin is registered by employees/admin.py, with each user's staff scope by unit.


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their parent as a record (history, events): never added or edited here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RecordAdminMixin:
    """For a ModelAdmin of rows that only the services write (payouts, certificates): shown, never added,
    edited or deleted here; the admin changes them only through actions that call the services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Also what keeps simple-history's "revert to this version" away from these rows.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's admin with its pages of old versions read-only. SIMPLE_HISTORY_REVERT_DISABLED
    only hides the "revert" button: the version form's POST still saves the old version, for anyone who
    may merely view the row (payouts and certificates, which only the services write, included), so a
    POST there is refused. Changes go through the change form and the services."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Instansi)
class InstansiAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "email", "phone"]

    def has_add_permission(self, request) -> bool:
        # A singleton: one agency per deployment.
        return super().has_add_permission(request) and not Instansi.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Permissions named in Indonesian ---------------------------------------------------------------------

# Django stores a permission's name in English ("Can add log entry") when it creates it.
_DEFAULT_PERMISSION_NAMES = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "<app> | <model> | <what it allows>", all in the active language."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is not None and action in _DEFAULT_PERMISSION_NAMES and model_name == model._meta.model_name:
        name = _DEFAULT_PERMISSION_NAMES[action] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    return f"{permission.content_type} | {name}"


class PermissionLabelsMixin:
    """For the admins of users and roles: the permission lists name each permission in Indonesian."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


# --- Accounts: roles and the trace of account changes (purna/accounts.py) ----------------------------------


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(PermissionLabelsMixin, GroupAdmin):
    """Roles are data kept in step with purna/roles.py after every migrate; only a superuser changes them
    here, or an admin could give a role (their own included) permissions nobody gave them."""

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


class AccountChangeInline(ReadOnlyInline):
    """The trace of an account's changes (roles, permissions, scope, active flag, password) on its page."""

    model = AccountChange
    fk_name = "account"
    fields = ["at", "actor", "what"]
    readonly_fields = fields
    verbose_name_plural = _("account changes")

    @admin.display(description=_("what changed"))
    def what(self, change: AccountChange) -> str:
        return format_html_join("", "<div>{}</div>", ((line,) for line in account_change_lines(change.changes)))


# --- Celery's schedules: the columns the package leaves without a label (Indonesian in locale_overrides/) ----


admin.site.unregister([PeriodicTask, ClockedSchedule, CrontabSchedule, SolarSchedule, IntervalSchedule])


class PeriodicTaskInline(celery_beat_admin.PeriodicTaskInline):
    fields = ("name", "task_name", "args", "kwargs")
    readonly_fields = fields

    @admin.display(description=_("Task Name"))
    def task_name(self, task: PeriodicTask) -> str:
        return task.task


class TaskNameFilter(admin.AllValuesFieldListFilter):
    """The package's task field has an untranslated verbose name ("Task Name")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("Task Name")


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(celery_beat_admin.PeriodicTaskAdmin):
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name for name in celery_beat_admin.PeriodicTaskAdmin.list_filter
    ]

    @admin.display(description=_("schedule"))
    def scheduler(self, task: PeriodicTask) -> object:
        return task.scheduler

    @admin.display(description=_("routine schedule in words"))
    def crontab_translation(self, task: PeriodicTask) -> str:
        return super().crontab_translation(task)


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(celery_beat_admin.ClockedScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(SolarSchedule)
class SolarScheduleAdmin(celery_beat_admin.SolarScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(celery_beat_admin.IntervalScheduleAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(celery_beat_admin.CrontabScheduleAdmin):
    inlines = [PeriodicTaskInline]

    @admin.display(description=_("in words"))
    def human_readable(self, schedule: CrontabSchedule) -> str:
        return schedule.human_readable
