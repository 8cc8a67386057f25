"""The benefits' staff pages: the tali asih rates, the payouts (list with bulk actions, detail with its
actions and timeline), preparing payouts (inline or as a batch with a progress bar), THT tracking and
import, and the hand-over at a ceremony.

Thin views: parse the input, read through benefits/selectors.py with the user's scope (a payout, an
employee or an event outside it answers 404), call one service (benefits/services/payouts.py), map PayoutError to
form errors or messages, redirect. The services enforce who may do what; the pages only hide what the
user's permissions, the payout's status and the four-eyes rule would refuse anyway, all read from the
pipeline's table (benefits/payouts.py) that the services enforce.
"""

import datetime as dt
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from benefits import document_kinds, payouts, selectors
from benefits.exceptions import PayoutError
from benefits.forms import (
    NoteForm,
    OverrideForm,
    PayeeForm,
    PayForm,
    PayoutFilterForm,
    PrepareForm,
    ReasonForm,
    ThtClaimForm,
    ThtImportForm,
)
from benefits.models import Payout, PayoutBatch, PayoutStatus, RateBasis, Receipt, ThtClaim
from benefits.services import batches, tht_import
from benefits.services import heirs as heir_services
from benefits.services import payouts as services
from ceremonies import selectors as ceremony_selectors
from ceremonies.models import Event, Participant
from ceremonies.rules import attendance_allowed
from employees import selectors as employee_selectors
from employees.models import Employee
from employees.scope import Scope, staff_scope
from purna.formatting import kalimat, rupiah


class TaliAsihRateListView(PermissionRequiredMixin, ListView):
    """The tali asih rates in force and past, with their bands."""

    permission_required = "benefits.view_taliasihrate"
    raise_exception = True
    template_name = "benefits/taliasihrate_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.tali_asih_rate_list()


# --- Helpers --------------------------------------------------------------------------------------------


def _payout(request: HttpRequest, pk: int) -> Payout:
    try:
        return selectors.payout_get(pk=pk, scope=staff_scope(request.user))
    except Payout.DoesNotExist as exc:
        raise Http404(_("No such payout.")) from exc


def _event(request: HttpRequest, pk: int, *, for_change: bool = False) -> Event:
    # Handing over at an event takes its organiser in the scope (ceremony_selectors.event_get_for_change).
    get = ceremony_selectors.event_get_for_change if for_change else ceremony_selectors.event_get
    try:
        return get(pk=pk, scope=staff_scope(request.user))
    except Event.DoesNotExist as exc:
        raise Http404(_("No such event.")) from exc


def _events(scope: Scope):
    return ceremony_selectors.events_visible(Event.objects.order_by("-starts_at", "pk"), scope)


def _error_messages(request: HttpRequest, error: PayoutError, name: str = "") -> None:
    for message in error.messages:
        messages.error(request, f"{name}: {message}" if name else message)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (its filters kept), if it is one of ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


# --- Payout list and bulk actions ----------------------------------------------------------------------


class PayoutListView(PermissionRequiredMixin, ListView):
    """Payouts in the user's scope, filtered (status, benefit, TMT year, ceremony, name or NIP, overdue),
    with checkboxes for verifying or approving many at once; a fixed number of queries."""

    permission_required = "benefits.view_payout"
    raise_exception = True
    template_name = "benefits/payout_list.html"
    paginate_by = 50

    def get_queryset(self):
        scope = staff_scope(self.request.user)
        # This year is always offered: the dashboard's card links to it before any payout exists.
        years = sorted({*selectors.payout_tmt_years(scope=scope), timezone.localdate().year}, reverse=True)
        self.filters = PayoutFilterForm(self.request.GET or None, events=_events(scope), years=years)
        self.filters.is_valid()
        # Only the fields that are valid filter: a stale event id or year in a bookmark is ignored.
        data = getattr(self.filters, "cleaned_data", {})
        return selectors.payout_list(
            scope=scope,
            status=data.get("status") or None,
            benefit_type=data.get("benefit_type") or None,
            year=data.get("year"),
            event=data.get("event"),
            search=data.get("q", ""),
            overdue=bool(data.get("overdue")),
        )

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(
            filters=self.filters,
            can_verify=payouts.may_take(payouts.VERIFY, user),
            can_approve=payouts.may_take(payouts.APPROVE, user),
            can_prepare=user.has_perm(payouts.PERM_PREPARE),
            overdue=bool(getattr(self.filters, "cleaned_data", {}).get("overdue")),
            **kwargs,
        )
        return context


