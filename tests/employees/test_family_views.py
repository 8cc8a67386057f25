"""The family on the staff pages (employees/views/family.py): the section of the employee's page, the forms,
permissions and scope, a fixed number of queries, and the queue of correction requests."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employees.choices import CorrectionStatus
from employees.models import Child, FamilyCorrection, Spouse
from employees.services.family import child_add, family_correction_request, parent_add, spouse_add
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture
def employee(unit):
    return EmployeeFactory(unit=unit, name="Budi Santoso", birth_date=D(1966, 5, 12))


def family_of(employee, size: int) -> None:
    """`size` members: a wife and a child, then a second wife, the father and more children."""
    first = spouse_add(employee=employee, actor=None, name="Siti Aminah", order=1, birth_date=D(1968, 1, 1))
    others = []
    if size > 2:
        spouse_add(employee=employee, actor=None, name="Rina Wati", order=2, birth_date=D(1975, 1, 1))
        parent_add(employee=employee, actor=None, name="Sukardi", relation="ayah", birth_date=D(1940, 1, 1))
        others = range(size - 4)
    for n in [0, *others]:
        child_add(
            employee=employee,
            actor=None,
            name=f"Anak {n}",
            birth_date=D(1990 + n % 30, 1 + n % 12, 1),
            other_parent=first,
            is_married=n % 3 == 0,
        )


def test_the_employee_page_shows_the_family_and_which_children_count(operator_client, employee):
    wife = spouse_add(employee=employee, actor=None, name="Siti Aminah", birth_date=D(1968, 1, 1))
    child_add(employee=employee, actor=None, name="Dewi", birth_date=D(2005, 1, 1), other_parent=wife)
    child_add(employee=employee, actor=None, name="Rudi", birth_date=D(1990, 1, 1))
    parent_add(employee=employee, actor=None, name="Sukardi", relation="ayah")

    html = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()

    section = html.split('data-testid="family"')[1]
    assert "Siti Aminah" in section and "Sukardi" in section
    dewi, rudi = section.split("Dewi")[1], section.split("Rudi")[1]
    assert dewi.split('data-testid="child-pension">')[1].startswith('<span class="badge text-bg-success">ya')
    assert "25 tahun atau lebih" in rudi.split("</tr>")[0]
    assert 'data-testid="family-pending-corrections"' not in html

    family_correction_request(employee=employee, actor=None, text="Nama ayah salah")
    html = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()
    banner = html.split('data-testid="family-pending-corrections">')[1].split("</div>")[0]
    assert reverse("employees:family_corrections") in banner


def test_the_employee_page_runs_the_same_queries_for_2_and_40_family_members(
    operator_client, unit, django_assert_num_queries
):
    small, large = (EmployeeFactory(unit=unit, birth_date=D(1960, 1, 1)) for _ in range(2))
    family_of(small, 2)
    family_of(large, 40)
    family_correction_request(employee=large, actor=None, text="Anak ketiga sudah menikah")
    family_correction_request(employee=small, actor=None, text="Nama ayah salah")
    operator_client.get(reverse("employees:detail", args=[small.pk]))  # warm the session and caches
    with CaptureQueriesContext(connection) as counted:
        operator_client.get(reverse("employees:detail", args=[small.pk]))

    with django_assert_num_queries(len(counted.captured_queries)):
        page = operator_client.get(reverse("employees:detail", args=[large.pk])).content.decode()
    assert page.split('data-testid="family-children"')[1].split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 37


def test_an_operator_adds_a_spouse_and_a_child_through_the_forms(operator_client, employee):
    response = operator_client.post(
        reverse("employees:family_add", args=[employee.pk, "pasangan"]),
        {"name": "Siti Aminah", "nik": "6471 0512 7001 0003", "order": "1", "marriage_date": "1990-02-14"},
    )
    assert response.status_code == 302
    wife = Spouse.objects.get(employee=employee)
    assert wife.nik == "6471051270010003"

    response = operator_client.post(
        reverse("employees:family_add", args=[employee.pk, "anak"]),
        {"name": "Dewi", "birth_date": "2001-03-04", "relation": "kandung", "other_parent": wife.pk},
    )
    assert response.status_code == 302
    assert Child.objects.get(employee=employee).other_parent == wife


def test_bad_input_is_shown_in_indonesian_and_nothing_is_saved(operator_client, employee):
    response = operator_client.post(
        reverse("employees:family_add", args=[employee.pk, "anak"]),
        {"name": "Dewi", "birth_date": "1960-03-04", "relation": "kandung", "nik": "123"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Anak lahir sebelum pegawai." in html
    assert "NIK terdiri dari 16 angka" in html
    assert not Child.objects.exists()


def test_edit_and_remove(operator_client, employee):
    wife = spouse_add(employee=employee, actor=None, name="Siti", marriage_date=D(1990, 2, 14))
    response = operator_client.post(
        reverse("employees:family_update", args=["pasangan", wife.pk]),
        {
            "name": "Siti Aminah",
            "order": "1",
            "marriage_date": "1990-02-14",
            "ended_on": "2010-01-01",
            "end_reason": "cerai",
        },
    )
    assert response.status_code == 302
    wife.refresh_from_db()
    assert (wife.name, wife.ended_on) == ("Siti Aminah", D(2010, 1, 1))

    assert operator_client.get(reverse("employees:family_remove", args=["pasangan", wife.pk])).status_code == 200
    response = operator_client.post(reverse("employees:family_remove", args=["pasangan", wife.pk]), {"reason": "ganda"})
    assert response.status_code == 302
    assert not Spouse.objects.exists()
    assert Spouse.history.filter(history_type="-").get().history_change_reason == "ganda"


def test_permission_and_scope(client, employee, pimpinan, no_role_user):
    wife = spouse_add(employee=employee, actor=None, name="Siti")
    correction = family_correction_request(employee=employee, actor=None, text="Tolong perbaiki")
    pages = [
        reverse("employees:family_add", args=[employee.pk, "anak"]),
        reverse("employees:family_update", args=["pasangan", wife.pk]),
        reverse("employees:family_remove", args=["pasangan", wife.pk]),
        reverse("employees:family_corrections"),
    ]
    decide = reverse("employees:family_correction_decide", args=[correction.pk, "tolak"])

    assert [client.get(url).status_code for url in pages] == [302, 302, 302, 302]  # anonymous: sign in
    for user in (pimpinan, no_role_user):  # may see employees, or nothing: may not change them
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [403, 403, 403, 403]
        assert client.post(decide, {"decision_reason": "x"}).status_code == 403

    other_unit = UserFactory(roles=["Operator"], units=[UnitKerjaFactory(code="DINKES")])
    client.force_login(other_unit)
    assert [client.get(url).status_code for url in pages[:3]] == [404, 404, 404]
    assert client.post(decide, {"decision_reason": "x"}).status_code == 404
    assert "Tolong perbaiki" not in client.get(pages[3]).content.decode()
    assert FamilyCorrection.objects.get().status == CorrectionStatus.PENDING
    assert Spouse.objects.get().name == "Siti"


def test_staff_reject_with_a_reason_or_mark_applied(operator_client, employee):
    first = family_correction_request(employee=employee, actor=None, text="Nama anak salah")
    second = family_correction_request(employee=employee, actor=None, text="Tambah ibu")
    html = operator_client.get(reverse("employees:family_corrections")).content.decode()
    assert "Nama anak salah" in html and "Tambah ibu" in html

    no_reason = operator_client.post(reverse("employees:family_correction_decide", args=[first.pk, "tolak"]), {})
    assert no_reason.status_code == 302
    first.refresh_from_db()
    assert first.status == CorrectionStatus.PENDING

    operator_client.post(
        reverse("employees:family_correction_decide", args=[first.pk, "tolak"]), {"decision_reason": "Tanpa akta"}
    )
    operator_client.post(reverse("employees:family_correction_decide", args=[second.pk, "terapkan"]), {})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decision_reason) == (CorrectionStatus.REJECTED, "Tanpa akta")
    assert second.status == CorrectionStatus.APPLIED
    assert (
        'data-testid="corrections-empty"'
        in operator_client.get(reverse("employees:family_corrections")).content.decode()
    )


def test_the_employee_page_history_shows_the_family_changes_with_who_and_when(operator_client, operator, employee):
    from employees.services.accounts import employee_portal_account_ensure
    from employees.services.family import child_remove, child_update, family_correction_apply

    retiree = employee_portal_account_ensure(employee=employee)

    wife = spouse_add(employee=employee, actor=operator, name="Siti Aminah", birth_date=D(1968, 1, 1))
    child = child_add(employee=employee, actor=operator, name="Dewi", birth_date=D(2001, 3, 4))
    child_update(child=child, actor=operator, other_parent=wife, is_married=True, reason="akta nikah anak")
    extra = child_add(employee=employee, actor=operator, name="Salah Ketik")
    child_remove(child=extra, actor=operator)
    correction = family_correction_request(employee=employee, actor=retiree, text="Dewi sudah menikah")
    family_correction_apply(correction=correction, actor=operator, note="sudah diubah")

    html = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()

    history = html.split('data-testid="history"')[1]
    items = [item.split("</li>\n    ")[0] for item in history.split('<li class="list-group-item">')[1:]]
    subjects = [item.split('data-testid="history-family">')[1].split("</span>")[0] for item in items[:6]]
    assert subjects == [
        "Permohonan perbaikan data keluarga",
        "Permohonan perbaikan data keluarga",
        "Anak: Salah Ketik",
        "Anak: Salah Ketik",
        "Anak: Dewi",
        "Anak: Dewi",
    ]
    decided, sent, removed, _added, changed, _dewi_added = items[:6]
    assert "diputuskan" in decided and "Menunggu → Sudah diterapkan" in " ".join(decided.split()).replace(
        "<del>", ""
    ).replace("</del>", "")
    assert "terkirim" in sent
    assert "dihapus" in removed and operator.get_full_name() in removed
    flat = " ".join(changed.split()).replace("<del>", "").replace("</del>", "")
    assert "akta nikah anak" in flat and "Siti Aminah" in flat and "tidak → ya" in flat
    assert "Suami/istri: Siti Aminah" in history


def test_a_family_history_of_another_employee_is_not_shown(operator_client, employee, unit):
    other = EmployeeFactory(unit=unit)
    spouse_add(employee=other, actor=None, name="Orang Lain")

    html = operator_client.get(reverse("employees:detail", args=[employee.pk])).content.decode()

    assert "Orang Lain" not in html
