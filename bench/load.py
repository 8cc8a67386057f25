"""Staff pages under load: gunicorn as deployed, a steady 50 requests a second, the 95th percentile.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/load.py --count 100000

Fills the register as bench/pages.py does, starts gunicorn with the Dockerfile's command (production
settings: DEBUG off, persistent database connections, Redis cache), signs in as an operator, then
sends requests at a fixed rate (open loop: a request is due every 1/rate s whether or not the earlier
ones have been answered) to the pages of bench/pages.py in turn, with the detail page of a random
employee in between. A request's time runs from when it was due, so a server that falls behind shows it
in the percentiles instead of quietly receiving fewer requests. The reference, in the same run and at
the same rate on the same server: Django's sign-in page for a visitor not signed in (a template, a
form, the session and CSRF middleware, no query of the register); the ratio of the 95th percentiles
is what compares across machines. Budget (DESIGN.md section 7): p95 under
300 ms at 50 requests/s with 100,000 employees. The load generator runs on the same 2 cores as
gunicorn and PostgreSQL; it costs about 1 ms of CPU per request.
"""

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _setup import ROOT, django_setup, machine, production_settings, ratio, signed_in_client

# Production-like settings (bench/_setup.py), for this process and for gunicorn.
production_settings("127.0.0.1")

from pages import percentile, prepare  # noqa: E402 (after the settings above, which pages.py would set otherwise)

BUDGET_P95_MS = 300
REFERENCE_PATH = "/akun/masuk/"


def dockerfile_workers() -> int:
    """The gunicorn worker count the Dockerfile deploys with."""
    for part in (ROOT / "Dockerfile").read_text().split('"'):
        if part.startswith("--workers="):
            return int(part.removeprefix("--workers="))
    raise SystemExit("no --workers= in the Dockerfile's CMD")


def server_start(port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "purna.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def fetch(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run(port: int, cookie: str, paths: list[tuple[str, str]], rate: float, seconds: float) -> dict[str, list]:
    """Send `rate` requests/s for `seconds`; return {label: [(ms, status), ...]}."""
    results: dict[str, list] = {}
    lock = threading.Lock()

    def one(label: str, path: str, due: float) -> None:
        try:
            status = fetch(port, path, cookie)
        except OSError:
            status = 0
        elapsed = (time.perf_counter() - due) * 1000
        with lock:
            results.setdefault(label, []).append((elapsed, status))

    total = int(rate * seconds)
    # Enough threads that the generator never waits for one: up to 10 s of backlog.
    with ThreadPoolExecutor(max_workers=min(int(rate * 10), 500)) as pool:
        start = time.perf_counter()
        for index in range(total):
            due = start + index / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            label, path = paths[index % len(paths)]
            pool.submit(one, label, path, due)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register")
    parser.add_argument("--rate", type=float, action="append", help="requests per second (repeatable; default 50)")
    parser.add_argument("--seconds", type=float, default=60, help="measured seconds per rate")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the Dockerfile's)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    rates = args.rate or [50.0]
    workers = args.workers or dockerfile_workers()
    django_setup()

    from django.conf import settings

    from employees.models import Employee

    operator, pages, summary = prepare(args.count)
    print(machine())
    print(*summary, sep="\n")
    client = signed_in_client(operator)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    # The pages of bench/pages.py but its references (not in the deployed URLs), and a random
    # employee's detail page after each of them: different people, as a morning's work goes.
    ids = list(Employee.objects.values_list("pk", flat=True))
    purna_pages = [(label, path) for label, path in pages if not label.startswith("reference")]
    shuffle = random.Random(7)
    paths: list[tuple[str, str]] = []
    for _ in range(20):
        for label, path in purna_pages:
            paths.append((label, path))
            paths.append(("employee detail, random", f"/pegawai/{shuffle.choice(ids)}/"))

    print(
        f"gunicorn, {workers} sync workers (the Dockerfile's), cache: {settings.CACHES['default']['BACKEND']}, "
        f"{len(purna_pages)} pages + random detail pages"
    )
    server = server_start(args.port, workers)
    failures = False
    try:
        run(args.port, cookie, paths, rates[0], min(5, args.seconds))  # warm-up: connections, templates, caches
        for rate in rates:
            started = time.perf_counter()
            results = run(args.port, cookie, paths, rate, args.seconds)
            wall = time.perf_counter() - started
            every = [ms for values in results.values() for ms, _status in values]
            failed = sum(status != 200 for values in results.values() for _ms, status in values)
            p95 = percentile(every, 0.95)
            verdict = "" if p95 < BUDGET_P95_MS and not failed else f"  ✗ budget p95 < {BUDGET_P95_MS} ms, no errors"
            print(
                f"\n{rate:g} requests/s for {args.seconds:g} s: {len(every):,} requests in {wall:.1f} s, "
                f"{failed} not 200; median {statistics.median(every):.0f} ms, p95 {p95:.0f} ms, "
                f"p99 {percentile(every, 0.99):.0f} ms, max {max(every):.0f} ms{verdict}"
            )
            print(f"{'page':<48} {'requests':>8} {'median ms':>10} {'p95 ms':>8}")
            for label, values in results.items():
                times = [ms for ms, _status in values]
                print(f"{label:<48} {len(times):>8} {statistics.median(times):>10.0f} {percentile(times, 0.95):>8.0f}")
            reference = run(args.port, "", [("reference", REFERENCE_PATH)], rate, args.seconds)["reference"]
            reference_ms = [ms for ms, _status in reference]
            reference_failed = sum(status != 200 for _ms, status in reference)
            reference_p95 = percentile(reference_ms, 0.95)
            print(
                f"reference, the sign-in page signed out, {rate:g} requests/s: {len(reference_ms):,} requests, "
                f"{reference_failed} not 200; median {statistics.median(reference_ms):.0f} ms, p95 {reference_p95:.0f} ms; "
                f"p95 staff pages / reference: {ratio(p95, reference_p95)}"
            )
            if failed or reference_failed:
                failures = True
    finally:
        server.terminate()
        server.wait(timeout=30)
    if failures:
        raise SystemExit("some requests did not answer 200")


if __name__ == "__main__":
    main()
