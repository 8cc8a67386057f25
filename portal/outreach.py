"""Staff pages that reach retirees outside email: WhatsApp-ready messages (portal/whatsapp.py) for one
person or an event's whole list, and one-time sign-in codes (employees/services/sign_in_codes.py)
shown once, printed on a slip or sent through WhatsApp.

Opening or copying a WhatsApp message goes through a POST that records it in the outbox (channel
"whatsapp_link", sent by staff) before the browser goes on to wa.me: the history shows who sent what.
"""

from dataclasses import dataclass

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

from benefits.heirs import deceased_title
from ceremonies import selectors as ceremonies_selectors
from ceremonies.models import Certificate, Event, Participant
from employees.choices import EmployeeStatus
from employees.contact import employee_contact
from employees.exceptions import EmployeeError
from employees.models import Child, Employee, Spouse
from employees.scope import staff_scope
from employees.selectors import employee_get
from employees.services.accounts import employee_portal_account_ensure
from employees.services.sign_in_codes import (
    sign_in_code_current,
    sign_in_code_issue,
    sign_in_code_matches,
    sign_in_code_revoke,
)
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


@dataclass(frozen=True)
class CodeHolder:
    """Whom a code is for: the employee, or an heir of the employee (a spouse or child) when they died."""

    employee: Employee
    heir: Spouse | Child | None = None

    @property
    def name(self) -> str:
        return self.heir.name if self.heir is not None else self.employee.display_name

    @property
    def phone(self) -> str:
        if self.heir is not None:
            return self.heir.phone
        return employee_contact(self.employee, today=timezone.localdate()).phone

    @property
    def deceased(self) -> str:
        """How the heir's slip and message name the employee who died ("" for the employee's own code)."""
        if self.heir is None:
            return ""
        return f"{deceased_title(gender=self.employee.gender)} {self.employee.display_name}"

    def url(self, name: str) -> str:
        if self.heir is None:
            return reverse(f"outreach:{name}", args=[self.employee.pk])
        kind = HEIR_URL_WORDS[type(self.heir)]
        return reverse(f"outreach:heir_{name}", args=[self.employee.pk, kind, self.heir.pk])


HEIR_URL_WORDS: dict[type, str] = {Spouse: "pasangan", Child: "anak"}


def _holder(request: HttpRequest, pk: int, kind: str | None, heir_pk: int | None) -> CodeHolder:
    """The employee in the user's scope (else 404) and, for an heir's code, their spouse or child named
    by the URL (another employee's family member, or an unknown word: 404)."""
    employee = _employee_for_codes(request, pk)
    if kind is None:
        return CodeHolder(employee)
    model = {word: model for model, word in HEIR_URL_WORDS.items()}.get(kind)
    heir = model.objects.filter(employee=employee, pk=heir_pk).first() if model is not None else None
    if heir is None:
        raise Http404(_("No such family member."))
    return CodeHolder(employee, heir)


