"""The ceremonies' staff pages: the event list, an event's page (participants, agenda, invitations,
attendance, hand-over, documents), its forms, the cohort picker and the check-in page for the day.

Thin views: parse the input, read through ceremonies/selectors.py with the user's scope (an event or a
participant outside it answers 404), call one service (ceremonies/services/events.py), map CeremonyError to
form errors or messages, redirect.
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from csp.constants import SELF
from csp.decorators import csp_update
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView, TemplateView

from ceremonies import attendance, rules, selectors
from ceremonies.exceptions import CeremonyError
from ceremonies.formatting import event_when_in
from ceremonies.forms import CohortForm, CompanionForm, EventForm, SessionForm
from ceremonies.models import Event, EventKind, EventStatus, Participant, Session
from ceremonies.services import events as services
from ceremonies.views.checkin_offline import CHECKIN_CACHE
from employees.models import Employee
from employees.scope import staff_scope

WHEN_CHOICES = {"akan-datang": "upcoming", "lalu": "past", "semua": ""}


def _event(request: HttpRequest, pk: int, *, for_change: bool = False) -> Event:
    # To change an event its organiser must be in the scope; seeing it through a participant is not enough.
    get = selectors.event_get_for_change if for_change else selectors.event_get
    try:
        return get(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc


def _participant(request: HttpRequest, pk: int, *, for_change: bool = False) -> Participant:
    try:
        return selectors.participant_get(pk=pk, scope=staff_scope(request.user), for_change=for_change)
    except Participant.DoesNotExist as exc:
        raise Http404(_("No such participant.")) from exc


def _error_messages(request: HttpRequest, error: CeremonyError) -> None:
    for message in error.messages:
        messages.error(request, message)


class EventListView(PermissionRequiredMixin, ListView):
    """Upcoming events (soonest first) or past ones, with how many participants each has."""

    permission_required = "ceremonies.view_event"
    raise_exception = True
    template_name = "ceremonies/event_list.html"
    paginate_by = 25

    def get_queryset(self):
        self.when = self.request.GET.get("waktu", "akan-datang")
        if self.when not in WHEN_CHOICES:
            self.when = "akan-datang"
        self.search = self.request.GET.get("q", "").strip()
        return selectors.event_list(
            scope=staff_scope(self.request.user), when=WHEN_CHOICES[self.when], search=self.search
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(when=self.when, search=self.search, **kwargs)


class EventDetailView(PermissionRequiredMixin, TemplateView):
    """An event's page, its tabs in one page: the counts over every participant, one page of them (searched
    by name or NIP) in the participants' and the attendance tabs; a fixed number of queries whatever the
    participants."""

    permission_required = "ceremonies.view_event"
    raise_exception = True
    template_name = "ceremonies/event_detail.html"
    # Rows per page of the participants' and the attendance tabs: 600 rows in both took a third of a second
    # and 900 KB of HTML.
    paginate_by = 50

    def get_context_data(self, **kwargs):
        scope = staff_scope(self.request.user)
        event = _event(self.request, self.kwargs["pk"])
        everyone = selectors.event_participant_summary(event=event, scope=scope)
        search = " ".join(self.request.GET.get("q", "").split())
        found = (
            [p for p in everyone if selectors.participant_matches(name=p.name, nip=p.nip, search=search)]
            if search
            else everyone
        )
        paginator = Paginator(found, self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        taken = selectors.event_places_taken(event=event) if event.capacity else None
        sessions = selectors.event_sessions(event=event)
        parts = selectors.attendance_parts(event=event, sessions=sessions)
        selectors.participants_attendance(participants=everyone, parts=parts)
        participants = selectors.participants_in_order(summary=list(page.object_list))
        tab = self.request.GET.get("tab", "peserta")
        return super().get_context_data(
            event=event,
            participants=participants,
            paginator=paginator,
            page_obj=page,
            is_paginated=paginator.num_pages > 1,
            search=search,
            counts=selectors.event_counts(participants=everyone),
            delivery=selectors.delivery_tally(participants=everyone),
            sessions=sessions,
            attendance_grid=selectors.attendance_grid(participants=participants, parts=parts, everyone=everyone),
            signatories=list(event.signatories.all()),
            places_left=rules.capacity_left(event.capacity, taken or 0),
            # (status, what its button says, whether it is a step back)
            next_statuses=[
                (status, action, status in rules.STEPS_BACK)
                for status, action in rules.EVENT_ACTIONS.items()
                if rules.event_transition_allowed(event.status, status)
            ],
            editable=rules.participants_editable(event.status),
            attendance_open=rules.attendance_allowed(event.status),
            invitations_open=rules.invitations_allowed(event.status),
            event_started=rules.event_started(event.starts_at, timezone.now()),
            can_change=self.request.user.has_perm("ceremonies.change_event"),
            # The feedback summary is the organisers' (ceremonies/views/feedback.py).
            can_see_feedback=event.kind == EventKind.TRAINING
            and scope.covers(event.organizer_id)
            and self.request.user.has_perm("ceremonies.view_trainingfeedback"),
            tab=tab,
            **kwargs,
        )


class EventFormView(PermissionRequiredMixin, FormView):
    """Plan an event (no pk) or change one, through event_create / event_update."""

    raise_exception = True
    template_name = "ceremonies/event_form.html"
    form_class = EventForm

    def get_permission_required(self):
        return ["ceremonies.change_event" if "pk" in self.kwargs else "ceremonies.add_event"]

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.event = _event(request, kwargs["pk"], for_change=True) if "pk" in kwargs else None
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.event is None:
            return {"kind": self.request.GET.get("jenis", "pelepasan")}
        return {"signatories": list(self.event.signatories.all())}

    def get_form_kwargs(self):
        kwargs = {**super().get_form_kwargs(), "scope": staff_scope(self.request.user)}
        if self.event is not None:
            kwargs["instance"] = self.event
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        signatories = data.pop("signatories")
        try:
            if self.event is None:
                event = services.event_create(actor=self.request.user, signatories=signatories, **data)
            else:
                event = services.event_update(
                    event=self.event, actor=self.request.user, signatories=signatories, **data
                )
        except CeremonyError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("The event has been saved."))
        return HttpResponseRedirect(reverse("ceremonies:detail", args=[event.pk]))


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def event_transition_view(request: HttpRequest, pk: int, to_status: str) -> HttpResponse:
    event = _event(request, pk, for_change=True)
    if to_status not in EventStatus.values:
        raise Http404
    if (
        to_status == EventStatus.PUBLISHED
        and rules.event_started(event.starts_at, timezone.now())
        and request.POST.get("confirm_past") != "1"
    ):
        return render(
            request,
            "ceremonies/confirm_past_event.html",
            {
                "event": event,
                "when": event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE).sentence,
                "question": _("Publish this event anyway?"),
                "consequence": _(
                    "Invitation emails are not sent for an event that has started: the participants "
                    "will have to be told another way."
                ),
                "confirm_label": _("Publish anyway"),
                "action": request.path,
            },
        )
    try:
        event = services.event_transition(event=event, to_status=to_status, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _('The event is now "%(status)s".') % {"status": event.get_status_display()})
    return redirect("ceremonies:detail", pk=pk)


# --- Agenda ----------------------------------------------------------------------------------------------


class SessionFormView(PermissionRequiredMixin, FormView):
    permission_required = "ceremonies.change_event"
    raise_exception = True
    template_name = "ceremonies/session_form.html"
    form_class = SessionForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.event = _event(request, kwargs["pk"], for_change=True)
        self.session = None
        if "session_pk" in kwargs:
            self.session = Session.objects.filter(event=self.event, pk=kwargs["session_pk"]).first()
            if self.session is None:
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.session is None:
            return {"starts_at": self.event.starts_at, "ends_at": self.event.ends_at}
        return {}

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.session is not None:
            kwargs["instance"] = self.session
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, session=self.session, **kwargs)

    def form_valid(self, form):
        try:
            services.session_save(event=self.event, session=self.session, actor=self.request.user, **form.cleaned_data)
        except CeremonyError as error:
            form.service_errors_add(error)
            return self.form_invalid(form)
        messages.success(self.request, _("The agenda has been saved."))
        return HttpResponseRedirect(reverse("ceremonies:detail", args=[self.event.pk]) + "?tab=agenda")


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def session_delete_view(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    event = _event(request, pk, for_change=True)
    session = Session.objects.filter(event=event, pk=session_pk).first()
    if session is None:
        raise Http404
    try:
        services.session_delete(session=session, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(request, _("Removed from the agenda: %(topic)s.") % {"topic": session.topic})
    return HttpResponseRedirect(reverse("ceremonies:detail", args=[pk]) + "?tab=agenda")


# --- Participants ------------------------------------------------------------------------------------


@permission_required("ceremonies.change_event", raise_exception=True)
def cohort_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Build the list from a cohort ("whose TMT falls between X and Y", by unit) or a name/NIP; shows
    who cannot take part and why, and who is already in another event; adds the ticked ones (POST)."""
    event = _event(request, pk, for_change=True)
    scope = staff_scope(request.user)
    if request.method == "POST":
        ids = [int(value) for value in request.POST.getlist("employee") if value.isdigit()]
        employees = scope.filter(Employee.objects.filter(pk__in=ids))
        try:
            added = services.participants_add(event=event, employees=employees, actor=request.user)
        except CeremonyError as error:
            _error_messages(request, error)
            return HttpResponseRedirect(request.get_full_path())
        messages.success(
            request,
            ngettext("%(n)d participant added.", "%(n)d participants added.", len(added)) % {"n": len(added)},
        )
        return HttpResponseRedirect(reverse("ceremonies:detail", args=[pk]))
    form = CohortForm(request.GET or None, scope=scope)
    rows, total = [], 0
    if form.is_bound and form.is_valid():
        rows, total = selectors.cohort_list(
            event=event,
            scope=scope,
            tmt_from=form.cleaned_data["tmt_from"],
            tmt_until=form.cleaned_data["tmt_until"],
            unit=form.cleaned_data["unit"],
            search=form.cleaned_data["q"],
            farewell_months_after=settings.PURNA_FAREWELL_MONTHS_AFTER_TMT,
            training_months_before=settings.PURNA_TRAINING_MONTHS_BEFORE_TMT,
        )
    taken = selectors.event_places_taken(event=event)
    return render(
        request,
        "ceremonies/cohort.html",
        {
            "event": event,
            "form": form,
            "rows": rows,
            "total": total,
            "shown": len(rows),
            "places_left": rules.capacity_left(event.capacity, taken),
            "editable": rules.participants_editable(event.status),
        },
    )


