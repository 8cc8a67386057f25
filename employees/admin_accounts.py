"""The guards of the user admin (employees/accounts.py says who may change what), and the trace of every
change made through it (purna/accounts.py). Mixed into employees.admin.StaffUserAdmin and StaffScopeInline."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from employees.accounts import password_settable
from employees.models import UnitKerja
from employees.scope import ALL_UNITS, staff_scope
from employees.selectors import account_state, accounts_manageable, roles_grantable
from purna.accounts import account_change_record
from purna.admin import AccountChangeInline

# Only a superuser grants or removes these (the rest of the form stays editable).
SUPERUSER_FIELDS = ["is_superuser", "is_staff", "user_permissions"]
# The account's state before the save, kept on the request between save_model and save_related.
_BEFORE = "_purna_account_before"


class AccountGuardMixin:
    """For the user admin: only the accounts the admin manages are listed and opened (others answer 404);
    the superuser fields are read-only to anyone else; roles are those the admin may give, and roles the
    admin may not give stay as they were; a password only where password_settable allows it; every
    change leaves its trace (the "account changes" on the account's page)."""

    def get_queryset(self, request):
        return accounts_manageable(actor=request.user, queryset=super().get_queryset(request))

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        return [*inlines, AccountChangeInline] if obj is not None else inlines

    def _password_settable(self, request, account) -> bool:
        return password_settable(
            actor_is_superuser=request.user.is_superuser, own_account=account.pk == request.user.pk
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deactivated, never deleted (employees/accounts.py): a deleted account would leave no trace and
        # blank the preparer of its payouts, and with it the four-eyes rule.
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or self._password_settable(request, obj):
            return fieldsets
        # Not even the button that leads to a refusal.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [name for name in SUPERUSER_FIELDS if name not in fields]
        return fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        groups = form.base_fields.get("groups")
        if obj is not None and groups is not None and not request.user.is_superuser:
            # A class made for this request (modelform_factory): its fields are this request's alone.
            kept = obj.groups.exclude(pk__in=groups.queryset.values("pk")).order_by("name")
            if kept:
                names = ", ".join(group.name for group in kept)
                groups.help_text = _("Also holds %(roles)s, which you cannot give or take away.") % {"roles": names}
        return form

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = roles_grantable(actor=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        setattr(request, _BEFORE, account_state(user_id=obj.pk) if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        account = form.instance
        if "groups" in form.cleaned_data and not request.user.is_superuser:
            # The form offers only the roles this admin may give: the others the account holds are kept.
            grantable = set(roles_grantable(actor=request.user))
            kept = [group for group in account.groups.all() if group not in grantable]
            form.cleaned_data["groups"] = [*form.cleaned_data["groups"], *kept]
        super().save_related(request, form, formsets, change)
        account_change_record(
            account=account,
            actor=request.user,
            before=getattr(request, _BEFORE, None),
            after=account_state(user_id=account.pk),
        )

    def user_change_password(self, request, id, form_url=""):
        account = self.get_object(request, unquote(id))
        if account is None:
            return super().user_change_password(request, id, form_url)  # 404
        if not self._password_settable(request, account):
            raise PermissionDenied
        with transaction.atomic():
            before = account_state(user_id=account.pk)
            response = super().user_change_password(request, id, form_url)
            account_change_record(
                account=account, actor=request.user, before=before, after=account_state(user_id=account.pk)
            )
        return response


class StaffScopeFormSet(BaseInlineFormSet):
    """An admin of some units gives a new account, or an account whose scope they change, at least one of
    their units: an account without one would be out of their reach at once."""

    actor_scope = ALL_UNITS  # the admin's own scope, set per request by StaffScopeGuardMixin.get_formset

    def clean(self) -> None:
        super().clean()
        if self.actor_scope.is_all:
            return
        for form in self.forms:
            changing = self.instance._state.adding or form.has_changed()
            if changing and not (getattr(form, "cleaned_data", None) or {}).get("units"):
                raise ValidationError(_("Choose at least one of your work units for this account."))


class StaffScopeGuardMixin:
    """For the staff scope inline: an admin sets a scope only within their own (every unit only if they see
    every unit themselves); staff without a scope set none."""

    formset = StaffScopeFormSet

    def _may_set_scopes(self, request) -> bool:
        return not staff_scope(request.user).is_empty

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if staff_scope(request.user).is_all else [*fields, "all_units"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scope = staff_scope(request.user)
        if db_field.name == "units" and not scope.is_all:
            kwargs["queryset"] = UnitKerja.objects.filter(pk__in=sorted(scope.unit_ids))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        # A class made for this request (inlineformset_factory), so the attribute is this admin's alone.
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor_scope = staff_scope(request.user)
        return formset
