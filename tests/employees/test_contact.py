"""Where a person is reached (employees/contact.py): the personal email and phone and the home address
once they have left the office, the office's only as a fallback; the office's while they work there.
And every letter and email to a retiree follows that one choice: invitations (email and printed
letter), "certificate ready", portal sign-in links, payout emails, the outbox's resolver."""

import datetime as dt

import pytest

from employees.contact import contact_choose, employee_contact, has_left_office

D = dt.date
TODAY = D(2026, 12, 7)


@pytest.mark.parametrize(
    ("status", "tmt", "left"),
    [
        ("aktif", None, False),
        ("aktif", D(2027, 1, 1), False),  # still at work until the TMT
        ("aktif", D(2026, 12, 8), False),  # the day before
        ("aktif", TODAY, True),  # the TMT itself is the first day of retirement
        ("aktif", D(2026, 12, 1), True),  # past the TMT, the register not updated yet: at home all the same
        ("mpp", D(2027, 6, 1), True),  # pre-retirement leave: not at the office
        ("pensiun", D(2025, 1, 1), True),
        ("pensiun", None, True),
        ("meninggal", None, True),
        ("berhenti", None, True),
        ("pindah", None, True),
    ],
)
def test_who_has_left_the_office(status, tmt, left):
    assert has_left_office(status=status, tmt_pensiun=tmt, today=TODAY) is left


OFFICE = {"office_email": "siti@rsud.go.id", "office_phone": "(024) 351 1234"}
PERSONAL = {"personal_email": "siti.aminah@gmail.com", "personal_phone": "0812 3456 7890"}
NONE = {"office_email": "", "office_phone": "", "personal_email": "", "personal_phone": ""}
HOME = "Jl. Melati No. 5\nKel. Sukamaju, Kec. Kota\n"


@pytest.mark.parametrize(
    ("left_office", "given", "home", "email", "phone", "personal", "lines", "to_home"),
    [
        # Retired: the person's own, the home address.
        (True, {**OFFICE, **PERSONAL}, HOME, "siti.aminah@gmail.com", "0812 3456 7890", True,
         ("Jl. Melati No. 5", "Kel. Sukamaju, Kec. Kota"), True),
        # Retired without a personal email or home address: the office as the fallback.
        (True, {**OFFICE, "personal_email": "", "personal_phone": ""}, "", "siti@rsud.go.id", "(024) 351 1234",
         False, ("RSUD Kota",), False),
        # Retired, personal phone only: the office email, the personal phone, home by letter.
        (True, {**OFFICE, "personal_email": "  ", "personal_phone": "0812 1"}, HOME, "siti@rsud.go.id",
         "0812 1", False, ("Jl. Melati No. 5", "Kel. Sukamaju, Kec. Kota"), True),
        # At work: the office, even with a personal address recorded.
        (False, {**OFFICE, **PERSONAL}, HOME, "siti@rsud.go.id", "(024) 351 1234", False, ("RSUD Kota",), False),
        # At work without an office email: the personal one.
        (False, {**PERSONAL, "office_email": "", "office_phone": ""}, HOME, "siti.aminah@gmail.com",
         "0812 3456 7890", True, ("RSUD Kota",), False),
        # Nothing recorded: no email (a printed letter), the unit by post.
        (True, NONE, "", "", "", False, ("RSUD Kota",), False),
        (False, NONE, "  \n ", "", "", False, ("RSUD Kota",), False),
    ],
)  # fmt: skip
def test_the_choice_of_email_phone_and_letter_address(left_office, given, home, email, phone, personal, lines, to_home):
    contact = contact_choose(left_office=left_office, home_address=home, unit_name="RSUD Kota", **given)
    assert (contact.email, contact.phone, contact.email_is_personal) == (email, phone, personal)
    assert (contact.address_lines, contact.letter_to_home, contact.at_home) == (lines, to_home, left_office)


def test_an_employee_record_is_read_through_the_same_choice(db):
    from tests.factories import EmployeeFactory

    retiree = EmployeeFactory(
        status="pensiun", email="lama@rsud.go.id", personal_email="baru@gmail.com", address="Jl. Mawar 1"
    )
    working = EmployeeFactory(
        status="aktif", tmt_pensiun=D(2030, 1, 1), email="kerja@rsud.go.id", personal_email="x@y.id"
    )
    assert employee_contact(retiree, unit_name=retiree.unit.name, today=TODAY).email == "baru@gmail.com"
    assert employee_contact(retiree, unit_name=retiree.unit.name, today=TODAY).address_lines == ("Jl. Mawar 1",)
    assert employee_contact(working, today=TODAY).email == "kerja@rsud.go.id"


def test_the_outbox_resolves_an_employee_to_the_chosen_address_when_sending(db):
    from employees.notifications import employees_resolve
    from tests.factories import EmployeeFactory

    retiree = EmployeeFactory(status="pensiun", email="lama@rsud.go.id", personal_email="baru@gmail.com")
    working = EmployeeFactory(
        status="aktif", tmt_pensiun=D(2040, 1, 1), email="kerja@rsud.go.id", personal_email="p@x.id"
    )
    dead = EmployeeFactory(status="meninggal", email="", personal_email="alm@gmail.com")

    found = employees_resolve([str(retiree.pk), str(working.pk), str(dead.pk)])

    assert found[str(retiree.pk)].email == "baru@gmail.com"
    assert found[str(working.pk)].email == "kerja@rsud.go.id"
    assert not found[str(dead.pk)].reachable


def test_the_import_reads_and_the_export_writes_the_personal_contact_columns():
    from employees import exporter
    from tests.employees.sheets import row
    from tests.employees.test_importer import parsed

    found, errors = parsed(row(1, **{"email pribadi": "siti@gmail.com", "telepon pribadi": "0813 1"}))

    assert errors == []
    assert (found["email"], found["personal_email"], found["personal_phone"]) == (
        "siti1@contoh.go.id",
        "siti@gmail.com",
        "0813 1",
    )
    headers = [column.header for column in exporter.EXPORT_COLUMNS]
    assert headers.index("email") < headers.index("email pribadi") < headers.index("alamat")
