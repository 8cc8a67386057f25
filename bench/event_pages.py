"""Time an event's staff pages at 600 participants: whole requests through Django's test client.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/purna_f_bench .venv/bin/python bench/event_pages.py

Makes sure the register holds `--count` employees (bench/seed.py) and that a bench event exists with
`--participants` participants, each with an approved KORPRI tali asih payout, then times, as the median
and 95th percentile of `--requests` requests after one warm-up, with the query count and the size of one:

- the event's page (ceremonies EventDetailView), as served: 50 participants a page; then with every
  participant on one page, as it was before its participants were paged (the view's `paginate_by` raised
  for this run only), and a search by name;
- the hand-over list (benefits handover_view), as served (50 a page), then with every participant on one
  page, as before it was paged, and a search by NIP;
- "check everyone in" (ceremonies check_in_all_view, a POST by an operator) marking every participant
  present, the event's participants set back to "confirmed" before each request (untimed) and left as
  they were at the end;
- its undo (ceremonies check_in_all_undo_view): before each request (untimed) everyone is set back and
  checked in with "check everyone in", and the timed POST takes that batch back.

The reference in the same run is bench/pages.py's: a plain Django ListView of 50 employees with a minimal
template, served by the same client. Each line's ratio to it ('x ref') and each page's gain from paging
('paged x') are the figures to compare across machines, not the times. Runs with DEBUG off.
"""

import argparse
import datetime as dt
import statistics
import time
from contextlib import nullcontext
from unittest import mock

from _setup import django_setup, employees_ensure, machine, production_settings, signed_in_client, staff_user

production_settings()

BENCH_TITLE = "Bench: halaman acara ({} peserta)"
EVERYONE_ON_ONE_PAGE = 100_000


def event_ensure(size: int):
    """The bench event with `size` participants (some checked in), each with an approved tali asih
    payout (idempotent)."""
    from django.utils import timezone

    from benefits.models import BenefitType, Payout, PayoutStatus
    from ceremonies.models import Event, EventStatus, Participant, ParticipantStatus
    from employees.models import Employee, UnitKerja

    starts = timezone.localtime().replace(hour=8, minute=0, second=0, microsecond=0)
    event, _created = Event.objects.get_or_create(
        title=BENCH_TITLE.format(size),
        defaults={
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=4),
            "venue": "Pendopo Kabupaten Contoh",
            "organizer": UnitKerja.objects.order_by("pk").first(),
            "status": EventStatus.PUBLISHED,
        },
    )
    missing = size - Participant.objects.filter(event=event).count()
    if missing > 0:
        taken = Participant.objects.filter(event=event).values("employee_id")
        employees = list(Employee.objects.exclude(pk__in=taken).order_by("tmt_pensiun", "pk")[:missing])
        now = timezone.now()
        Participant.objects.bulk_create(
            Participant(
                event=event,
                employee=employee,
                status=ParticipantStatus.ATTENDED if number % 3 == 0 else ParticipantStatus.CONFIRMED,
                checked_in_at=now if number % 3 == 0 else None,
            )
            for number, employee in enumerate(employees)
        )
        with_payout = Payout.objects.filter(benefit_type=BenefitType.TALI_ASIH).values("employee_id")
        Payout.objects.bulk_create(
            Payout(
                employee=employee,
                benefit_type=BenefitType.TALI_ASIH,
                tmt=employee.tmt_pensiun,
                amount=2_000_000,
                computed_amount=2_000_000,
                status=PayoutStatus.APPROVED,
                verified_at=now,
                approved_at=now,
            )
            for employee in Employee.objects.filter(pk__in=[e.pk for e in employees]).exclude(pk__in=with_payout)
        )
    return event


