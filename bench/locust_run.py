"""A day of Purna under load with locust (bench/locustfile.py), against gunicorn as docker-compose runs it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        nice -n 10 .venv/bin/python bench/locust_run.py --count 100000 --seconds 60 --workers 2,3,4

Fills the register as bench/pages.py does (with its retirement records), adds the demo's events and
makes one of them the check-in rush's (up to 600 participants), links retirees to portal accounts, signs
everyone in (staff past the second factor as bench/_setup.signed_in_client does, retirees as the
portal's link would), and writes the plan bench/locustfile.py reads. Then, for each gunicorn worker
count, it starts gunicorn with docker-compose.yml's web command (sync workers, --timeout=60, the access
log, --forwarded-allow-ips; bound to 127.0.0.1 only) on PostgreSQL and Redis, with the production
settings (DEBUG off), and runs locust headless, bounded in time, in four phases of `--seconds` each:

1. reference, saturated: `--users` users requesting the plain 50-row ListView (bench/pages.py's
   reference, added to the URLs by bench/reference_wsgi.py) with no pause: the rate the server
   sustains for the simplest list page;
2. the day's mix, saturated: staff, retirees and three check-in phones, with no pause;
3. the day's mix at `--rate` requests/s (each user sends 1 request/s as Poisson arrivals, as independent
   people do: bench/locustfile.py's poisson_pacing; the phones one check-in every 4.5 s on average, 600
   in 15 minutes on three phones);
4. the reference at the same rate.

It prints p50/p95/p99, the error count and the rate of each phase, the mix's saturation rate as a share
of the reference's (budget >= 70%) and the p95 at `--rate` (budget < 300 ms at 50 requests/s), from the
same run. locust runs on the same machine: it costs CPU the server does not get, the same in every
phase, so compare ratios.
"""

import argparse
import csv
import http.client
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from _setup import ROOT, django_setup, machine, production_settings, ratio, signed_in_client

# Production-like settings (bench/_setup.py), for this process and for gunicorn.
production_settings()
os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")

from pages import prepare  # noqa: E402 (after the settings above, which pages.py would set otherwise)

BUDGET_SHARE = 0.70
BUDGET_P95_MS = 300
CHECKIN_PEOPLE = 600
RETIREES = 200
OUT = ROOT / "var" / "bench" / "locust"


def compose_workers() -> int:
    """The worker count docker-compose.yml's web service defaults to (WEB_CONCURRENCY)."""
    found = re.search(r"--workers=\$\{WEB_CONCURRENCY:-(\d+)\}", (ROOT / "docker-compose.yml").read_text())
    if not found:
        raise SystemExit("no --workers=${WEB_CONCURRENCY:-N} in docker-compose.yml")
    return int(found.group(1))


