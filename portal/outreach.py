"""Staff pages that reach retirees outside email: WhatsApp-ready messages (portal/whatsapp.py) for one
person or an event's whole list, and one-time sign-in codes (employees/services/sign_in_codes.py)
shown once, printed on a slip or sent through WhatsApp.

Opening or copying a WhatsApp message goes through a POST that records it in the outbox (channel
"whatsapp_link", sent by staff) before the browser goes on to wa.me: the history shows who sent what.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ceremonies import selectors as ceremonies_selectors
from ceremonies.models import Certificate, Event, Participant
from employees.choices import EmployeeStatus
from employees.contact import employee_contact
from employees.exceptions import EmployeeError
from employees.models import Employee
from employees.scope import staff_scope
from employees.selectors import employee_get
from employees.services.accounts import employee_portal_account_ensure
from employees.services.sign_in_codes import sign_in_code_issue, sign_in_code_matches, sign_in_code_revoke
from employees.sign_in_codes import code_clean, code_display
from portal.whatsapp import (
    OUTBOX_KIND,
    What,
    WhatsAppLine,
    certificate_line,
    copy_all_text,
    feedback_line,
    invitation_line,
    sign_in_line,
)
from purna import pdf
from purna.formatting import tanggal
from purna.models import Instansi
from purna.notifications.registry import REDACTED, recipient_key
from purna.notifications.rendering import site_url
from purna.notifications.services import message_record_by_staff
from purna.notifications.whatsapp import code_text, phone_normalise, wa_me_link

# --- WhatsApp for an event's list ------------------------------------------------------------------------


@require_GET
@permission_required("ceremonies.view_event", raise_exception=True)
def event_whatsapp(request: HttpRequest, pk: int) -> HttpResponse:
    """Each participant (or certificate holder) with their WhatsApp message and wa.me link, invalid
    numbers reported, and the whole list as one text to copy."""
    scope = staff_scope(request.user)
    try:
        event = ceremonies_selectors.event_get(pk=pk, scope=scope)
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc
    asked = request.GET.get("pesan")
    what = What(asked) if asked in (What.CERTIFICATE, What.FEEDBACK) else What.INVITATION
    today = timezone.localdate()
    if what == What.FEEDBACK:
        # The reminder to rate a training: to those who attended, are alive and have not rated it.
        rated = ceremonies_selectors.event_rated_participant_ids(event=event)
        participants = [
            participant
            for participant in ceremonies_selectors.event_participants(event=event, scope=scope)
            if participant.has_attended
            and participant.pk not in rated
            and participant.employee.status != EmployeeStatus.MENINGGAL
        ]
        for participant in participants:
            participant.event = event
        lines = [feedback_line(participant, today=today) for participant in participants]
    elif what == What.CERTIFICATE:
        lines = [
            certificate_line(certificate, today=today)
            for certificate in ceremonies_selectors.certificate_list(event=event, scope=scope)
        ]
    else:
        participants = ceremonies_selectors.event_participants(event=event, scope=scope)
        for participant in participants:
            participant.event = event  # the text names the event: the one loaded, not one query each
        lines = [invitation_line(participant, today=today) for participant in participants]
    context = {
        "event": event,
        "what": what,
        "lines": lines,
        "copy_all": copy_all_text(lines),
        "invalid": sum(1 for line in lines if not line.link),
    }
    return render(request, "portal/staff/event_whatsapp.html", context)


def _line_for(request: HttpRequest, what: str, pk: int) -> WhatsAppLine:
    """The message `what` about object `pk`, if the user may send it; 404 outside their scope."""
    scope = staff_scope(request.user)
    today = timezone.localdate()
    try:
        if what == What.INVITATION:
            if not request.user.has_perm("ceremonies.view_event"):
                raise PermissionDenied
            return invitation_line(ceremonies_selectors.participant_get(pk=pk, scope=scope), today=today)
        if what == What.CERTIFICATE:
            if not request.user.has_perm("ceremonies.view_event"):
                raise PermissionDenied
            return certificate_line(ceremonies_selectors.certificate_get(pk=pk, scope=scope), today=today)
        if what == What.FEEDBACK:
            if not request.user.has_perm("ceremonies.view_event"):
                raise PermissionDenied
            return feedback_line(ceremonies_selectors.participant_get(pk=pk, scope=scope), today=today)
        if what == What.SIGN_IN:
            if not request.user.has_perm("employees.change_employee"):
                raise PermissionDenied
            employee = employee_get(pk=pk, scope=scope)
            employee_portal_account_ensure(employee=employee, actor=request.user)
            return sign_in_line(employee, today=today)
    except (Participant.DoesNotExist, Certificate.DoesNotExist, Employee.DoesNotExist) as exc:
        raise Http404(_("Not found.")) from exc
    raise Http404(_("Not found."))


@require_POST
def whatsapp_send(request: HttpRequest) -> HttpResponse:
    """Record a WhatsApp message as sent by staff, then open it (wa.me) or show it to copy."""
    try:
        pk = int(request.POST.get("pk", ""))
    except ValueError as exc:
        raise Http404(_("Not found.")) from exc
    what = request.POST.get("what", "")
    line = _line_for(request, what, pk)
    back = request.POST.get("next") or reverse("dashboard")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("dashboard")
    if not line.link:
        messages.error(
            request,
            _("No WhatsApp link for %(name)s: the phone number cannot be used (%(number)s).")
            % {"name": line.employee.display_name, "number": line.phone.raw or "-"},
        )
        return redirect(back)
    message_record_by_staff(
        kind=OUTBOX_KIND[What(what)],
        recipient_key=recipient_key("employee", line.employee.pk),
        to_name=line.employee.display_name,
        to_phone=line.phone.number,
        about=line.about,
        text=line.text_for_outbox,
        actor=request.user,
    )
    if request.POST.get("mode") == "copy":
        return render(request, "portal/staff/whatsapp_copy.html", {"line": line, "back": back})
    return HttpResponseRedirect(line.link, status=303)


# --- One-time sign-in codes ----------------------------------------------------------------------------


def _employee_for_codes(request: HttpRequest, pk: int) -> Employee:
    try:
        return employee_get(pk=pk, scope=staff_scope(request.user))
    except Employee.DoesNotExist as exc:
        raise Http404(_("No such employee.")) from exc


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a new code (the previous one is revoked) and show it once, with the slip and WhatsApp."""
    employee = _employee_for_codes(request, pk)
    try:
        issued = sign_in_code_issue(employee=employee, actor=request.user)
    except EmployeeError as exc:
        messages.error(request, str(exc))
        return redirect("employees:detail", pk=employee.pk)
    phone = phone_normalise(employee_contact(employee, today=timezone.localdate()).phone)
    text = code_text(
        name=employee.display_name,
        code=code_display(issued.code),
        nip=employee.nip,
        url=site_url(reverse("portal:sign_in_code")),
        until=tanggal(timezone.localtime(issued.row.expires_at).date()),
    )
    context = {
        "employee": employee,
        "code": code_display(issued.code),
        "raw_code": issued.code,
        "row": issued.row,
        "phone": phone,
        "wa_link": wa_me_link(phone.number, text) if phone.valid else "",
    }
    return render(request, "portal/staff/sign_in_code_issued.html", context)


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_whatsapp(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the code was sent through WhatsApp (its digits blanked in the outbox), then open it."""
    employee = _employee_for_codes(request, pk)
    code = code_clean(request.POST.get("code", ""))
    if not sign_in_code_matches(employee=employee, code=code):
        messages.error(request, _("This code is no longer valid: issue a new one."))
        return redirect("employees:detail", pk=employee.pk)
    phone = phone_normalise(employee_contact(employee, today=timezone.localdate()).phone)
    if not phone.valid:
        messages.error(request, _("No WhatsApp link: the phone number cannot be used."))
        return redirect("employees:detail", pk=employee.pk)
    row = employee.sign_in_codes.order_by("-issued_at").first()
    text = code_text(
        name=employee.display_name,
        code=code_display(code),
        nip=employee.nip,
        url=site_url(reverse("portal:sign_in_code")),
        until=tanggal(timezone.localtime(row.expires_at).date()) if row else "",
    )
    message_record_by_staff(
        kind=OUTBOX_KIND[What.SIGN_IN],
        recipient_key=recipient_key("employee", employee.pk),
        to_name=employee.display_name,
        to_phone=phone.number,
        about=employee,
        text=text.replace(code_display(code), REDACTED),
        actor=request.user,
    )
    return HttpResponseRedirect(wa_me_link(phone.number, text), status=303)


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The printed slip (one page, large type, fixed Indonesian wording) of the employee's open code;
    the code is posted back by the page that showed it, and checked against the stored hash."""
    employee = _employee_for_codes(request, pk)
    code = code_clean(request.POST.get("code", ""))
    if not sign_in_code_matches(employee=employee, code=code):
        messages.error(request, _("This code is no longer valid: issue a new one."))
        return redirect("employees:detail", pk=employee.pk)
    row = employee.sign_in_codes.order_by("-issued_at").first()
    instansi = Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)
    with translation.override(settings.LANGUAGE_CODE):
        content = pdf.render_pdf(
            "portal/pdf/sign_in_code_slip.html",
            {
                "instansi": instansi,
                "employee": employee,
                "code": code_display(code),
                "url": site_url(reverse("portal:sign_in_code")),
                "until": tanggal(timezone.localtime(row.expires_at).date()) if row else "",
                "page_counter": '""',
            },
            logo=pdf.logo_name(instansi),
        )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kode-masuk-{employee.nip}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke the open code (a lost slip)."""
    employee = _employee_for_codes(request, pk)
    if sign_in_code_revoke(employee=employee, actor=request.user):
        messages.success(request, _("The sign-in code was revoked."))
    return redirect("employees:detail", pk=employee.pk)
