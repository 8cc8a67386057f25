"""The embedded default holds many clicks at once (issue 15): a server started as `make run` starts it
(`manage.py run_all`: runserver, a Celery worker and beat, on SQLite, with the SQLite broker), in a copy
of the tree, while 8 clients for 20 seconds verify and approve payouts in bulk, pay them (two treasurers
racing for the same one) and issue their receipts.

No answer may be a 5xx; every payout ends in exactly one state, reached once (its timeline has one entry
per step, so nothing was verified, approved or paid twice); every receipt issued is rendered and its file
stored. The server always runs on SQLite, also when the suite runs on PostgreSQL (CI).
"""

import concurrent.futures
import contextlib
import datetime as dt
import http.cookiejar
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django.utils import timezone

from purna.management.commands.run_all import port_in_use
from tests.trees import person_env, tree_copy

pytestmark = pytest.mark.concurrency

PORT = int(os.environ.get("PURNA_CONCURRENCY_PORT", "8103"))
BASE_URL = f"http://127.0.0.1:{PORT}"
PAYOUTS = 40
CLIENTS = 8
SECONDS = 20
START_TIMEOUT = 90
RENDER_TIMEOUT = 60
PASSWORD = "rahasia-uji-123"  # tests.factories.UserFactory's
# The steps of a payout, in order, as stored (benefits.models.PayoutStatus).
STEPS = ["draf", "diverifikasi", "disetujui", "dibayar"]
BENEFITS = "/tht-tali-asih/pembayaran/"


def seed(count: int) -> None:
    """Run inside the copy (`manage.py shell`): one user per role, a tali asih rate, and `count` draft
    payouts prepared by the operator through the service (so each has its first timeline entry)."""
    from benefits.models import BenefitType
    from benefits.services import payouts as services
    from purna import roles
    from tests.factories import EmployeeFactory, TaliAsihRateFactory, UnitKerjaFactory, UserFactory

    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    users = {
        "operator": UserFactory(username="operator", roles=[roles.OPERATOR]),
        "verifikator": UserFactory(username="verifikator", roles=[roles.VERIFIKATOR]),
        "pimpinan": UserFactory(username="pimpinan", roles=[roles.PIMPINAN]),
        "bendahara": UserFactory(username="bendahara", roles=[roles.BENDAHARA]),
    }
    TaliAsihRateFactory()
    for _ in range(count):
        employee = EmployeeFactory(
            unit=unit, golongan="III/c", tmt_pensiun=dt.date(2025, 7, 1), service_years=30, service_months=4
        )
        services.payout_prepare(employee=employee, benefit_type=BenefitType.TALI_ASIH, actor=users["operator"])


@pytest.fixture
def tree(tmp_path) -> Path:
    return tree_copy(tmp_path / "purna", uncommitted=True)


def server_env() -> dict[str, str]:
    """`make run`'s environment: a person's shell, DEBUG on, none of the suite's settings (DATABASE_URL...)."""
    # The clients sign in with a password only: the second step (tests/purna/test_two_factor.py) is not
    # what this test is about, and make run's development mode may turn it off.
    return person_env(DEBUG="true", PORT=str(PORT), PURNA_TWO_FACTOR="false")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A signed-in person: cookies, the CSRF token, every answer's status counted (redirects not followed)."""

    def __init__(self, username: str, statuses: Counter, failures: list, lock: threading.Lock) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.statuses, self.failures, self.lock = statuses, failures, lock
        self.request("GET", "/akun/masuk/")
        status, _ = self.request("POST", "/akun/masuk/", {"username": username, "password": PASSWORD})
        assert status == 302, f"{username} could not sign in ({status})"

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == "csrftoken")

    def request(self, method: str, path: str, fields: dict | list | None = None) -> tuple[int, str]:
        data = None
        if method == "POST":
            pairs = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
            data = urllib.parse.urlencode([("csrfmiddlewaretoken", self.csrf()), *pairs]).encode()
        request = urllib.request.Request(BASE_URL + path, data=data, method=method)  # noqa: S310 - http, loopback
        try:
            with self.opener.open(request, timeout=60) as response:
                status, body = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.failures.append(f"{method} {path}: {status} {body[:300]}")
        return status, body

    def payout_ids(self, status: str) -> list[int]:
        _, page = self.request("GET", f"{BENEFITS}?status={status}")
        return sorted({int(pk) for pk in re.findall(rf'href="{BENEFITS}(\d+)/"', page)})