class CompanionFormView(PermissionRequiredMixin, FormView):
    permission_required = "ceremonies.change_event"
    raise_exception = True
    template_name = "ceremonies/participant_form.html"
    form_class = CompanionForm

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        self.participant = _participant(request, kwargs["pk"], for_change=True)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.participant}

    def get_context_data(self, **kwargs):
        return super().get_context_data(participant=self.participant, event=self.participant.event, **kwargs)

    def form_valid(self, form):
        try:
            services.participant_update(participant=self.participant, actor=self.request.user, **form.cleaned_data)
        except CeremonyError as error:
            _error_messages(self.request, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("ceremonies:detail", args=[self.participant.event_id]))


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def participant_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk, for_change=True)
    try:
        services.participant_remove(participant=participant, actor=request.user)
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request, _("%(name)s was removed from the event.") % {"name": participant.employee.display_name}
        )
    return redirect("ceremonies:detail", pk=participant.event_id)


@permission_required("ceremonies.view_event", raise_exception=True)
def participant_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's place: their row on the event's page (links from the outbox land here)."""
    participant = _participant(request, pk)
    return HttpResponseRedirect(reverse("ceremonies:detail", args=[participant.event_id]) + f"#peserta-{pk}")


# --- On the day: check-in from a phone or tablet -------------------------------------------------------


# The form field (and query parameter) that names the day or session checked in for (attendance.py keys).
PART_FIELD = "kehadiran"
# Rows per page of the check-in page (as many as the event page's participants tab).
CHECKIN_ROWS_PER_PAGE = EventDetailView.paginate_by


def _checkin_part(event: Event, key: str | None) -> tuple[list[attendance.Part], attendance.Part | None]:
    """The event's days or sessions, and the one the page checks in for: the one `key` names, else the one
    under way (none for a one-day event)."""
    parts = selectors.attendance_parts(event=event)
    part = (attendance.part_get(parts, key) if key else None) or attendance.part_at(parts, timezone.now())
    return parts, part


def _checkin_marks(participants: list[Participant], parts: list[attendance.Part], part: attendance.Part | None) -> int:
    """Set on each participant when they checked in for `part` (or, for a one-day event, at all) as
    `present_at`; returns how many did (one query at an event taken per day or session)."""
    selectors.participants_attendance(participants=participants, parts=parts)
    for participant in participants:
        if part is None:
            participant.present_at = participant.checked_in_at if participant.has_attended else None
        else:
            participant.present_at = participant.present.get(part.key)
    return sum(1 for participant in participants if participant.present_at)


@permission_required("ceremonies.change_event", raise_exception=True)
# The QR scanner (static/js/vendor/qr-scanner) decodes in a worker started from a blob: URL, and reads a
# photo of an invitation through a blob: image.
@csp_update({"worker-src": [SELF, "blob:"], "img-src": ["blob:"]})
def checkin_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The check-in page: large buttons, a search by name or NIP, the counts; works on a phone. At an event
    held over several days, for the day or session chosen (the one under way by default)."""
    event = _event(request, pk, for_change=True)
    everyone = selectors.checkin_participants(event=event, scope=staff_scope(request.user))
    parts, part = _checkin_part(event, request.GET.get(PART_FIELD))
    attended = _checkin_marks(everyone, parts, part)
    search = request.GET.get("q", "").strip()
    found = everyone
    if search:
        found = [
            p
            for p in everyone
            if selectors.participant_matches(name=p.employee.name, nip=p.employee.nip, search=search)
        ]
    # A page of them: 600 rows took 0.3 s to render and 900 KB to send, on each tap that posts the form
    # without JavaScript and on each opening of the page. With JavaScript the search as you type finds the
    # others in the list the phone keeps (static/js/checkin_offline.js draws their rows).
    paginator = Paginator(found, CHECKIN_ROWS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "event": event,
        "participants": page.object_list,
        "paginator": paginator,
        "page_obj": page,
        "is_paginated": paginator.num_pages > 1,
        "counts": {"attended": attended, "total": len(everyone)},
        "parts": parts,
        "part": part,
        "search": search,
        "attendance_open": rules.attendance_allowed(event.status),
        "undo_open": _undo_open(event),
        "sw_cache": CHECKIN_CACHE,
    }
    if context["undo_open"]:
        context["last_batch"] = selectors.check_in_all_last(
            event=event, scope=staff_scope(request.user), per_part=bool(parts)
        )
    return render(request, "ceremonies/checkin.html", context)


