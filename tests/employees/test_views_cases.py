"""Staff pages of retirement records and the "akan purna tugas" work list: permissions, flows, query counts."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from employees.choices import CaseStatus, EmployeeStatus, RetirementKind
from employees.models import CaseDocument, CaseStatusChange, DocumentType, Employee, RetirementCase
from employees.retirement import add_months
from employees.scope import ALL_UNITS
from employees.selectors import (
    CASE_NONE,
    KeysFirstPaginator,
    retirement_case_card,
    retirement_worklist,
    retirement_worklist_rows,
    worklist_candidates,
)
from employees.services.cases import retirement_worklist_sync
from employees.services.register import retirement_facts_refresh
from portal import demo
from purna import formatting, roles
from tests.factories import (
    MINIMAL_PDF,
    CaseDocumentFactory,
    EmployeeFactory,
    RetirementCaseFactory,
    UnitKerjaFactory,
)

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


@pytest.fixture
def today():
    return timezone.localdate()


def in_english(client: Client) -> Client:
    """Pages are Indonesian unless English is chosen (purna.middleware): tests that read messages choose it."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def month_ahead(today: dt.date, months: int) -> dt.date:
    return add_months(today.replace(day=1), months)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (11, 93, 75)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- Serving documents --------------------------------------------------------------------------------


@pytest.fixture
def document(private_media):
    return CaseDocumentFactory(original_name="SK CPNS Siti.pdf")


