"""A real Celery worker in its own process, for the tests that need one (tests/conftest.py: worker_queue)."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

WORKER_START_TIMEOUT = 60


def database_url(settings_dict: dict) -> str:
    """DATABASE_URL naming the database this test process uses (the pytest test database)."""
    if settings_dict["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    assert settings_dict["ENGINE"] == "django.db.backends.postgresql", settings_dict["ENGINE"]
    credentials = quote(settings_dict["USER"] or "", safe="")
    if settings_dict["PASSWORD"]:
        credentials += ":" + quote(settings_dict["PASSWORD"], safe="")
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    return f"postgres://{credentials}{'@' if credentials else ''}{host}{port}/{settings_dict['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    """This process's environment for a worker: the same test database, tasks really sent to it."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(connection.settings_dict),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


# The pool options a worker takes from its command line (the rest, queues and logging, are the test's).
POOL_OPTIONS = ("--pool", "--concurrency", "--max-tasks-per-child", "--max-memory-per-child", "--prefetch-multiplier")


def deployed_worker_options() -> list[str]:
    """The pool options of the worker as docker-compose.yml runs it in production (a variable's default
    filled in: `--concurrency=${WORKER_CONCURRENCY:-2}` is `--concurrency=2`), the prefork pool unless it
    names another: a test run with them follows any change made there."""
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()
    line = re.search(r'^\s*command: (\["celery", "-A", "purna", "worker".*\])$', compose, re.MULTILINE)
    assert line, "docker-compose.yml runs no Celery worker"
    arguments = [re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", argument) for argument in json.loads(line.group(1))]
    options = [argument for argument in arguments if argument.split("=", 1)[0] in POOL_OPTIONS]
    if not any(option.startswith("--pool") for option in options):
        options.insert(0, "--pool=prefork")
    return options


class WorkerProcess:
    """`celery worker` in its own process on a private queue, with `env` (see worker_env); can be killed
    and started again, each run logging to a file of its own. `pool`: "solo" (the task runs in the
    worker's process) or "prefork" (in a child process, as in production); `options` instead of `pool`:
    the pool's options in full (deployed_worker_options: as production runs it).

    Each run leads a process group of its own, so that kill() takes the pool's children with it."""

    def __init__(
        self, queue: str, env: dict[str, str], log_dir: Path, pool: str = "solo", options: list[str] | None = None
    ) -> None:
        self.queue = queue
        self.options = options if options is not None else [f"--pool={pool}", "--concurrency=1"]
        self.env = env
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None
        self.runs = 0
        self.log_path = log_dir / "worker-0.log"

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        self.runs += 1
        self.log_path = self.log_dir / f"worker-{self.runs}.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "purna",
                    "worker",
                    *self.options,
                    "-Q",
                    self.queue,
                    "--hostname",
                    f"{self.queue}-{self.runs}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while "ready." not in self.log_path.read_text():
            assert self.process.poll() is None, f"the worker stopped:\n{self.log_path.read_text()}"
            assert time.monotonic() < deadline, f"the worker did not start:\n{self.log_path.read_text()}"
            time.sleep(0.2)

    def processes(self) -> list[int]:
        """The ids of this run's processes still alive: the main process and its pool's children."""
        assert self.process is not None
        group = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue  # it ended meanwhile
                # "pid (comm) state ppid pgrp ...": the command's name may hold spaces and parentheses.
                state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
                if int(pgrp) == self.process.pid and state != "Z":
                    group.append(int(entry.name))
        return sorted(group)

    def kill(self) -> None:
        """SIGKILL to the main process and its pool's children at once: no clean-up, no acknowledgement, as
        when the machine dies (or `docker kill` stops the container)."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        deadline = time.monotonic() + 10
        while self.processes():
            assert time.monotonic() < deadline, f"still alive after SIGKILL: {self.processes()}"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def logs(self) -> str:
        return "\n".join(f"--- {path.name}\n{path.read_text()}" for path in sorted(self.log_dir.glob("worker-*.log")))


def instead_of_broker(monkeypatch, task, call) -> None:
    """What would go to the broker for `task` (apply_async, which purna/dispatch.py uses) calls `call`
    with the task's arguments instead: for the tests that check what was handed over, not the broker."""
    monkeypatch.setattr(task, "apply_async", lambda args=(), kwargs=None, **_options: call(*args, **(kwargs or {})))