# Payouts verified or approved in one request: the list shows 50 a page, and each is a locked, checked
# update with its timeline row, so this bounds the request to well under a second.
BULK_MAX = 100


def _bulk_view(
    request: HttpRequest, step: Callable[..., services.BulkReport], done: Callable[[int], str]
) -> HttpResponse:
    """Run `step` (verify or approve many) on the ticked payouts the user sees; `done(n)` says how many it
    did, and each refusal is a message."""
    ids = [value for value in request.POST.getlist("payout") if value.isdigit()]
    back = reverse("benefits:payouts")
    if not ids:
        messages.warning(request, _("Tick the payouts first."))
        return _back(request, back)
    if len(ids) > BULK_MAX:
        messages.error(request, _("Tick at most %(n)d payouts at once.") % {"n": BULK_MAX})
        return _back(request, back)
    payouts = list(selectors.payout_list(scope=staff_scope(request.user)).filter(pk__in=ids))
    try:
        report = step(payouts=payouts, actor=request.user)
    except PayoutError as error:
        _error_messages(request, error)
        return _back(request, back)
    if report.done:
        messages.success(request, done(len(report.done)))
    for name, problems in report.errors:
        for problem in problems:
            messages.error(request, f"{name}: {problem}")
    return _back(request, back)


@require_POST
@permission_required("benefits.view_payout", raise_exception=True)
def payouts_verify_view(request: HttpRequest) -> HttpResponse:
    """Verify the ticked payouts; each refusal is a message, the others are verified."""
    return _bulk_view(
        request,
        services.payouts_verify_bulk,
        lambda n: ngettext("%(n)d payout verified.", "%(n)d payouts verified.", n) % {"n": n},
    )


@require_POST
@permission_required("benefits.view_payout", raise_exception=True)
def payouts_approve_view(request: HttpRequest) -> HttpResponse:
    """Approve the ticked payouts; each refusal is a message, the others are approved."""
    return _bulk_view(
        request,
        services.payouts_approve_bulk,
        lambda n: ngettext("%(n)d payout approved.", "%(n)d payouts approved.", n) % {"n": n},
    )


# --- One payout -----------------------------------------------------------------------------------------


def _breakdown(payout: Payout) -> dict:
    """The stored computation, its dates read back and its basis named, for display."""
    breakdown = dict(payout.breakdown or {})
    for key in ("decision_date", "received_on", "tmt"):
        if isinstance(breakdown.get(key), str):
            breakdown[key] = dt.date.fromisoformat(breakdown[key])
    if breakdown.get("basis") in RateBasis.values:
        breakdown["basis_label"] = RateBasis(breakdown["basis"]).label
    return breakdown


def _heir_initial(payout: Payout) -> dict:
    """The heir form showing the current payee, if there is one."""
    if payout.payee_spouse_id:
        return {"heir": f"spouse:{payout.payee_spouse_id}"}
    if payout.payee_child_id:
        return {"heir": f"child:{payout.payee_child_id}"}
    return {}


