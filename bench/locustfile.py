"""A day of Purna under load, for locust (pinned in requirements-test.txt); run by bench/locust_run.py.

The requests themselves are bench/day.py's (bench/mix_requests.py times each alone).

Not started by hand: bench/locust_run.py fills the register, signs the users in, writes the plan this
file reads (PURNA_LOAD_PLAN: session cookies, employee ids, names to search, the event and its
participants) and starts gunicorn on 127.0.0.1. The users of the day:

- Staff (most of the traffic): search the register by name or NIP and open employees, look at the
  list, the work list of those retiring, the projection and the dashboard, an event's page, the
  payouts; now and then they ask for an export (the people retiring next month, as CSV).
- Retirees on the portal (phones) after the "certificate ready" emails went out: 600 of them in ten
  minutes is one a second; each opens their page.
- The check-in rush: three staff phones at the door, 600 people in 15 minutes (one every 4.5 s
  each): each phone opens the check-in page and fetches the list it keeps once, then for each person
  taps "Present" after the search as you type (htmx), scans the QR code (the queue sent, then the list
  fetched again) or searches a name with the button, then taps (bench/day.py's PHONE).
- Reference: the plain 50-row ListView (bench/pages.py's) on the same server, alone in its own phase.

Wait times are zero for the saturation phases (closed loop: the rate the server sustains) and
PURNA_LOAD_PACE requests per second per user in the paced phase, as Poisson arrivals (poisson_pacing).
"""

import json
import os
import random
import sys
import time
from pathlib import Path

import gevent
from locust import FastHttpUser, constant

sys.path.insert(0, str(Path(__file__).resolve().parent))
import day

PLAN = json.loads(open(os.environ["PURNA_LOAD_PLAN"]).read()) if os.environ.get("PURNA_LOAD_PLAN") else {}  # noqa: SIM115
PACE = float(os.environ.get("PURNA_LOAD_PACE", "0"))
RNG = random.Random(7)


def poisson_pacing(rate: float):
    """A locust wait_time: this user's requests arrive as a Poisson process of `rate` a second, as
    independent people's do. Each request is due an exponential interval after the previous one was
    due (not after its answer came), so slow answers do not lower the rate; a user behind schedule
    catches up by at most one interval at once.

    Not locust's constant_throughput: it measures its first interval from the user's creation, so all
    users of a phase, created in the same instant, fire in the same instant every period (50 users at
    one a second arrived as one burst of 50 each second, which the server took ~0.7 s to drain, and
    the p95 measured the burst). Not locust's poisson() either: it waits after the answer, so the rate
    falls as the server slows."""

    def wait_time(user) -> float:
        now = time.perf_counter()
        due = max(getattr(user, "paced_due", now), now - 1 / rate) + RNG.expovariate(rate)
        user.paced_due = due
        return max(0.0, due - now)

    return wait_time


def wait():
    """Zero between requests when saturating, else the pace set by the runner."""
    return poisson_pacing(PACE) if PACE else constant(0)


class _Signed(FastHttpUser):
    abstract = True
    wait_time = wait()
    cookie_key = "staff"
    rate = PACE  # this user's requests a second when paced

    def on_start(self) -> None:
        cookies = PLAN.get("cookies", {}).get(self.cookie_key) or [""]
        self.cookie = RNG.choice(cookies)
        if PACE:  # the first request at a random moment too, not all users' at the phase's start
            gevent.sleep(RNG.expovariate(self.rate))

    def send(self, maker) -> None:
        request = maker(PLAN, RNG)
        cookie = f"{self.cookie}; csrftoken={PLAN['csrf']}" if request.method == "POST" else self.cookie
        headers = {**request.headers, "Cookie": cookie}
        if request.method == "POST":
            headers["Content-Type"] = request.content_type
            self.client.post(request.path, data=request.body, name=request.name, headers=headers)
        else:
            self.client.get(request.path, name=request.name, headers=headers)


def _tasks(makers: list) -> dict:
    """locust's {task: weight} for bench/day.py's (maker, weight) pairs; a maker followed by another on
    the same user (day.AFTER) sends both."""

    def task(maker):
        def run(user: _Signed) -> None:
            user.send(maker)
            if maker in day.AFTER:
                user.send(day.AFTER[maker])

        run.__name__ = maker.__name__
        return run

    return {task(maker): weight for maker, weight in makers}


class ReferenceUser(_Signed):
    """The reference: the plain 50-row ListView, a page at a time, requested with a staff session as in
    bench/pages.py (the same middleware: the session, the user, the second factor)."""

    tasks = _tasks([(day.reference, 1)])


class StaffUser(_Signed):
    weight = 8
    tasks = _tasks(day.STAFF)


class RetireeUser(_Signed):
    """A retiree opening the portal from the "certificate ready" email."""

    weight = 2
    cookie_key = "retirees"
    tasks = _tasks(day.RETIREE)


class CheckinPhone(_Signed):
    """One of three staff phones at the door of the event."""

    fixed_count = 3
    cookie_key = "phones"
    # 600 people in 15 minutes on three phones: one every 4.5 s each; the saturation phases push harder.
    rate = 1 / 4.5
    wait_time = poisson_pacing(rate) if PACE else constant(0)
    tasks = _tasks(day.PHONE)

    def on_start(self) -> None:
        super().on_start()
        self.send(day.check_in_page)
        self.send(day.check_in_list)
