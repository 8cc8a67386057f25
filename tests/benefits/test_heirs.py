"""Heirs as payees (benefits/heirs.py, benefits/services/heirs.py): the tali asih or THT of an employee who
died is made out to a spouse or child on the register, with the heir statement as proof; the account
holder is checked against the heir; the payee is fixed once the payout is approved; every change is in
the history and on the timeline; refusals are in Indonesian and change nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from benefits import heirs
from benefits.exceptions import PayoutError
from benefits.models import Payout, PayoutStatus, PayoutStatusChange
from benefits.services import heirs as heir_services
from benefits.services import payouts as services
from employees.cases import is_deceased
from employees.choices import EmployeeStatus, Gender, RetirementKind
from employees.models import Child, Spouse
from tests.benefits.payout_fixtures import (
    flat_rate_fixture,  # noqa: F401
    pay_by_transfer,
    prepare,
    retiree,
    staff_fixture,  # noqa: F401
    unit_fixture,  # noqa: F401
)
from tests.factories import MINIMAL_PDF, RetirementCaseFactory

pytestmark = pytest.mark.django_db


def statement(name="SK ahli waris Siti.pdf", content=MINIMAL_PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def indonesian(private_media):
    with translation.override("id"):
        yield


@pytest.fixture
def deceased(unit):
    return retiree(unit, status=EmployeeStatus.MENINGGAL, gender=Gender.MALE)


@pytest.fixture
def widow(deceased):
    return Spouse.objects.create(employee=deceased, name="Siti Aminah", nik="6471014107700001", email="siti@example.id")


@pytest.fixture
def son(deceased):
    return Child.objects.create(employee=deceased, name="Budi Santoso", gender=Gender.MALE)


# --- The pure rules -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kind", "expected"),
    [
        (EmployeeStatus.MENINGGAL, None, True),
        (EmployeeStatus.AKTIF, RetirementKind.DEATH, True),
        (EmployeeStatus.AKTIF, RetirementKind.KILLED, True),
        (EmployeeStatus.PENSIUN, RetirementKind.BUP, False),
        (EmployeeStatus.AKTIF, None, False),
        (EmployeeStatus.BERHENTI, RetirementKind.APS, False),
        (EmployeeStatus.AKTIF, RetirementKind.DISABILITY, False),
    ],
)
def test_deceased_is_the_status_or_a_death_record(status, kind, expected):
    assert is_deceased(employee_status=status, case_kind=kind) is expected


@pytest.mark.parametrize(
    ("kind", "employee_gender", "child_gender", "line"),
    [
        (heirs.SPOUSE, Gender.MALE, "", "Ibu Siti Aminah, istri"),
        (heirs.SPOUSE, Gender.FEMALE, "", "Bapak Siti Aminah, suami"),
        (heirs.CHILD, Gender.MALE, Gender.MALE, "Bapak Siti Aminah, anak"),
        (heirs.CHILD, Gender.FEMALE, Gender.FEMALE, "Ibu Siti Aminah, anak"),
        (heirs.CHILD, Gender.MALE, "", "Sdr. Siti Aminah, anak"),
    ],
)
def test_the_payee_line_names_the_relation(kind, employee_gender, child_gender, line):
    got = heirs.payee_line(name="Siti Aminah", kind=kind, employee_gender=employee_gender, child_gender=child_gender)
    assert got == line


@pytest.mark.parametrize(("gender", "title"), [(Gender.MALE, "Almarhum Bapak"), (Gender.FEMALE, "Almarhumah Ibu")])
def test_the_deceased_is_named_almarhum_or_almarhumah(gender, title):
    assert heirs.deceased_title(gender=gender) == title


@pytest.mark.parametrize(
    ("status", "kind", "heir", "message"),
    [
        (EmployeeStatus.MENINGGAL, None, heirs.HeirFacts(heirs.SPOUSE, 1, "Siti"), None),
        (EmployeeStatus.AKTIF, RetirementKind.KILLED, heirs.HeirFacts(heirs.CHILD, 1, "Budi"), None),
        (EmployeeStatus.PENSIUN, RetirementKind.BUP, heirs.HeirFacts(heirs.SPOUSE, 1, "Siti"), "meninggal"),
        (EmployeeStatus.MENINGGAL, None, heirs.HeirFacts(heirs.SPOUSE, 2, "Siti"), "bukan anggota keluarga"),
        (EmployeeStatus.MENINGGAL, None, heirs.HeirFacts(heirs.CHILD, 1, "Budi", died=True), "tercatat meninggal"),
    ],
)
def test_who_may_be_the_payee(status, kind, heir, message):
    with translation.override("id"):
        refusal = heirs.payee_refusal(employee_id=1, employee_status=status, case_kind=kind, heir=heir)
    assert (refusal is None) if message is None else (message in refusal)


# --- The service ----------------------------------------------------------------------------------------


def test_the_widow_becomes_the_payee_with_the_heir_statement_in_private_storage(
    deceased, widow, staff, flat_rate, private_media
):
    payout = prepare(deceased, staff)

    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())

    payout.refresh_from_db()
    assert payout.payee == widow and payout.payee_child is None
    assert payout.payee_line == "Ibu Siti Aminah, istri"
    assert payout.heir_statement_name == "SK ahli waris Siti.pdf"
    assert "Siti" not in payout.heir_statement.name and payout.heir_statement.name.endswith(".pdf")
    assert (private_media / payout.heir_statement.name).read_bytes() == MINIMAL_PDF
    last = payout.history.first()
    assert last.history_user == staff["operator"] and last.payee_spouse_id == widow.pk
    assert "Ibu Siti Aminah, istri" in last.history_change_reason
    change = PayoutStatusChange.objects.filter(payout=payout).last()
    assert change.from_status == change.to_status == PayoutStatus.DRAFT
    assert "Ibu Siti Aminah, istri" in change.note


def test_a_death_case_is_enough_and_a_child_may_receive_it(unit, staff, flat_rate):
    employee = retiree(unit, status=EmployeeStatus.AKTIF, gender=Gender.FEMALE)
    RetirementCaseFactory(employee=employee, kind=RetirementKind.KILLED)
    daughter = Child.objects.create(employee=employee, name="Rina", gender=Gender.FEMALE)
    payout = prepare(employee, staff)

    payout = heir_services.payout_payee_set(
        payout=payout, heir=daughter, actor=staff["operator"], statement=statement()
    )

    assert payout.payee == daughter and payout.payee_line == "Ibu Rina, anak"


def test_changing_the_heir_keeps_the_statement_and_says_who_it_was(deceased, widow, son, staff, flat_rate):
    payout = prepare(deceased, staff)
    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    stored = payout.heir_statement.name

    payout = heir_services.payout_payee_set(payout=payout, heir=son, actor=staff["operator"], note="Istri menolak")

    payout.refresh_from_db()
    assert payout.payee == son and payout.payee_spouse is None and payout.heir_statement.name == stored
    note = PayoutStatusChange.objects.filter(payout=payout).last().note
    assert "Ibu Siti Aminah, istri" in note and "Bapak Budi Santoso, anak" in note and "Istri menolak" in note


def unchanged(payout):
    before = Payout.objects.filter(pk=payout.pk).values().get()
    changes = PayoutStatusChange.objects.filter(payout=payout).count()
    return lambda: (
        Payout.objects.filter(pk=payout.pk).values().get() == before
        and PayoutStatusChange.objects.filter(payout=payout).count() == changes
    )


def test_an_heir_only_for_an_employee_who_died(unit, staff, flat_rate):
    living = retiree(unit, status=EmployeeStatus.PENSIUN)
    wife = Spouse.objects.create(employee=living, name="Siti Aminah")
    payout = prepare(living, staff)
    same = unchanged(payout)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=wife, actor=staff["operator"], statement=statement())

    assert error.value.errors["heir"] == [
        "Ahli waris hanya dapat menerima pembayaran pegawai yang telah meninggal: catat dulu kematiannya "
        "(status atau berkas janda/duda atau tewas)."
    ]
    assert same()


def test_the_heir_must_belong_to_the_employee(deceased, unit, staff, flat_rate):
    other = retiree(unit, nip="196807152000121002", status=EmployeeStatus.MENINGGAL)
    stranger = Spouse.objects.create(employee=other, name="Ratna Dewi")
    payout = prepare(deceased, staff)
    same = unchanged(payout)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=stranger, actor=staff["operator"], statement=statement())

    assert error.value.errors["heir"] == ["Ratna Dewi bukan anggota keluarga pegawai ini."]
    assert same()


def test_a_deceased_heir_is_refused(deceased, staff, flat_rate):
    late = Spouse.objects.create(
        employee=deceased,
        name="Siti Aminah",
        died_on=dt.date(2020, 1, 5),
        ended_on=dt.date(2020, 1, 5),
        end_reason="death",
    )
    payout = prepare(deceased, staff)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=late, actor=staff["operator"], statement=statement())

    assert "tercatat meninggal" in error.value.errors["heir"][0]
    assert Payout.objects.get(pk=payout.pk).payee is None


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Lampirkan surat keterangan ahli waris."),
        (SimpleUploadedFile("ahli-waris.pdf", b"MZ\x90\x00 not a pdf"), "PDF, JPG, atau PNG"),
    ],
)
def test_the_heir_statement_is_required_and_checked(deceased, widow, staff, flat_rate, private_media, upload, message):
    payout = prepare(deceased, staff)
    same = unchanged(payout)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=upload)

    assert message in " ".join(error.value.errors["heir_statement"])
    assert same()
    assert not list(private_media.rglob("*ahli-waris*"))


def test_the_payee_cannot_change_once_approved(deceased, widow, son, staff, flat_rate):
    payout = prepare(deceased, staff)
    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    payout = services.payout_approve(payout=payout, actor=staff["pimpinan"])
    same = unchanged(payout)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=son, actor=staff["admin"], statement=statement())
    with pytest.raises(PayoutError) as cleared:
        heir_services.payout_payee_clear(payout=payout, actor=staff["admin"], reason="Salah orang")

    expected = ["Penerima tidak dapat diubah lagi: pembayaran ini Disetujui."]
    assert error.value.messages == cleared.value.messages == expected
    assert same()


def test_only_who_may_change_payouts_sets_the_payee(deceased, widow, staff, flat_rate):
    payout = prepare(deceased, staff)

    with pytest.raises(PayoutError) as error:
        heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["bendahara"], statement=statement())

    assert error.value.messages == ["Anda tidak berwenang mengubah pembayaran."]


def test_removing_the_heir_needs_a_reason_and_leaves_history(deceased, widow, staff, flat_rate):
    payout = prepare(deceased, staff)
    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())

    with pytest.raises(PayoutError):
        heir_services.payout_payee_clear(payout=payout, actor=staff["operator"], reason="  ")
    payout = heir_services.payout_payee_clear(payout=payout, actor=staff["operator"], reason="Surat keliru")

    payout.refresh_from_db()
    assert payout.payee is None and not payout.heir_statement
    assert [h.payee_spouse_id for h in payout.history.all()[:2]] == [None, widow.pk]
    assert "Surat keliru" in PayoutStatusChange.objects.filter(payout=payout).last().note


@pytest.mark.parametrize(("holder", "mismatch"), [("SITI AMINAH", False), ("Ahmad Yani", True)])
def test_the_account_holder_is_checked_against_the_heir(deceased, widow, staff, flat_rate, holder, mismatch):
    payout = prepare(deceased, staff)
    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    payout = services.payout_approve(payout=payout, actor=staff["pimpinan"])

    paid = pay_by_transfer(payout, staff["bendahara"], account_holder=holder)

    assert paid.holder_mismatch is mismatch


def test_the_heir_is_told_of_the_payment_not_the_deceased(deceased, widow, staff, flat_rate):
    from benefits import notifications
    from purna.notifications.models import Message

    payout = prepare(deceased, staff)
    payout = heir_services.payout_payee_set(payout=payout, heir=widow, actor=staff["operator"], statement=statement())
    payout = services.payout_verify(payout=payout, actor=staff["verifikator"])
    payout = services.payout_approve(payout=payout, actor=staff["pimpinan"])

    pay_by_transfer(payout, staff["bendahara"], account_holder="Siti Aminah")

    [message] = Message.objects.filter(kind=notifications.PAID)
    assert (message.to_email, message.to_name) == ("siti@example.id", "Siti Aminah")
    assert message.recipient_key == f"spouse:{widow.pk}"
