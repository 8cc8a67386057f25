"""Every portal text follows where the person stands (portal.services.retirement_situation): before, in
the month of, or after their TMT pensiun, or deceased; the person is addressed as "Bapak/Ibu"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from employees.choices import EmployeeStatus
from employees.retirement import add_months
from employees.services.accounts import employee_portal_account_ensure
from portal.services import Situation, retirement_situation, situation_texts
from tests.factories import EmployeeFactory

D = dt.date
TMT = D(2026, 6, 1)


@pytest.mark.parametrize(
    ("today", "tmt", "deceased", "expected"),
    [
        (D(2026, 5, 31), TMT, False, Situation.BEFORE),  # the last day in service
        (D(2025, 1, 1), TMT, False, Situation.BEFORE),
        (D(2026, 6, 1), TMT, False, Situation.AT),  # the TMT itself
        (D(2026, 6, 30), TMT, False, Situation.AT),
        (D(2026, 7, 1), TMT, False, Situation.AFTER),
        (D(2026, 12, 7), TMT, False, Situation.AFTER),  # the retiree
        (D(2027, 1, 15), D(2027, 1, 1), False, Situation.AT),  # across a year end
        (D(2027, 1, 15), D(2026, 12, 1), False, Situation.AFTER),
        (D(2026, 12, 31), D(2027, 1, 1), False, Situation.BEFORE),
        (D(2026, 12, 7), None, False, Situation.UNKNOWN),
        (D(2026, 12, 7), None, True, Situation.DECEASED),
        (D(2026, 1, 1), TMT, True, Situation.DECEASED),  # died in service, before the TMT
        (D(2026, 12, 7), TMT, True, Situation.DECEASED),
    ],
)
def test_situation(today, tmt, deceased, expected):
    assert retirement_situation(tmt=tmt, today=today, deceased=deceased) == expected


@pytest.mark.parametrize(
    ("situation", "status", "empty"),
    [
        (Situation.BEFORE, "Bapak/Ibu purna tugas mulai 1 Juni 2026.", "menjelang TMT pensiun Bapak/Ibu"),
        (Situation.AT, "Bapak/Ibu purna tugas bulan ini, mulai 1 Juni 2026.", "sedang menyiapkannya"),
        (Situation.AFTER, "Bapak/Ibu purna tugas sejak 1 Juni 2026.", "setelah TMT pensiun Bapak/Ibu"),
        (Situation.DECEASED, "meninggal dunia", "ahli waris"),
        (Situation.UNKNOWN, "", "ditetapkan"),
    ],
)
def test_texts_in_indonesian_follow_the_situation(situation, status, empty):
    with translation.override("id"):
        texts = situation_texts(situation, TMT if situation != Situation.UNKNOWN else None)
    assert status in texts.status if status else texts.status == ""
    assert empty in texts.benefits_empty
    assert "Anda" not in texts.status + texts.benefits_empty
    if situation != Situation.BEFORE:
        assert "menjelang" not in texts.benefits_empty


def page(client, **fields) -> str:
    employee = EmployeeFactory(**fields)
    client.force_login(employee_portal_account_ensure(employee=employee))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_person_whose_tmt_has_passed_is_not_told_it_is_coming(client):
    tmt = add_months(timezone.localdate().replace(day=1), -6)

    html = page(client, tmt_pensiun=tmt, status=EmployeeStatus.PENSIUN)

    assert "menjelang" not in html and "Anda" not in html
    assert "Bapak/Ibu purna tugas sejak" in html
    assert "Belum tercatat: BKPSDM menyiapkannya setelah TMT pensiun Bapak/Ibu" in html


@pytest.mark.django_db
def test_a_person_before_the_tmt_is_told_it_is_coming(client):
    tmt = add_months(timezone.localdate().replace(day=1), 3)

    html = page(client, tmt_pensiun=tmt)

    assert "Bapak/Ibu purna tugas mulai" in html
    assert "menjelang TMT pensiun Bapak/Ibu" in html
    assert "Anda" not in html
