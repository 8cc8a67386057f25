"""Staff pages of retirement records: serving their documents, opening and moving them, the card, the admin."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from employees.choices import CaseStatus, RetirementKind
from employees.models import CaseDocument, DocumentType, RetirementCase
from employees.retirement import add_months
from employees.selectors import retirement_case_card
from employees.services.register import retirement_facts_refresh
from purna import roles
from tests.employees.case_fixtures import (
    checklist_complete,
    in_english,
    month_ahead,
    png_bytes,
    today_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import MINIMAL_PDF, CaseDocumentFactory, EmployeeFactory, RetirementCaseFactory

D = dt.date

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded_rules", "seeded_documents", "english")]


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


def test_an_ineligible_aps_is_opened_without_pension_and_says_why(operator_client, employee, today):
    in_english(operator_client)
    employee = EmployeeFactory(birth_date=employee.birth_date, tmt_cpns=D(2015, 3, 1))  # 11 years of service
    response = operator_client.post(
        reverse("employees:case_open", args=[employee.pk]),
        {"kind": RetirementKind.APS, "tmt": month_ahead(today, 2).isoformat()},
        follow=True,
    )

    case = RetirementCase.objects.get()
    assert case.with_pension is False
    assert "Honourable discharge without pension" in response.content.decode()
    assert "without pension" in str(next(iter(response.context["messages"])))


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
    checklist_complete(case)
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
    checklist_complete(case)
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


def test_a_rows_upload_form_is_fetched_when_its_button_is_tapped(operator_client, case, private_media):
    """The record's page carries one empty slot per row, not ~30 hidden forms; the button fetches its form."""
    in_english(operator_client)
    kept = CaseDocumentFactory(case=case, document_type=DocumentType.objects.get(code="sk-cpns"))
    ktp = DocumentType.objects.get(code="ktp")
    back = reverse("employees:case_detail", args=[case.pk])
    url = reverse("employees:case_document_upload", args=[case.pk, ktp.pk])

    page = operator_client.get(back).content.decode()
    assert 'name="file"' not in page
    assert f'hx-get="{url}?next=/pegawai/berkas/{case.pk}/"' in page
    assert f'<div class="collapse" id="upload-{case.pk}-{ktp.pk}"></div>' in page

    fragment = operator_client.get(url, {"next": back}, headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert fragment.status_code == 200
    assert "<html" not in html
    assert f'action="{url}"' in html
    assert f'<input type="hidden" name="next" value="{back}">' in html
    assert 'aria-label="File for KTP' in html
    assert "PDF, JPG or PNG, at most 5.0\xa0MB." in html
    assert "Remove this document" not in html
    assert "HX-Request" in fragment["Vary"]

    replace = reverse("employees:case_document_upload", args=[case.pk, kept.document_type_id])
    html = operator_client.get(replace, headers={"HX-Request": "true"}).content.decode()
    assert f'action="{reverse("employees:case_document_delete", args=[kept.pk])}"' in html

    # Without htmx (no JavaScript, or the link opened in a new tab) the same address is the whole page.
    assert "<html" in operator_client.get(url).content.decode()


def test_another_units_row_form_is_not_found(client, role_user, case, private_media):
    other = role_user(roles.OPERATOR, units=[EmployeeFactory().unit])
    client.force_login(other)
    url = reverse("employees:case_document_upload", args=[case.pk, DocumentType.objects.get(code="ktp").pk])
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 404


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
    # The BUP checklist of a person with no family and no prior service (employees/checklist.py).
    assert "1 of 17 uploaded, 14 required missing" in page
    assert 'data-testid="doc-akta-kematian"' not in page


def test_the_record_page_runs_a_fixed_number_of_queries(
    operator_client, case, private_media, django_assert_num_queries
):
    for document_type in DocumentType.objects.filter(is_required=True)[:10]:
        CaseDocumentFactory(case=case, document_type=document_type)
    url = reverse("employees:case_detail", args=[case.pk])
    operator_client.get(url)  # warm the session and permission caches of the first request

    # session, user, permissions (one query), the record (with its kind rule), the checklist, its documents,
    # its status changes, the spouses and the children (the checklist's conditions), the discipline
    # penalties (the KPP); the agency of base.html comes from the cache
    with django_assert_num_queries(11):
        assert operator_client.get(url).status_code == 200


def test_the_card_without_a_record_offers_to_open_one(operator_client, employee, today):
    card = retirement_case_card(employee=employee, today=add_months(employee.tmt_pensiun, -12))
    assert card.case is None
    assert (card.deadline.has_case, card.deadline.overdue) == (False, False)
    late = retirement_case_card(employee=employee, today=add_months(employee.tmt_pensiun, -12) + dt.timedelta(days=1))
    assert late.deadline.overdue


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
    checklist_complete(case)
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


def test_the_admin_corrects_the_pertek_of_a_record_on_its_pertek_step(admin_client, case, today):
    url = reverse("admin:employees_retirementcase_change", args=[case.pk])
    case.status, case.proposed_on = CaseStatus.PERTEK, today - dt.timedelta(days=10)
    case.pertek_number, case.pertek_date = "AR-1", today - dt.timedelta(days=2)
    case.save()
    page = admin_client.get(url)
    form = page.context["adminform"].form
    # The pertek can be corrected; the SK, not issued yet, cannot.
    assert {"pertek_number", "pertek_date", "reason"} <= set(form.fields) and "sk_number" not in form.fields
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    data.update(inline_management(page))

    refused = admin_client.post(url, {**data, "pertek_number": ""})
    assert "pertek_number" in refused.context["adminform"].form.errors

    saved = admin_client.post(url, {**data, "pertek_number": "AR-11", "reason": "Salah ketik nomor"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    case.refresh_from_db()
    assert (case.status, case.pertek_number) == (CaseStatus.PERTEK, "AR-11")
    assert "AR-1 -> AR-11" in case.status_changes.last().note
