"""The retiree's family in the portal: what it shows, the correction request (nothing in the register
changes), the staff's answer shown back, and nobody else's requests."""

import datetime as dt

import pytest
from django.urls import reverse

from employees.choices import CorrectionStatus
from employees.models import Child, FamilyCorrection, Spouse
from employees.services.accounts import employee_portal_account_ensure
from employees.services.family import child_add, family_correction_reject, spouse_add
from tests.factories import EmployeeFactory, UnitKerjaFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def ahmad(unit):
    return EmployeeFactory(
        unit=unit, name="Ahmad Yani", nip="196505121990031004", birth_date=D(1965, 5, 12), email="ahmad@example.id"
    )


@pytest.fixture
def siti(unit):
    return EmployeeFactory(
        unit=unit, name="Siti Aminah", nip="196703142000122001", birth_date=D(1967, 3, 14), gender="2"
    )


def signed_in(client, employee):
    client.force_login(employee_portal_account_ensure(employee=employee))
    return client


def test_the_retiree_sees_their_family_and_which_children_count(client, ahmad, siti):
    wife = spouse_add(employee=ahmad, actor=None, name="Fatimah", birth_date=D(1968, 2, 2), marriage_date=D(1990, 6, 1))
    child_add(employee=ahmad, actor=None, name="Rahmat", birth_date=D(2010, 1, 1), other_parent=wife)
    child_add(employee=ahmad, actor=None, name="Lestari", birth_date=D(1992, 1, 1), other_parent=wife)
    spouse_add(employee=siti, actor=None, name="Bambang")

    html = signed_in(client, ahmad).get(reverse("portal:family")).content.decode()

    assert "Fatimah" in html and "1 Juni 1990" in html
    assert "Rahmat" in html and "Lestari" in html and "25 tahun atau lebih" in html
    assert "Bapak/Ibu" in html
    assert "Bambang" not in html
    assert reverse("portal:family") in signed_in(client, ahmad).get(reverse("portal:home")).content.decode()


def test_a_correction_request_reaches_the_staff_and_changes_nothing(client, ahmad):
    spouse_add(employee=ahmad, actor=None, name="Fatimah")
    signed_in(client, ahmad)

    response = client.post(reverse("portal:family"), {"text": "Nama istri saya Siti Fatimah."})

    assert response.status_code == 302
    correction = FamilyCorrection.objects.get()
    assert (correction.employee, correction.status, correction.text) == (
        ahmad,
        CorrectionStatus.PENDING,
        "Nama istri saya Siti Fatimah.",
    )
    assert list(Spouse.objects.values_list("name", flat=True)) == ["Fatimah"]
    assert not Child.objects.exists()
    page = client.get(reverse("portal:family")).content.decode()
    assert "Menunggu" in page and "Permohonan Bapak/Ibu telah terkirim" in page


def test_an_empty_request_is_refused_in_indonesian(client, ahmad):
    response = signed_in(client, ahmad).post(reverse("portal:family"), {"text": "   "})

    assert response.status_code == 400
    assert "Bidang ini tidak boleh kosong." in response.content.decode()
    assert not FamilyCorrection.objects.exists()
    assert client.post(reverse("portal:family"), {}).status_code == 400  # nothing posted at all


def test_the_retiree_reads_the_staffs_answer(client, ahmad, actor):
    signed_in(client, ahmad).post(reverse("portal:family"), {"text": "Tambahkan anak ketiga."})
    correction = FamilyCorrection.objects.get()
    family_correction_reject(correction=correction, actor=actor, reason="Mohon kirim akta kelahiran.")

    html = client.get(reverse("portal:family_correction", args=[correction.pk])).content.decode()

    assert "Ditolak" in html and "Mohon kirim akta kelahiran." in html and "Tambahkan anak ketiga." in html


def test_another_retirees_request_answers_404(client, ahmad, siti):
    signed_in(client, siti).post(reverse("portal:family"), {"text": "Permohonan Siti"})
    theirs = FamilyCorrection.objects.get()

    response = signed_in(client, ahmad).get(reverse("portal:family_correction", args=[theirs.pk]))

    assert response.status_code == 404
    assert "Permohonan Siti" not in client.get(reverse("portal:family")).content.decode()


def test_anonymous_and_staff_are_kept_out(client, operator, ahmad):
    assert client.get(reverse("portal:family")).status_code == 302
    assert client.post(reverse("portal:family"), {"text": "x"}).status_code == 302
    client.force_login(operator)
    assert client.get(reverse("portal:family")).status_code == 403
    assert not FamilyCorrection.objects.exists()
