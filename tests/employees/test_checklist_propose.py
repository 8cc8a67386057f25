"""The person's checklist on the record page, and the proposal to BKN refused while a required document
is missing unless an authorised user overrides it with a reason (employees/services/cases.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import translation

from employees.choices import CaseStatus, ChildRelation, RetirementKind
from employees.exceptions import CaseError
from employees.models import CaseDocument, Child, DocumentType, RetirementCase, Spouse
from employees.retirement import add_months
from employees.selectors import retirement_case_card
from employees.services.cases import retirement_case_open, retirement_case_transition
from purna import roles
from tests.employees.case_fixtures import checklist_complete, in_english, make_employee, month_ahead, snapshot
from tests.employees.case_fixtures import today_fixture as today  # noqa: F401
from tests.factories import UserFactory

D = dt.date


@pytest.fixture
def bup_case(actor, today):  # noqa: F811
    employee = make_employee(tmt=month_ahead(today, 10))
    return retirement_case_open(employee=employee, kind=RetirementKind.BUP, actor=actor)


@pytest.fixture
def overrider(db):
    user = UserFactory(username="admin-bkd", password=None, units="all", roles=[roles.ADMIN])
    return user


def codes(card) -> set[str]:
    return {row.document_type.code for row in card.checklist}


def missing_codes(card) -> set[str]:
    return {document_type.code for document_type in card.missing_required}


# --- The person's checklist ---------------------------------------------------------------------------


def test_each_kind_has_its_seeded_documents(db):
    by_code = {document_type.code: document_type for document_type in DocumentType.objects.all()}
    assert RetirementKind.KILLED in by_code["visum-et-repertum"].kinds
    assert RetirementKind.DEATH not in by_code["visum-et-repertum"].kinds
    assert set(by_code["akta-kematian"].kinds) == {
        RetirementKind.DEATH,
        RetirementKind.KILLED,
        RetirementKind.PENSIONER_DEATH,
    }
    # A pensioner's death (0031): the deceased's SK pensiun, not the service record of someone in service.
    assert by_code["sk-pensiun-almarhum"].kinds == [RetirementKind.PENSIONER_DEATH]
    assert RetirementKind.PENSIONER_DEATH not in by_code["skp"].kinds
    assert by_code["keterangan-tim-penguji-kesehatan"].kinds == [RetirementKind.DISABILITY]
    assert by_code["surat-permohonan-aps"].kinds == [RetirementKind.APS]
    assert by_code["keputusan-reorganisasi"].kinds == [RetirementKind.REORGANISATION]
    assert by_code["perjanjian-kerja-pppk"].kinds == [RetirementKind.CONTRACT_END]
    assert (by_code["akta-anak"].condition, by_code["sk-pmk"].condition) == ("has_children", "has_prior_service")
    assert by_code["keterangan-sekolah-anak"].condition == "child_over_21_in_school"
    for kind in RetirementKind.values:
        asked = [d for d in by_code.values() if d.is_required and (not d.kinds or kind in d.kinds)]
        assert len(asked) >= 4, kind


def test_a_bup_record_without_family_asks_no_family_papers(bup_case):
    card = retirement_case_card(employee=bup_case.employee)
    assert {"sk-cpns", "skp", "karpeg", "ktp"} <= codes(card)
    assert not codes(card) & {"akta-kematian", "visum-et-repertum", "surat-nikah", "karis-karsu", "akta-anak", "sk-pmk"}


def test_a_tewas_record_asks_visum_chronology_and_the_childrens_papers(actor, today):  # noqa: F811
    employee = make_employee(tmt=month_ahead(today, 30))
    died = today.replace(day=1) - dt.timedelta(days=1)
    spouse = Spouse.objects.create(employee=employee, name="Budi", marriage_date=D(1995, 1, 1))
    # 22 and in university on the day of death: the school certificate is asked; a grown child is not counted.
    Child.objects.create(
        employee=employee,
        name="Ani",
        birth_date=add_months(died, -22 * 12),
        in_school=True,
        other_parent=spouse,
        relation=ChildRelation.NATURAL,
    )
    Child.objects.create(employee=employee, name="Adi", birth_date=D(1990, 1, 1), is_working=True)  # fmt: skip
    case = retirement_case_open(employee=employee, kind=RetirementKind.KILLED, died_on=died, actor=actor)

    card = retirement_case_card(employee=case.employee)

    assert {"akta-kematian", "keterangan-ahli-waris", "visum-et-repertum", "kronologi-kejadian"} <= codes(card)
    assert {"surat-nikah", "karis-karsu", "akta-anak", "keterangan-sekolah-anak", "keterangan-janda-duda"} <= codes(
        card
    )
    assert not codes(card) & {"skp", "pernyataan-bmn", "keterangan-orang-tua", "keterangan-tim-penguji-kesehatan"}
    assert missing_codes(card) == {row.document_type.code for row in card.checklist if row.required}


def test_an_unmarried_tewas_asks_for_the_parents_and_udzur_by_duty_for_the_duty_statement(actor, today):  # noqa: F811
    employee = make_employee(tmt=month_ahead(today, 30))
    died = today.replace(day=1) - dt.timedelta(days=1)
    case = retirement_case_open(employee=employee, kind=RetirementKind.KILLED, died_on=died, actor=actor)
    assert "keterangan-orang-tua" in codes(retirement_case_card(employee=case.employee))

    other = make_employee(tmt=month_ahead(today, 30), prior_service_months=24)
    udzur = retirement_case_open(employee=other, kind=RetirementKind.DISABILITY, tmt=month_ahead(today, 2), actor=actor)
    assert {"keterangan-tim-penguji-kesehatan", "sk-pmk"} <= codes(retirement_case_card(employee=udzur.employee))
    assert "keterangan-akibat-dinas" not in codes(retirement_case_card(employee=udzur.employee))
    RetirementCase.objects.filter(pk=udzur.pk).update(caused_by_duty=True)
    udzur.refresh_from_db()
    assert "keterangan-akibat-dinas" in codes(retirement_case_card(employee=udzur.employee))


def test_a_document_no_longer_asked_is_shown_but_not_counted(bup_case):
    visum = DocumentType.objects.get(code="visum-et-repertum")
    CaseDocument.objects.create(case=bup_case, document_type=visum, file="x.pdf", original_name="x.pdf",
                                content_type="application/pdf", size=1)  # fmt: skip
    card = retirement_case_card(employee=bup_case.employee)
    row = next(row for row in card.checklist if row.document_type == visum)
    assert (row.applies, row.required, row.missing) == (False, False, False)
    assert card.checklist[-1] == row


# --- The proposal refused, and the override --------------------------------------------------------------


def test_a_proposal_with_documents_missing_is_refused_with_the_list(bup_case, actor, english):
    CaseDocument.objects.create(case=bup_case, document_type=DocumentType.objects.get(code="sk-cpns"), file="x.pdf",
                                original_name="x.pdf", content_type="application/pdf", size=1)  # fmt: skip
    before = snapshot()

    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=bup_case, to_status=CaseStatus.PROPOSED, actor=actor)

    message = caught.value.messages[0]
    assert message.startswith("Required documents are missing:")
    assert "SKP 1-2 tahun terakhir" in message and "KARPEG" in message
    assert "SK CPNS;" not in message and "Akta kematian" not in message
    assert snapshot() == before


def test_a_complete_checklist_lets_the_proposal_through(bup_case, actor):
    for document_type in DocumentType.objects.filter(is_required=True):
        if document_type.kinds and RetirementKind.BUP not in document_type.kinds:
            continue
        if document_type.condition != "always":
            continue
        CaseDocument.objects.create(case=bup_case, document_type=document_type, file="x.pdf", original_name="x.pdf",
                                    content_type="application/pdf", size=1)  # fmt: skip
    case = retirement_case_transition(case=bup_case, to_status=CaseStatus.PROPOSED, actor=actor)
    assert case.status == CaseStatus.PROPOSED
    assert case.status_changes.last().missing_documents == ""


def test_overriding_needs_the_permission(bup_case, actor, english):
    before = snapshot()
    with pytest.raises(CaseError) as caught:
        retirement_case_transition(
            case=bup_case, to_status=CaseStatus.PROPOSED, actor=actor, override=True, note="SK CPNS menyusul"
        )
    assert "not allowed" in caught.value.messages[0]
    assert snapshot() == before


def test_overriding_needs_a_reason(bup_case, overrider, english):
    before = snapshot()
    with pytest.raises(CaseError) as caught:
        retirement_case_transition(case=bup_case, to_status=CaseStatus.PROPOSED, actor=overrider, override=True)
    assert "reason" in caught.value.errors["note"][0]
    assert snapshot() == before


def test_an_override_is_kept_with_its_reason_and_the_missing_list(bup_case, overrider):
    reason = "Berkas fisik sudah diserahkan langsung ke Kanreg BKN"
    case = retirement_case_transition(
        case=bup_case, to_status=CaseStatus.PROPOSED, actor=overrider, override=True, note=reason
    )

    change = case.status_changes.last()
    assert (change.to_status, change.actor, change.note) == (CaseStatus.PROPOSED, overrider, reason)
    assert "SKP 1-2 tahun terakhir" in change.missing_documents.splitlines()
    assert case.history.first().history_change_reason == reason


def test_only_the_admin_role_holds_the_override(db):
    roles.roles_sync()
    holders = set(Permission.objects.get(codename="override_checklist").group_set.values_list("name", flat=True))
    assert holders == {roles.ADMIN}


# --- The pages ------------------------------------------------------------------------------------------


def test_the_page_lists_what_is_missing_for_this_person(operator_client, bup_case):
    in_english(operator_client)
    with translation.override("en"):
        page = operator_client.get(reverse("employees:case_detail", args=[bup_case.pk])).content.decode()
    assert 'data-testid="checklist-missing"' in page
    assert "KARPEG" in page
    assert 'data-testid="doc-akta-kematian"' not in page
    # The operator holds no override: the dialog does not offer it.
    assert 'data-testid="checklist-override"' not in page


def test_the_operator_is_refused_and_the_admin_overrides_on_the_page(operator_client, bup_case, overrider, today):  # noqa: F811
    url = reverse("employees:case_transition", args=[bup_case.pk, CaseStatus.PROPOSED])
    in_english(operator_client)

    refused = operator_client.post(url, {"proposed_on": today.isoformat(), "override": "on", "note": "Menyusul"})

    assert refused.status_code == 200
    assert "Required documents are missing" in str(refused.context["form"].non_field_errors())
    bup_case.refresh_from_db()
    assert bup_case.status == CaseStatus.PREPARING

    admin = in_english(Client())
    admin.force_login(overrider)
    page = admin.get(reverse("employees:case_detail", args=[bup_case.pk])).content.decode()
    assert 'data-testid="checklist-override"' in page
    without_reason = admin.post(url, {"proposed_on": today.isoformat(), "override": "on"})
    assert without_reason.status_code == 200 and "note" in without_reason.context["form"].errors

    done = admin.post(url, {"proposed_on": today.isoformat(), "override": "on", "note": "Disetujui Kepala BKPSDM"})

    assert done.status_code == 302
    bup_case.refresh_from_db()
    assert bup_case.status == CaseStatus.PROPOSED
    history = admin.get(reverse("employees:case_detail", args=[bup_case.pk])).content.decode()
    assert 'data-testid="override-missing"' in history and "Disetujui Kepala BKPSDM" in history


def test_the_complete_checklist_says_so(operator_client, bup_case):
    checklist_complete(bup_case)
    page = operator_client.get(reverse("employees:case_detail", args=[bup_case.pk])).content.decode()
    assert 'data-testid="checklist-complete"' in page
    assert 'data-testid="checklist-missing"' not in page


def test_the_admin_edits_kinds_and_condition_of_a_document_type(overrider):
    admin = Client()
    overrider.is_staff = True
    overrider.save()
    admin.force_login(overrider)
    document_type = DocumentType.objects.get(code="visum-et-repertum")
    url = reverse("admin:employees_documenttype_change", args=[document_type.pk])
    assert admin.get(url).status_code == 200
    data = {
        "code": document_type.code,
        "name": document_type.name,
        "is_required": "on",
        "kinds": [RetirementKind.KILLED, RetirementKind.DEATH],
        "condition": "has_children",
        "is_active": "on",
        "order": 5,
    }

    response = admin.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    document_type.refresh_from_db()
    # Stored in the order of the kinds, whatever the order they were ticked in.
    assert (document_type.kinds, document_type.condition) == (
        [RetirementKind.DEATH, RetirementKind.KILLED],
        "has_children",
    )
    refused = admin.post(url, {**data, "condition": "has_a_cat", "kinds": ["pensiun_kucing"]})
    assert set(refused.context["adminform"].form.errors) == {"condition", "kinds"}
