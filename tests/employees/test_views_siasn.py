"""The SIASN reconciliation pages (employees/views/siasn.py): upload, the compared list, the apply."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from employees.choices import CaseStatus, Gender
from employees.models import Employee, RetirementCase, SiasnReconciliation
from employees.nip import format_nip
from employees.services.siasn import reconciliation_create
from purna import roles
from tests.employees.siasn_fixtures import TMT, D, siasn_csv, sk_row, upload, world_fixture  # noqa: F401
from tests.factories import UserFactory, nip_for


@pytest.fixture(autouse=True)
def _english(english):
    return None


@pytest.fixture
def listed(world):
    rows = [sk_row(world["proposed"].employee), sk_row(world["other_unit"].employee)]
    return reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))


def _urls(pk: int) -> list[tuple[str, str]]:
    return [
        ("get", reverse("employees:siasn_create")),
        ("get", reverse("employees:siasn_detail", args=[pk])),
        ("post", reverse("employees:siasn_apply", args=[pk])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, listed):
    for method, url in _urls(listed.pk):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("role", [None, roles.VERIFIKATOR, roles.PIMPINAN, roles.BENDAHARA])
def test_roles_that_cannot_change_records_are_refused(client, listed, role):
    client.force_login(UserFactory(roles=[role] if role else None))
    for method, url in _urls(listed.pk):
        assert getattr(client, method)(url).status_code == 403
    listed.refresh_from_db()
    assert listed.applied_at is None


def test_another_staff_members_list_is_not_found(client, listed, world):
    client.force_login(UserFactory(username="operator-b", roles=[roles.OPERATOR], units=[world["unit_b"]]))
    assert client.get(reverse("employees:siasn_detail", args=[listed.pk])).status_code == 404
    assert client.post(reverse("employees:siasn_apply", args=[listed.pk])).status_code == 404
    assert listed.original_name not in client.get(reverse("employees:siasn_create")).content.decode()


def test_upload_compare_and_apply(client, world):
    client.force_login(world["operator"])
    case = world["proposed"]
    rows = [
        sk_row(case.employee),
        sk_row(world["other_unit"].employee),
        {"NIP": world["no_record"].nip, "TMT pensiun": "01-01-2027"},
    ]

    response = client.post(reverse("employees:siasn_create"), {"file": upload(siasn_csv(rows))})

    reconciliation = SiasnReconciliation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("employees:siasn_detail", args=[reconciliation.pk])
    page = client.get(response["Location"]).content.decode()
    assert case.employee.display_name in page
    assert f"SK-{case.employee.pk}/2026" in page
    # Another unit's employee is a NIP and nothing more.
    assert format_nip(world["other_unit"].employee.nip) in page
    assert world["other_unit"].employee.name not in page
    assert "belum punya berkas purna tugas" in page

    response = client.post(reverse("employees:siasn_apply", args=[reconciliation.pk]), follow=True)

    assert "Pembaruan dari SIASN diterapkan pada 1 berkas" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SK_ISSUED
    again = client.post(reverse("employees:siasn_apply", args=[reconciliation.pk]), follow=True).content.decode()
    assert "sudah diterapkan; tidak dapat diterapkan lagi" in again


def test_a_bad_file_is_refused_on_the_form_with_its_cells(client, world):
    client.force_login(world["operator"])
    rows = [sk_row(world["proposed"].employee, **{"tanggal SK": "32-01-2026"})]

    response = client.post(reverse("employees:siasn_create"), {"file": upload(siasn_csv(rows))})

    assert response.status_code == 200
    page = response.content.decode()
    assert "tidak dapat dibaca" in page and "32-01-2026 bukan tanggal yang ada" in page and "F2" in page
    assert not SiasnReconciliation.objects.exists()


def test_the_pages_are_in_indonesian(client, world, listed):
    client.force_login(world["operator"])
    page = client.get(reverse("employees:siasn_detail", args=[listed.pk]), HTTP_ACCEPT_LANGUAGE="id").content
    assert "Pembaruan yang akan diterapkan" in page.decode()


def _many(world, count: int) -> SiasnReconciliation:
    """A list of `count` rows: a quarter each of updates, conflicts, unknown NIPs and matched records."""
    birth = D(1968, 5, 12)
    employees = Employee.objects.bulk_create(
        [
            Employee(
                nip=nip_for(birth, D(1993, 3, 1), Gender.MALE, sequence),
                name=f"Pegawai {sequence}",
                birth_date=birth,
                gender=Gender.MALE,
                jenis_jabatan="pelaksana",
                unit=world["unit_a"],
                tmt_cpns=D(1993, 3, 1),
            )
            for sequence in range(1, count + 1)
        ]
    )
    RetirementCase.objects.bulk_create(
        [
            RetirementCase(employee=employee, tmt=TMT, proposal_due=D(2026, 1, 1), status=CaseStatus.PROPOSED,
                           proposed_on=D(2026, 3, 1))
            for employee in employees
        ]
    )  # fmt: skip
    rows = []
    for index, employee in enumerate(employees):
        kind = index % 4
        if kind == 0:
            rows.append(sk_row(employee))
        elif kind == 1:
            rows.append(sk_row(employee, **{"TMT pensiun": "01-02-2027"}))
        elif kind == 2:
            rows.append({"NIP": f"19700101200001{index % 10}{index:03d}", "TMT pensiun": "01-01-2027"})
        else:
            rows.append({"NIP": employee.nip, "status usulan": "Usul", "TMT pensiun": "01-01-2027"})
    return reconciliation_create(actor=world["operator"], file=upload(siasn_csv(rows)))


def test_the_list_page_runs_a_fixed_number_of_queries(client, world, instansi_cache_warm):
    small = _many(world, 4)
    client.force_login(world["operator"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("employees:siasn_detail", args=[small.pk])).status_code == 200
    RetirementCase.objects.filter(employee__name__startswith="Pegawai ").delete()
    Employee.objects.filter(name__startswith="Pegawai ").delete()
    large = _many(world, 600)
    assert (large.update_count, large.conflict_count, large.unknown_count, large.matched_count) == (150, 150, 150, 150)

    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("employees:siasn_detail", args=[large.pk]))

    assert response.status_code == 200
    assert response.content.decode().count('class="table-warning"') == 150
    # Session, user, permissions (one query), the list (the agency's name in the page's header is cached).
    assert len(many) == len(few) == 4


def test_a_date_as_siasn_writes_it(world):
    row = sk_row(world["proposed"].employee, **{"tanggal SK": "2026-07-01 00:00:00", "tanggal pertek": "1-6-2026"})
    reconciliation = reconciliation_create(actor=world["operator"], file=upload(siasn_csv([row])))
    line = reconciliation.lines[0]
    assert (line["siasn"]["sk_date"], line["siasn"]["pertek_date"]) == ("2026-07-01", "2026-06-01")
    assert dt.date.fromisoformat(line["siasn"]["tmt"]) == TMT
