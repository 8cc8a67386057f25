"""Background jobs' shared plumbing: the memory ceiling of heavy tasks.

A Celery worker child is replaced once a task leaves it above CELERY_WORKER_MAX_MEMORY_PER_CHILD, but
that is checked after the task: a task that runs away (a spreadsheet that unpacks to gigabytes) would
take the machine first. memory_ceiling bounds the task itself: for its duration the process's data
segment (RLIMIT_DATA: the heap and private writable mappings, which Linux counts since 4.7) may grow by
at most the given number of megabytes; an allocation past it fails. In Python code that is a
MemoryError, which the task catches and reports; native code (python-calamine's Rust) aborts the
process instead, and the job's stored state then says what happened (the job is not run again: see
employees/services/imports.py import_job_run).
"""

import contextlib
import resource
from collections.abc import Iterator
from pathlib import Path

MB = 1024 * 1024


def data_bytes() -> int:
    """This process's data segment now (VmData), 0 where /proc does not say."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmData:"):
            return int(line.split()[1]) * 1024
    return 0


@contextlib.contextmanager
def memory_ceiling(megabytes: int) -> Iterator[None]:
    """Within the block, this process's data segment may grow by at most `megabytes` (0: no ceiling).
    The previous limit is restored afterwards (a worker child runs other tasks next)."""
    current = data_bytes()
    if megabytes <= 0 or not current:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    ceiling = current + megabytes * MB
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            ceiling = min(ceiling, limit)
    resource.setrlimit(resource.RLIMIT_DATA, (ceiling, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
