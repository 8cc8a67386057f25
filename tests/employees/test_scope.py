"""Staff scope by unit (employees/scope.py): an operator of one perangkat daerah reads, exports, imports
and changes only their own units' employees, through every page, export, admin view, reminder and
digest; objects outside answer 404; BKD's central staff see everything."""

import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from employees.choices import CaseStatus
from employees.exceptions import EmployeeError
from employees.models import CaseDocument, DocumentType, Employee, ImportJob, StaffScope
from employees.notifications import digest_overdue, digest_retirements, operators_responsible
from employees.retirement import add_months
from employees.scope import ALL_UNITS, NO_UNITS, Scope, staff_scope, staff_scope_forget, units_with_descendants
from employees.services.imports import import_job_create, import_job_run
from employees.services.register import employee_update
from purna import roles
from purna.notifications import registry
from purna.notifications.models import Message
from tests.employees.sheets import csv_bytes, row, upload
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document

D = dt.date


# --- The pure part ------------------------------------------------------------------------------------------


def test_a_unit_brings_every_unit_nested_under_it_at_any_depth():
    parents = {1: None, 2: 1, 3: 2, 4: 3, 5: 4, 6: None, 7: 6}
    assert units_with_descendants({2}, parents) == {2, 3, 4, 5}
    assert units_with_descendants({1, 7}, parents) == {1, 2, 3, 4, 5, 7}
    assert units_with_descendants(set(), parents) == frozenset()


def test_a_loop_in_the_unit_tree_ends_the_walk_and_unknown_units_are_ignored():
    parents = {1: 2, 2: 1, 3: 1}
    assert units_with_descendants({1}, parents) == {1, 2, 3}
    assert units_with_descendants({99}, parents) == frozenset()


def test_scope_covers_and_filters():
    some = Scope(frozenset({4, 5}))
    assert some.covers(4) and not some.covers(6) and not some.covers(None)
    assert ALL_UNITS.covers(None) and ALL_UNITS.is_all
    assert NO_UNITS.is_empty and not NO_UNITS.covers(4)


# --- Who sees what ------------------------------------------------------------------------------------------


@pytest.fixture
def tree(db):
    """Two perangkat daerah: Dinas A (with a bidang and a UPT under it) and Dinas B."""
    a = UnitKerjaFactory(code="DA", name="Dinas A")
    a_bidang = UnitKerjaFactory(code="DA-1", name="Bidang A1", parent=a)
    a_upt = UnitKerjaFactory(code="DA-1-1", name="UPT A1.1", parent=a_bidang)
    b = UnitKerjaFactory(code="DB", name="Dinas B")
    return {"a": a, "a_bidang": a_bidang, "a_upt": a_upt, "b": b}


def test_a_user_sees_nothing_without_a_scope_every_unit_as_superuser_and_nested_units_of_a_set(tree):
    nobody = UserFactory(username="baru")
    superuser = UserFactory(username="root", is_superuser=True)
    bidang = UserFactory(username="op-bidang", roles=[roles.OPERATOR], units=[tree["a_bidang"]])
    central = UserFactory(username="bkd", roles=[roles.OPERATOR])

    assert staff_scope(nobody) == NO_UNITS
    assert staff_scope(superuser) == ALL_UNITS
    assert staff_scope(central) == ALL_UNITS
    assert staff_scope(bidang).unit_ids == {tree["a_bidang"].pk, tree["a_upt"].pk}


def test_the_scope_is_read_once_per_request(tree, django_assert_num_queries):
    user = UserFactory(username="op-a", roles=[roles.OPERATOR], units=[tree["a"]])
    with django_assert_num_queries(2):
        staff_scope(user)
        staff_scope(user)
    StaffScope.objects.filter(user=user).update(all_units=True)
    staff_scope_forget(user)
    assert staff_scope(user) == ALL_UNITS


@pytest.fixture
def people(tree):
    """One employee in each unit, retiring within the next months, each with a retirement record."""
    today = timezone.localdate()
    tmt = add_months(today.replace(day=1), 2)
    found = {}
    for key, unit in tree.items():
        employee = EmployeeFactory(unit=unit, name=f"Pegawai {unit.name}", tmt_pensiun=tmt, email=f"{key}@contoh.go.id")
        RetirementCaseFactory(employee=employee, tmt=tmt, proposal_due=add_months(today, -1))
        Employee.objects.filter(pk=employee.pk).update(
            case_status=CaseStatus.PREPARING, case_due=add_months(today, -1), tmt_effective=tmt
        )
        found[key] = employee
    return found