def plan_make(count: int) -> dict:
    """Fill the register and return what the locust users need (written to a JSON file)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from ceremonies.models import Event, EventKind, EventStatus, Participant, ParticipantStatus
    from employees.choices import EmployeeStatus
    from employees.models import Employee
    from employees.retirement import add_months
    from employees.selectors import ACTIVE_STATUSES
    from portal import demo

    operator, _pages, summary = prepare(count)
    today = timezone.localdate()
    demo.instansi_ensure()
    demo.events_and_schemes_ensure(today)
    # The check-in rush's event: the demo's farewell ceremony, published (check-in is open), for 600 people
    # retiring soon who were invited and said they would come. (Until 7 December 2026 this was the demo's
    # latest event, a training still in draft: every check-in of the rush was refused.)
    event = (
        Event.objects.filter(kind=EventKind.FAREWELL, status=EventStatus.PUBLISHED).order_by("-starts_at", "pk").first()
    )
    have = Participant.objects.filter(event=event).count()
    if have < CHECKIN_PEOPLE:
        taken = Participant.objects.filter(event=event).values("employee_id")
        soon = Employee.objects.filter(status__in=ACTIVE_STATUSES).exclude(pk__in=taken).order_by("tmt_pensiun")
        Participant.objects.bulk_create(
            [Participant(event=event, employee=e) for e in soon[: CHECKIN_PEOPLE - have]], ignore_conflicts=True
        )
    Event.objects.filter(pk=event.pk, capacity__lt=CHECKIN_PEOPLE).update(capacity=None)
    # Each run's rush starts at the door: nobody checked in yet, no souvenir handed.
    Participant.objects.filter(event=event).update(
        status=ParticipantStatus.CONFIRMED, checked_in_at=None, checked_in_by=None, souvenir_at=None, souvenir_by=None
    )
    participant_ids = list(Participant.objects.filter(event=event).values_list("pk", flat=True))
    # What staff type to find a participant: a word of their name.
    participant_names = [
        name.split()[-1]
        for name in Participant.objects.filter(event=event)
        .order_by("pk")
        .values_list("employee__name", flat=True)[:100]
    ]

    cookie_name = settings.SESSION_COOKIE_NAME

    def cookie(client) -> str:
        return f"{cookie_name}={client.cookies[cookie_name].value}"

    # Retirees with portal accounts: the people retired most recently (those the certificates are for).
    User = get_user_model()
    retired = list(Employee.objects.filter(status=EmployeeStatus.PENSIUN).order_by("-tmt_pensiun", "pk")[:RETIREES])
    retiree_cookies = []
    for employee in retired:
        if employee.user_id is None:
            user, _created = User.objects.get_or_create(username=f"bench-retiree-{employee.pk}")
            Employee.objects.filter(pk=employee.pk).update(user=user)
            employee.user = user
        client = Client()
        client.force_login(employee.user, backend="sesame.backends.ModelBackend")
        retiree_cookies.append(cookie(client))

    ids = list(Employee.objects.order_by("?").values_list("pk", flat=True)[:2000])
    names = list(Employee.objects.filter(pk__in=ids[:200]).values_list("name", "nip"))
    searches = [name.split()[0] for name, _nip in names[:100]] + [nip[:8] for _name, nip in names[100:]]
    month = add_months(today.replace(day=1), 1)
    return {
        "summary": summary,
        "cookies": {
            "staff": [cookie(signed_in_client(operator)) for _ in range(10)],
            "phones": [cookie(signed_in_client(operator)) for _ in range(3)],
            "retirees": retiree_cookies,
        },
        "csrf": get_random_string(32),
        "now": timezone.now().isoformat(),
        "employee_ids": ids,
        "searches": searches,
        "event_id": event.pk,
        "participant_ids": participant_ids,
        "participant_names": participant_names,
        "event_pages": max(2, -(-len(participant_ids) // 50)),
        "export_path": f"/pegawai/ekspor.csv?status=aktif_mpp&tmt_from={month:%Y-%m}&tmt_until={month:%Y-%m}",
        "reference_pages": max(1, min(200, Employee.objects.count() // 50)),
    }


def server_start(port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn with docker-compose.yml's web arguments, on loopback, serving Purna plus the reference."""
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "bench.reference_wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--timeout=60",
        f"--access-logfile={log}",
        "--forwarded-allow-ips=*",
        # Not serving: gunicorn 27's control socket defaults to one path per machine user, which the
        # server of another run on the same machine would take over.
        "--no-control-socket",
    ]
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def locust(port: int, classes: list[str], users: int, seconds: float, pace: float, prefix: Path) -> dict:
    """Run locust headless for `seconds`; the aggregated figures of its stats CSV."""
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--host",
        f"http://127.0.0.1:{port}",
        "--users",
        str(users),
        "--spawn-rate",
        str(max(users, 1)),
        "--run-time",
        f"{max(1, round(seconds))}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    env = {**os.environ, "PURNA_LOAD_PLAN": str(OUT / "plan.json"), "PURNA_LOAD_PACE": str(pace)}
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rate": number(row["Requests/s"]),
                "p50": number(row["50%"]),
                "p95": number(row["95%"]),
                "p99": number(row["99%"]),
            }
    return rows


