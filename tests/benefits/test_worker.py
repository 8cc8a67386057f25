"""The preparation batch run by a real Celery worker (tests/workers.py) against the test database."""

import datetime as dt

from benefits.models import BatchStatus, BenefitType, Payout, PayoutBatch
from benefits.tasks import payouts_prepare_batch_task
from purna import roles
from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory


def test_a_real_worker_prepares_a_batch(worker_queue):
    # Transactional tests flush the role groups the migrations made.
    roles.roles_sync()
    operator = UserFactory(username="operator-batch", roles=[roles.OPERATOR])
    TaliAsihRateFactory()
    unit = UnitKerjaFactory()
    people = [EmployeeFactory(unit=unit, tmt_pensiun=dt.date(2025, 7, 1), service_years=20) for _ in range(30)]
    batch = PayoutBatch.objects.create(
        benefit_type=BenefitType.TALI_ASIH,
        employee_ids=[person.pk for person in people],
        total=len(people),
        requested_by=operator,
    )

    status = payouts_prepare_batch_task.apply_async(args=[batch.pk], queue=worker_queue).get(timeout=120)

    batch.refresh_from_db()
    assert status == BatchStatus.DONE
    assert (batch.done, batch.created, batch.errors) == (30, 30, [])
    assert Payout.objects.filter(prepared_by=operator).count() == 30
