"""Receipt numbers from the shared counter (purna/numbering.py, tested in tests/purna/test_numbering.py):
a rolled-back receipt gives its number back, and concurrent treasurers get each number once."""

import threading

import pytest
from django.db import connection, transaction

from benefits.models import PayoutStatus, Receipt
from benefits.services import receipts as services_receipts
from purna import roles
from purna.models import DocumentCounter
from tests.benefits.documents_helpers import payout_in
from tests.factories import UserFactory


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