def number(text: str) -> float:
    """A figure of locust's CSV ("N/A" when a phase had no request)."""
    try:
        return float(text)
    except ValueError:
        return float("nan")


def line(label: str, figures: dict) -> str:
    return (
        f"{label:<44} {figures['requests']:>8} {figures['failures']:>6} {figures['rate']:>8.1f} "
        f"{figures['p50']:>7.0f} {figures['p95']:>7.0f} {figures['p99']:>7.0f}"
    )


HEADER = f"{'':<44} {'requests':>8} {'errors':>6} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
MIX = ["StaffUser", "RetireeUser", "CheckinPhone"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register")
    parser.add_argument("--seconds", type=float, default=60, help="length of each of the four phases")
    parser.add_argument("--users", type=int, default=20, help="concurrent users of the saturation phases")
    parser.add_argument("--rate", type=float, default=50, help="requests/s of the paced phases")
    parser.add_argument("--workers", default="", help="gunicorn worker counts, comma-separated (default: compose's)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    worker_counts = [int(w) for w in args.workers.split(",") if w] or [compose_workers()]
    django_setup()

    from django.conf import settings

    OUT.mkdir(parents=True, exist_ok=True)
    plan = plan_make(args.count)
    (OUT / "plan.json").write_text(json.dumps(plan))
    print(machine())
    print(*plan["summary"], sep="\n")
    print(
        f"locust {args.users} users per saturation phase, {args.rate:g} requests/s in the paced ones, "
        f"{args.seconds:g} s per phase; cache {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; "
        f"check-in event: {len(plan['participant_ids'])} participants; {len(plan['cookies']['retirees'])} retirees"
    )
    failed = False
    for workers in worker_counts:
        print(f"\n=== gunicorn, {workers} sync workers, --timeout=60 (docker-compose.yml's web command) ===")
        server = server_start(args.port, workers, OUT / f"access-{workers}.log")
        try:

            def run(name: str, classes: list[str], users: int, pace: float, workers: int = workers) -> dict:
                return locust(args.port, classes, users, args.seconds, pace, OUT / f"{workers}-{name}")

            if args.seconds >= 10:  # connections, templates and the counts' cache, once
                run("warmup", MIX, args.users, 0)
            reference = run("reference", ["ReferenceUser"], args.users, 0)
            mix = run("mix", MIX, args.users, 0)
            paced_users = max(1, round(args.rate))  # one request/s each
            mix_paced = run("mix-paced", MIX, paced_users, 1.0)
            reference_paced = run("reference-paced", ["ReferenceUser"], paced_users, 1.0)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print(HEADER)
        print(line("reference, saturated", reference["Aggregated"]))
        print(line("day's mix, saturated", mix["Aggregated"]))
        print(line(f"day's mix at {args.rate:g} req/s", mix_paced["Aggregated"]))
        print(line(f"reference at {args.rate:g} req/s", reference_paced["Aggregated"]))
        print("the mix's pages, saturated:")
        for name, figures in sorted(mix.items()):
            if name != "Aggregated":
                print(line(f"  {name}", figures))
        share = mix["Aggregated"]["rate"] / max(reference["Aggregated"]["rate"], 1e-9)
        p95 = mix_paced["Aggregated"]["p95"]
        errors = sum(phase["Aggregated"]["failures"] for phase in (reference, mix, mix_paced, reference_paced))
        print(
            f"saturation: mix {mix['Aggregated']['rate']:.1f} req/s, reference {reference['Aggregated']['rate']:.1f} "
            f"req/s: {share:.0%} of the reference (budget >= {BUDGET_SHARE:.0%}); p95 at {args.rate:g} req/s "
            f"{p95:.0f} ms (budget < {BUDGET_P95_MS} ms), {ratio(p95, reference_paced['Aggregated']['p95'])} the "
            f"reference's; {errors} errors"
        )
        failed = failed or errors > 0
    if failed:
        raise SystemExit("some requests failed (see the errors column)")


if __name__ == "__main__":
    main()