@pytest.fixture
def operator_a(tree):
    return UserFactory(username="operator-a", roles=[roles.OPERATOR], units=[tree["a"]], email="a@bkd.go.id")


@pytest.fixture
def client_a(client, operator_a):
    client.force_login(operator_a)
    return client


def test_the_lists_show_only_the_units_of_the_scope(client_a, people):
    names = {"Pegawai Dinas A", "Pegawai Bidang A1", "Pegawai UPT A1.1"}

    register = client_a.get(reverse("employees:list")).content.decode()
    worklist = client_a.get(reverse("employees:retiring")).content.decode()
    searched = client_a.get(reverse("employees:list"), {"q": people["b"].nip[:8]}).content.decode()

    for page in (register, worklist):
        assert all(name in page for name in names)
        assert "Pegawai Dinas B" not in page
    assert "Pegawai Dinas B" not in searched
    # Unit B is not offered as a filter either.
    assert "Dinas B" not in register


def test_objects_outside_the_scope_answer_404(client_a, people, private_media):
    outside = people["b"]
    case = outside.retirement_case
    document = CaseDocument.objects.create(
        case=case,
        document_type_id=_document_type().pk,
        file=ContentFile(b"%PDF-1.4 x", name="x.pdf"),
        original_name="x.pdf",
        content_type="application/pdf",
        size=10,
    )
    gets = [
        reverse("employees:detail", args=[outside.pk]),
        reverse("employees:update", args=[outside.pk]),
        reverse("employees:case_open", args=[outside.pk]),
        reverse("employees:case_detail", args=[case.pk]),
        reverse("employees:case_transition", args=[case.pk, CaseStatus.PROPOSED]),
        reverse("employees:case_document_upload", args=[case.pk, document.document_type_id]),
        reverse("employees:case_document", args=[document.pk]),
    ]
    for url in gets:
        assert client_a.get(url).status_code == 404, url
    posts = [
        reverse("employees:update", args=[outside.pk]),
        reverse("employees:case_transition", args=[case.pk, CaseStatus.PROPOSED]),
        reverse("employees:case_document_delete", args=[document.pk]),
    ]
    for url in posts:
        assert client_a.post(url, {"note": "x"}).status_code == 404, url
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING
    assert CaseDocument.objects.filter(pk=document.pk).exists()
    # Inside the scope, the same pages open.
    assert client_a.get(reverse("employees:detail", args=[people["a_upt"].pk])).status_code == 200


def _document_type() -> DocumentType:
    return DocumentType.objects.get_or_create(code="sk-cpns", defaults={"name": "SK CPNS"})[0]


def test_an_operator_cannot_move_an_employee_into_a_unit_outside_the_scope(client_a, operator_a, people, tree):
    employee = people["a"]
    response = client_a.get(reverse("employees:update", args=[employee.pk]))
    choices = [str(unit) for unit in response.context["form"].fields["unit"].queryset]
    assert "Dinas B" not in " ".join(choices)

    # The page's request left its language active: the service's message is asked for in English.
    with translation.override("en"), pytest.raises(EmployeeError, match="own work units"):
        employee_update(employee=employee, actor=operator_a, unit=tree["b"])
    employee.refresh_from_db()
    assert employee.unit == tree["a"]


def test_a_service_refuses_a_change_to_an_employee_outside_the_scope(operator_a, people, english):
    with pytest.raises(EmployeeError, match="outside yours"):
        employee_update(employee=people["b"], actor=operator_a, jabatan="Kepala Seksi")
    people["b"].refresh_from_db()
    assert people["b"].jabatan != "Kepala Seksi"


def test_dashboard_and_projection_count_only_the_scope(client_a, people, tree, private_media):
    dashboard = client_a.get(reverse("dashboard")).context["summary"]
    projection = client_a.get(reverse("employees:projection")).context["projection"]

    assert dashboard.active == 3
    assert dashboard.retiring_12_months == 3
    assert projection.monthly.total.count == 3
    # One row for Dinas A (its sub-units counted in it), none for Dinas B.
    assert [row.label for row in projection.monthly_by_unit.rows] == ["Dinas A"]
    workbook = fetch_document(client_a, reverse("employees:projection_xlsx")).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0).to_python()
    assert not any("Dinas B" in str(cell) for line in sheet for cell in line)


