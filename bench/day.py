"""The requests of a day of Purna under load, as plain data: what bench/locustfile.py sends and
bench/mix_requests.py times one by one, so that the two measure the same requests.

Each maker takes the plan bench/locust_run.py writes (employee ids, searches, the check-in event and its
participants) and a random generator, and returns one Request; the session cookie (staff, phone or
retiree: `cookie_key`) is added by whoever sends it.
"""

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Request:
    name: str  # what the figures are reported under
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    content_type: str = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Kind:
    """One kind of request of the mix: who sends it and how to make one."""

    name: str
    cookie_key: str
    make: Callable[[], Request]


def _post_headers(plan: dict) -> dict[str, str]:
    return {"X-CSRFToken": plan["csrf"]}


# --- Staff at their desks --------------------------------------------------------------------------------


def employee_detail(plan: dict, rng: random.Random) -> Request:
    return Request("employee detail", f"/pegawai/{rng.choice(plan['employee_ids'])}/")


def employee_search(plan: dict, rng: random.Random) -> Request:
    return Request("employee list, search", f"/pegawai/?q={rng.choice(plan['searches'])}")


def employee_list(plan: dict, rng: random.Random) -> Request:
    return Request("employee list", "/pegawai/?status=aktif_mpp")


def dashboard(plan: dict, rng: random.Random) -> Request:
    return Request("dashboard", "/")


def work_list(plan: dict, rng: random.Random) -> Request:
    return Request("work list, 12 months", "/pegawai/akan-purna-tugas/?bulan=12")


def projection(plan: dict, rng: random.Random) -> Request:
    return Request("projection", "/pegawai/proyeksi/")


def event_detail(plan: dict, rng: random.Random) -> Request:
    return Request("event detail", f"/acara/{plan['event_id']}/")


def event_detail_search(plan: dict, rng: random.Random) -> Request:
    """The event's page searched for a participant by name (50 participants a page)."""
    name = rng.choice(plan["participant_names"])
    return Request("event detail, a participant searched", f"/acara/{plan['event_id']}/?q={name}")


def event_detail_page(plan: dict, rng: random.Random) -> Request:
    page = rng.randint(2, plan["event_pages"])
    return Request("event detail, another page", f"/acara/{plan['event_id']}/?tab=peserta&page={page}")


def payouts(plan: dict, rng: random.Random) -> Request:
    return Request("payout list", "/tht-tali-asih/pembayaran/")


def export(plan: dict, rng: random.Random) -> Request:
    return Request("export request (next month, CSV)", plan["export_path"])


# --- Retirees ----------------------------------------------------------------------------------------------


def portal(plan: dict, rng: random.Random) -> Request:
    return Request("portal home (retiree)", "/portal/")


# --- The check-in phones -------------------------------------------------------------------------------


def check_in_form(plan: dict, rng: random.Random) -> Request:
    """A check-in posted by the page's form without JavaScript: the POST, then the whole check-in page."""
    participant = rng.choice(plan["participant_ids"])
    return Request(
        "check-in (POST, then the check-in page)",
        f"/acara/peserta/{participant}/hadir/",
        method="POST",
        headers=_post_headers(plan),
    )


def check_in_tap(plan: dict, rng: random.Random) -> Request:
    """A tap on "Present" with signal: htmx posts the row's form and swaps in the row and the counts."""
    participant = rng.choice(plan["participant_ids"])
    return Request(
        "check-in tap (htmx POST: the row back)",
        f"/acara/peserta/{participant}/hadir/",
        method="POST",
        headers={**_post_headers(plan), "HX-Request": "true"},
    )


def check_in_scan(plan: dict, rng: random.Random) -> Request:
    """A QR code scanned: the phone queues the check-in and sends its queue at once."""
    participant = rng.choice(plan["participant_ids"])
    operation = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "kind": "check_in",
        "participant": participant,
        "code": "",
        "at": plan["now"],
        "part": "",
    }
    return Request(
        "check-in scan (the queue sent)",
        f"/acara/{plan['event_id']}/hadir/sinkron/",
        method="POST",
        headers=_post_headers(plan),
        body=json.dumps({"operations": [operation]}),
        content_type="application/json",
    )


def check_in_list(plan: dict, rng: random.Random) -> Request:
    """The participants the phone keeps (after each sync, on opening the page and every minute)."""
    return Request("check-in list for the phone (JSON)", f"/acara/{plan['event_id']}/hadir/data/")


def check_in_page(plan: dict, rng: random.Random) -> Request:
    return Request("check-in page", f"/acara/{plan['event_id']}/hadir/")


def check_in_page_search(plan: dict, rng: random.Random) -> Request:
    """A name typed and the search button pressed (the search as you type needs no request)."""
    name = rng.choice(plan["participant_names"])
    return Request("check-in page, searched", f"/acara/{plan['event_id']}/hadir/?q={name}")


# The mix: (maker, weight within its user class); bench/locustfile.py's users send these.
# The staff's proportions of 7 December 2026, times three: the event's page is now opened three ways,
# as staff use it since its participants are listed 50 a page with a search.
STAFF = [
    (employee_detail, 18),
    (employee_search, 12),
    (employee_list, 6),
    (dashboard, 6),
    (work_list, 6),
    (projection, 3),
    (event_detail, 1),
    (event_detail_search, 1),
    (event_detail_page, 1),
    (payouts, 3),
    (export, 3),
]
RETIREE = [(portal, 1)]
# A phone at the door, for each person (static/js/checkin_offline.js with signal): a tap on "Present"
# after the search as you type found them (htmx), a QR code scanned (the queue sent, then the list
# fetched again: what the other phones did), or a name searched with the button, then the tap. Each
# phone opens the check-in page and fetches the list once when it starts (bench/locustfile.py).
PHONE = [(check_in_tap, 2), (check_in_scan, 1), (check_in_page_search, 1)]
# What a scan or a search is followed by on the phone.
AFTER = {check_in_scan: check_in_list, check_in_page_search: check_in_tap}
WEIGHTS = {
    "staff": {maker.__name__: weight for maker, weight in STAFF},
    "retirees": {maker.__name__: weight for maker, weight in RETIREE},
    "phones": {maker.__name__: weight for maker, weight in PHONE},
}
# Requests timed by bench/mix_requests.py beside the mix's: the phone's start, and a check-in posted by
# the page without JavaScript (the POST, then the page), which the mix sent until 7 December 2026.
EXTRA = [(check_in_page, "phones"), (check_in_list, "phones"), (check_in_form, "phones")]


def reference(plan: dict, rng: random.Random) -> Request:
    page = rng.randint(1, plan.get("reference_pages", 1))
    return Request("reference: plain 50-row ListView", f"/bench-reference/?page={page}")


def requests(plan: dict, rng: random.Random) -> list[Kind]:
    """Every kind of request, the reference first, for bench/mix_requests.py."""
    made = [Kind(reference.__name__, "staff", lambda: reference(plan, rng))]
    for group, key in ((STAFF, "staff"), (RETIREE, "retirees"), (PHONE, "phones")):
        for maker, _weight in group:
            made.append(Kind(maker.__name__, key, lambda maker=maker: maker(plan, rng)))
    for maker, key in EXTRA:
        made.append(Kind(maker.__name__, key, lambda maker=maker: maker(plan, rng)))
    return made
