"""The admin's history pages (django-simple-history) show old versions and never save one: "revert" is
off (SIMPLE_HISTORY_REVERT_DISABLED), and the version form's POST, which saves for anyone who may view
the row, is refused (purna.admin.HistoryAdmin). Found by the permission matrix."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benefits.models import PayoutStatus
from purna import roles
from tests.benefits.documents_helpers import payout_in
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory


def signed_in(role: str, unit) -> Client:
    client = Client()
    client.force_login(UserFactory(roles=[role], units=[unit], is_staff=True))
    return client


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.ADMIN])
def test_an_old_version_of_a_payout_cannot_be_saved_back(db, role):
    unit = UnitKerjaFactory()
    payout = payout_in(PayoutStatus.DRAFT, employee=EmployeeFactory(unit=unit))
    first = payout.history.order_by("history_id").first().history_id
    payout.status = PayoutStatus.CANCELLED
    payout.cancel_reason = "Salah orang"
    payout.cancelled_at = timezone.now()
    payout.save()
    page = reverse("admin:benefits_payout_simple_history", args=[payout.pk, first])
    client = signed_in(role, unit)

    shown = client.get(page)
    saved = client.post(page, {})

    assert shown.status_code == 200
    assert saved.status_code == 403
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.CANCELLED
    assert payout.history.count() == 2


def test_an_old_version_of_an_employee_cannot_be_saved_back_by_a_viewer(db):
    unit = UnitKerjaFactory()
    employee = EmployeeFactory(unit=unit, name="Nama Lama")
    first = employee.history.order_by("history_id").first().history_id
    employee.name = "Nama Baru"
    employee.save()
    page = reverse("admin:employees_employee_simple_history", args=[employee.pk, first])
    form = signed_in(roles.ADMIN, unit).get(reverse("admin:employees_employee_change", args=[employee.pk]))
    data = {
        field.html_name: field.value() if field.value() is not None else ""
        for field in form.context["adminform"].form
        if field.value() is not None
    }

    saved = signed_in(roles.PIMPINAN, unit).post(page, {**data, "name": "Nama Lama"})

    assert saved.status_code == 403
    employee.refresh_from_db()
    assert employee.name == "Nama Baru"
