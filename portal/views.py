"""The retirees' portal: sign in with a one-time link sent by email, then one page with their retirement,
their THT and tali asih, their events and their papers to download.

A retiree sees only their own rows: every read goes through a selector that takes their employee record
(never an id alone), so a guessed id answers 404 like a missing one. Files are read from private storage
after that check; they have no public address. Staff accounts never sign in here (purna.roles).
"""

from functools import wraps

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from sesame.backends import ModelBackend as SesameBackend

from benefits import selectors as benefits_selectors
from benefits.heirs import deceased_title
from benefits.models import PayoutStatus, Receipt
from benefits.services.receipts import receipt_file
from ceremonies import selectors as ceremonies_selectors
from ceremonies.documents import checkin_qr, checkin_url
from ceremonies.exceptions import CeremonyError
from ceremonies.feedback import feedback_closes_at, feedback_token_valid
from ceremonies.models import Certificate, Participant
from ceremonies.rules import checkin_qr_shown, rsvp_open
from ceremonies.services.certificates import certificate_file
from ceremonies.services.feedback import feedback_link_max_age, feedback_refusal_for, training_feedback_save
from ceremonies.services.invitations import event_when_local, rsvp_path
from employees.cases import is_deceased
from employees.exceptions import EmployeeError
from employees.forms.family import CorrectionRequestForm
from employees.models import FamilyCorrection
from employees.selectors import employee_case, portal_person
from employees.selectors.family import employee_family, employee_family_corrections, portal_family_correction_get
from employees.services.family import family_correction_request
from employees.services.sign_in_codes import sign_in_code_redeem
from portal.forms import CodeSignInForm, FeedbackForm, SignInForm
from portal.notifications import SCOPE
from portal.services import retirement_situation, sign_in_link_request, situation_texts
from purna.downloads import file_response
from purna.ratelimit import client_address, rate_limited
from purna.roles import holds_staff_powers

SESAME_BACKEND = "sesame.backends.ModelBackend"
# What a retiree reads of a payout's status: where it is, in their words, not the office's steps.
PAYOUT_STAGES = {
    PayoutStatus.DRAFT: gettext_lazy("Being prepared"),
    PayoutStatus.VERIFIED: gettext_lazy("Being checked"),
    PayoutStatus.APPROVED: gettext_lazy("Approved, waiting for payment"),
    PayoutStatus.PAID: gettext_lazy("Paid"),
}


def retiree_required(view):
    """The view gets the signed-in retiree's employee record (or, for an heir, their deceased relative's)
    and the heir (None for the retiree); others go to the portal's sign-in page, and a signed-in account
    that is neither (staff) is refused."""

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:sign_in"))
        person = portal_person(user=request.user)
        if person is None:
            raise PermissionDenied(_("The portal is for retirees: it shows the records of the person signed in."))
        return view(request, person.employee, *args, heir=person.heir, **kwargs)

    return wrapper


