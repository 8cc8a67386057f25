"""Spreadsheets in and out of the register: the import (upload, progress, result, templates) and the export.

The import's work is in employees/services/imports.py (run by a Celery task); these views store the
upload, show the job's progress (htmx polls a partial every second) and its result. The export is made
in the background (employees/document_kinds.py) from the employee list as filtered on the list page
(employees.filters.EmployeeFilter, same query string).
"""

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, View

from employees import document_kinds, exporter, importer
from employees.choices import ImportKind, ImportStatus
from employees.forms.transfer import ImportUploadForm
from employees.models import ImportJob
from employees.scope import Scope, staff_scope
from employees.selectors import import_job_list, unit_choices
from employees.services.imports import dry_run_import, import_job_create, import_job_from_dry_run
from purna.spreadsheets import ImportFileError

IMPORT_PERMISSIONS = ("employees.add_employee", "employees.change_employee")
RECENT_JOBS = 10


def import_page_context(scope: Scope) -> dict:
    """What the upload page (and the admin's) shows beside the form: the columns, the unit codes of the
    user's units, the limit."""
    return {
        "columns": importer.COLUMNS,
        "computed_headers": importer.COMPUTED_HEADERS,
        "units": unit_choices(scope=scope),
        "max_megabytes": settings.PURNA_IMPORT_MAX_BYTES // (1024 * 1024),
    }


class ImportPermissionMixin(PermissionRequiredMixin):
    # An import adds and changes employees: it needs both rights.
    permission_required = IMPORT_PERMISSIONS
    raise_exception = True


class ImportJobPermissionMixin(PermissionRequiredMixin):
    # A job's pages: employee imports need both rights, family imports the right to change employees
    # (employees.selectors.import_job_list leaves out the jobs the user may not run).
    permission_required = "employees.change_employee"
    raise_exception = True


class ImportJobCreateView(ImportPermissionMixin, FormView):
    """Upload a spreadsheet; the import runs in the background and its page shows the progress."""

    template_name = "employees/importjob_form.html"
    form_class = ImportUploadForm

    def get_context_data(self, **kwargs):
        scope = staff_scope(self.request.user)
        jobs = import_job_list(user=self.request.user, scope=scope, kind=ImportKind.EMPLOYEES)[:RECENT_JOBS]
        return super().get_context_data(**import_page_context(scope), jobs=jobs, **kwargs)

    def form_valid(self, form: ImportUploadForm):
        try:
            job = import_job_create(
                actor=self.request.user, file=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
            return self.form_invalid(form)
        messages.info(self.request, _("The file has been received; the import runs in the background."))
        return HttpResponseRedirect(reverse("employees:import_detail", args=[job.pk]))


class ImportJobDetailView(ImportJobPermissionMixin, DetailView):
    """An import's page: its progress while it runs, then its counts and its errors by row and column."""

    template_name = "employees/importjob_detail.html"
    context_object_name = "job"

    def get_queryset(self):
        return import_job_list(user=self.request.user, scope=staff_scope(self.request.user))

    def get_context_data(self, **kwargs):
        job: ImportJob = self.object
        stored = importer.unpack(job.errors)
        running = job.is_running
        clean_dry_run = job.dry_run and job.status == ImportStatus.DONE and not stored.errors
        family = job.kind == ImportKind.FAMILY
        return super().get_context_data(
            family=family,
            upload_url=reverse("employees:family_import" if family else "employees:import_create"),
            clean_dry_run=clean_dry_run,
            imported_as=dry_run_import(job) if clean_dry_run else None,
            running=running,
            # Every row checked, the job not finished: the rows are being written.
            saving=running and job.total_rows and job.processed_rows >= job.total_rows,
            succeeded=job.status == ImportStatus.DONE,
            errors=stored.errors,
            error_count=stored.error_count,
            errors_hidden=stored.error_count - len(stored.errors),
            file_errors=[error for error in stored.errors if error.get("row") is None],
            row_errors=[error for error in stored.errors if error.get("row") is not None],
            notices=stored.notices,
            changes=stored.changes,
            changes_hidden=max(job.created_count + job.updated_count - len(stored.changes), 0),
            **kwargs,
        )


class ImportJobFromDryRunView(ImportJobPermissionMixin, View):
    """ "Impor sekarang" after a clean dry run: the real import of the same stored file, once (a second
    click goes to the import the first one made)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        dry_run = get_object_or_404(import_job_list(user=request.user, scope=staff_scope(request.user)), pk=pk)
        try:
            job, created = import_job_from_dry_run(dry_run=dry_run, actor=request.user)
        except ImportFileError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(reverse("employees:import_detail", args=[dry_run.pk]))
        if created:
            messages.info(request, _("The file of the dry run is being imported; the import runs in the background."))
        else:
            messages.info(request, _("This file has already been imported from its dry run."))
        return HttpResponseRedirect(reverse("employees:import_detail", args=[job.pk]))


class ImportJobProgressView(ImportJobDetailView):
    """The progress partial, polled by htmx every second until the job has finished."""

    template_name = "employees/_importjob_progress.html"


class ImportTemplateView(ImportPermissionMixin, View):
    """The empty spreadsheet to fill in: CSV (the header) or XLSX (header, guide, unit codes)."""

    def get(self, request, fmt: str):
        if fmt == "csv":
            response = HttpResponse(exporter.template_csv(), content_type=exporter.CONTENT_TYPES["csv"])
        elif fmt == "xlsx":
            buffer = io.BytesIO()
            exporter.template_xlsx(buffer, units=unit_choices(scope=staff_scope(request.user)))
            response = HttpResponse(buffer.getvalue(), content_type=exporter.CONTENT_TYPES["xlsx"])
        else:
            raise Http404(_("Unknown format."))
        response["Content-Disposition"] = f'attachment; filename="templat-impor-pegawai.{fmt}"'
        return response


class EmployeeExportView(PermissionRequiredMixin, View):
    """The employee list as CSV or XLSX, filtered by the list page's query string, made in the background
    (employees/document_kinds.py): the file, or the page that follows its making."""

    permission_required = "employees.view_employee"
    raise_exception = True

    def get(self, request, fmt: str):
        if fmt not in exporter.CONTENT_TYPES:
            raise Http404(_("Unknown format."))
        return document_kinds.export_response(request, fmt=fmt)


def admin_import_view(model_admin, request):
    """The Employee admin's "Import employees" page: the staff page's form and service in the admin's
    look; the upload then goes to the staff page of its job, which shows the progress and the result."""
    if not request.user.has_perms(IMPORT_PERMISSIONS):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(
                actor=request.user, file=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            model_admin.message_user(request, _("The file has been received; the import runs in the background."))
            return HttpResponseRedirect(reverse("employees:import_detail", args=[job.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        **import_page_context(staff_scope(request.user)),
        "opts": model_admin.model._meta,
        "title": _("Import employees"),
        "form": form,
    }
    return TemplateResponse(request, "admin/employees/employee/import_form.html", context)