def _undo_open(event: Event) -> bool:
    """Whether a check-in or a souvenir can still be undone today (services.participant_check_in_undo)."""
    return rules.undo_allowed(event.status, timezone.localdate(event.ends_at), timezone.localdate())


def _checkin_row(request: HttpRequest, participant: Participant, shown: Participant) -> HttpResponse:
    """The participant's row after htmx checked them in, with the page's counts swapped out of band.

    `participant` is the service's answer (the state after the change); `shown`, the same participant as
    read before it with their employee and unit (a check-in changes neither): the row needs both, and
    reading them again would cost a query, as reading every participant to count them cost 30 ms a tap."""
    participant.employee = shown.employee
    parts, part = _checkin_part(participant.event, request.POST.get(PART_FIELD))
    _checkin_marks([participant], parts, part)
    attended, total = selectors.checkin_counts(event=participant.event, scope=staff_scope(request.user), part=part)
    context = {
        "participant": participant,
        "event": participant.event,
        "part": part,
        "attendance_open": True,
        "undo_open": _undo_open(participant.event),
        "counts": {"attended": attended, "total": total},
        "counts_oob": True,
    }
    return render(request, "ceremonies/_checkin_row.html", context)


def _part_key(request: HttpRequest) -> str | None:
    return request.POST.get(PART_FIELD) or None


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def participant_check_in_view(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _participant(request, pk, for_change=True)
    try:
        participant, changed = services.participant_check_in(
            participant=shown, actor=request.user, part=_part_key(request)
        )
    except CeremonyError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409)
        _error_messages(request, error)
        return redirect("ceremonies:checkin", pk=shown.event_id)
    if request.htmx:
        return _checkin_row(request, participant, shown)
    name = participant.employee.display_name
    if changed:
        messages.success(request, _("%(name)s is checked in.") % {"name": name})
    else:
        messages.info(request, _("%(name)s was already checked in.") % {"name": name})
    return HttpResponseRedirect(reverse("ceremonies:checkin", args=[participant.event_id]) + _back_query(request))


