"""Each request of the day under load (bench/locustfile.py), alone: time, CPU, queries and response size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/mix_requests.py --count 100000 --requests 20

Fills the register and the check-in event as bench/locust_run.py does (its plan_make: 100,000 employees,
a 600-participant event, signed-in staff, phones and retirees), then sends each request of the locust
mix (bench/day.py, the requests bench/locustfile.py makes) through Django's test client with the same
session cookies, `--requests` times after one warm-up, with the production settings (DEBUG off, Redis
cache). Prints, next to the reference (the plain 50-row ListView with the staff session, as in the
locust run), the median and 95th percentile wall time, the median CPU time of this process (the server's
own work: what saturates gunicorn's workers), the part of it the garbage collector took (the process
has loaded and frozen its objects as a gunicorn worker does: purna/wsgi.py), the number of SQL queries
and the response's size. Under load the server's CPU is what runs out, so the CPU column, as a ratio to
the reference's, says which requests pull the mix's saturation rate below the reference's.
"""

import argparse
import gc
import json
import os
import random
import statistics
import time

from _setup import django_setup, machine

# The same production-like settings as bench/locust_run.py (imported below: it sets the rest).
os.environ.setdefault("DEBUG", "false")

import day
from locust_run import plan_make
from pages import database_ms, percentile, reference_urlconf


class CollectorClock:
    """The CPU time the garbage collector takes while this is entered, in ms (gc.callbacks)."""

    def __init__(self) -> None:
        self.ms = 0.0
        self._started = 0.0

    def __enter__(self) -> "CollectorClock":
        gc.callbacks.append(self._tick)
        return self

    def __exit__(self, *exc) -> None:
        gc.callbacks.remove(self._tick)

    def _tick(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.ms += (time.process_time() - self._started) * 1000


def measure(client, request, requests: int) -> tuple[list[float], list[float], float, int, int, int]:
    """(wall ms, CPU ms) of `requests` sends of `request` (a bench/day.Request maker) after one warm-up,
    the garbage collector's CPU ms per send, the warm-up's query count, the final status and the final
    response's size (redirects followed, as locust does)."""
    from django.db import connection

    def send():
        made = request()
        headers = {f"HTTP_{name.upper().replace('-', '_')}": value for name, value in made.headers.items()}
        if made.method == "POST":
            response = client.post(made.path, made.body, content_type=made.content_type, follow=True, **headers)
        else:
            response = client.get(made.path, follow=True, **headers)
        return response, len(response.content)

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response, size = send()
    walls, cpus = [], []
    with CollectorClock() as collector:
        for _ in range(requests):
            wall, cpu = time.perf_counter(), time.process_time()
            response, size = send()
            cpus.append((time.process_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
    return walls, cpus, collector.ms / requests, len(queries), response.status_code, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register")
    parser.add_argument("--requests", type=int, default=20, help="timed requests of each kind")
    args = parser.parse_args()
    django_setup()

    from django.conf import settings
    from django.test import Client, override_settings

    plan = plan_make(args.count)
    import purna.wsgi  # noqa: F401 (loads every view and freezes what is loaded, as each gunicorn worker does)

    print(machine())
    print(*plan["summary"], sep="\n")
    print(
        f"check-in event: {len(plan['participant_ids'])} participants; cache "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; {args.requests} requests each after one warm-up"
    )
    rng = random.Random(11)
    clients = {}
    for kind, cookies in plan["cookies"].items():
        client = Client()
        name, value = cookies[0].split("=", 1)
        client.cookies[name] = value
        client.cookies["csrftoken"] = plan["csrf"]
        clients[kind] = client
    print(
        f"{'request':<52} {'wall ms':>8} {'p95 ms':>8} {'CPU ms':>8} {'x ref':>6} {'gc ms':>6} {'db ms':>6} {'queries':>8} "
        f"{'KB':>7} {'status':>6}"
    )
    reference_cpu = None
    with override_settings(ROOT_URLCONF=reference_urlconf()):
        for request in day.requests(plan, rng):
            walls, cpus, collector_ms, queries, status, size = measure(
                clients[request.cookie_key], request.make, args.requests
            )
            cpu = statistics.median(cpus)
            reference_cpu = reference_cpu or cpu
            sample = request.make()
            database = database_ms(clients[request.cookie_key], sample.path) if sample.method == "GET" else float("nan")
            print(
                f"{sample.name:<52} {statistics.median(walls):>8.1f} {percentile(walls, 0.95):>8.1f} {cpu:>8.1f} "
                f"{cpu / reference_cpu:>6.2f} {collector_ms:>6.2f} {database:>6.1f} {queries:>8} {size / 1024:>7.1f} {status:>6}"
            )
    print(json.dumps({"weights": day.WEIGHTS}))


if __name__ == "__main__":
    main()
