"""The README's run command, as a new user runs it: `make run` from a clean var/, in a copy of the tree.

It must serve on the port it prints (8000), let the admin sign in with the password it printed and set up
its second factor, run a background job started from a page, keep web, worker and beat alive across
several beat sweeps, and stop all three within 10 seconds of Ctrl-C (SIGINT to its process group).
"""

import base64
import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django_otp.oath import TOTP

from purna.management.commands.run_all import port_in_use
from tests.employees.sheets import csv_bytes, row
from tests.trees import person_env, tree_copy

pytestmark = pytest.mark.run_command

PORT = 8000
BASE_URL = f"http://127.0.0.1:{PORT}"
SWEEP_SECONDS = 5
SWEEPS = 3
START_TIMEOUT = 120  # migrations and demo data on a fresh SQLite database, on a 2-core machine
STOP_TIMEOUT = 10


@pytest.fixture
def tree(tmp_path) -> Path:
    return tree_copy(tmp_path / "purna")


@pytest.fixture
def free_port():
    if port_in_use("127.0.0.1", PORT):
        if os.environ.get("CI") == "true":
            pytest.fail(f"port {PORT} is taken: CI must run the end-to-end test of `make run`")
        pytest.skip(f"port {PORT} is taken by another program: `make run` cannot be tried here now")


class MakeRun:
    """`make run` in its own process group, its output in a file."""

    def __init__(self, tree: Path) -> None:
        self.log_path = tree.parent / "make-run.log"
        env = person_env()
        env["PURNA_SWEEP_EVERY_SECONDS"] = str(SWEEP_SECONDS)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                ["make", "run"],
                cwd=tree,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, predicate, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.process.poll() is None, f"make run stopped while waiting for {what}"
            assert time.monotonic() < deadline, f"no {what} within {timeout} s"
            time.sleep(0.5)

    def pids(self) -> dict[str, int]:
        """Process group of web, worker and beat (honcho starts each in a session of its own)."""
        return {name: int(pid) for name, pid in re.findall(r"\| (\w+) started \(pid=(\d+)\)", self.output())}

    def kill(self) -> None:
        for pgid in [self.process.pid, *self.pids().values()]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        self.process.wait()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


class Browser:
    """A person's browser, reduced to cookies and forms (urllib)."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> tuple[str, str]:
        with self.opener.open(BASE_URL + path, timeout=10) as response:
            return response.url, response.read().decode()

    def post(self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]] | None = None):
        _, page = self.get(path)
        fields = {"csrfmiddlewaretoken": csrf_token(page), **fields}
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in fields.items():
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, (filename, content) in (files or {}).items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: text/csv\r\n\r\n"
                ).encode()
                + content
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(  # noqa: S310 - BASE_URL is http on the loopback
            BASE_URL + path, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.url, response.read().decode()


def authenticator_code(secret: str) -> str:
    totp = TOTP(base64.b32decode(secret))
    return f"{totp.token():06d}"


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match[1]


def answers(path: str) -> bool:
    try:
        with urllib.request.urlopen(BASE_URL + path, timeout=5) as response:  # noqa: S310 - http on the loopback
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def test_make_run_serves_runs_jobs_and_stops_on_ctrl_c(tree, free_port):
    run = MakeRun(tree)
    try:
        run.wait_for(lambda: answers("/"), START_TIMEOUT, f"answer on {BASE_URL}/")
        output = run.output()
        assert f"{BASE_URL}/" in output
        password = re.search(r"admin / (\S+)", output)
        assert password, "make run printed no admin password"

        browser = Browser()
        url, page = browser.post("/akun/masuk/", {"username": "admin", "password": password[1]})
        assert "/akun/masuk/" not in url, "the printed password did not sign in"
        # The admin reaches the Django admin, so it sets up an authenticator app first (purna/two_factor),
        # the code computed here as the phone's app would from the key the page shows.
        assert "/akun/dua-faktor/daftar/" in url, url
        secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page)[1].replace(" ", "")
        url, _ = browser.post("/akun/dua-faktor/daftar/", {"code": authenticator_code(secret)})
        assert url.endswith("/akun/dua-faktor/kode-cadangan/"), url

        nip = row(sequence=987)["NIP"]
        upload = csv_bytes([row(sequence=987)])
        url, _ = browser.post("/pegawai/impor/", {}, files={"file": ("pegawai.csv", upload)})
        job = re.search(r"/pegawai/impor/(\d+)/$", url)
        assert job, f"the upload did not lead to its job's page: {url}"

        def import_status() -> str:
            _, partial = browser.get(f"/pegawai/impor/{job[1]}/progres/")
            return re.search(r'data-status="(\w+)"', partial)[1]

        run.wait_for(lambda: import_status() not in ("pending", "running"), 60, "end of the import")
        assert import_status() == "done"
        _, employees = browser.get("/pegawai/?" + urllib.parse.urlencode({"q": nip}))
        assert "Siti Aminah 987" in employees

        run.wait_for(
            lambda: len(re.findall(r"outbox_sweep_task\[[^\]]+\] succeeded", run.output())) >= SWEEPS,
            SWEEP_SECONDS * (SWEEPS + 4),
            f"{SWEEPS} sweeps of the outbox",
        )
        pids = run.pids()
        assert set(pids) == {"web", "worker", "beat"}
        assert all(group_alive(pgid) for pgid in pids.values()), pids
        assert "stopped (rc=" not in run.output()
        assert "Traceback" not in run.output()
        assert answers("/healthz")

        os.killpg(run.process.pid, signal.SIGINT)
        signalled = time.monotonic()
        while any(group_alive(pgid) for pgid in pids.values()):
            assert time.monotonic() - signalled < STOP_TIMEOUT, f"still running {STOP_TIMEOUT} s after Ctrl-C"
            time.sleep(0.2)
        run.process.wait(timeout=STOP_TIMEOUT)
        assert "sending SIGKILL" not in run.output(), "a process had to be killed"
    finally:
        if run.process.poll() is None or any(group_alive(pgid) for pgid in run.pids().values()):
            run.kill()
        # Whatever happened, `make run`'s own account of it is in the test report.
        print(run.output())
