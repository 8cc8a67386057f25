"""The staff's pages at the roof: the dashboard (home page), which reads every app's figures, and the
staff's own account (the password), which sends a retiree signed in to the portal back to it."""

from dataclasses import dataclass
from decimal import Decimal
from functools import wraps

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benefits.selectors import PayoutSummary, payout_summary
from employees.scope import staff_scope
from employees.selectors import (
    DashboardSummary,
    account_state,
    dashboard_summary,
    portal_person,
    retiring_query,
)
from purna import formatting
from purna.accounts import account_change_record
from purna.charts import BarChart, bar_chart
from purna.roles import holds_staff_powers


def staff_account_page(view):
    """A page of the staff's own account (the password): a retiree signed in to the portal, who has no
    password (they sign in with links), is sent to the portal instead."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not holds_staff_powers(user) and portal_person(user=user) is not None:
            return redirect("portal:home")
        return view(request, *args, **kwargs)

    return wrapper


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the change kept in the account's trace (purna/accounts.py)."""

    def form_valid(self, form):
        user = self.request.user
        with transaction.atomic():
            before = account_state(user_id=user.pk)
            response = super().form_valid(form)
            account_change_record(account=user, actor=user, before=before, after=account_state(user_id=user.pk))
        return response


def dashboard(request: HttpRequest) -> HttpResponse:
    """Head counts and the next 12 months of retirements; each bar opens the list of the people in it.
    A retiree signed in to the portal lands on their own page instead."""
    if not request.user.has_perm("purna.view_dashboard"):
        if portal_person(user=request.user) is not None:
            return redirect("portal:home")
        raise PermissionDenied
    scope = staff_scope(request.user)
    summary = dashboard_summary(scope=scope)
    context = {"summary": summary, "chart": dashboard_chart(summary), "scope": scope}
    if request.user.has_perm("benefits.view_payout"):
        context["payouts"] = payouts_card(payout_summary(scope=scope, year=timezone.localdate().year))
    return render(request, "purna/dashboard.html", context)


@dataclass(frozen=True)
class PayoutsCard:
    """The dashboard's money card: this year's payouts (both benefits) paid, outstanding, overdue."""

    year: int
    paid_count: int
    paid_amount: Decimal
    outstanding_count: int
    outstanding_amount: Decimal
    overdue_count: int
    tali_asih_not_prepared: int


def payouts_card(summary: PayoutSummary) -> PayoutsCard:
    figures = summary.by_benefit.values()
    return PayoutsCard(
        year=summary.year,
        paid_count=sum(f.paid_count for f in figures),
        paid_amount=sum((f.paid_amount for f in figures), Decimal(0)),
        outstanding_count=sum(f.outstanding_count for f in figures),
        outstanding_amount=sum((f.outstanding_amount for f in figures), Decimal(0)),
        overdue_count=sum(f.overdue_count for f in figures),
        tali_asih_not_prepared=summary.tali_asih_not_prepared,
    )


def dashboard_chart(summary: DashboardSummary) -> BarChart:
    """The bar chart of the next 12 months, each bar linking to the employee list of its month."""
    list_url = reverse("employees:list")
    points = [
        (
            f"{formatting.MONTHS[month.month - 1][:3]} {month:%y}",
            count,
            f"{list_url}?{retiring_query(start=month, until=month)}",
        )
        for month, count in summary.per_month
    ]
    return bar_chart(_("Purna tugas per month"), points)