def _back_query(request: HttpRequest) -> str:
    fields = ("q", request.POST.get("q", "").strip()), (PART_FIELD, request.POST.get(PART_FIELD, ""))
    query = {name: value for name, value in (*fields, ("page", request.POST.get("page", ""))) if value}
    return "?" + urlencode(query) if query else ""


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def souvenir_view(request: HttpRequest, pk: int) -> HttpResponse:
    shown = _participant(request, pk, for_change=True)
    try:
        participant, _changed = services.souvenir_hand(
            participant=shown, actor=request.user, note=request.POST.get("note", "")
        )
    except CeremonyError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409)
        _error_messages(request, error)
        return redirect("ceremonies:checkin", pk=shown.event_id)
    if request.htmx:
        return _checkin_row(request, participant, shown)
    messages.success(request, _("Souvenir recorded for %(name)s.") % {"name": participant.employee.display_name})
    return HttpResponseRedirect(reverse("ceremonies:checkin", args=[participant.event_id]) + _back_query(request))


def _undo(
    request: HttpRequest, pk: int, undo: Callable[..., Participant], done_message: str, **extra: object
) -> HttpResponse:
    """Take back a check-in or a souvenir (`undo`, a service) with the reason the form gives."""
    shown = _participant(request, pk, for_change=True)
    try:
        participant = undo(participant=shown, actor=request.user, reason=request.POST.get("reason", ""), **extra)
    except CeremonyError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=409)
        _error_messages(request, error)
        return redirect("ceremonies:checkin", pk=shown.event_id)
    if request.htmx:
        return _checkin_row(request, participant, shown)
    messages.success(request, done_message % {"name": participant.employee.display_name})
    return HttpResponseRedirect(reverse("ceremonies:checkin", args=[participant.event_id]) + _back_query(request))


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def participant_check_in_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _undo(
        request,
        pk,
        services.participant_check_in_undo,
        _("The check-in of %(name)s was undone."),
        part=_part_key(request),
    )


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def souvenir_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _undo(request, pk, services.souvenir_undo, _("The souvenir of %(name)s was undone."))


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def check_in_all_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(request, pk, for_change=True)
    try:
        marked = services.participants_check_in_all(event=event, actor=request.user, part=_part_key(request))
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            ngettext("%(n)d participant marked present.", "%(n)d participants marked present.", marked) % {"n": marked},
        )
    return HttpResponseRedirect(reverse("ceremonies:checkin", args=[pk]) + _back_query(request))


