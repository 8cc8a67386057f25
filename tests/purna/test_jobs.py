"""purna/jobs.py: the memory ceiling of heavy tasks, in this process (Linux's RLIMIT_DATA)."""

import resource

import pytest

from purna.jobs import MB, data_bytes, memory_ceiling


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
