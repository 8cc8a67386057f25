"""Portal sign-in links reach a retiree at their personal address (employees/contact.py): found by the
office or the personal email, sent to the personal one once they have retired."""

import datetime as dt

import pytest

from employees.choices import EmployeeStatus
from portal.services import KIND
from purna.notifications.models import Message
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

SIGN_IN = "/portal/masuk/"


@pytest.fixture
def retiree(unit):
    return EmployeeFactory(
        unit=unit,
        nip="196505121990031004",
        email="ahmad.yani@rsud.go.id",
        personal_email="ahmad.yani@gmail.com",
        status=EmployeeStatus.PENSIUN,
        tmt_pensiun=dt.date(2025, 6, 1),
    )


@pytest.mark.parametrize("identifier", ["ahmad.yani@gmail.com", "AHMAD.YANI@rsud.go.id", "196505121990031004"])
def test_a_retiree_gets_the_link_at_the_personal_address_however_they_ask(client, retiree, identifier):
    client.post(SIGN_IN, {"identifier": identifier})

    [message] = Message.objects.filter(kind=KIND)
    assert message.to_email == "ahmad.yani@gmail.com"
    retiree.refresh_from_db()
    assert retiree.user.email == "ahmad.yani@gmail.com"


def test_someone_at_work_gets_it_at_the_office_and_a_personal_only_address_still_works(client, unit):
    working = EmployeeFactory(
        unit=unit, email="budi@dinkes.go.id", personal_email="budi@gmail.com", tmt_pensiun=dt.date(2035, 1, 1)
    )
    only_personal = EmployeeFactory(
        unit=unit, email="", personal_email="citra@gmail.com", status=EmployeeStatus.PENSIUN
    )

    client.post(SIGN_IN, {"identifier": "budi@gmail.com"})
    client.post(SIGN_IN, {"identifier": "citra@gmail.com"})

    sent = dict(Message.objects.filter(kind=KIND).values_list("recipient_key", "to_email"))
    assert sent == {f"employee:{working.pk}": "budi@dinkes.go.id", f"employee:{only_personal.pk}": "citra@gmail.com"}