def _code_message(holder: CodeHolder, code: str, expires_at) -> str:
    return code_text(
        name=holder.name,
        code=code_display(code),
        nip=holder.employee.nip,
        url=site_url(reverse("portal:sign_in_code")),
        until=tanggal(timezone.localtime(expires_at).date()) if expires_at else "",
        deceased=holder.deceased,
    )


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_create(
    request: HttpRequest, pk: int, kind: str | None = None, heir_pk: int | None = None
) -> HttpResponse:
    """Issue a new code (the previous one is revoked) and show it once, with the slip and WhatsApp; for the
    employee, or (kind, heir_pk) for an heir of an employee who died."""
    holder = _holder(request, pk, kind, heir_pk)
    try:
        issued = sign_in_code_issue(employee=holder.employee, heir=holder.heir, actor=request.user)
    except EmployeeError as exc:
        messages.error(request, str(exc))
        return redirect("employees:detail", pk=holder.employee.pk)
    phone = phone_normalise(holder.phone)
    context = {
        "employee": holder.employee,
        "holder": holder,
        "code": code_display(issued.code),
        "raw_code": issued.code,
        "row": issued.row,
        "phone": phone,
        "wa_link": wa_me_link(phone.number, _code_message(holder, issued.code, issued.row.expires_at))
        if phone.valid
        else "",
        "slip_url": holder.url("sign_in_code_slip"),
        "whatsapp_url": holder.url("sign_in_code_whatsapp"),
    }
    return render(request, "portal/staff/sign_in_code_issued.html", context)


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_whatsapp(
    request: HttpRequest, pk: int, kind: str | None = None, heir_pk: int | None = None
) -> HttpResponse:
    """Record that the code was sent through WhatsApp (its digits blanked in the outbox), then open it."""
    holder = _holder(request, pk, kind, heir_pk)
    employee = holder.employee
    code = code_clean(request.POST.get("code", ""))
    if not sign_in_code_matches(employee=employee, heir=holder.heir, code=code):
        messages.error(request, _("This code is no longer valid: issue a new one."))
        return redirect("employees:detail", pk=employee.pk)
    phone = phone_normalise(holder.phone)
    if not phone.valid:
        messages.error(request, _("No WhatsApp link: the phone number cannot be used."))
        return redirect("employees:detail", pk=employee.pk)
    row = sign_in_code_current(employee=employee, heir=holder.heir)
    text = _code_message(holder, code, row.expires_at if row else None)
    message_record_by_staff(
        kind=OUTBOX_KIND[What.SIGN_IN],
        recipient_key=recipient_key("employee", employee.pk),
        to_name=holder.name,
        to_phone=phone.number,
        about=employee,
        text=text.replace(code_display(code), REDACTED),
        actor=request.user,
    )
    return HttpResponseRedirect(wa_me_link(phone.number, text), status=303)


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_slip(
    request: HttpRequest, pk: int, kind: str | None = None, heir_pk: int | None = None
) -> HttpResponse:
    """The printed slip (one page, large type, fixed Indonesian wording) of the employee's (or heir's)
    open code; the code is posted back by the page that showed it, and checked against the stored hash."""
    holder = _holder(request, pk, kind, heir_pk)
    employee = holder.employee
    code = code_clean(request.POST.get("code", ""))
    if not sign_in_code_matches(employee=employee, heir=holder.heir, code=code):
        messages.error(request, _("This code is no longer valid: issue a new one."))
        return redirect("employees:detail", pk=employee.pk)
    row = sign_in_code_current(employee=employee, heir=holder.heir)
    instansi = Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)
    with translation.override(settings.LANGUAGE_CODE):
        content = pdf.render_pdf(
            "portal/pdf/sign_in_code_slip.html",
            {
                "instansi": instansi,
                "employee": employee,
                "holder": holder,
                "code": code_display(code),
                "url": site_url(reverse("portal:sign_in_code")),
                "until": tanggal(timezone.localtime(row.expires_at).date()) if row else "",
                "page_counter": '""',
            },
            logo=pdf.logo_name(instansi),
        )
    response = HttpResponse(content, content_type="application/pdf")
    suffix = f"-ahli-waris-{heir_pk}" if holder.heir is not None else ""
    response["Content-Disposition"] = f'inline; filename="kode-masuk-{employee.nip}{suffix}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission_required("employees.change_employee", raise_exception=True)
def sign_in_code_cancel(
    request: HttpRequest, pk: int, kind: str | None = None, heir_pk: int | None = None
) -> HttpResponse:
    """Revoke the open code (a lost slip)."""
    holder = _holder(request, pk, kind, heir_pk)
    employee = holder.employee
    if sign_in_code_revoke(employee=employee, heir=holder.heir, actor=request.user):
        messages.success(request, _("The sign-in code was revoked."))
    return redirect("employees:detail", pk=employee.pk)
