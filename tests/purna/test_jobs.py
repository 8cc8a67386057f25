"""purna/jobs.py: the memory ceiling of heavy tasks, in this process (Linux's RLIMIT_DATA)."""

import resource

import pytest

from purna.jobs import MB, JobStatus, ProgressJob, data_bytes, memory_ceiling, progress_percent


def test_an_allocation_past_the_ceiling_fails_and_the_limit_is_restored_after():
    before = resource.getrlimit(resource.RLIMIT_DATA)
    assert data_bytes() > 0

    with memory_ceiling(64):
        small = bytearray(16 * MB)
        with pytest.raises(MemoryError):
            bytearray(256 * MB)
    del small

    assert resource.getrlimit(resource.RLIMIT_DATA) == before
    assert len(bytearray(256 * MB)) == 256 * MB


def test_the_ceiling_is_restored_when_the_block_raises():
    before = resource.getrlimit(resource.RLIMIT_DATA)

    with pytest.raises(MemoryError), memory_ceiling(64):
        bytearray(256 * MB)

    assert resource.getrlimit(resource.RLIMIT_DATA) == before


def test_zero_means_no_ceiling():
    before = resource.getrlimit(resource.RLIMIT_DATA)

    with memory_ceiling(0):
        assert resource.getrlimit(resource.RLIMIT_DATA) == before
        assert len(bytearray(256 * MB)) == 256 * MB


# --- ProgressJob: the stored state every long job shares --------------------------------------------------


@pytest.mark.parametrize(
    ("done", "total", "finished", "expected"),
    [
        (0, 10, False, 0),
        (4, 10, False, 40),
        (2, 3, False, 66),  # rounded down: 100 only once everything is done
        (999, 1000, False, 99),
        (1000, 1000, True, 100),
        (12, 10, False, 100),  # never past 100
        (0, 0, False, 0),  # nothing counted yet
        (0, 0, True, 100),  # finished with nothing to do
    ],
)
def test_progress_percent_is_one_rule(done, total, finished, expected):
    assert progress_percent(done, total, finished=finished) == expected


def test_the_four_job_models_share_progress_job():
    from benefits.models import PayoutBatch
    from ceremonies.models import CertificateBatch
    from employees.choices import ImportStatus
    from employees.models import FactsRefreshRun, ImportJob

    for model in (ImportJob, FactsRefreshRun, PayoutBatch, CertificateBatch):
        assert issubclass(model, ProgressJob)
    job = ImportJob(total_rows=10, processed_rows=4, status=ImportStatus.RUNNING)
    assert (job.total, job.done, job.progress_percent, job.is_running, job.is_finished) == (10, 4, 40, True, False)
    batch = PayoutBatch(total=3, done=2, status=JobStatus.FAILED)
    assert (batch.progress_percent, batch.running, batch.is_finished) == (66, False, True)


def test_a_recomputation_says_its_status_from_its_dates():
    from django.utils import timezone

    from employees.models import FactsRefreshRun

    now = timezone.now()
    assert FactsRefreshRun().status == JobStatus.PENDING
    assert FactsRefreshRun(started_at=now).status == JobStatus.RUNNING
    assert FactsRefreshRun(started_at=now, finished_at=now).status == JobStatus.DONE
    assert FactsRefreshRun(started_at=now, finished_at=now, error="boom").status == JobStatus.FAILED
