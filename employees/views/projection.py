"""Proyeksi purna tugas: retirements ahead per month and per year, by unit and position category,
as charts and tables (each number links to the people behind it), a printable page and a spreadsheet."""

import io

import xlsxwriter
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from employees import document_kinds
from employees.forms.projection import ProjectionFilterForm
from employees.scope import staff_scope
from employees.selectors import ProjectionTable, RetirementProjection, retirement_projection
from purna import formatting
from purna.charts import BarChart, bar_chart

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _projection(request: HttpRequest) -> tuple[ProjectionFilterForm, RetirementProjection]:
    scope = staff_scope(request.user)
    form = ProjectionFilterForm(request.GET or None, scope=scope)
    unit, jenis_jabatan = form.selection()
    return form, retirement_projection(scope=scope, unit=unit, jenis_jabatan=jenis_jabatan)


def _chart(title: str, table: ProjectionTable) -> BarChart:
    list_url = reverse("employees:list")
    return bar_chart(
        title,
        [
            (period.short_label, cell.count, f"{list_url}?{cell.query}")
            for period, cell in zip(table.periods, table.totals, strict=True)
        ],
    )


def _context(request: HttpRequest) -> dict:
    form, projection = _projection(request)
    return {
        "form": form,
        "projection": projection,
        "monthly_chart": _chart(_("Purna tugas per month"), projection.monthly),
        "yearly_chart": _chart(_("Purna tugas per year"), projection.yearly),
        "filter_query": request.GET.urlencode(),
    }


@permission_required("employees.view_employee", raise_exception=True)
def projection_view(request: HttpRequest) -> HttpResponse:
    return render(request, "employees/projection.html", _context(request))


@permission_required("employees.view_employee", raise_exception=True)
def projection_print(request: HttpRequest) -> HttpResponse:
    """The same tables on A4 landscape, with the agency's name and the date printed."""
    return render(request, "employees/projection_print.html", {**_context(request), "printed_at": timezone.now()})


@permission_required("employees.view_employee", raise_exception=True)
def projection_xlsx(request: HttpRequest) -> HttpResponse:
    """The four tables of the projection in a workbook (one sheet per month, one per year), made in the
    background (employees/document_kinds.py): the file, or the page that follows its making."""
    form = ProjectionFilterForm(request.GET or None, scope=staff_scope(request.user))
    unit, jenis_jabatan = form.selection()
    return document_kinds.projection_response(request, unit=unit, jenis_jabatan=jenis_jabatan)


def projection_workbook(projection: RetirementProjection, *, agency: str) -> bytes:
    """An XLSX workbook (xlsxwriter, in memory: the tables are small) of the projection's tables."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "bg_color": "#E8F1EE", "border": 1, "align": "center"})
    number = workbook.add_format({"border": 1})
    total = workbook.add_format({"bold": True, "border": 1, "bg_color": "#F3F3F3"})
    label = workbook.add_format({"border": 1})
    sheets = [
        (_("Per month"), _("Purna tugas per month"), projection.monthly_by_unit, projection.monthly_by_jenis),
        (_("Per year"), _("Purna tugas per year"), projection.yearly_by_unit, projection.yearly_by_jenis),
    ]
    for sheet_name, heading, by_unit, by_jenis in sheets:
        sheet = workbook.add_worksheet(sheet_name[:31])
        sheet.write(0, 0, heading, title)
        sheet.write(1, 0, agency)
        sheet.write(
            2, 0, _("As of %(date)s (active employees, TMT pensiun)") % {"date": formatting.tanggal(projection.today)}
        )
        row = 4
        for first_header, table in ((_("Work unit"), by_unit), (_("Position category"), by_jenis)):
            sheet.write(row, 0, first_header, header)
            for column, period in enumerate(table.periods, start=1):
                sheet.write(row, column, period.label, header)
            sheet.write(row, len(table.periods) + 1, _("Total"), header)
            row += 1
            for table_row in table.rows:
                sheet.write(row, 0, table_row.label, label)
                for column, cell in enumerate(table_row.cells, start=1):
                    sheet.write_number(row, column, cell.count, number)
                sheet.write_number(row, len(table.periods) + 1, table_row.total.count, total)
                row += 1
            sheet.write(row, 0, _("Total"), total)
            for column, cell in enumerate(table.totals, start=1):
                sheet.write_number(row, column, cell.count, total)
            sheet.write_number(row, len(table.periods) + 1, table.total.count, total)
            row += 2
        sheet.set_column(0, 0, 44)
        sheet.set_column(1, 13, 10)
    workbook.close()
    return output.getvalue()
