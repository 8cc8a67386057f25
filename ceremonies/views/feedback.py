"""The organisers' summary of a training's feedback: per session and instructor, the answers, average and
distribution (a server-drawn bar chart) and the comments, and the same as an XLSX workbook made in the
background. Only the organising units' staff see it (another unit's event answers 404)."""

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ceremonies import document_kinds, selectors
from ceremonies.feedback import RATINGS
from ceremonies.models import Event
from employees.scope import staff_scope
from purna.charts import bar_chart

PERMISSION = "ceremonies.view_trainingfeedback"


def _event(request: HttpRequest, pk: int) -> Event:
    try:
        return selectors.event_get_for_change(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist:
        raise Http404(_("No such event.")) from None


@permission_required(PERMISSION, raise_exception=True)
def feedback_summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary page, in a fixed number of queries whatever the number of answers."""
    event = _event(request, pk)
    rows = [
        {
            "row": row,
            "chart_id": f"chart-session-{row.session.pk}",
            "chart": bar_chart(
                _("Ratings of %(topic)s") % {"topic": row.session.topic},
                [
                    (_("%(value)d stars") % {"value": value}, times, f"#session-{row.session.pk}-comments")
                    for value, times in zip(RATINGS, row.rating.distribution, strict=True)
                ],
            ),
        }
        for row in selectors.event_feedback_summary(event=event)
    ]
    context = {"event": event, "rows": rows, "answers": sum(item["row"].rating.count for item in rows)}
    return render(request, "ceremonies/feedback_summary.html", context)


@permission_required(PERMISSION, raise_exception=True)
def feedback_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return document_kinds.feedback_document_response(request, _event(request, pk))
