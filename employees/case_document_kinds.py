"""The BTL/TMS report's workbook made in the background (purna/generated.py), for the units of the staff
member who asked, cached until BKN's answers in those units change (or the month turns)."""

import io

import xlsxwriter
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from employees import exporter
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.scope import staff_scope
from employees.selectors.bkn_answers import BknAnswerReport, bkn_answer_fingerprint_values, bkn_answer_report
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of

PERMISSION = "employees.view_retirementcase"


def _allowed(user, params: dict) -> bool:
    return scope_matches(user, params)


def bkn_answer_workbook(report: BknAnswerReport) -> bytes:
    """Two sheets: the totals per month, and the reasons per month, unit and answer."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#E8F1EE", "border": 1})
    cell = workbook.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    months = workbook.add_worksheet(_("Per month"))
    months.write_row(0, 0, [_("Month"), "BTL", "TMS"], header)
    for index, month in enumerate(report.months, start=1):
        months.write_row(index, 0, [month.label, month.btl, month.tms], cell)
    months.write_row(len(report.months) + 1, 0, [_("Total"), report.total_btl, report.total_tms], header)
    months.set_column(0, 0, 18)
    reasons = workbook.add_worksheet(_("Reasons"))
    reasons.write_row(0, 0, [_("Month"), _("Work unit"), _("BKN's answer"), _("Reason"), _("Count")], header)
    for index, row in enumerate(report.rows, start=1):
        reasons.write_row(index, 0, [row.month_label, row.unit, row.status_label, row.reason, row.count], cell)
    reasons.set_column(0, 0, 16)
    reasons.set_column(1, 1, 36)
    reasons.set_column(3, 3, 60)
    reasons.autofilter(0, 0, max(len(report.rows), 1), 4)
    reasons.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()


def _render(params: dict, progress: Progress) -> Rendered:
    progress(0, 1)
    report = bkn_answer_report(scope=scope_from_param(params["units"]))
    content = bkn_answer_workbook(report)
    return Rendered(content, f"jawaban-bkn-btl-tms-{report.start:%Y%m}-{timezone.localdate():%Y%m}.xlsx",
                    exporter.CONTENT_TYPES["xlsx"])  # fmt: skip


BKN_ANSWERS = DocumentKind(gettext_lazy("BKN's BTL and TMS answers"), PERMISSION, _render, _allowed)


def bkn_answers_response(request: HttpRequest) -> HttpResponse:
    scope = staff_scope(request.user)
    fingerprint = fingerprint_of(bkn_answer_fingerprint_values(scope), timezone.localdate().replace(day=1))
    return document_response(
        request, kind=f"{__name__}.BKN_ANSWERS", params={"units": scope_param(scope)}, fingerprint=fingerprint
    )
