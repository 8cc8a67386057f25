"""benefits.services.tht_amounts_import: Taspen's THT amounts from CSV or XLSX, validated first, all or
nothing, with each row's errors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import ThtClaim
from benefits.services import tht_import as services
from purna import roles
from tests.employees.sheets import csv_bytes, upload, xlsx_bytes
from tests.factories import EmployeeFactory, ThtClaimFactory, UnitKerjaFactory, UserFactory

D = dt.date
RP = Decimal
HEADERS = ["NIP", "Jumlah", "Referensi", "Tanggal"]


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-dinkes", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def people(unit):
    return [EmployeeFactory(unit=unit, tmt_pensiun=D(2025, 7, 1)) for _ in range(3)]


def line(employee, amount="Rp 25.000.000", reference="TSP-1", date="10-07-2025"):
    return {"NIP": employee.nip, "Jumlah": amount, "Referensi": reference, "Tanggal": date}


def run(data: bytes, actor, name="tht-taspen.csv"):
    return services.tht_amounts_import(file=upload(data, name), actor=actor)


def test_a_csv_creates_and_updates_claims(operator, people):
    existing = ThtClaimFactory(employee=people[1], amount_received=None, taspen_reference="TSP-LAMA")
    rows = [
        line(people[0], "Rp 25.000.000", "TSP-001"),
        line(people[1], "27.345.600,50", "", "2025-07-12"),
        line(people[2], "30000000", "TSP-003", "12 Juli 2025"),
    ]

    result = run(csv_bytes(rows, headers=HEADERS, delimiter=";"), operator)

    assert (result.applied, result.rows, result.created, result.updated, result.errors) == (True, 3, 2, 1, [])
    claims = {claim.employee_id: claim for claim in ThtClaim.objects.all()}
    assert claims[people[0].pk].amount_received == RP("25000000")
    assert claims[people[0].pk].received_on == D(2025, 7, 10)
    existing.refresh_from_db()
    # An empty reference keeps the one on record.
    assert (existing.amount_received, existing.taspen_reference) == (RP("27345600.50"), "TSP-LAMA")
    assert claims[people[2].pk].received_on == D(2025, 7, 12)
    assert existing.history.latest().history_user == operator


def test_an_xlsx_with_numbers_and_real_dates(operator, people):
    rows = [
        {"NIP": people[0].nip, "Jumlah": 25000000, "Referensi": "TSP-9", "Tanggal": D(2025, 7, 10)},
        {"NIP": people[1].nip, "Jumlah": 1250000.5, "Referensi": "TSP-10", "Tanggal": D(2025, 7, 11)},
    ]

    result = run(xlsx_bytes(rows, headers=HEADERS), operator, "tht.xlsx")

    assert result.applied and result.created == 2
    assert ThtClaim.objects.get(employee=people[1]).amount_received == RP("1250000.50")


def test_importing_the_same_file_twice_changes_nothing_the_second_time(operator, people):
    data = csv_bytes([line(person) for person in people], headers=HEADERS)
    run(data, operator)

    again = run(data, operator)

    assert (again.applied, again.created, again.updated, again.unchanged) == (True, 0, 0, 3)
    assert all(claim.history.count() == 1 for claim in ThtClaim.objects.all())


def test_one_bad_row_stops_every_row_and_each_error_names_its_cell(english, operator, people, unit):
    outsider = EmployeeFactory(unit=UnitKerjaFactory())
    rows = [
        line(people[0]),
        line(people[1], amount="0"),
        line(people[2], amount="dua juta"),
        {**line(people[0]), "Jumlah": "Rp 1.000.000.001"},
        line(outsider),
        {"NIP": "199001012015031999", "Jumlah": "1000", "Referensi": "", "Tanggal": "31-02-2025"},
        line(people[2], amount="5000", date=(timezone.localdate() + dt.timedelta(days=40)).strftime("%d-%m-%Y")),
    ]

    result = run(csv_bytes(rows, headers=HEADERS), operator)

    assert not result.applied and not ThtClaim.objects.exists()
    found = {(error.row, error.cell) for error in result.errors}
    assert found == {(3, "B3"), (4, "B4"), (5, "A5"), (5, "B5"), (6, "A6"), (7, "D7"), (8, "A8"), (8, "D8")}
    messages = {error.cell: error.message for error in result.errors}
    assert "more than zero" in messages["B3"]
    assert "not an amount" in messages["B4"]
    assert "1.000.000.000" in messages["B5"] and "also on row 2" in messages["A5"]
    assert messages["A6"] == "No employee with this NIP in your work units."
    assert "not a real date" in messages["D7"]
    assert "also on row 4" in messages["A8"] and "future" in messages["D8"]


def test_a_failed_row_leaves_earlier_claims_as_they_were(english, operator, people):
    ThtClaimFactory(employee=people[0], amount_received=RP("1000000"))
    rows = [line(people[0], "2.000.000"), line(people[1], "-5")]

    result = run(csv_bytes(rows, headers=HEADERS), operator)

    assert not result.applied
    assert ThtClaim.objects.get(employee=people[0]).amount_received == RP("1000000")
    assert ThtClaim.objects.count() == 1


def test_a_claim_with_a_prepared_payout_stops_the_whole_import(english, operator, people):
    from benefits.models import BenefitType
    from tests.factories import PayoutFactory

    ThtClaimFactory(employee=people[0], amount_received=RP("1000000"))
    PayoutFactory(employee=people[0], benefit_type=BenefitType.THT, amount=RP("1000000"))
    rows = [line(people[1], "3.000.000"), line(people[0], "2.000.000")]

    result = run(csv_bytes(rows, headers=HEADERS), operator)

    assert not result.applied and [error.row for error in result.errors] == [3]
    assert "cancel or reverse it first" in result.errors[0].message
    assert not ThtClaim.objects.filter(employee=people[1]).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "tht.csv", "empty"),
        (b"%PDF-1.4 not a sheet", "tht.csv", "not a spreadsheet"),
        (b"NIP,Referensi\n1,2\n", "tht.csv", "Missing columns: Jumlah"),
        (b"NIP,Jumlah\n", "tht.csv", "no rows"),
        (b"NIP,Jumlah\n1,2\n", "tht.pdf", ".pdf are not accepted"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(english, operator, data, name, message):
    with pytest.raises(PayoutError, match=message) as caught:
        run(data, operator, name)
    assert list(caught.value.errors) == ["file"]


def test_formulas_are_refused(english, operator, people):
    data = xlsx_bytes([line(people[0])], headers=HEADERS, formulas={(1, 1): "=1000*1000"})

    result = run(data, operator, "tht.xlsx")

    assert not result.applied and "formula" in result.errors[0].message and result.errors[0].cell == "B2"


def test_the_import_needs_the_permission(english, people):
    bendahara = UserFactory(roles=[roles.BENDAHARA])

    with pytest.raises(PayoutError, match="may not record THT"):
        run(csv_bytes([line(people[0])], headers=HEADERS), bendahara)
