"""BKN's BTL and TMS answers by month and unit, with their reasons: a chart, a table and a workbook."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from employees import case_document_kinds
from employees.scope import staff_scope
from employees.selectors.bkn_answers import bkn_answer_report
from purna.charts import bar_chart


@permission_required("employees.view_retirementcase", raise_exception=True)
def bkn_answers_view(request: HttpRequest) -> HttpResponse:
    report = bkn_answer_report(scope=staff_scope(request.user))
    context = {
        "report": report,
        "btl_chart": bar_chart(
            _("Returned as incomplete (BTL) per month"), [(m.short_label, m.btl, "#alasan") for m in report.months]
        ),
        "tms_chart": bar_chart(
            _("Refused, requirements not met (TMS) per month"),
            [(m.short_label, m.tms, "#alasan") for m in report.months],
        ),
    }
    return render(request, "employees/bkn_answer_report.html", context)


@permission_required("employees.view_retirementcase", raise_exception=True)
def bkn_answers_xlsx(request: HttpRequest) -> HttpResponse:
    """The report's workbook, made in the background: the file, or the page that follows its making."""
    return case_document_kinds.bkn_answers_response(request)