def _detail(request: HttpRequest, payout: Payout, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    actions = payouts.allowed_actions(payout, user)
    scope = staff_scope(user)
    participant_events = _events(scope).filter(participants__employee_id=payout.employee_id)
    # An heir may be made the payee of a deceased employee's payout until it is approved (two queries, only then).
    can_payee = payouts.PAYEE in actions and selectors.employee_deceased(payout.employee)
    candidates = selectors.heir_choices(employee=payout.employee) if can_payee else []
    context = {
        "payout": payout,
        "breakdown": _breakdown(payout),
        "timeline": list(payout.status_changes.all()),
        # The actions the pipeline's table allows this user on this payout (the preparer neither verifies
        # nor approves it).
        "can_verify": payouts.VERIFY in actions,
        "can_approve": payouts.APPROVE in actions,
        "can_pay": payouts.PAY in actions,
        "can_override": payouts.OVERRIDE in actions,
        "can_cancel": payouts.CANCEL in actions,
        "can_reverse": payouts.REVERSE in actions,
        "note_form": forms.get("note_form") or NoteForm(),
        "override_form": forms.get("override_form")
        or OverrideForm(initial={"override_amount": payout.override_amount and int(payout.override_amount)}),
        "pay_form": forms.get("pay_form") or PayForm(events=participant_events),
        "cancel_form": forms.get("cancel_form") or ReasonForm(auto_id="id_cancel_%s"),
        "reverse_form": forms.get("reverse_form") or ReasonForm(auto_id="id_reverse_%s"),
        # The kuitansi of an approved or paid payout (benefits/views/documents.py issues and serves it).
        "receipts_open": payout.receipt_open,
        "receipt": Receipt.objects.filter(payout=payout).first(),
        "can_payee": can_payee,
        "payee_form": forms.get("payee_form")
        or (PayeeForm(candidates=candidates, initial=_heir_initial(payout)) if can_payee else None),
        "payee_clear_form": forms.get("payee_clear_form") or ReasonForm(auto_id="id_payee_clear_%s"),
    }
    return render(request, "benefits/payout_detail.html", context, status=status)


@permission_required("benefits.view_payout", raise_exception=True)
def payout_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A payout: the employee, the amount and how it was reached, the payment, the timeline, and the
    actions the user's permissions and the payout's status allow."""
    return _detail(request, _payout(request, pk))


def _done(request: HttpRequest, payout: Payout, text: str) -> HttpResponse:
    messages.success(request, text % {"name": payout.employee.display_name})
    return redirect("benefits:payout_detail", pk=payout.pk)


def _refused(request: HttpRequest, payout: Payout, error: PayoutError) -> HttpResponse:
    _error_messages(request, error)
    return redirect("benefits:payout_detail", pk=payout.pk)


def _noted_step(request: HttpRequest, pk: int, step: Callable[..., Payout], done: str) -> HttpResponse:
    """A step with an optional note (verify, approve): done, or refused with a message, on the payout's page."""
    payout = _payout(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    try:
        payout = step(payout=payout, actor=request.user, note=form.cleaned_data.get("note", ""))
    except PayoutError as error:
        return _refused(request, payout, error)
    return _done(request, payout, done)


def _reasoned_step(request: HttpRequest, pk: int, name: str, step: Callable[..., Payout], done: str) -> HttpResponse:
    """A step that needs the reason (cancel, reverse, give back to the employee): the payout's page form
    `<name>_form`, shown again with its error (422) when the reason is missing or the step refused."""
    payout = _payout(request, pk)
    form = ReasonForm(request.POST, auto_id=f"id_{name}_%s")
    if form.is_valid():
        try:
            payout = step(payout=payout, actor=request.user, reason=form.cleaned_data["reason"])
        except PayoutError as error:
            form.service_errors_add(error)
        else:
            return _done(request, payout, done)
    return _detail(request, payout, status=422, **{f"{name}_form": form})


@require_POST
@permission_required("benefits.verify_payout", raise_exception=True)
def payout_verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _noted_step(request, pk, services.payout_verify, _("The payout of %(name)s is verified."))


@require_POST
@permission_required("benefits.approve_payout", raise_exception=True)
def payout_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _noted_step(request, pk, services.payout_approve, _("The payout of %(name)s is approved for payment."))


@require_POST
@permission_required("benefits.pay_payout", raise_exception=True)
def payout_pay_view(request: HttpRequest, pk: int) -> HttpResponse:
    payout = _payout(request, pk)
    events = _events(staff_scope(request.user)).filter(participants__employee_id=payout.employee_id)
    form = PayForm(request.POST, request.FILES, events=events)
    if not form.is_valid():
        return _detail(request, payout, status=422, pay_form=form)
    data = form.cleaned_data
    try:
        payout = services.payout_pay(
            payout=payout,
            actor=request.user,
            method=data["method"],
            paid_on=data["paid_on"],
            event=data["event"],
            bank_name=data["bank_name"],
            account_number=data["account_number"],
            account_holder=data["account_holder"],
            proof=data["proof"],
            note=data["note"],
        )
    except PayoutError as error:
        form.service_errors_add(error)
        return _detail(request, payout, status=422, pay_form=form)
    return _done(request, payout, _("The payout of %(name)s is recorded as paid."))


@require_POST
@permission_required("benefits.change_payout", raise_exception=True)
def payout_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    payout = _payout(request, pk)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return _detail(request, payout, status=422, override_form=form)
    try:
        payout = services.payout_amount_override(
            payout=payout,
            actor=request.user,
            amount=form.cleaned_data["override_amount"],
            reason=form.cleaned_data["override_reason"],
        )
    except PayoutError as error:
        form.service_errors_add(error)
        return _detail(request, payout, status=422, override_form=form)
    return _done(request, payout, _("The amount of the payout of %(name)s has been changed."))


@require_POST
@permission_required("benefits.change_payout", raise_exception=True)
def payout_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reasoned_step(request, pk, "cancel", services.payout_cancel, _("The payout of %(name)s is cancelled."))


@require_POST
@permission_required("benefits.reverse_payout", raise_exception=True)
def payout_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _reasoned_step(
        request,
        pk,
        "reverse",
        services.payout_reverse,
        _("The payment to %(name)s is reversed: a new payout may be prepared."),
    )


@never_cache
@permission_required("benefits.view_payout", raise_exception=True)
def payout_proof_view(request: HttpRequest, pk: int) -> FileResponse:
    """The proof of payment from private storage, to a user who may see the payout, as a download."""
    payout = _payout(request, pk)
    if not payout.proof:
        raise Http404(_("No proof of payment."))
    try:
        handle = payout.proof.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No proof of payment.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=payout.proof_name or "bukti", content_type=payout.proof_content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Nothing in it may run even if a browser shows it anyway.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _heir(payout: Payout, value: str):
    """The spouse or child a PayeeForm's "spouse:<id>" or "child:<id>" names among the payout employee's
    family, or None."""
    kind, _sep, pk = value.partition(":")
    return selectors.heir_get(employee_id=payout.employee_id, kind=kind, pk=int(pk)) if pk.isdigit() else None


@require_POST
@permission_required("benefits.change_payout", raise_exception=True)
def payout_payee_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Make an heir the payee, with the heir statement."""
    payout = _payout(request, pk)
    candidates = selectors.heir_choices(employee=payout.employee)
    form = PayeeForm(request.POST, request.FILES, candidates=candidates)
    if not form.is_valid():
        return _detail(request, payout, status=422, payee_form=form)
    heir = _heir(payout, form.cleaned_data["heir"])
    if heir is None:
        raise Http404(_("No such family member."))
    try:
        payout = heir_services.payout_payee_set(
            payout=payout,
            heir=heir,
            actor=request.user,
            statement=form.cleaned_data["heir_statement"],
            note=form.cleaned_data["note"],
        )
    except PayoutError as error:
        form.service_errors_add(error)
        return _detail(request, payout, status=422, payee_form=form)
    return _done(request, payout, _("The payout of %(name)s is now paid to the heir."))


@require_POST
@permission_required("benefits.change_payout", raise_exception=True)
def payout_payee_clear_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Give the payout back to the employee's name (no heir), with the reason."""
    return _reasoned_step(
        request,
        pk,
        "payee_clear",
        heir_services.payout_payee_clear,
        _("The payout of %(name)s no longer has an heir as payee."),
    )


@never_cache
@permission_required("benefits.view_payout", raise_exception=True)
def payout_heir_statement_view(request: HttpRequest, pk: int) -> FileResponse:
    """The heir statement from private storage, to a user who may see the payout, as a download."""
    payout = _payout(request, pk)
    if not payout.heir_statement:
        raise Http404(_("No heir statement."))
    try:
        handle = payout.heir_statement.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("No heir statement.")) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=payout.heir_statement_name or "ahli-waris",
        content_type=payout.heir_statement_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Preparing payouts ---------------------------------------------------------------------------------


@permission_required("benefits.add_payout", raise_exception=True)
def prepare_view(request: HttpRequest) -> HttpResponse:
    """Choose a benefit and a TMT period or a ceremony; see whom it covers, with each amount, its rule and
    the total; prepare their payouts here (up to PURNA_PAYOUT_PREPARE_INLINE_MAX) or as a batch run by
    the worker."""
    scope = staff_scope(request.user)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PrepareForm(data, events=_events(scope))
    context = {"form": form, "inline_max": settings.PURNA_PAYOUT_PREPARE_INLINE_MAX}
    if form.is_valid():
        choice = form.cleaned_data
        employees = selectors.payout_candidates(
            scope=scope, period_from=choice["tmt_from"], period_until=choice["tmt_until"], event=choice["event"]
        )
        if request.method == "POST":
            return _prepare(request, employees, choice)
        # Counted in one query whatever the selection's size; each person with the amount and its rule
        # for the first PURNA_PAYOUT_PREVIEW_ROWS only (the rates apply row by row, in Python: a selection
        # of tens of thousands would hold the request for seconds); all of them in a workbook made by
        # the worker (prepare_preview_xlsx).
        total, having = selectors.payout_candidate_counts(employees=employees, benefit_type=choice["benefit_type"])
        preview = services.payouts_preview(
            employees=employees[: settings.PURNA_PAYOUT_PREVIEW_ROWS], benefit_type=choice["benefit_type"]
        )
        context.update(
            preview=preview,
            total=total,
            having=having,
            to_prepare=total - having,
            partial=total > len(preview.rows),
            choice_query=request.GET.urlencode(),
        )
    return render(request, "benefits/prepare.html", context)


@permission_required("benefits.add_payout", raise_exception=True)
def prepare_preview_xlsx(request: HttpRequest) -> HttpResponse:
    """The preview of a preparation, every retiree of the selection with the amount, its rule and the
    total, as a workbook made in the background (for a selection larger than the page shows)."""
    scope = staff_scope(request.user)
    form = PrepareForm(request.GET, events=_events(scope))
    if not form.is_valid():
        messages.error(request, _("Choose a TMT period (from and until) or a ceremony."))
        return redirect("benefits:prepare")
    choice = form.cleaned_data
    employees = selectors.payout_candidates(
        scope=scope, period_from=choice["tmt_from"], period_until=choice["tmt_until"], event=choice["event"]
    )
    return document_kinds.prepare_preview_response(request, choice=choice, candidates=employees)


def _prepare(request: HttpRequest, employees, choice: dict) -> HttpResponse:
    ids = list(employees.values_list("pk", flat=True))
    try:
        if len(ids) > settings.PURNA_PAYOUT_PREPARE_INLINE_MAX:
            batch = batches.payout_batch_create(
                employee_ids=ids,
                benefit_type=choice["benefit_type"],
                actor=request.user,
                event=choice["event"],
                period_from=choice["tmt_from"],
                period_until=choice["tmt_until"],
            )
            return redirect("benefits:batch_detail", pk=batch.pk)
        report = services.payouts_prepare_bulk(
            employees=employees, benefit_type=choice["benefit_type"], actor=request.user, event=choice["event"]
        )
    except PayoutError as error:
        _error_messages(request, error)
        return redirect("benefits:prepare")
    messages.success(
        request,
        _("Payouts prepared: %(created)d; skipped (already had one): %(skipped)d; errors: %(errors)d.")
        % {"created": len(report.done), "skipped": len(report.skipped), "errors": len(report.errors)},
    )
    for name, problems in report.errors:
        for problem in problems:
            messages.error(request, f"{name}: {problem}")
    query = f"?status={PayoutStatus.DRAFT}&benefit_type={choice['benefit_type']}"
    return HttpResponseRedirect(reverse("benefits:payouts") + query)


def _batch(request: HttpRequest, pk: int) -> PayoutBatch:
    try:
        return selectors.payout_batch_get(pk=pk, user=request.user)
    except PayoutBatch.DoesNotExist as exc:
        raise Http404(_("No such preparation.")) from exc


@permission_required("benefits.add_payout", raise_exception=True)
def batch_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A preparation batch: its progress while the worker runs it, then what it prepared and the errors."""
    return render(request, "benefits/payoutbatch_detail.html", {"batch": _batch(request, pk)})


@permission_required("benefits.add_payout", raise_exception=True)
def batch_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress partial, polled by htmx every second until the batch has finished."""
    return render(request, "benefits/_payoutbatch_progress.html", {"batch": _batch(request, pk)})


# --- THT (Taspen) -------------------------------------------------------------------------------------


class ThtListView(PermissionRequiredMixin, ListView):
    """Retirees with their THT claim (filed, Taspen's reference, documents, amount received) and their THT
    payout's status; a fixed number of queries."""

    permission_required = "benefits.view_thtclaim"
    raise_exception = True
    template_name = "benefits/thtclaim_list.html"
    paginate_by = 50

    def get_queryset(self):
        self.search = self.request.GET.get("q", "").strip()
        year = self.request.GET.get("tahun", "")
        self.year = int(year) if year.isdigit() and len(year) == 4 else None
        return selectors.tht_retiree_list(scope=staff_scope(self.request.user), search=self.search, year=self.year)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(search=self.search, year=self.year, statuses=PayoutStatus.choices, **kwargs)
        return context


@permission_required("benefits.change_thtclaim", raise_exception=True)
def tht_edit_view(request: HttpRequest, employee_pk: int) -> HttpResponse:
    """Record an employee's THT claim (tht_claim_save)."""
    try:
        employee = employee_selectors.employee_get(pk=employee_pk, scope=staff_scope(request.user))
    except Employee.DoesNotExist as exc:
        raise Http404(_("No such employee.")) from exc
    claim = ThtClaim.objects.filter(employee=employee).first()
    if request.method == "POST":
        form = ThtClaimForm(request.POST)
        if form.is_valid():
            try:
                services.tht_claim_save(employee=employee, actor=request.user, **form.cleaned_data)
            except PayoutError as error:
                form.service_errors_add(error)
            else:
                messages.success(request, _("The THT claim of %(name)s is saved.") % {"name": employee.display_name})
                return redirect("benefits:tht")
    else:
        initial = {}
        if claim is not None:
            initial = {name: getattr(claim, name) for name in services.CLAIM_FIELDS}
            if claim.amount_received is not None:
                initial["amount_received"] = int(claim.amount_received)
        form = ThtClaimForm(initial=initial)
    context = {"form": form, "employee": employee}
    return render(request, "benefits/thtclaim_form.html", context)


@permission_required("benefits.change_thtclaim", raise_exception=True)
def tht_import_view(request: HttpRequest) -> HttpResponse:
    """Upload PT Taspen's amounts (CSV or XLSX): all rows are recorded, or none and the errors by cell."""
    result = None
    if request.method == "POST":
        form = ThtImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = tht_import.tht_amounts_import(file=upload, actor=request.user, name=upload.name)
            except PayoutError as error:
                form.service_errors_add(error)
            else:
                if result.applied:
                    messages.success(
                        request,
                        _("THT amounts recorded: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                        % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
                    )
                    return redirect("benefits:tht")
    else:
        form = ThtImportForm()
    return render(request, "benefits/tht_import.html", {"form": form, "result": result})


@permission_required("benefits.change_thtclaim", raise_exception=True)
def tht_template_view(request: HttpRequest) -> HttpResponse:
    """The empty CSV to fill in: the header the import reads."""
    header = ",".join(tht_import.THT_HEADERS[key] for key in ("nip", "amount", "reference", "date"))
    response = HttpResponse(f"{header}\r\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-tht-taspen.csv"'
    return response


# --- Hand-over at a ceremony ---------------------------------------------------------------------------


# Rows per page of the hand-over list: 600 rows, each with its buttons and forms, made a page of more than a
# megabyte that a phone at the ceremony scrolled through; the Bendahara finds a person by the search.
HANDOVER_PAGE_SIZE = 50


@permission_required("benefits.view_payout", raise_exception=True)
def handover_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The ceremony's participants with their THT and tali asih payouts, a page of them at a time (searched
    by name or NIP, as on the event's page), a big button per approved one for the Bendahara, and the
    event's totals; works on a phone, a fixed number of queries whatever the participants."""
    event = _event(request, pk)
    scope = staff_scope(request.user)
    people = selectors.handover_people(event=event, scope=scope)
    search = " ".join(request.GET.get("q", "").split())
    found = (
        [p for p in people if ceremony_selectors.participant_matches(name=p.name, nip=p.nip, search=search)]
        if search
        else people
    )
    paginator = Paginator(found, HANDOVER_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    handover = selectors.event_handover(event=event, scope=scope, shown=list(page.object_list))
    context = {
        "event": event,
        "handover": handover,
        "search": search,
        "paginator": paginator,
        "page_obj": page,
        "is_paginated": paginator.num_pages > 1,
        # payout_hand_over refuses a draft or closed event: no button there.
        "can_pay": payouts.may_take(payouts.HAND_OVER, request.user) and attendance_allowed(event.status),
        "handover_open": attendance_allowed(event.status),
        "can_undo": _can_undo(request, event),
    }
    return render(request, "benefits/handover.html", context)


def _can_undo(request: HttpRequest, event: Event) -> bool:
    """Whether the user may undo a hand-over at `event` today (services.payout_hand_over_undo)."""
    return payouts.may_take(payouts.UNDO_HAND_OVER, request.user) and services.hand_over_undo_open(event=event)


def _handover_row(request: HttpRequest, event: Event, employee_id: int) -> selectors.HandoverRow:
    try:
        row = selectors.handover_row_get(event=event, employee_id=employee_id, scope=staff_scope(request.user))
    except Participant.DoesNotExist as exc:
        raise Http404(_("No such participant.")) from exc
    return row


@require_POST
@permission_required("benefits.pay_payout", raise_exception=True)
def handover_pay_view(request: HttpRequest, pk: int, payout_pk: int) -> HttpResponse:
    """Hand over one approved payout at the ceremony (payout_hand_over); htmx swaps the row back.

    Money changes hands: the first press asks for confirmation, showing the amount; someone not checked
    in is either checked in first or the money goes to a representative, whose name is kept with the
    hand-over (the note of its status change and history)."""
    event = _event(request, pk, for_change=True)
    payout = _payout(request, payout_pk)
    representative = " ".join(request.POST.get("representative", "").split())[:60]
    confirmed = request.POST.get("confirm") == "1"
    row = None if confirmed and representative else _handover_row(request, event, payout.employee_id)
    if row is not None and (not confirmed or not row.participant.has_attended):
        context = {"event": event, "row": row, "can_pay": True, "confirm_payout_pk": payout.pk}
        if confirmed:
            context["row_error"] = _("Not checked in: check them in first, or write the representative's name.")
        template = "benefits/_handover_row.html" if request.htmx else "benefits/handover_confirm.html"
        return render(request, template, context)
    note = ""
    if representative:
        # The payout keeps its event; the note (and the history's reason, 100 characters) the name.
        note = _("Handed over to the representative %(name)s") % {"name": representative}
    try:
        payout = services.payout_hand_over(payout=payout, event=event, actor=request.user, note=note)
    except PayoutError as error:
        return _handover_answer(request, event, payout, error=error)
    done = _("%(benefit)s handed over to %(name)s.") % {
        "benefit": payout.get_benefit_type_display(),
        "name": payout.employee.display_name,
    }
    return _handover_answer(request, event, payout, done=kalimat(done))


def _handover_answer(
    request: HttpRequest, event: Event, payout: Payout, *, error: PayoutError | None = None, done: str = ""
) -> HttpResponse:
    """The answer to a hand-over or its undo: htmx swaps the person's row (with the error on it, if
    any); a plain form goes back to the list at that row, with the message."""
    if not request.htmx:
        if error is not None:
            _error_messages(request, error, payout.employee.display_name)
        else:
            messages.success(request, done)
        # The list searched for the person's NIP: their row is on the page whatever page the list was on.
        query = urlencode({"q": payout.employee.nip})
        return HttpResponseRedirect(
            f"{reverse('benefits:handover', args=[event.pk])}?{query}#serah-{payout.employee_id}"
        )
    context = {
        "event": event,
        "row": _handover_row(request, event, payout.employee_id),
        "can_pay": True,
        "can_undo": _can_undo(request, event),
        "row_error": " ".join(error.messages) if error is not None else "",
    }
    return render(request, "benefits/_handover_row.html", context)


@require_POST
@permission_required("benefits.pay_payout", raise_exception=True)
def handover_undo_view(request: HttpRequest, pk: int, payout_pk: int) -> HttpResponse:
    """Undo a hand-over made by mistake, with the reason the row's form gives (payout_hand_over_undo); htmx
    swaps the row back with its "Hand over" button again."""
    event = _event(request, pk, for_change=True)
    payout = _payout(request, payout_pk)
    try:
        payout = services.payout_hand_over_undo(
            payout=payout, event=event, actor=request.user, reason=request.POST.get("reason", "")
        )
    except PayoutError as error:
        return _handover_answer(request, event, payout, error=error)
    done = _("The hand-over of %(amount)s to %(name)s was undone.") % {
        "amount": rupiah(payout.amount),
        "name": payout.employee.display_name,
    }
    return _handover_answer(request, event, payout, done=done)
