"""Invitation pages: the retirees' answer page (no account: the signed link is the key) and the staff's
"send the invitations" button. Thin: each view calls one service of ceremonies/services/invitations.py.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from ceremonies import rules
from ceremonies.exceptions import CeremonyError, RsvpError, RsvpGoneError
from ceremonies.models import Event, Participant
from ceremonies.selectors import event_get_for_change
from ceremonies.services.invitations import (
    event_when_local,
    invitations_send,
    rsvp_participant_get,
    rsvp_respond,
)
from employees.family import deceased_title
from employees.scope import staff_scope
from employees.selectors.portal import heir_for_portal

# What a link in the invitation email answers (?jawab=hadir); the page posts it, a GET changes nothing.
HINTS = {"hadir": "confirm", "tidak": "decline"}


def _refused(request: HttpRequest, error: RsvpError) -> HttpResponse:
    # 410 for a link that worked once (expired, replaced, event over), 400 for one that never did.
    status = 410 if isinstance(error, RsvpGoneError) else 400
    return render(request, "ceremonies/rsvp_refused.html", {"error": error}, status=status)


def _page(participant: Participant, heir=None, **extra) -> dict:
    employee = participant.employee
    return {
        "participant": participant,
        "event": participant.event,
        "employee": employee,
        "when": event_when_local(participant.event),
        "heir": heir,
        "deceased_title": deceased_title(gender=employee.gender) if heir is not None else "",
        **extra,
    }


def _answering_heir(request: HttpRequest, participant_employee_id: int):
    """The heir signed in to the portal who opens the invitation of their relative who died, or None
    (anyone else with the link answers as the participant, as before)."""
    if not request.user.is_authenticated:
        return None
    heir = heir_for_portal(user=request.user)
    return heir if heir is not None and heir.employee_id == participant_employee_id else None


@never_cache
@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def rsvp(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The invitation (GET); record the answer (POST).

    Mail scanners open links to check them, so a GET never records anything: the answer is a POST.
    Opened from the email's "I will attend" / "I cannot attend" link (?jawab=), the page posts that
    answer by itself (static/js/rsvp_answer.js) and, without JavaScript, shows one big button with it;
    opened plainly, it asks, with the spouse and access needs.
    """
    if request.method == "POST":
        # The spouse and access needs are changed only by a form that shows them (details=1): the
        # one-tap answer and "change my answer" keep what was said before.
        details = request.POST.get("details") == "1"
        try:
            heir = None
            if request.user.is_authenticated:
                heir = _answering_heir(request, rsvp_participant_get(pk=pk, token=token).employee_id)
            participant = rsvp_respond(
                heir=heir,
                pk=pk,
                token=token,
                answer=request.POST.get("answer", ""),
                with_spouse=request.POST.get("with_spouse") == "1" if details else None,
                access_needs=request.POST.get("access_needs", "") if details else None,
            )
        except RsvpError as error:
            return _refused(request, error)
        return render(request, "ceremonies/rsvp_done.html", _page(participant, heir=heir, saved=details))
    try:
        participant = rsvp_participant_get(pk=pk, token=token)
    except RsvpError as error:
        return _refused(request, error)
    heir = _answering_heir(request, participant.employee_id)
    context = _page(participant, heir=heir, hint=HINTS.get(request.GET.get("jawab", ""), ""))
    return render(request, "ceremonies/rsvp_form.html", context)


def _event_page(pk: int) -> str:
    return reverse("ceremonies:detail", args=[pk]) + "?tab=undangan"


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def invitations_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the invitations of an event to its participants (of the user's units) not invited yet."""
    try:
        event = event_get_for_change(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist as exc:
        raise Http404 from exc
    started = rules.event_started(event.starts_at, timezone.now())
    if started and request.POST.get("confirm_past") != "1":
        return render(
            request,
            "ceremonies/confirm_past_event.html",
            {
                "event": event,
                "when": event_when_local(event),
                "question": _("Send the invitations anyway?"),
                "consequence": _(
                    "Invitation emails are not sent for an event that has started: the outbox cancels them. "
                    "The participants are marked invited; tell them another way."
                ),
                "confirm_label": _("Mark them invited anyway"),
                "action": request.path,
            },
        )
    try:
        report = invitations_send(event=event, actor=request.user)
    except CeremonyError as error:
        for text in error.messages:
            messages.error(request, text)
        return HttpResponseRedirect(_event_page(pk))
    if not report.invited:
        messages.info(request, _("Every participant has been invited already."))
        return HttpResponseRedirect(_event_page(pk))
    if started:
        # The outbox cancels every email of an event that has begun: say so, not "sent".
        parts = [
            ngettext(
                "%(n)d participant marked invited; no email is sent because the event has already started.",
                "%(n)d participants marked invited; no email is sent because the event has already started.",
                report.invited,
            )
            % {"n": report.invited}
        ]
    else:
        parts = [
            ngettext(
                "%(n)d invitation queued for email; the Invitations tab shows when it is sent.",
                "%(n)d invitations queued for email; the Invitations tab shows when they are sent.",
                len(report.emailed),
            )
            % {"n": len(report.emailed)}
        ]
    if report.needs_letter:
        parts.append(
            ngettext(
                "%(n)d participant has no email address and needs a printed invitation letter.",
                "%(n)d participants have no email address and need a printed invitation letter.",
                len(report.needs_letter),
            )
            % {"n": len(report.needs_letter)}
        )
    (messages.warning if report.needs_letter or started else messages.success)(request, " ".join(parts))
    return HttpResponseRedirect(_event_page(pk))
