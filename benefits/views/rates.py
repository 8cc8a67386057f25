"""Staff pages to add and change tali asih rates with their table of bands, through
benefits/services/rates.py (which checks the table with benefits/tali_asih.py). Rates belong to the
whole agency (no unit), so there is no scope to apply: the add/change permissions decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benefits.exceptions import RateError
from benefits.forms import BandFormSet, TaliAsihRateForm
from benefits.models import TaliAsihRate
from benefits.services import rates as services


def _rate(pk: int) -> TaliAsihRate:
    try:
        return TaliAsihRate.objects.prefetch_related("bands").get(pk=pk)
    except TaliAsihRate.DoesNotExist as exc:
        raise Http404(_("No such rate.")) from exc


def _bands_initial(rate: TaliAsihRate) -> list[dict]:
    return [
        {
            "golongan_group": band.golongan_group,
            "first_year": band.min_years,
            "last_year": band.as_band().last_year,
            "amount": band.amount,
        }
        for band in rate.bands.all()
    ]


def _inputs(form: TaliAsihRateForm, formset) -> tuple[services.RateInput, list[services.BandInput]]:
    data = services.RateInput(**{field: form.cleaned_data[field] for field in TaliAsihRateForm.Meta.fields})
    bands = [
        services.BandInput(
            amount=row.cleaned_data["amount"],
            golongan_group=row.cleaned_data.get("golongan_group") or "",
            first_year=row.cleaned_data.get("first_year"),
            last_year=row.cleaned_data.get("last_year"),
        )
        for row in formset.forms
        if row.has_changed() and row.cleaned_data and not row.cleaned_data.get("DELETE")
    ]
    return data, bands


@login_required
def rate_form_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add a rate (no pk) or change one with its bands, as the KORPRI decision writes them."""
    permission = "benefits.change_taliasihrate" if pk else "benefits.add_taliasihrate"
    if not request.user.has_perm(permission):
        raise PermissionDenied
    rate = _rate(pk) if pk else None
    band_errors: list[str] = []
    if request.method == "POST":
        form = TaliAsihRateForm(request.POST, instance=rate)
        formset = BandFormSet(request.POST, prefix="band")
        if form.is_valid() and formset.is_valid():
            data, bands = _inputs(form, formset)
            try:
                saved = services.tali_asih_rate_save(rate=rate, data=data, bands=bands, actor=request.user)
            except RateError as error:
                band_errors = error.errors.pop(services.BANDS, [])
                form.service_errors_add(error)
            else:
                messages.success(request, _("The rate %(name)s has been saved.") % {"name": saved.name})
                return redirect("benefits:list")
    else:
        form = TaliAsihRateForm(instance=rate)
        formset = BandFormSet(initial=_bands_initial(rate) if rate else None, prefix="band")
    history = list(rate.history.select_related("history_user").order_by("-history_date")[:10]) if rate else []
    context = {"form": form, "formset": formset, "rate": rate, "band_errors": band_errors, "history": history}
    return render(request, "benefits/taliasihrate_form.html", context)