# --- Signing in ---------------------------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link with an email address or a NIP; the answer is the same whoever it names."""
    if request.user.is_authenticated and portal_person(user=request.user) is not None:
        return redirect("portal:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST":
        if rate_limited("portal-sign-in", client_address(request), limit=settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE):
            form.add_error(None, _("Too many requests from this connection. Please wait a minute and try again."))
            return render(request, "portal/sign_in.html", {"form": form}, status=429)
        if form.is_valid():
            sign_in_link_request(**form.lookup())
            return redirect("portal:sign_in_sent")
    return render(request, "portal/sign_in.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_http_methods(["GET"])
def sign_in_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/sign_in_sent.html", {"minutes": settings.PURNA_PORTAL_LINK_MINUTES})


class _LockingSesameBackend(SesameBackend):
    """django-sesame's check, reading the account with its row locked (inside a transaction): a second
    click on the same link waits for the first to sign in, then sees the new last login and fails."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_for_update().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def _link_user(request: HttpRequest, token: str, *, lock: bool = False):
    """The retiree a link's token names, if it is valid, unused and unexpired; None otherwise. The
    token is not spent here: only signing in (which changes the last login) spends it; `lock` locks
    the account's row for the transaction, to check and spend the link in one step."""
    if not token:
        return None
    user = (_LockingSesameBackend if lock else SesameBackend)().authenticate(request, sesame=token, scope=SCOPE)
    if user is None or holds_staff_powers(user) or portal_person(user=user) is None:
        return None
    return user


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest) -> HttpResponse:
    """What the link in the email opens: a page with one button that signs in (POST).

    Mail scanners open links to check them; a GET that signed in would spend the one-time link before
    the person clicks it. So the GET only shows the button."""
    if request.method == "GET":
        token = request.GET.get("sesame", "")
        user = _link_user(request, token)
        if user is None:
            return render(request, "portal/sign_in_link_invalid.html", status=410)
        return render(request, "portal/sign_in_link.html", {"token": token, "person": user.get_full_name()})
    # Check and spend the link in one transaction, the account's row locked (on SQLite the IMMEDIATE
    # transaction serialises writers): the same link clicked in several browsers at once signs in one.
    with transaction.atomic():
        user = _link_user(request, request.POST.get("sesame", ""), lock=True)
        if user is not None:
            logout(request)  # whoever was signed in on this browser before
            login(request, user, backend=SESAME_BACKEND)
    if user is None:
        return render(request, "portal/sign_in_link_invalid.html", status=410)
    return redirect("portal:home")


CODE_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _code_credentials(nip: str) -> dict[str, str]:
    # django-axes counts failures per (username, address): the NIP stands in for the username.
    return {"username": f"portal-code:{nip}"}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Sign in with the NIP and a one-time code printed or sent by BKPSDM (for a retiree without email).

    Wrong codes are limited three ways: per connection (purna.ratelimit), per NIP and connection
    (django-axes), and per code (locked after PURNA_SIGN_IN_CODE_ATTEMPTS wrong tries). The answer to
    a wrong NIP and to a wrong code is the same."""
    if request.user.is_authenticated and portal_person(user=request.user) is not None:
        return redirect("portal:home")
    form = CodeSignInForm(request.POST or None)
    if request.method == "POST":
        if rate_limited("portal-code", client_address(request), limit=settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE):
            form.add_error(None, _("Too many requests from this connection. Please wait a minute and try again."))
            return render(request, "portal/sign_in_code.html", {"form": form}, status=429)
        if form.is_valid():
            nip = form.cleaned_data["nip"]
            credentials = _code_credentials(nip)
            if AxesProxyHandler.is_locked(request, credentials):
                form.add_error(None, _("Too many wrong codes. Please wait half an hour, or contact BKPSDM."))
                return render(request, "portal/sign_in_code.html", {"form": form}, status=429)
            user = sign_in_code_redeem(nip=nip, code=form.cleaned_data["code"])
            if user is not None and not holds_staff_powers(user) and portal_person(user=user) is not None:
                logout(request)
                login(request, user, backend=CODE_BACKEND)
                return redirect("portal:home")
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error(
                None,
                _(
                    "The NIP and code do not match a valid code. Check both; a code works once and for a "
                    "limited time. BKPSDM can give you a new one."
                ),
            )
    return render(request, "portal/sign_in_code.html", {"form": form}, status=400 if form.errors else 200)


@login_not_required
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("portal:sign_in")


def _checkin_qr(participant: Participant, base_url: str) -> str:
    """The participant's check-in QR code as an image address (data: SVG, dark on white with its quiet
    zone, sized by the page), holding what their invitation letter's holds."""
    qr = checkin_qr(checkin_url(participant, base_url=base_url))
    return qr.svg_data_uri(border=4, dark="#000", light="#fff", omitsize=True)


# --- The retiree's page --------------------------------------------------------------------------------


@retiree_required
def home(request: HttpRequest, employee, heir=None) -> HttpResponse:
    """Everything of the retiree on one page, in a fixed number of queries. An heir sees their deceased
    relative's page in the words for the family, with what is paid to them."""
    now = timezone.now()
    participations = ceremonies_selectors.portal_participations(employee=employee)
    base_url = settings.PURNA_SITE_URL or request.build_absolute_uri("/")
    events = [
        {
            "participant": participant,
            "event": participant.event,
            "when": event_when_local(participant.event),
            # Answerable as the invitation's own page decides (ceremonies.rules.rsvp_open).
            "rsvp_url": ""
            if rsvp_open(
                status=participant.event.status,
                participant_status=participant.status,
                now=now,
                starts_at=participant.event.starts_at,
            )
            else rsvp_path(participant),
            # A training they attended that has ended: "Beri penilaian" while the form is open.
            "feedback_url": ""
            if heir is not None or feedback_refusal_for(participant, now=now)
            else reverse("portal:feedback", args=[participant.event_id]),
            # The QR code of their invitation letter, to show at the door from the phone (not to an heir:
            # the invitation was the person's own).
            "checkin_qr": _checkin_qr(participant, base_url)
            if heir is None
            and checkin_qr_shown(
                status=participant.event.status,
                participant_status=participant.status,
                now=now,
                ends_at=participant.event.ends_at,
            )
            else "",
        }
        for participant in participations
    ]
    payouts = [
        {"payout": payout, "stage": PAYOUT_STAGES.get(payout.status, payout.get_status_display())}
        for payout in benefits_selectors.portal_payouts(employee=employee, heir=heir)
    ]
    case = employee_case(employee)
    # The record's TMT once there is one (an APS or a death sets its own), else the computed one.
    tmt = case.tmt if case else employee.tmt_pensiun
    deceased = is_deceased(employee_status=employee.status, case_kind=case.kind if case else None)
    situation = retirement_situation(tmt=tmt, today=timezone.localdate(), deceased=deceased)
    context = {
        "employee": employee,
        "heir": heir,
        # "Almarhum Bapak ...": how the family reads the name of the one who died.
        "deceased_title": deceased_title(gender=employee.gender) if heir is not None else "",
        "nip": employee.nip,
        "case": case,
        "tmt": tmt,
        "situation": situation_texts(situation, tmt),
        "events": events,
        "payouts": payouts,
        "tht_claim": benefits_selectors.portal_tht_claim(employee=employee),
        "certificates": ceremonies_selectors.portal_certificates(employee=employee),
    }
    return render(request, "portal/home.html", context)


