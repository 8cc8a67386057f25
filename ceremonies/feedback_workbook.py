"""The organisers' summary of a training's feedback as an XLSX workbook: one table with a row per session
(instructor, answers, average, the count of each rating, the usefulness average) and a second sheet with
the comments. Works on the summary already read (ceremonies.selectors.event_feedback_summary): no query.
Written in the site's language (Indonesian), like the event's other documents."""

import io

import xlsxwriter
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ceremonies.feedback import RATINGS
from ceremonies.formatting import event_when_in
from ceremonies.models import Event
from ceremonies.selectors import SessionFeedback


def feedback_workbook(*, event: Event, summary: list[SessionFeedback], agency: str) -> bytes:
    """The workbook's bytes (see the module's docstring)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _feedback_workbook(event=event, summary=summary, agency=agency)


def _feedback_workbook(*, event: Event, summary: list[SessionFeedback], agency: str) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8F1EE", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = workbook.add_format({"border": 1, "valign": "top", "text_wrap": True})
    number = workbook.add_format({"border": 1, "valign": "top", "num_format": "0.0"})
    when = event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE)

    sheet = workbook.add_worksheet(_("Summary"))
    sheet.write(0, 0, _("Training feedback: %(event)s") % {"event": event.title}, title)
    sheet.write(1, 0, agency)
    sheet.write(2, 0, f"{when.day}, {when.time}, {event.venue}")
    columns = [
        (_("No."), 5),
        (_("Session"), 34),
        (_("Instructor"), 26),
        (_("Institution"), 26),
        (_("Answers"), 10),
        (_("Average rating"), 10),
        *[(_("Rating %(value)d") % {"value": value}, 9) for value in RATINGS],
        (_("Usefulness answers"), 12),
        (_("Average usefulness"), 12),
    ]
    header_row = 4
    for column, (label, width) in enumerate(columns):
        sheet.set_column(column, column, width)
        sheet.write(header_row, column, label, header)
    for index, row in enumerate(summary, start=1):
        line = header_row + index
        instructor = row.session.instructor
        values = [
            index,
            row.session.topic,
            instructor.name if instructor else "",
            instructor.institution if instructor else "",
            row.rating.count,
        ]
        for column, value in enumerate(values):
            # Text is written as text: a topic or name starting with "=" never becomes a formula.
            if isinstance(value, str):
                sheet.write_string(line, column, value, cell)
            else:
                sheet.write_number(line, column, value, cell)
        _write_average(sheet, line, 5, row.rating.average, number, cell)
        for offset, times in enumerate(row.rating.distribution):
            sheet.write(line, 6 + offset, times, cell)
        sheet.write(line, 6 + len(RATINGS), row.usefulness.count, cell)
        _write_average(sheet, line, 7 + len(RATINGS), row.usefulness.average, number, cell)
    sheet.freeze_panes(header_row + 1, 0)

    comments = workbook.add_worksheet(_("Comments"))
    for column, (label, width) in enumerate([(_("Session"), 34), (_("Instructor"), 26), (_("Comment"), 80)]):
        comments.set_column(column, column, width)
        comments.write(0, column, label, header)
    line = 1
    for row in summary:
        instructor = row.session.instructor
        for comment in row.comments:
            # A comment is what a retiree typed: written as text, never as a formula ("=..." stays as typed).
            comments.write_string(line, 0, row.session.topic, cell)
            comments.write_string(line, 1, instructor.name if instructor else "", cell)
            comments.write_string(line, 2, comment, cell)
            line += 1
    comments.freeze_panes(1, 0)
    workbook.close()
    return output.getvalue()


def _write_average(sheet, line: int, column: int, average, number, cell) -> None:
    if average is None:
        sheet.write(line, column, "", cell)
    else:
        sheet.write_number(line, column, float(average), number)