def test_a_bidang_operator_sees_the_bidang_as_the_top_of_its_projection(client, tree, people):
    client.force_login(UserFactory(username="op-bidang", roles=[roles.OPERATOR], units=[tree["a_bidang"]]))
    projection = client.get(reverse("employees:projection")).context["projection"]
    assert [(row.label, row.total.count) for row in projection.yearly_by_unit.rows] == [("Bidang A1", 2)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_holds_only_the_scope(client_a, people, fmt, private_media):
    content = fetch_document(client_a, reverse("employees:export", args=[fmt])).content
    if fmt == "xlsx":
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        text = "\n".join(" ".join(str(cell) for cell in line) for line in sheet)
    else:
        text = content.decode("utf-8-sig")
    assert people["a_upt"].nip in text
    assert people["b"].nip not in text


@pytest.fixture
def import_setup(seeded_rules, private_media, tree):
    return tree


def test_an_import_into_a_unit_outside_the_scope_changes_nothing(operator_a, import_setup, people, settings):
    settings.LANGUAGE_CODE = "en"  # the import writes its messages in the site's language
    inside = row(1, **{"kode unit kerja": "DA-1"})
    outside = row(2, **{"kode unit kerja": "DB"})
    job = import_job_create(actor=operator_a, file=upload(csv_bytes([inside, outside])), schedule=False)

    job = import_job_run(job_id=job.pk)

    assert job.status == "failed"
    assert "The work unit DB is not one of yours." in str(job.errors)
    assert not Employee.objects.filter(nip__in=[inside["NIP"], outside["NIP"]]).exists()


def test_an_import_cannot_change_an_employee_of_another_unit(operator_a, import_setup, people, settings):
    settings.LANGUAGE_CODE = "en"  # the import writes its messages in the site's language
    other = people["b"]
    values = row(1, **{"kode unit kerja": "DA"})
    values["NIP"] = other.nip
    job = import_job_create(actor=operator_a, file=upload(csv_bytes([values])), schedule=False)

    job = import_job_run(job_id=job.pk)

    assert job.status == "failed"
    assert f"NIP {other.nip} belongs to an employee of a work unit outside yours" in str(job.errors)
    other.refresh_from_db()
    assert other.unit.code == "DB"


def test_an_operator_sees_only_their_own_import_jobs(client_a, import_setup):
    someone = UserFactory(username="operator-b", roles=[roles.OPERATOR], units=[import_setup["b"]])
    theirs = ImportJob.objects.create(original_name="b.csv", file="imports/b.csv", created_by=someone)

    assert client_a.get(reverse("employees:import_detail", args=[theirs.pk])).status_code == 404
    assert "b.csv" not in client_a.get(reverse("employees:import_create")).content.decode()


def test_the_outbox_shows_only_messages_about_the_scope_or_to_the_user(client_a, operator_a, people):
    now = timezone.now()

    def message(employee, key):
        return Message.objects.create(
            kind="employees.retirement_approaching",
            recipient_key=key,
            occasion=f"o-{key}-{employee.pk}",
            to_email="x@contoh.go.id",
            to_name=employee.name,
            content_type_id=_employee_type(),
            object_id=employee.pk,
            about_label=employee.name,
            planned_at=now,
            next_attempt_at=now,
        )

    inside = message(people["a"], registry.recipient_key("employee", people["a"].pk))
    outside = message(people["b"], registry.recipient_key("employee", people["b"].pk))
    to_me = message(people["b"], registry.recipient_key("user", operator_a.pk))

    listed = {row.message.pk for row in client_a.get(reverse("notifications:list")).context["rows"]}

    assert listed == {inside.pk, to_me.pk}
    assert client_a.get(reverse("notifications:detail", args=[outside.pk])).status_code == 404
    assert client_a.post(reverse("notifications:cancel", args=[outside.pk]), {"reason": "x"}).status_code == 404
    outside.refresh_from_db()
    assert outside.status == "queued"


def _employee_type() -> int:
    return ContentType.objects.get_for_model(Employee).pk


def test_reminders_go_to_the_operators_whose_scope_holds_the_unit(tree):
    operator_a = UserFactory(username="op-a", roles=[roles.OPERATOR], units=[tree["a"]], email="a@bkd.go.id")
    operator_b = UserFactory(username="op-b", roles=[roles.OPERATOR], units=[tree["b"]], email="b@bkd.go.id")
    central = UserFactory(username="op-pusat", roles=[roles.OPERATOR], email="pusat@bkd.go.id")
    UserFactory(username="op-none", roles=[roles.OPERATOR], units=[], email="none@bkd.go.id")

    responsible = operators_responsible({tree["a_upt"].pk, tree["b"].pk})

    assert set(responsible[tree["a_upt"].pk]) == {operator_a, central}
    assert set(responsible[tree["b"].pk]) == {operator_b, central}


def test_a_scoped_pimpinan_reads_the_digest_of_their_units(tree, people):
    kepala_a = UserFactory(username="kepala-a", roles=[roles.PIMPINAN], units=[tree["a"]])
    kepala_bkd = UserFactory(username="kepala-bkd", roles=[roles.PIMPINAN])
    today = timezone.localdate()

    assert digest_retirements(today, kepala_a)["total"] == 3
    assert digest_retirements(today, kepala_bkd)["total"] == 4
    assert digest_overdue(today, kepala_a)["total"] == 3
    assert digest_overdue(today, None)["total"] == 0


def test_a_staff_member_without_a_scope_is_told_so(client, people):
    client.force_login(UserFactory(username="baru", roles=[roles.OPERATOR], units=[]))
    response = client.get(reverse("dashboard"))
    assert response.context["summary"].active == 0
    assert "work units" in response.content.decode() or "unit kerja" in response.content.decode()
    assert "Pegawai Dinas A" not in client.get(reverse("employees:list")).content.decode()


# --- The admin --------------------------------------------------------------------------------------------


@pytest.fixture
def admin_a(client, tree):
    user = UserFactory(username="admin-a", roles=[roles.ADMIN], units=[tree["a"]], is_staff=True)
    client.force_login(user)
    return client


def test_the_admin_lists_and_opens_only_the_scope(admin_a, people):
    listing = admin_a.get(reverse("admin:employees_employee_changelist")).content.decode()
    assert "Pegawai Dinas A" in listing and "Pegawai Dinas B" not in listing

    outside = people["b"]
    for url in [
        reverse("admin:employees_employee_change", args=[outside.pk]),
        reverse("admin:employees_retirementcase_change", args=[outside.retirement_case.pk]),
    ]:
        response = admin_a.get(url, follow=True)
        assert "Pegawai Dinas B" not in response.content.decode(), url
    for url in [
        reverse("admin:employees_employee_history", args=[outside.pk]),
        reverse("admin:employees_retirementcase_history", args=[outside.retirement_case.pk]),
    ]:
        assert admin_a.get(url).status_code == 404, url


def test_only_staff_who_see_every_unit_may_give_every_unit(admin_a, client, tree):
    target = UserFactory(username="operator-baru", roles=[roles.OPERATOR], units=[tree["a"]])
    url = reverse("admin:purna_user_change", args=[target.pk])
    page = admin_a.get(url)
    assert page.status_code == 200
    inline = next(formset for formset in page.context["inline_admin_formsets"] if formset.opts.model is StaffScope)
    assert "all_units" in inline.readonly_fields
    assert set(inline.formset.forms[0].fields["units"].queryset) == {tree["a"], tree["a_bidang"], tree["a_upt"]}

    central = UserFactory(username="admin-pusat", roles=[roles.ADMIN], is_staff=True)
    client.force_login(central)
    inline = next(
        formset for formset in client.get(url).context["inline_admin_formsets"] if formset.opts.model is StaffScope
    )
    assert inline.has_change_permission and "all_units" not in inline.readonly_fields


@pytest.mark.parametrize("count", [5, 60])
def test_scoped_pages_run_a_fixed_number_of_queries(client_a, tree, count, django_assert_max_num_queries):
    today = timezone.localdate()
    for index in range(count):
        unit = tree["a_upt"] if index % 2 else tree["b"]
        EmployeeFactory(unit=unit, tmt_pensiun=add_months(today.replace(day=1), 1 + index % 12))
    # The register's own budgets, plus the scope (its row, and the unit tree for a scope of chosen units).
    budgets = {
        reverse("employees:list"): 14,
        reverse("employees:retiring"): 13,
        # The dashboard's payouts card (benefits.view_payout): payout_summary's two queries.
        reverse("dashboard"): 10 + 2,
        reverse("employees:projection"): 10,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client_a.get(url).status_code == 200, url