def samples(client, url: str, requests: int) -> tuple[float, float, float, int, int]:
    """Median and 95th percentile ms of `requests` GETs after one warm-up, the median CPU ms of this
    process (Django's own work: on a shared machine it moves less than the wall time), the queries and
    bytes of one."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        # (connection.queries is emptied as each request starts.)
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu), len(queries), len(response.content)


def timed_posts(prepare, post, check, requests: int) -> tuple[float, float, float, int, int]:
    """As samples(), for a POST that changes the event: prepare() (untimed), then post() timed with its
    queries counted, then check(response) (untimed), `requests` times after one warm-up; the queries are
    the warm-up's."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    def send():
        prepare()
        start, start_cpu = time.perf_counter(), time.process_time()
        with connection.execute_wrapper(count):
            response = post()
        elapsed = ((time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000)
        check(response)
        return elapsed, response

    send()
    queries_of_one = len(queries)
    times, cpu = [], []
    for _ in range(requests):
        (wall_ms, cpu_ms), response = send()
        times.append(wall_ms)
        cpu.append(cpu_ms)
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(times), p95, statistics.median(cpu), queries_of_one, len(response.content)


def check_in_all_samples(client, event, requests: int) -> tuple[float, float, float, int, int]:
    """timed_posts() of "check everyone in": each POST marks all of the event's participants present (they
    are set back to "confirmed" before it, untimed); their state is put back as it was at the end."""
    from ceremonies.models import Participant, ParticipantStatus

    url = f"/acara/{event.pk}/hadir/semua/"
    participants = Participant.objects.filter(event=event)
    as_it_was = list(participants.only("pk", "status", "checked_in_at", "checked_in_by"))

    def set_back():
        participants.update(status=ParticipantStatus.CONFIRMED, checked_in_at=None, checked_in_by=None)

    def check(response):
        assert response.status_code == 302, (url, response.status_code)
        assert participants.filter(status=ParticipantStatus.ATTENDED).count() == len(as_it_was)

    try:
        return timed_posts(set_back, lambda: client.post(url), check, requests)
    finally:
        Participant.objects.bulk_update(as_it_was, ["status", "checked_in_at", "checked_in_by"])


def check_in_all_undo_samples(client, event, requests: int) -> tuple[float, float, float, int, int]:
    """timed_posts() of the undo of "check everyone in": each timed POST takes back a batch that marked
    every participant present (set back and checked in before it, untimed). An undo is taken on the
    event's day only: the event is moved to today for these requests and back at the end, and its
    participants left as they were."""
    from django.utils import timezone

    from ceremonies.models import Event, Participant, ParticipantStatus

    url = f"/acara/{event.pk}/hadir/semua/batal/"
    participants = Participant.objects.filter(event=event)
    as_it_was = list(participants.only("pk", "status", "checked_in_at", "checked_in_by"))
    starts = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    Event.objects.filter(pk=event.pk).update(starts_at=starts, ends_at=starts + dt.timedelta(hours=23))
    batch = {}

    def checked_in_by_a_batch():
        participants.update(status=ParticipantStatus.CONFIRMED, checked_in_at=None, checked_in_by=None)
        assert client.post(f"/acara/{event.pk}/hadir/semua/").status_code == 302
        batch["at"] = participants.values_list("checked_in_at", flat=True).first()

    def check(response):
        assert response.status_code == 302, (url, response.status_code)
        assert not participants.filter(status=ParticipantStatus.ATTENDED).exists()

    try:
        return timed_posts(
            checked_in_by_a_batch,
            lambda: client.post(url, {"batch": batch["at"].isoformat(), "reason": "bench"}),
            check,
            requests,
        )
    finally:
        Participant.objects.bulk_update(as_it_was, ["status", "checked_in_at", "checked_in_by"])
        Event.objects.filter(pk=event.pk).update(starts_at=event.starts_at, ends_at=event.ends_at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="employees in the register")
    parser.add_argument("--participants", type=int, default=600, help="participants of the bench event")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--check-in-all-requests", type=int, default=10, help='timed "check everyone in" requests (each adds history)'
    )
    args = parser.parse_args()
    django_setup()

    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from pages import reference_urlconf

    from benefits.views import payouts as payout_views
    from ceremonies.views.events import EventDetailView
    from employees.models import Employee
    from purna import roles

    call_command("migrate", verbosity=0)
    employees_ensure(args.count)
    event = event_ensure(args.participants)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    # The hand-over list is the Bendahara's; the event's page is open to them too.
    user = staff_user("bench-bendahara", roles.BENDAHARA)
    client = signed_in_client(user)
    first = event.participants.select_related("employee").order_by("employee__name", "pk").first()
    detail = f"/acara/{event.pk}/"
    handover = f"/tht-tali-asih/acara/{event.pk}/serah-terima/"
    one_page_detail = mock.patch.object(EventDetailView, "paginate_by", EVERYONE_ON_ONE_PAGE)
    one_page_handover = mock.patch.object(payout_views, "HANDOVER_PAGE_SIZE", EVERYONE_ON_ONE_PAGE)
    size = args.participants
    pages = [
        ("reference: plain 50-row ListView", "/bench-reference/", nullcontext()),
        (f"event page, {size} participants, paged (50)", detail, nullcontext()),
        (f"event page, {size} on one page (before paging)", detail, one_page_detail),
        ("event page, a name searched", f"{detail}?q={first.employee.name.split()[0]}", nullcontext()),
        (f"hand-over list, {size} participants, paged (50)", handover, nullcontext()),
        (f"hand-over list, {size} on one page (before paging)", handover, one_page_handover),
        ("hand-over list, a NIP searched", f"{handover}?q={first.employee.nip}", nullcontext()),
    ]
    print(machine())
    print(f"{Employee.objects.count():,} employees; event of {event.participants.count()} participants")
    print(f"{args.requests} requests per page after one warm-up (DEBUG off)")
    print("'cpu ms': this process's CPU time per request (Django's work; PostgreSQL's is not in it)")
    print(
        f"{'page':<52} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8} {'KB':>6} {'x ref':>6} "
        f"{'cpu x ref':>9} {'paged x':>8} {'cpu paged x':>11}"
    )
    results = {}
    with override_settings(ROOT_URLCONF=reference_urlconf()):
        for label, url, patch in pages:
            with patch:
                results[label] = samples(client, url, args.requests)
        # Checking in is the operator's (the Bendahara may not).
        operator = signed_in_client(staff_user("bench-operator", roles.OPERATOR))
        results[f"check everyone in, {size} participants (POST)"] = check_in_all_samples(
            operator, event, args.check_in_all_requests
        )
        results[f"its undo, {size} participants (POST)"] = check_in_all_undo_samples(
            operator, event, args.check_in_all_requests
        )
    reference, reference_cpu = results[pages[0][0]][0], results[pages[0][0]][2]
    paged = paged_cpu = None
    for label, (median, p95, cpu, queries, size_bytes) in results.items():
        # The one-page line follows its paged line: how much dearer it is than the paged page.
        before_paging = paged and "before paging" in label
        gain = f"{median / paged:>7.1f}x" if before_paging else f"{'':>8}"
        cpu_gain = f"{cpu / paged_cpu:>10.1f}x" if before_paging else f"{'':>11}"
        print(
            f"{label:<52} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8} {size_bytes / 1024:>6.0f} "
            f"{median / reference:>6.2f} {cpu / reference_cpu:>9.2f} {gain} {cpu_gain}"
        )
        if "paged (50)" in label:
            paged, paged_cpu = median, cpu


if __name__ == "__main__":
    main()
