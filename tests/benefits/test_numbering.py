"""Receipt numbers: the pattern (benefits/numbering.py, checked at start-up) and the year's sequence
(benefits.services_receipts.number_next): consecutive, per year, without gaps, under concurrency."""

import threading

import pytest
from django.core.checks import Error
from django.db import connection, transaction

from benefits import numbering, services_receipts
from benefits.checks import receipt_number_pattern_check
from benefits.models import DocumentCounter, PayoutStatus, Receipt
from purna import roles
from tests.benefits.documents_helpers import payout_in
from tests.factories import UserFactory


@pytest.mark.parametrize(
    ("pattern", "seq", "year", "month", "expected"),
    [
        ("900/{seq}/BKPSDM/{year}", 123, 2025, 10, "900/123/BKPSDM/2025"),
        ("900/{seq:04d}/BKPSDM/{year}", 7, 2025, 10, "900/0007/BKPSDM/2025"),
        ("900/{seq:03d}/BKPSDM/{month_roman}/{year}", 12, 2026, 1, "900/012/BKPSDM/I/2026"),
        ("KU-{year}-{seq:05d}-{month_roman}", 1, 2025, 12, "KU-2025-00001-XII"),
    ],
)
def test_a_number_is_formatted_by_the_pattern(pattern, seq, year, month, expected):
    assert numbering.pattern_problems(pattern) == []
    assert numbering.number_format(pattern, seq=seq, year=year, month=month) == expected


def test_roman_months():
    assert [numbering.month_roman(m) for m in (1, 4, 9, 10, 12)] == ["I", "IV", "IX", "X", "XII"]


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("900/BKPSDM/{year}", "needs {seq}"),
        ("900/{seq}/BKPSDM", "needs {year}"),
        ("900/{seq}/{bulan}/{year}", "Unknown placeholders {bulan}"),
        ("900/{seq/BKPSDM/{year}", "braces"),
        ("900/{seq:x04}/{year}", "cannot be formatted"),
    ],
)
def test_a_wrong_pattern_is_explained(pattern, message, english):
    problems = numbering.pattern_problems(pattern)
    assert problems
    assert message in " ".join(problems)


def test_the_start_up_check_stops_a_wrong_pattern(settings, english):
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{nomor}/BKPSDM"
    errors = receipt_number_pattern_check()
    assert errors and all(isinstance(error, Error) and error.id == "benefits.E001" for error in errors)
    assert "PURNA_RECEIPT_NUMBER_PATTERN '900/{nomor}/BKPSDM'" in errors[0].msg
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{seq}/BKPSDM/{year}"
    assert receipt_number_pattern_check() == []


@pytest.mark.django_db
def test_numbers_follow_each_other_and_restart_each_year():
    with transaction.atomic():
        first = [services_receipts.number_next(kind="kuitansi", year=2025) for _ in range(3)]
        next_year = [services_receipts.number_next(kind="kuitansi", year=2026) for _ in range(2)]
        other_kind = services_receipts.number_next(kind="berita_acara", year=2025)
        back = services_receipts.number_next(kind="kuitansi", year=2025)
    assert first == [1, 2, 3]
    assert next_year == [1, 2]
    assert other_kind == 1
    assert back == 4
    assert DocumentCounter.objects.get(kind="kuitansi", year=2025).last == 4


@pytest.mark.django_db(transaction=True)
def test_a_number_is_taken_only_inside_a_transaction():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services_receipts.number_next(kind="kuitansi", year=2025)


@pytest.fixture
def treasurer(db):
    return UserFactory(username="bendahara", roles=[roles.BENDAHARA])


@pytest.mark.django_db
def test_a_receipt_rolled_back_gives_its_number_back(treasurer, settings, django_capture_on_commit_callbacks):
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{seq}/BKPSDM/{year}"
    first, second = payout_in(PayoutStatus.PAID), payout_in(PayoutStatus.PAID)
    with pytest.raises(RuntimeError, match="after the receipt"), transaction.atomic():
        receipt = services_receipts.receipt_issue(payout=first, actor=treasurer)
        assert receipt.seq == 1
        raise RuntimeError("something failed after the receipt")
    assert not Receipt.objects.exists()
    with django_capture_on_commit_callbacks():
        receipt = services_receipts.receipt_issue(payout=second, actor=treasurer)
    assert (receipt.seq, receipt.number) == (1, "900/1/BKPSDM/2025")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks (SELECT ... FOR UPDATE) need PostgreSQL")
def test_twenty_receipts_from_four_threads_get_one_to_twenty_once(monkeypatch):
    # No broker in this test: the PDFs themselves are not what it is about.
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    treasurer = UserFactory(username="bendahara", roles=[roles.BENDAHARA])
    payouts = [payout_in(PayoutStatus.PAID) for _ in range(20)]
    barrier = threading.Barrier(4)
    errors = []

    def issue(mine):
        try:
            barrier.wait()
            for payout in mine:
                services_receipts.receipt_issue(payout=payout, actor=treasurer)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(payouts[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(Receipt.objects.values_list("seq", flat=True)) == list(range(1, 21))
    assert DocumentCounter.objects.get(kind=services_receipts.RECEIPT, year=2025).last == 20
