"""The register's spreadsheets made in the background (purna/generated.py): the projection's workbook and
the employee export (CSV or XLSX, filtered as on the list page), each for the units of the staff member
who asked, cached until the register changes.

The fingerprint: the employees' count and latest change (`updated_at`, which every service write and
the import set), the facts refreshes (they rewrite BUP and TMT pensiun in bulk, without `updated_at`),
the units, the agency and the day (the projection counts from today; the export's name carries it).
"""

import tempfile
from typing import IO

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from employees import exporter
from employees.counts import queryset_count
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.filters import EmployeeFilter
from employees.models import Employee, FactsRefreshRun, UnitKerja
from employees.scope import Scope, staff_scope
from employees.selectors import retirement_projection
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of
from purna.models import Instansi

PERMISSION = "employees.view_employee"


def _allowed(user, params: dict) -> bool:
    return scope_matches(user, params)


def _agency() -> str:
    instansi = Instansi.objects.filter(pk=1).first()
    return instansi.name if instansi else settings.PURNA_INSTANSI_NAME


def _render_projection(params: dict, progress: Progress) -> Rendered:
    # Imported here: the workbook's layout lives beside the projection's pages.
    from employees.views.projection import projection_workbook

    scope = scope_from_param(params["units"])
    progress(0, 2)
    unit = scope.filter(UnitKerja.objects.all(), "pk").filter(pk=params["unit"]).first() if params["unit"] else None
    projection = retirement_projection(scope=scope, unit=unit, jenis_jabatan=params["jenis_jabatan"])
    progress(1, 2)
    content = projection_workbook(projection, agency=_agency())
    return Rendered(content, f"proyeksi-purna-tugas-{projection.today:%Y%m%d}.xlsx", exporter.CONTENT_TYPES["xlsx"])


PROJECTION = DocumentKind(_("Purna tugas projection"), PERMISSION, _render_projection, _allowed)


def export_queryset(scope: Scope, query: QueryDict):
    """The employees of the list page's filters (`query`) within `scope`, ordered as the list."""
    employees = scope.filter(Employee.objects.all())
    queryset = EmployeeFilter(query or None, queryset=employees, scope=scope).qs
    if not queryset.query.order_by:
        queryset = queryset.order_by("name", "pk")
    return queryset


class _RowsWithProgress:
    """The export's rows, telling `progress` how many have been written (every 1,000)."""

    def __init__(self, rows, total: int, progress: Progress) -> None:
        self.rows, self.total, self.progress = rows, total, progress

    def __iter__(self):
        done = 0
        for done, row in enumerate(self.rows, start=1):
            if done % 1000 == 0:
                self.progress(done, self.total + 1)
            yield row
        self.progress(done, self.total + 1)


def _render_export(params: dict, progress: Progress) -> Rendered:
    scope = scope_from_param(params["units"])
    queryset = export_queryset(scope, QueryDict(params["query"]))
    total = queryset.count()
    progress(0, total + 1)
    rows = _RowsWithProgress(exporter.export_rows(queryset), total, progress)
    fmt = params["format"]
    file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - stored, then closed by purna/generated.py
    if fmt == "csv":
        # The same bytes the streamed download gave: UTF-8 with a byte order mark.
        for piece in exporter.csv_stream(rows):
            file.write(piece.encode("utf-8"))
    else:
        exporter.xlsx_write(rows, file)
    file.seek(0)
    return Rendered(file, f"pegawai-{timezone.localdate():%Y-%m-%d}.{fmt}", exporter.CONTENT_TYPES[fmt])


EXPORT = DocumentKind(_("Employee export"), PERMISSION, _render_export, _allowed)


def register_fingerprint(scope: Scope) -> str:
    """The state of the register as the projection and the export print it, read without going through
    the register (one aggregate over 1,000,000 employees and their units took a second): the latest
    change from the updated_at index (employee_updated_at), the count cached until the register changes
    (employees/counts.py), and every unit's name (a renamed unit changes no employee row). Five queries, or six on the first request
    after a change."""
    employees = scope.filter(Employee.objects.all())
    latest = employees.aggregate(latest=Max("updated_at"))["latest"]
    count = queryset_count(employees)
    units = list(scope.filter(UnitKerja.objects.order_by("pk"), "pk").values_list("pk", "name"))
    refreshes = FactsRefreshRun.objects.aggregate(count=Count("pk"), latest=Max("finished_at"))
    instansi = Instansi.objects.filter(pk=1).values_list("name", flat=True).first()
    return fingerprint_of(count, latest, units, refreshes, instansi, timezone.localdate())


def projection_response(request: HttpRequest, *, unit: UnitKerja | None, jenis_jabatan: str) -> HttpResponse:
    scope = staff_scope(request.user)
    params = {"units": scope_param(scope), "unit": unit.pk if unit else None, "jenis_jabatan": jenis_jabatan}
    return document_response(
        request, kind=f"{__name__}.PROJECTION", params=params, fingerprint=register_fingerprint(scope)
    )


def export_response(request: HttpRequest, *, fmt: str) -> HttpResponse:
    scope = staff_scope(request.user)
    # The filters as the list page sent them, in a stable order (the same filters give the same file).
    query = QueryDict(mutable=True)
    for key in sorted(request.GET):
        query.setlist(key, request.GET.getlist(key))
    params = {"units": scope_param(scope), "format": fmt, "query": query.urlencode()}
    return document_response(request, kind=f"{__name__}.EXPORT", params=params, fingerprint=register_fingerprint(scope))
