"""Where to reach a person: which email, phone and postal address letters and emails use.

The register keeps two kinds of contact: the office's (Employee.email and .phone, and the work unit as
the postal address, "<unit>, di Tempat") and the person's own (Employee.personal_email, .personal_phone
and the home address, Employee.address). A retiree has left the office: letters sent to "RSUD ..., di
Tempat" and emails to an office mailbox no longer reach them. So:

- someone who has left the office (retired, on MPP leave, left, moved, deceased, or past their TMT
  pensiun while the register still says "Aktif") is reached at home: personal email and phone, home
  address; the office's only when no personal one is recorded;
- someone still at work is reached at the office, and at home only when the office has nothing.

This module is the one place of that choice: invitations and their printed letters, "certificate
ready", portal sign-in links, payout emails and reminders all ask `employee_contact`.

Pure: no ORM, no settings, no clock (the day is a parameter).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

AT_OFFICE_STATUS = "aktif"  # employees.choices.EmployeeStatus.AKTIF


@dataclass(frozen=True)
class Contact:
    """The chosen ways to reach a person. `address_lines` is the postal address under the name on a
    letter: the home address's lines, or the unit's name (which the letter follows with "di Tempat")."""

    email: str
    phone: str
    address_lines: tuple[str, ...]
    at_home: bool  # the person is reached at home (has left the office)
    email_is_personal: bool
    letter_to_home: bool


class HasContact(Protocol):
    status: str
    tmt_pensiun: dt.date | None
    email: str
    personal_email: str
    phone: str
    personal_phone: str
    address: str


def has_left_office(*, status: str, tmt_pensiun: dt.date | None, today: dt.date) -> bool:
    """Whether the person no longer works at their unit on `today`: any status but "aktif", or the TMT
    pensiun reached (the first day of retirement is already at home)."""
    return status != AT_OFFICE_STATUS or (tmt_pensiun is not None and tmt_pensiun <= today)


def _first(*values: str) -> tuple[str, int]:
    for index, value in enumerate(values):
        if value.strip():
            return value.strip(), index
    return "", -1


def contact_choose(
    *,
    left_office: bool,
    office_email: str,
    personal_email: str,
    office_phone: str,
    personal_phone: str,
    home_address: str,
    unit_name: str,
) -> Contact:
    """The email, phone and letter address to use: the person's own when they have left the office, the
    office's while they work there; either way the other one when the first is not recorded."""
    if left_office:
        email, email_index = _first(personal_email, office_email)
        email_is_personal = email_index == 0
        phone, _index = _first(personal_phone, office_phone)
    else:
        email, email_index = _first(office_email, personal_email)
        email_is_personal = email_index == 1
        phone, _index = _first(office_phone, personal_phone)
    home_lines = tuple(line.strip() for line in home_address.splitlines() if line.strip())
    letter_to_home = bool(home_lines) and (left_office or not unit_name.strip())
    address_lines = home_lines if letter_to_home else (unit_name.strip(),)
    return Contact(
        email=email,
        phone=phone,
        address_lines=address_lines,
        at_home=left_office,
        email_is_personal=email_is_personal,
        letter_to_home=letter_to_home,
    )


def employee_contact(employee: HasContact, *, unit_name: str = "", today: dt.date) -> Contact:
    """`contact_choose` for an employee record (or anything with its contact fields)."""
    return contact_choose(
        left_office=has_left_office(status=employee.status, tmt_pensiun=employee.tmt_pensiun, today=today),
        office_email=employee.email or "",
        personal_email=employee.personal_email or "",
        office_phone=employee.phone or "",
        personal_phone=employee.personal_phone or "",
        home_address=employee.address or "",
        unit_name=unit_name,
    )