def verifier(client: Client, ids: list[int], stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        # Overlapping selections, drafts and others: some are verified, the rest refused with a message.
        picked = rng.sample(ids, rng.randint(5, 20))
        client.request("POST", f"{BENEFITS}verifikasi/", [("payout", pk) for pk in picked])


def approver(client: Client, ids: list[int], stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        picked = client.payout_ids("diverifikasi") or rng.sample(ids, 5)
        client.request("POST", f"{BENEFITS}setujui/", [("payout", pk) for pk in picked[: rng.randint(3, 20)]])


def pay_fields() -> dict[str, str]:
    return {
        "method": "transfer",
        "paid_on": timezone.localdate().isoformat(),
        "bank_name": "Bank Kaltimtara",
        "account_number": "0012345678",
        "account_holder": "Penerima",
    }


def treasurer(client: Client, ids: list[int], stop: float, rng: random.Random) -> None:
    fields = pay_fields()
    while time.monotonic() < stop:
        # Both treasurers take the first approved payout: they often pay the same one at the same moment.
        approved = client.payout_ids("disetujui")
        pk = approved[0] if approved else rng.choice(ids)
        client.request("POST", f"{BENEFITS}{pk}/bayar/", fields)
        client.request("GET", f"{BENEFITS}{pk}/")


def receipts(client: Client, ids: list[int], stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        ready = client.payout_ids("dibayar") + client.payout_ids("disetujui")
        pk = rng.choice(ready) if ready else rng.choice(ids)
        client.request("POST", f"{BENEFITS}{pk}/kuitansi/terbitkan/")
        client.request("GET", f"{BENEFITS}{pk}/kuitansi/status/")


def answers(path: str) -> bool:
    try:
        with urllib.request.urlopen(BASE_URL + path, timeout=5) as response:  # noqa: S310 - http, loopback
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_embedded_default_holds_concurrent_clicks(tree):
    if port_in_use("127.0.0.1", PORT):
        if os.environ.get("CI") == "true":
            pytest.fail(f"port {PORT} is taken: CI must run the concurrency test (PURNA_CONCURRENCY_PORT)")
        pytest.skip(f"port {PORT} is taken by another program (PURNA_CONCURRENCY_PORT chooses another)")
    python = str(tree / ".venv" / "bin" / "python")
    env = server_env()
    (tree / "var" / "media").mkdir(parents=True)
    (tree / "var" / "mail").mkdir()
    started = time.monotonic()
    code = (
        "from django.core.management import call_command; call_command('migrate', interactive=False, verbosity=0); "
        f"from tests.purna.test_concurrency import seed; seed({PAYOUTS})"
    )
    subprocess.run([python, "manage.py", "shell", "-c", code], cwd=tree, env=env, check=True)
    print(f"migrated and seeded in {time.monotonic() - started:.0f} s")
    log_path = tree.parent / "run-all.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [python, "manage.py", "run_all"],
            cwd=tree,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    database = tree / "var" / "purna.sqlite3"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not answers("/healthz"):
            assert server.poll() is None, "run_all stopped before answering"
            assert time.monotonic() < deadline, f"no answer on {BASE_URL} within {START_TIMEOUT} s"
            time.sleep(0.5)

        print(f"answering after {time.monotonic() - started:.0f} s")
        statuses: Counter = Counter()
        failures: list[str] = []
        lock = threading.Lock()
        roles = [
            "verifikator",
            "verifikator",
            "pimpinan",
            "pimpinan",
            "bendahara",
            "bendahara",
            "operator",
            "bendahara",
        ]
        work = [verifier, verifier, approver, approver, treasurer, treasurer, receipts, receipts]
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            clients = list(pool.map(lambda username: Client(username, statuses, failures, lock), roles))
        ids = clients[0].payout_ids("draf")
        assert len(ids) == PAYOUTS
        # Four treasurers pay the same approved payout at the same moment: one payment, three refusals
        # with the reason (422), no error.
        first = ids[0]
        clients[0].request("POST", f"{BENEFITS}verifikasi/", {"payout": first})
        clients[2].request("POST", f"{BENEFITS}setujui/", {"payout": first})
        assert clients[0].payout_ids("disetujui") == [first]
        payers = [clients[4], clients[5], clients[7], Client("bendahara", statuses, failures, lock)]
        together = threading.Barrier(len(payers))

        def pay(client: Client) -> int:
            together.wait()
            return client.request("POST", f"{BENEFITS}{first}/bayar/", pay_fields())[0]

        with concurrent.futures.ThreadPoolExecutor(len(payers)) as pool:
            assert sorted(pool.map(pay, payers)) == [302, 422, 422, 422], failures

        errors: list[BaseException] = []
        stop = time.monotonic() + SECONDS

        def run(task, client, seed_value):
            try:
                task(client, ids, stop, random.Random(seed_value))
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=run, args=(task, client, n))
            for n, (task, client) in enumerate(zip(work, clients, strict=True))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=SECONDS + 120)
        print(f"clients done after {time.monotonic() - started:.0f} s")
        assert not errors, errors
        assert not failures, f"{len(failures)} server errors, answers {dict(statuses)}:\n" + "\n".join(failures[:10])

        # Every receipt issued is rendered by the worker (a "database is locked" is retried, not lost).
        def pending() -> list:
            with contextlib.closing(sqlite3.connect(database, timeout=20)) as db:
                return db.execute("SELECT id FROM benefits_receipt WHERE status != 'selesai'").fetchall()

        deadline = time.monotonic() + RENDER_TIMEOUT
        while pending():
            assert server.poll() is None, "run_all stopped while the receipts were being rendered"
            assert time.monotonic() < deadline, f"receipts still not rendered: {pending()}"
            time.sleep(0.5)

        with contextlib.closing(sqlite3.connect(database, timeout=20)) as db:
            payouts = dict(db.execute("SELECT id, status FROM benefits_payout").fetchall())
            timeline: dict[int, list[str]] = {pk: [] for pk in payouts}
            for pk, to_status in db.execute("SELECT payout_id, to_status FROM benefits_payoutstatuschange ORDER BY id"):
                timeline[pk].append(to_status)
            stored = db.execute("SELECT file FROM benefits_receipt").fetchall()
        assert len(payouts) == PAYOUTS
        for pk, status in payouts.items():
            assert status in STEPS, (pk, status)
            # One entry per step up to where it stands: nothing done twice, nothing half-recorded.
            assert timeline[pk] == STEPS[: STEPS.index(status) + 1], (pk, status, timeline[pk])
        reached = Counter(payouts.values())
        assert reached["dibayar"] > 0, reached
        assert stored, "no receipt was issued"
        private = tree / "var" / "private"
        for (name,) in stored:
            assert name and (private / name).is_file(), name
        print(f"answers {dict(statuses)}; payouts {dict(reached)}; receipts {len(stored)}")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        # honcho starts each process in a group of its own: none may outlive the test.
        for pgid in map(int, re.findall(r"\| \w+ started \(pid=(\d+)\)", log_path.read_text(errors="replace"))):
            if group_alive(pgid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
        log = log_path.read_text(errors="replace")
        print(log[-20000:])
