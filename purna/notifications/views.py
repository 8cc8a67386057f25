"""The outbox staff pages: the list with its filters, one message as sent, send again, cancel."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages as flash
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView
from django_filters.views import FilterView

from purna.notifications import selectors
from purna.notifications.exceptions import NotificationError
from purna.notifications.filters import MessageFilter
from purna.notifications.models import Message
from purna.notifications.services import message_cancel, message_retry


class MessageListView(PermissionRequiredMixin, FilterView):
    permission_required = "notifications.view_message"
    raise_exception = True
    template_name = "notifications/message_list.html"
    filterset_class = MessageFilter
    paginate_by = 50

    def get_queryset(self):
        return selectors.message_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = selectors.message_rows(context["object_list"])
        context["status_counts"] = selectors.message_status_counts(user=self.request.user)
        return context


class MessageDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "notifications.view_message"
    raise_exception = True
    template_name = "notifications/message_detail.html"
    context_object_name = "message_obj"

    def get_object(self, queryset=None) -> Message:
        try:
            return selectors.message_get(pk=self.kwargs["pk"], user=self.request.user)
        except Message.DoesNotExist as exc:
            raise Http404 from exc

    def get_context_data(self, **kwargs):
        message = self.object
        return super().get_context_data(
            row=selectors.message_rows([message])[0],
            events=selectors.message_events(message=message),
            attachments=selectors.message_attachments(message=message),
            **kwargs,
        )


# An email's HTML is styled inline (mail programs read no stylesheet), which the site's policy forbids; a
# frame's srcdoc would inherit that policy, so the detail page frames this address instead. Its own policy
# lets the styles through and nothing else: no script, no fetch, no form, in a sandbox, framed only here.
@require_GET
@permission_required("notifications.view_message", raise_exception=True)
@xframe_options_sameorigin
@csp_replace(
    {
        "default-src": [NONE],
        "script-src": None,
        "style-src": [UNSAFE_INLINE],
        "style-src-attr": None,
        "img-src": [SELF, "data:"],
        "form-action": [NONE],
        "frame-ancestors": [SELF],
        "sandbox": True,
    }
)
def message_html_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML of an email as sent, for the frame of the detail page and of the admin."""
    try:
        message = selectors.message_get(pk=pk, user=request.user)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
    return HttpResponse(message.body_html, content_type="text/html; charset=utf-8")


@require_POST
@permission_required("notifications.change_message", raise_exception=True)
def message_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(selectors.messages_visible(user=request.user), pk=pk)
    try:
        message_retry(message=message, actor=request.user)
    except NotificationError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The email is queued to be sent again."))
    return redirect("notifications:detail", pk=pk)


@require_POST
@permission_required("notifications.change_message", raise_exception=True)
def message_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(selectors.messages_visible(user=request.user), pk=pk)
    try:
        message_cancel(message=message, actor=request.user, reason=request.POST.get("reason", ""))
    except NotificationError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, _("The email is cancelled: it will not be sent."))
    return redirect("notifications:detail", pk=pk)
