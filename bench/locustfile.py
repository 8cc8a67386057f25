"""A day of Purna under load, for locust (pinned in requirements-test.txt); run by bench/locust_run.py.

Not started by hand: bench/locust_run.py fills the register, signs the users in, writes the plan this
file reads (PURNA_LOAD_PLAN: session cookies, employee ids, names to search, the event and its
participants) and starts gunicorn on 127.0.0.1. The users of the day:

- Staff (most of the traffic): search the register by name or NIP and open employees, look at the
  list, the work list of those retiring, the projection and the dashboard, an event's page, the
  payouts; now and then they ask for an export (the people retiring next month, as CSV).
- Retirees on the portal (phones) after the "certificate ready" emails went out: 600 of them in ten
  minutes is one a second; each opens their page.
- The check-in rush: three staff phones at the door, 600 people in 15 minutes (one every 1.5 s
  each): each opens the check-in page and checks a participant in.
- Reference: the plain 50-row ListView (bench/pages.py's) on the same server, alone in its own phase.

Wait times are zero for the saturation phases (closed loop: the rate the server sustains) and
PURNA_LOAD_PACE requests per second per user in the paced phase (locust's constant_throughput).
"""

import json
import os
import random

from locust import FastHttpUser, constant, constant_throughput, task

PLAN = json.loads(open(os.environ["PURNA_LOAD_PLAN"]).read()) if os.environ.get("PURNA_LOAD_PLAN") else {}  # noqa: SIM115
PACE = float(os.environ.get("PURNA_LOAD_PACE", "0"))
RNG = random.Random(7)


def wait():
    """Zero between requests when saturating, else the pace set by the runner."""
    return constant_throughput(PACE) if PACE else constant(0)


class _Signed(FastHttpUser):
    abstract = True
    wait_time = wait()
    cookie_key = "staff"

    def on_start(self) -> None:
        cookies = PLAN.get("cookies", {}).get(self.cookie_key) or [""]
        self.cookie = RNG.choice(cookies)

    def get(self, path: str, name: str) -> None:
        self.client.get(path, name=name, headers={"Cookie": self.cookie})


class ReferenceUser(_Signed):
    """The reference: the plain 50-row ListView, a page at a time, requested with a staff session as in
    bench/pages.py (the same middleware: the session, the user, the second factor)."""

    @task
    def reference(self) -> None:
        page = RNG.randint(1, PLAN.get("reference_pages", 1))
        self.get(f"/bench-reference/?page={page}", "reference: plain 50-row ListView")


class StaffUser(_Signed):
    weight = 8

    @task(6)
    def employee_detail(self) -> None:
        self.get(f"/pegawai/{RNG.choice(PLAN['employee_ids'])}/", "employee detail")

    @task(4)
    def search(self) -> None:
        self.get(f"/pegawai/?q={RNG.choice(PLAN['searches'])}", "employee list, search")

    @task(2)
    def employee_list(self) -> None:
        self.get("/pegawai/?status=aktif_mpp", "employee list")

    @task(2)
    def dashboard(self) -> None:
        self.get("/", "dashboard")

    @task(2)
    def work_list(self) -> None:
        self.get("/pegawai/akan-purna-tugas/?bulan=12", "work list, 12 months")

    @task(1)
    def projection(self) -> None:
        self.get("/pegawai/proyeksi/", "projection")

    @task(1)
    def event_detail(self) -> None:
        self.get(f"/acara/{PLAN['event_id']}/", "event detail")

    @task(1)
    def payouts(self) -> None:
        self.get("/tht-tali-asih/pembayaran/", "payout list")

    @task(1)
    def export(self) -> None:
        self.get(PLAN["export_path"], "export request (next month, CSV)")


class RetireeUser(_Signed):
    """A retiree opening the portal from the "certificate ready" email."""

    weight = 2
    cookie_key = "retirees"

    @task
    def portal(self) -> None:
        self.get("/portal/", "portal home (retiree)")


class CheckinPhone(_Signed):
    """One of three staff phones at the door of the event."""

    fixed_count = 3
    cookie_key = "phones"
    # 600 people in 15 minutes on three phones: one every 4.5 s each; the saturation phases push harder.
    wait_time = constant(4.5) if PACE else constant(0)

    @task
    def check_in(self) -> None:
        participant = RNG.choice(PLAN["participant_ids"])
        token = PLAN["csrf"]
        self.client.post(
            f"/acara/peserta/{participant}/hadir/",
            name="check-in (POST, then the check-in page)",
            headers={"Cookie": f"{self.cookie}; csrftoken={token}", "X-CSRFToken": token},
        )