def test_an_operator_downloads_a_document_that_is_never_sniffed(operator_client, document):
    response = operator_client.get(reverse("employees:case_document", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="SK CPNS Siti.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.PIMPINAN])
def test_every_role_that_sees_records_may_download(client, role_user, document, role):
    client.force_login(role_user(role))
    assert client.get(reverse("employees:case_document", args=[document.pk])).status_code == 200


def test_a_user_without_role_is_refused_the_document(client, no_role_user, document):
    client.force_login(no_role_user)
    assert client.get(reverse("employees:case_document", args=[document.pk])).status_code == 403


def test_an_anonymous_visitor_must_sign_in_for_a_document(client, document):
    url = reverse("employees:case_document", args=[document.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_documents_are_not_under_media_url(operator_client, document, settings, private_media):
    assert not str(private_media).startswith(str(settings.MEDIA_ROOT))
    assert operator_client.get(f"/{settings.MEDIA_URL}{document.file.name}").status_code == 404


def test_a_missing_file_is_not_found(operator_client, document, private_media):
    (private_media / document.file.name).unlink()
    assert operator_client.get(reverse("employees:case_document", args=[document.pk])).status_code == 404


# --- Opening and moving a record -----------------------------------------------------------------------


@pytest.fixture
def employee(today):
    """A pelaksana whose BUP retirement is 14 months away, with stored facts."""
    tmt = month_ahead(today, 14)
    employee = EmployeeFactory(birth_date=add_months(tmt, -58 * 12 - 1).replace(day=10))
    retirement_facts_refresh(employee_ids=[employee.pk])
    employee.refresh_from_db()
    assert employee.tmt_pensiun == tmt
    return employee


def test_the_open_form_opens_a_bup_record(operator_client, operator, employee):
    url = reverse("employees:case_open", args=[employee.pk])
    assert operator_client.get(url).status_code == 200

    response = operator_client.post(url, {"kind": RetirementKind.BUP, "tmt": "", "note": ""})

    case = RetirementCase.objects.get(employee=employee)
    assert response.status_code == 302
    assert response["Location"] == reverse("employees:case_detail", args=[case.pk])
    assert case.status_changes.get().actor == operator


def test_the_open_form_goes_back_where_it_came_from(operator_client, employee):
    back = reverse("employees:detail", args=[employee.pk])
    response = operator_client.post(
        reverse("employees:case_open", args=[employee.pk]), {"kind": RetirementKind.BUP, "next": back}
    )
    assert response["Location"] == back

    other = EmployeeFactory(birth_date=employee.birth_date)
    retirement_facts_refresh(employee_ids=[other.pk])
    response = operator_client.post(
        reverse("employees:case_open", args=[other.pk]), {"kind": RetirementKind.BUP, "next": "https://evil.example/"}
    )
    assert response["Location"].startswith("/pegawai/berkas/")


def test_an_ineligible_aps_shows_the_rule_next_to_the_tmt(operator_client, employee, today):
    in_english(operator_client)
    employee = EmployeeFactory(birth_date=employee.birth_date, tmt_cpns=D(2015, 3, 1))  # 11 years of service
    response = operator_client.post(
        reverse("employees:case_open", args=[employee.pk]),
        {"kind": RetirementKind.APS, "tmt": month_ahead(today, 2).isoformat()},
    )

    assert response.status_code == 200
    assert "from age 45 with 20 years of service" in response.context["form"].errors["tmt"][0]
    assert not RetirementCase.objects.exists()


@pytest.mark.parametrize("role", [roles.VERIFIKATOR, roles.BENDAHARA, roles.PIMPINAN])
def test_read_only_roles_cannot_open_or_move_records(client, role_user, employee, role):
    client.force_login(role_user(role))
    case = RetirementCaseFactory(employee=employee)

    assert client.post(reverse("employees:case_open", args=[employee.pk]), {"kind": "bup"}).status_code == 403
    url = reverse("employees:case_transition", args=[case.pk, CaseStatus.PROPOSED])
    assert client.post(url, {"proposed_on": "2026-01-01"}).status_code == 403
    assert client.get(reverse("employees:case_detail", args=[case.pk])).status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING


def test_a_user_without_role_sees_no_record(client, no_role_user, employee):
    client.force_login(no_role_user)
    case = RetirementCaseFactory(employee=employee)
    assert client.get(reverse("employees:case_detail", args=[case.pk])).status_code == 403
    assert client.get(reverse("employees:retiring")).status_code == 403


@pytest.fixture
def case(operator_client, employee):
    operator_client.post(reverse("employees:case_open", args=[employee.pk]), {"kind": RetirementKind.BUP})
    return RetirementCase.objects.get(employee=employee)


def test_moving_to_proposed_records_the_date_and_who(operator_client, operator, case, today):
    url = reverse("employees:case_transition", args=[case.pk, CaseStatus.PROPOSED])
    page = operator_client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["proposed_on"] == today

    response = operator_client.post(url, {"proposed_on": today.isoformat(), "note": "Via SIASN"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.proposed_on) == (CaseStatus.PROPOSED, today)
    change = case.status_changes.last()
    assert (change.actor, change.note) == (operator, "Via SIASN")


def test_the_sk_step_asks_for_the_sk(operator_client, case, today):
    operator_client.post(
        reverse("employees:case_transition", args=[case.pk, CaseStatus.PROPOSED]), {"proposed_on": today.isoformat()}
    )
    url = reverse("employees:case_transition", args=[case.pk, CaseStatus.SK_ISSUED])

    response = operator_client.post(url, {"sk_number": "823.4/1/BKPSDM/2026", "sk_date": "", "sk_signer": ""})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"sk_date", "sk_signer"}
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED


def test_cancelling_needs_a_reason_on_the_page(operator_client, case):
    url = reverse("employees:case_transition", args=[case.pk, CaseStatus.CANCELLED])
    response = operator_client.post(url, {"note": ""})
    assert response.status_code == 200
    assert "note" in response.context["form"].errors

    response = operator_client.post(url, {"note": "Meninggal dunia sebelum TMT, diganti berkas janda/duda"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED


def test_a_step_that_is_not_next_is_refused(operator_client, case):
    in_english(operator_client)
    url = reverse("employees:case_transition", args=[case.pk, CaseStatus.DONE])

    assert operator_client.get(url).status_code == 302
    response = operator_client.post(url, {})
    assert response.status_code == 200
    assert "cannot move" in str(response.context["form"].non_field_errors())
    assert operator_client.get(reverse("employees:case_transition", args=[case.pk, "hilang"])).status_code == 404


def test_uploading_from_the_card_returns_to_the_card(operator_client, operator, case, private_media):
    document_type = DocumentType.objects.get(code="pas-foto")
    back = reverse("employees:case_detail", args=[case.pk])
    url = reverse("employees:case_document_upload", args=[case.pk, document_type.pk])
    assert operator_client.get(url).status_code == 200

    response = operator_client.post(url, {"file": SimpleUploadedFile("foto.png", png_bytes()), "next": back})

    assert response.status_code == 302
    assert response["Location"] == back
    document = CaseDocument.objects.get(case=case, document_type=document_type)
    assert (document.content_type, document.uploaded_by) == ("image/png", operator)


def test_a_refused_upload_says_why(operator_client, case, private_media):
    in_english(operator_client)
    url = reverse("employees:case_document_upload", args=[case.pk, DocumentType.objects.get(code="ktp").pk])

    response = operator_client.post(url, {"file": SimpleUploadedFile("ktp.pdf", b"MZ\x90\x00" + b"\x00" * 64)})

    assert response.status_code == 200
    assert "Only PDF, JPG or PNG" in response.context["form"].errors["file"][0]
    assert not CaseDocument.objects.exists()


def test_removing_a_document_needs_the_change_permission(role_user, operator_client, case, private_media):
    document = CaseDocumentFactory(case=case)
    url = reverse("employees:case_document_delete", args=[document.pk])
    verifier = Client()
    verifier.force_login(role_user(roles.VERIFIKATOR))

    assert verifier.post(url).status_code == 403
    assert operator_client.get(url).status_code == 405
    assert operator_client.post(url).status_code == 302
    assert not CaseDocument.objects.exists()


def test_the_record_page_shows_steps_checklist_and_history(operator_client, case, private_media):
    in_english(operator_client)
    CaseDocumentFactory(case=case, document_type=DocumentType.objects.get(code="sk-cpns"))
    url = reverse("employees:case_detail", args=[case.pk])

    with translation.override("en"):
        page = operator_client.get(url).content.decode()

    assert 'aria-current="step"' in page
    assert 'data-testid="doc-sk-cpns" data-state="done"' in page
    assert 'data-testid="doc-ktp" data-state="missing"' in page
    assert 'data-testid="doc-npwp" data-state="optional"' in page
    assert 'data-testid="step-diusulkan"' in page
    assert "1 of 21 uploaded, 16 required missing" in page


def test_the_record_page_runs_a_fixed_number_of_queries(
    operator_client, case, private_media, django_assert_num_queries
):
    for document_type in DocumentType.objects.filter(is_required=True)[:10]:
        CaseDocumentFactory(case=case, document_type=document_type)
    url = reverse("employees:case_detail", args=[case.pk])
    operator_client.get(url)  # warm the session and permission caches of the first request

    # session, user, permissions (2), the agency (base.html), the record, the checklist, its documents, its
    # status changes
    with django_assert_num_queries(10):
        assert operator_client.get(url).status_code == 200


def test_the_card_without_a_record_offers_to_open_one(operator_client, employee, today):
    card = retirement_case_card(employee=employee, today=add_months(employee.tmt_pensiun, -12))
    assert card.case is None
    assert (card.deadline.has_case, card.deadline.overdue) == (False, False)
    late = retirement_case_card(employee=employee, today=add_months(employee.tmt_pensiun, -12) + dt.timedelta(days=1))
    assert late.deadline.overdue


# --- The work list ------------------------------------------------------------------------------------


def worklist(client, **params):
    response = client.get(reverse("employees:retiring"), params)
    assert response.status_code == 200
    return response


@pytest.fixture
def spread(today):
    """A unit and its sub-unit, people retiring at different times, records at different steps."""
    dinas = UnitKerjaFactory(name="Dinas Pendidikan")
    bidang = UnitKerjaFactory(name="Bidang SD", parent=dinas)
    other = UnitKerjaFactory(name="Dinas Kesehatan")
    people = {}
    for key, months, unit in [
        ("soon_no_case", 2, dinas),
        ("soon_preparing", 3, bidang),
        ("soon_proposed", 3, other),
        ("later_no_case", 20, other),
        ("later_preparing", 20, dinas),
        ("far", 40, other),
    ]:
        people[key] = EmployeeFactory(unit=unit, tmt_pensiun=month_ahead(today, months), name=key)
    RetirementCaseFactory(employee=people["soon_preparing"])
    RetirementCaseFactory(employee=people["soon_proposed"], status=CaseStatus.PROPOSED, proposed_on=today)
    RetirementCaseFactory(employee=people["later_preparing"])
    # Someone already retired, and an APS record whose own TMT is sooner than the BUP's.
    people["retired"] = EmployeeFactory(
        unit=other, tmt_pensiun=month_ahead(today, 1), status=EmployeeStatus.PENSIUN, name="retired"
    )
    people["aps"] = EmployeeFactory(unit=other, tmt_pensiun=month_ahead(today, 60), name="aps")
    RetirementCaseFactory(employee=people["aps"], kind=RetirementKind.APS, tmt=month_ahead(today, 4))
    # A death whose TMT has passed but whose record is still open: unfinished work.
    people["death"] = EmployeeFactory(
        unit=other, tmt_pensiun=month_ahead(today, 90), status=EmployeeStatus.MENINGGAL, name="death"
    )
    RetirementCaseFactory(
        employee=people["death"],
        kind=RetirementKind.DEATH,
        tmt=today.replace(day=1),
        proposal_due=today - dt.timedelta(days=1),
    )
    return people


def names(response) -> list[str]:
    return [row.employee.name for row in response.context["rows"]]


def test_the_work_list_is_sorted_by_tmt_and_follows_the_window(operator_client, spread):
    assert names(worklist(operator_client)) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "soon_proposed",
        "aps",
    ]
    assert names(worklist(operator_client, bulan=24)) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "soon_proposed",
        "aps",
        "later_no_case",
        "later_preparing",
    ]
    assert names(worklist(operator_client, bulan=3)) == ["death", "soon_no_case", "soon_preparing", "soon_proposed"]


def test_the_work_list_filters(operator_client, spread):
    dinas = spread["soon_no_case"].unit
    assert names(worklist(operator_client, bulan=24, unit=dinas.pk)) == [
        "soon_no_case",
        "soon_preparing",
        "later_preparing",
    ]
    assert names(worklist(operator_client, bulan=24, status=CASE_NONE)) == ["soon_no_case", "later_no_case"]
    assert names(worklist(operator_client, bulan=24, status=CaseStatus.PROPOSED)) == ["soon_proposed"]
    # Soon without a proposal is late; later ones are not yet; a proposed record is never late.
    assert names(worklist(operator_client, bulan=24, terlambat="on")) == [
        "death",
        "soon_no_case",
        "soon_preparing",
        "aps",
    ]
    # Bad values are ignored rather than failing.
    assert names(worklist(operator_client, bulan="x", unit="abc", status="nope")) == names(worklist(operator_client))


def test_the_work_list_shows_missing_documents(operator_client, spread, private_media):
    case = spread["soon_preparing"].retirement_case
    for code in ["sk-cpns", "ktp", "npwp"]:  # NPWP is optional
        CaseDocumentFactory(case=case, document_type=DocumentType.objects.get(code=code))
    required = DocumentType.objects.filter(is_required=True).count()

    response = worklist(operator_client)

    rows = {row.employee.name: row for row in response.context["rows"]}
    assert rows["soon_preparing"].missing_count == required - 2
    assert len(rows["soon_preparing"].missing) == required - 2
    assert "KTP" not in [spec.name for spec in rows["soon_preparing"].missing]
    assert rows["soon_no_case"].missing_count == required
    assert rows["soon_no_case"].deadline.has_case is False


def test_sql_and_python_agree_on_overdue(spread, today):
    for day in [today, today + dt.timedelta(days=45), today + dt.timedelta(days=400)]:
        employees = list(retirement_worklist(scope=ALL_UNITS, months=24, today=day))
        rows = retirement_worklist_rows(employees, today=day)
        assert [row.employee.overdue for row in rows] == [bool(row.deadline and row.deadline.overdue) for row in rows]


def test_the_work_list_pages_are_slices_of_its_order(spread):
    queryset = retirement_worklist(scope=ALL_UNITS, months=24)
    everyone = [employee.pk for employee in queryset]
    assert len(everyone) == 7

    paginator = KeysFirstPaginator(queryset, 2, orphans=1)

    pages = [[employee.pk for employee in paginator.page(n).object_list] for n in paginator.page_range]
    assert pages == [everyone[0:2], everyone[2:4], everyone[4:7]]


def test_the_work_list_states_the_condition_of_its_index():
    # PostgreSQL uses a partial index only for a query that states its condition: they must stay the same.
    [index] = [index for index in Employee._meta.indexes if index.name == "employee_worklist"]
    assert index.condition == worklist_candidates()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the partial index with INCLUDE is PostgreSQL's")
@pytest.mark.parametrize(
    "filters",
    [{}, {"months": 3}, {"only_overdue": True}, {"case_status": CASE_NONE}, {"case_status": CaseStatus.PROPOSED}],
)
def test_postgresql_answers_the_work_list_from_its_index(spread, filters):
    """Count and page go through employee_worklist (a test table is too small for the planner to prefer
    an index by itself, so other plans are priced out; the timing is bench/pages.py's)."""
    queryset = retirement_worklist(scope=ALL_UNITS, **{"months": 24, **filters})
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    # The count's rows (the paginator counts them) and the first page.
    for plan in [queryset.order_by().values("pk").explain(), queryset[:50].explain()]:
        assert "employee_worklist" in plan, plan


def test_a_one_month_window_still_reads_well(operator_client, spread):
    assert "Akan purna tugas dalam 1 bulan" in worklist(operator_client, bulan=1).content.decode()


def bulk_register(count: int, today: dt.date) -> None:
    """`count` believable employees, a third with records at various steps and some documents."""
    units = demo.units_ensure()
    Employee.objects.bulk_create(demo.employees_build(count, today=today, units=units))
    retirement_facts_refresh()
    soon = list(
        Employee.objects.filter(tmt_pensiun__gt=today, tmt_pensiun__lt=add_months(today, 24)).order_by("pk")[
            : max(count // 3, 1)
        ]
    )
    statuses = [CaseStatus.PREPARING, CaseStatus.PROPOSED, CaseStatus.SK_ISSUED, CaseStatus.CANCELLED]
    cases = RetirementCase.objects.bulk_create(
        RetirementCase(
            employee=employee,
            tmt=employee.tmt_pensiun,
            proposal_due=add_months(employee.tmt_pensiun, -12),
            status=statuses[index % 4],
            sk_number="1" if statuses[index % 4] == CaseStatus.SK_ISSUED else "",
            sk_date=today if statuses[index % 4] == CaseStatus.SK_ISSUED else None,
        )
        for index, employee in enumerate(soon)
    )
    CaseStatusChange.objects.bulk_create(CaseStatusChange(case=case, to_status=case.status) for case in cases)
    types = list(DocumentType.objects.all()[:5])
    CaseDocument.objects.bulk_create(
        CaseDocument(
            case=case,
            document_type=kind,
            file=f"cases/{case.pk}/{kind.code}.pdf",
            original_name="a.pdf",
            content_type="application/pdf",
            size=1,
        )
        for case in cases
        for kind in types
    )
    retirement_worklist_sync()  # records written around the services


# session, user, permissions (2), the staff scope, the agency (base.html), unit choices, count, the page's rows, the checklist,
# the page's uploads
WORKLIST_QUERIES = 11


@pytest.mark.parametrize("count", [5, 500])
def test_the_work_list_runs_a_fixed_number_of_queries(
    operator_client, today, count, django_assert_max_num_queries, private_media
):
    bulk_register(count, today)
    operator_client.get(reverse("employees:retiring"))  # warm the first request's caches

    for params in [{}, {"bulan": 24, "terlambat": "on"}, {"status": CaseStatus.PREPARING, "page": 1}]:
        with django_assert_max_num_queries(WORKLIST_QUERIES):
            response = worklist(operator_client, **params)
    assert len(response.context["rows"]) == min(50, response.context["paginator"].count)
    if count == 500:
        assert response.context["paginator"].count > 5


# --- In a real browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_operator_opens_a_record_uploads_a_photo_and_proposes_it(page, live_server, role_user, private_media, today):
    role_user(roles.OPERATOR, username="operator-browser", password="rahasia-uji-123", first_name="Rina")
    tmt = month_ahead(today, 5)
    employee = EmployeeFactory(name="Siti Aminah", birth_date=add_months(tmt, -58 * 12 - 1).replace(day=10))
    retirement_facts_refresh(employee_ids=[employee.pk])
    photo = private_media.parent / "pas-foto.png"
    photo.write_bytes(png_bytes())
    screenshots = settings_screenshots()

    page.goto("/akun/masuk/?next=/pegawai/akan-purna-tugas/")
    page.fill("#id_username", "operator-browser")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/pegawai/akan-purna-tugas/")
    row = page.get_by_test_id(f"row-{employee.pk}")
    assert row.get_by_test_id("overdue").is_visible()  # five months ahead and no record yet
    page.screenshot(path=screenshots / "case_worklist.png", full_page=True)

    row.get_by_test_id(f"open-{employee.pk}").click()
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))
    case = RetirementCase.objects.get(employee=employee)
    assert page.url.endswith(reverse("employees:case_detail", args=[case.pk]))
    with translation.override("id"):
        assert page.get_by_test_id("case-status").inner_text() == str(CaseStatus.PREPARING.label)

    page.get_by_test_id("upload-pas-foto").click()
    form = page.locator(f"#upload-{case.pk}-{DocumentType.objects.get(code='pas-foto').pk}")
    form.locator("input[type=file]").set_input_files(str(photo))
    form.locator("button[type=submit]").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("doc-pas-foto").get_attribute("data-state") == "done"
    assert page.locator(".alert-success").is_visible()

    page.get_by_test_id("step-diusulkan").click()
    page.get_by_test_id("confirm-diusulkan").wait_for(state="visible")
    page.screenshot(path=screenshots / "case_confirm.png")
    page.get_by_test_id("confirm-diusulkan").click()
    page.wait_for_load_state()

    steps = page.get_by_test_id("case-steps").locator("li")
    assert [steps.nth(i).get_attribute("data-state") for i in range(4)] == ["done", "current", "todo", "todo"]
    history = page.get_by_test_id("case-history").locator("li")
    assert history.count() == 2
    assert "Rina" in history.nth(1).inner_text()
    case.refresh_from_db()
    assert (case.status, case.proposed_on) == (CaseStatus.PROPOSED, today)
    assert page.get_by_test_id("overdue").count() == 0  # proposed in time is no longer late
    page.screenshot(path=screenshots / "case_detail.png", full_page=True)


@pytest.mark.browser
def test_an_aps_opened_from_the_work_list_moves_to_its_own_tmt(page, live_server, role_user, today):
    """The list reads its copy of the record: opening one changes the row's status, place and filters."""
    role_user(roles.OPERATOR, username="operator-aps", password="rahasia-uji-123", first_name="Dewi")
    unit = UnitKerjaFactory(name="Dinas Lingkungan Hidup")
    people = {}
    for name, months in [("Bambang Sutrisno", 5), ("Sri Wahyuni", 8)]:
        tmt = month_ahead(today, months)
        people[name] = EmployeeFactory(name=name, unit=unit, birth_date=add_months(tmt, -58 * 12 - 1).replace(day=10))
    retirement_facts_refresh()
    sri = people["Sri Wahyuni"]
    aps_tmt = month_ahead(today, 2)
    screenshots = settings_screenshots()

    page.goto(f"/akun/masuk/?next=/pegawai/akan-purna-tugas/%3Fstatus%3D{CASE_NONE}")
    page.fill("#id_username", "operator-aps")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/pegawai/akan-purna-tugas/"))
    table = page.get_by_test_id("worklist")
    assert table.locator("tbody tr").count() == 2

    table.get_by_test_id(f"open-{sri.pk}").click()
    page.select_option("#id_kind", RetirementKind.APS)
    page.fill("#id_tmt", aps_tmt.isoformat())
    page.fill("#id_note", "Permohonan APS tanggal 3")
    page.get_by_test_id("submit").click()
    page.wait_for_url(re.compile(r"/pegawai/berkas/\d+/$"))

    # Without filters Sri now comes first, on the APS's TMT, with the record's status.
    page.goto("/pegawai/akan-purna-tugas/")
    rows = page.get_by_test_id("worklist").locator("tbody tr")
    assert rows.first.get_attribute("data-testid") == f"row-{sri.pk}"
    with translation.override("id"):
        assert str(CaseStatus.PREPARING.label) in rows.first.inner_text()
        assert formatting.tanggal(aps_tmt) in rows.first.inner_text()
        assert str(RetirementKind.APS.label) in rows.first.inner_text()
    page.screenshot(path=screenshots / "case_worklist_aps.png", full_page=True)

    page.select_option("#id_status", CASE_NONE)
    page.get_by_role("button", name=re.compile("Tampilkan|Show")).click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("worklist").locator("tbody tr")
    assert [rows.nth(i).get_attribute("data-testid") for i in range(rows.count())] == [
        f"row-{people['Bambang Sutrisno'].pk}"
    ]


def settings_screenshots():
    from django.conf import settings

    folder = settings.BASE_DIR / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# --- Admin --------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(role_user):
    admin = Client()  # not the `client` fixture: operator_client signs that one in
    admin.force_login(role_user(roles.ADMIN, is_staff=True, username="admin-kepegawaian"))
    return admin


def inline_management(page) -> dict:
    """The read-only inlines' management forms, as the browser posts them with the change form."""
    data = {}
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(name): management[name].value() for name in management.fields})
    return data


def test_the_admin_shows_records_with_their_documents_and_history(admin_client, case, private_media):
    CaseDocumentFactory(case=case, original_name="KTP.pdf")

    assert admin_client.get(reverse("admin:employees_retirementcase_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:employees_retirementcase_change", args=[case.pk]))
    assert page.status_code == 200
    assert reverse("employees:case_document", args=[case.documents.get().pk]) in page.content.decode()
    assert admin_client.get(reverse("admin:employees_retirementcase_add")).status_code == 403
    assert admin_client.get(reverse("admin:employees_documenttype_changelist")).status_code == 200


def test_the_admin_action_moves_records_through_the_service(admin_client, case, today):
    other = RetirementCaseFactory(status=CaseStatus.SK_ISSUED, sk_number="1", sk_date=today)

    response = admin_client.post(
        reverse("admin:employees_retirementcase_changelist"),
        {"action": "mark_proposed", "_selected_action": [case.pk, other.pk]},
        follow=True,
    )

    case.refresh_from_db()
    other.refresh_from_db()
    assert (case.status, case.proposed_on) == (CaseStatus.PROPOSED, today)
    assert case.status_changes.last().actor.username == "admin-kepegawaian"
    assert other.status == CaseStatus.SK_ISSUED
    texts = [str(message) for message in response.context["messages"]]
    assert any("1" in text for text in texts)
    assert any("cannot move" in text or "tidak dapat" in text for text in texts)


def test_the_admin_corrects_an_issued_sk_with_a_reason(admin_client, case, today):
    url = reverse("admin:employees_retirementcase_change", args=[case.pk])
    # Before the SK is issued there is nothing to correct: the SK fields are read-only.
    assert "sk_number" not in admin_client.get(url).context["adminform"].form.fields
    case.status, case.proposed_on = CaseStatus.SK_ISSUED, today
    case.sk_number, case.sk_date, case.sk_signer = "1", today, "Bupati"
    case.save()
    page = admin_client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data.update(inline_management(page))

    refused = admin_client.post(url, {**data, "sk_number": "823.4/117/2026"})
    assert set(refused.context["adminform"].form.errors) == {"reason"}
    refused = admin_client.post(url, {**data, "sk_date": "2099-01-01", "reason": "Salah tanggal"})
    assert set(refused.context["adminform"].form.errors) == {"sk_date"}
    case.refresh_from_db()
    assert case.sk_number == "1"

    saved = admin_client.post(url, {**data, "sk_number": "823.4/117/2026", "reason": "Salah ketik nomor"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    case.refresh_from_db()
    assert case.sk_number == "823.4/117/2026"
    latest = case.history.first()
    assert (latest.history_user.username, latest.history_change_reason) == ("admin-kepegawaian", "Salah ketik nomor")


def test_the_admin_keeps_notes_on_any_record(admin_client, case):
    url = reverse("admin:employees_retirementcase_change", args=[case.pk])
    page = admin_client.get(url)
    data = {"notes": "Berkas asli disimpan di lemari arsip B", **inline_management(page)}
    assert admin_client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.notes == "Berkas asli disimpan di lemari arsip B"
    assert case.history.first().history_user.username == "admin-kepegawaian"