@require_POST
@permission_required("ceremonies.change_event", raise_exception=True)
def check_in_all_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a "mark all present" (the check-in page offers the latest), with the reason the form gives."""
    event = _event(request, pk, for_change=True)
    back = HttpResponseRedirect(reverse("ceremonies:checkin", args=[pk]) + _back_query(request))
    try:
        batch_at = dt.datetime.fromisoformat(request.POST.get("batch", ""))
    except ValueError:
        batch_at = None
    if batch_at is None or timezone.is_naive(batch_at):
        messages.error(request, _('This "mark all present" is not known; open the check-in page again.'))
        return back
    try:
        undone = services.participants_check_in_all_undo(
            event=event, actor=request.user, batch_at=batch_at, reason=request.POST.get("reason", "")
        )
    except CeremonyError as error:
        _error_messages(request, error)
    else:
        messages.success(
            request,
            ngettext(
                "The check-in of %(n)d participant was undone.",
                "The check-ins of %(n)d participants were undone.",
                undone,
            )
            % {"n": undone},
        )
    return back


@permission_required("ceremonies.change_event", raise_exception=True)
def checkin_code_view(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """What the QR code on an invitation opens on a staff phone: the participant, and one big button."""
    event = _event(request, pk, for_change=True)
    try:
        participant = selectors.participant_by_code(event=event, code=code, scope=staff_scope(request.user))
    except Participant.DoesNotExist as exc:
        raise Http404(_("This code is not an invitation to this event.")) from exc
    if request.method == "POST":
        try:
            participant, changed = services.participant_check_in(participant=participant, actor=request.user)
        except CeremonyError as error:
            _error_messages(request, error)
        else:
            name = participant.employee.display_name
            if changed:
                messages.success(request, _("%(name)s is checked in.") % {"name": name})
            else:
                messages.info(request, _("%(name)s was already checked in.") % {"name": name})
        return redirect("ceremonies:checkin", pk=pk)
    parts, part = _checkin_part(event, None)
    _checkin_marks([participant], parts, part)
    return render(
        request,
        "ceremonies/checkin_code.html",
        {
            "event": event,
            "participant": participant,
            "part": part,
            "attendance_open": rules.attendance_allowed(event.status),
        },
    )
