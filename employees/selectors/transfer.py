"""Reads for the import and export pages: the import jobs a user may see, the units offered."""

from typing import Any

from django.db.models import QuerySet

from employees.choices import ImportKind
from employees.models import ImportJob, UnitKerja
from employees.scope import Scope


def import_job_list(*, user: Any, scope: Scope, kind: str | None = None) -> QuerySet[ImportJob]:
    """Import jobs a user may look at, newest first (of one `kind`, or all): every job for staff who see
    every unit, otherwise their own (a job's errors quote the rows of the file). Employee imports only
    for those who may add employees; family imports for those who may change them."""
    jobs = ImportJob.objects.select_related("created_by").order_by("-created_at", "-pk")
    if kind is not None:
        jobs = jobs.filter(kind=kind)
    if not user.has_perm("employees.add_employee"):
        jobs = jobs.exclude(kind=ImportKind.EMPLOYEES)
    if not user.has_perm("employees.change_employee"):
        jobs = jobs.none()
    return jobs if scope.is_all else jobs.filter(created_by_id=user.pk)


def unit_choices(*, scope: Scope) -> list[tuple[str, str]]:
    """(code, name) of the active units in `scope`, by code: the import page's and template's list."""
    return list(
        scope.filter(UnitKerja.objects.filter(is_active=True), "pk").order_by("code").values_list("code", "name")
    )