@retiree_required
def certificate_download(request: HttpRequest, employee, pk: int, heir=None) -> FileResponse:
    try:
        certificate = ceremonies_selectors.portal_certificate_get(pk=pk, employee=employee)
    except Certificate.DoesNotExist:
        raise Http404(_("No such certificate.")) from None
    return file_response(certificate_file, certificate)


@retiree_required
def receipt_download(request: HttpRequest, employee, pk: int, heir=None) -> FileResponse:
    try:
        receipt = benefits_selectors.portal_receipt_get(pk=pk, employee=employee, heir=heir)
    except Receipt.DoesNotExist:
        raise Http404(_("No such receipt.")) from None
    return file_response(receipt_file, receipt)


# --- The family ---------------------------------------------------------------------------------------


@retiree_required
@require_http_methods(["GET", "POST"])
def family(request: HttpRequest, employee, heir=None) -> HttpResponse:
    """The family the register holds for the retiree, and a form to ask the staff for a correction
    (the register changes only when the staff edit it)."""
    form = CorrectionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            family_correction_request(employee=employee, actor=request.user, text=form.cleaned_data["text"])
        except EmployeeError as error:
            form.service_errors_add(error)
        else:
            messages.success(
                request, _("Thank you. Your request has been sent; the staff will check it and answer here.")
            )
            return redirect("portal:family")
    context = {
        "employee": employee,
        "family": employee_family(employee=employee, on_date=timezone.localdate()),
        "corrections": employee_family_corrections(employee=employee),
        "form": form,
    }
    return render(request, "portal/family.html", context, status=400 if form.errors else 200)


@retiree_required
def family_correction_detail(request: HttpRequest, employee, pk: int, heir=None) -> HttpResponse:
    try:
        correction = portal_family_correction_get(pk=pk, employee=employee)
    except FamilyCorrection.DoesNotExist:
        raise Http404(_("No such request.")) from None
    return render(request, "portal/family_correction.html", {"employee": employee, "correction": correction})


# --- Training feedback ----------------------------------------------------------------------------------


@retiree_required
@require_http_methods(["GET", "POST"])
def training_feedback(request: HttpRequest, employee, pk: int, heir=None) -> HttpResponse:
    """The rating form of a training the retiree attended: one card per session, saved in one POST, open
    from the training's end for PURNA_FEEDBACK_DAYS days and changeable until then. Someone else's
    training (or an heir, who did not attend) answers 404."""
    if heir is not None:
        raise Http404(_("No such training."))
    try:
        participant = ceremonies_selectors.portal_feedback_participant_get(event_pk=pk, employee=employee)
    except Participant.DoesNotExist:
        raise Http404(_("No such training.")) from None
    return _feedback_page(request, participant, employee, actor=request.user, done=reverse("portal:home"))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def training_feedback_link(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """The same form opened from the personal link of the reminder email (or its WhatsApp message), without
    signing in: the signed link names the participant and opens their form only. A link that is not valid
    (altered, too old, another participant's) answers 404, as a missing training does. A link scanner that
    fetches it answers nothing: ratings are sent with the form (POST)."""
    if not feedback_token_valid(token, pk=pk, max_age=feedback_link_max_age()):
        raise Http404(_("No such training."))
    try:
        participant = ceremonies_selectors.feedback_link_participant_get(pk=pk)
    except Participant.DoesNotExist:
        raise Http404(_("No such training.")) from None
    return _feedback_page(request, participant, participant.employee, actor=None, done=request.path)


def _feedback_page(request: HttpRequest, participant: Participant, employee, *, actor, done: str) -> HttpResponse:
    event = participant.event
    refusal = feedback_refusal_for(participant, now=timezone.now())
    sessions = ceremonies_selectors.event_sessions(event=event)
    answers = ceremonies_selectors.participant_feedback(participant=participant)
    posted = request.method == "POST"
    form = FeedbackForm(request.POST if posted and not refusal else None, sessions=sessions, answers=answers)
    if posted and not refusal and form.is_valid():
        try:
            training_feedback_save(participant=participant, answers=form.answers(), actor=actor)
        except CeremonyError as error:
            form.service_errors_add(error)
        else:
            messages.success(request, _("Thank you, Bapak/Ibu. Your rating has been saved."))
            return redirect(done)
    closes_at = timezone.localtime(feedback_closes_at(event.ends_at, settings.PURNA_FEEDBACK_DAYS))
    context = {
        "employee": employee,
        "event": event,
        "when": event_when_local(event),
        "refusal": refusal,
        "form": form,
        "answered": bool(answers),
        "closes_on": closes_at.date(),
        # Opened from the personal link: not signed in, so no way back to "my page".
        "from_link": actor is None,
    }
    return render(request, "portal/feedback.html", context, status=400 if posted and (refusal or form.errors) else 200)
