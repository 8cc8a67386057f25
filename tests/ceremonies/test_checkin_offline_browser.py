"""The check-in page without signal, in a real browser (Debian's chromium through Playwright, against the
live test server): two staff phones open the page online, lose the signal, check in five people between
them (one of them on both phones, one by scanning the QR code of the invitation from a photo), get the
signal back, and the server has each person exactly once. At a two-day training the phones check in
for day 1 and day 2 the same way, and the server has each person exactly once per day."""

import datetime as dt
import re

import pytest
import segno
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from ceremonies.models import Attendance, CheckinOperation, EventKind, Participant, ParticipantStatus
from purna import roles
from tests.ceremonies.test_views import retiring
from tests.factories import EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
NAMES = ["Siti Aminah", "Budi Santoso", "Wayan Sudarma", "Made Wirawan", "Dewi Lestari", "Agus Salim"]


def phone(browser, live_server, session_cookie):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    context.set_default_timeout(15_000)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}])
    return context


def open_check_in(context, event):
    page = context.new_page()
    page.goto(f"/acara/{event.pk}/hadir/")
    page.wait_for_selector("#checkin[data-ready='1']")
    # The service worker is installed and controls the page (clients.claim) before the signal goes.
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate(
        """() => navigator.serviceWorker.controller ? true : new Promise((resolve) =>
            navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true)))"""
    )
    return page


def tap_present(page, search: str, participant: Participant):
    page.fill("#checkin-search", search)
    page.locator(f"#hadir-{participant.pk} .checkin-button").click()
    page.wait_for_selector(f"#hadir-{participant.pk} .btn-success")


def test_two_phones_check_in_offline_and_the_server_counts_each_once(browser, live_server, tmp_path):
    unit = UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Sukamaju")
    operator = UserFactory(username="operator-hadir", roles=[roles.OPERATOR], units=[unit])
    event = EventFactory(organizer=unit, title="Pelepasan ASN Purna Tugas")
    people = {name: ParticipantFactory(event=event, employee=retiring(unit, name=name)) for name in NAMES}
    client = Client()
    client.force_login(operator)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The QR code printed on Dewi's invitation letter (ceremonies/document_kinds.py): the check-in URL.
    qr = tmp_path / "undangan-dewi.png"
    url = live_server.url + reverse("ceremonies:checkin_code", args=[event.pk, people["Dewi Lestari"].checkin_code])
    segno.make(url, error="m").save(qr, scale=8, border=4)

    first, second = phone(browser, live_server, session_cookie), phone(browser, live_server, session_cookie)
    page_a, page_b = open_check_in(first, event), open_check_in(second, event)

    first.set_offline(True)
    second.set_offline(True)
    # The page opens again from the phone with no signal at all (the service worker's copy).
    page_a.reload()
    page_a.wait_for_selector("#checkin[data-ready='1']")
    assert (
        "Offline" in page_a.get_by_test_id("checkin-sync").inner_text()
        or "Luring" in page_a.get_by_test_id("checkin-sync").inner_text()
    )

    tap_present(page_a, "siti", people["Siti Aminah"])
    tap_present(page_a, "budi", people["Budi Santoso"])
    tap_present(page_a, "wayan", people["Wayan Sudarma"])
    tap_present(page_b, "made", people["Made Wirawan"])
    tap_present(page_b, "aminah", people["Siti Aminah"])  # the same person on the other phone
    page_b.fill("#checkin-search", "")
    page_b.set_input_files("#checkin-photo", str(qr))  # scanned from the invitation's QR code
    page_b.wait_for_selector(f"#hadir-{people['Dewi Lestari'].pk} .btn-success")

    assert page_a.get_by_test_id("checkin-pending").inner_text() == "3"
    assert page_b.get_by_test_id("checkin-pending").inner_text() == "3"
    assert not Participant.objects.filter(status=ParticipantStatus.ATTENDED).exists()
    page_a.screenshot(path=SCREENSHOTS / "checkin_offline_phone_a.png", full_page=True)
    page_b.screenshot(path=SCREENSHOTS / "checkin_offline_phone_b.png", full_page=True)

    first.set_offline(False)
    second.set_offline(False)
    for page in (page_a, page_b):
        expect(page.get_by_test_id("checkin-pending")).to_have_text("0", timeout=30_000)
    # "Send now" also brings what the other phone did: every row and the counts follow.
    page_b.get_by_role("button", name=re.compile("Kirim sekarang|Send now")).click()
    expect(page_b.get_by_test_id("checkin-counts")).to_have_text(re.compile("^5 "))
    expect(page_b.locator(f"#hadir-{people['Wayan Sudarma'].pk} .btn-success")).to_be_visible()
    page_b.screenshot(path=SCREENSHOTS / "checkin_offline_synced_phone_b.png", full_page=True)

    attended = Participant.objects.filter(status=ParticipantStatus.ATTENDED)
    assert sorted(p.employee.name for p in attended) == sorted(NAMES[:5])
    for participant in attended:
        assert participant.history.filter(history_change_reason="check-in").count() == 1
    assert CheckinOperation.objects.count() == 6
    assert CheckinOperation.objects.filter(outcome="already").count() == 1
    # Syncing again (a reply lost on the way) changes nothing.
    page_a.get_by_role("button", name=re.compile("Kirim sekarang|Send now")).click()
    assert Participant.objects.filter(status=ParticipantStatus.ATTENDED).count() == 5
    first.close()
    second.close()


def test_a_two_day_training_checked_in_offline_on_two_phones_counts_each_day_once(browser, live_server):
    """Day 1 and day 2 of a training, checked in without signal on two phones (the same person on both,
    for the same day), then synced: the server has each person exactly once per day."""
    unit = UnitKerjaFactory(code="BKPSDM", name="BKPSDM Kabupaten Sukamaju")
    operator = UserFactory(username="operator-latih", roles=[roles.OPERATOR], units=[unit])
    day1 = timezone.localdate()
    day2 = day1 + dt.timedelta(days=1)
    training = EventFactory(
        organizer=unit,
        kind=EventKind.TRAINING,
        title="Pelatihan Persiapan Purna Tugas Angkatan I",
        starts_at=timezone.make_aware(dt.datetime.combine(day1, dt.time(8))),
        ends_at=timezone.make_aware(dt.datetime.combine(day2, dt.time(16))),
    )
    people = {name: ParticipantFactory(event=training, employee=retiring(unit, name=name)) for name in NAMES[:4]}
    siti, budi, wayan = people["Siti Aminah"], people["Budi Santoso"], people["Wayan Sudarma"]
    client = Client()
    client.force_login(operator)
    session_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    first, second = phone(browser, live_server, session_cookie), phone(browser, live_server, session_cookie)
    page_a, page_b = open_check_in(first, training), open_check_in(second, training)
    # Today is day 1: both phones check in for it unless staff pick another day.
    for page in (page_a, page_b):
        expect(page.get_by_test_id("checkin-part")).to_have_value(day1.isoformat())

    first.set_offline(True)
    second.set_offline(True)
    tap_present(page_a, "siti", siti)
    tap_present(page_a, "budi", budi)
    tap_present(page_b, "aminah", siti)  # day 1 on the other phone too

    # Day 2 on phone B, chosen without signal: the rows follow the day chosen, from the list kept on the phone.
    page_b.get_by_test_id("checkin-part").select_option(day2.isoformat())
    page_b.fill("#checkin-search", "")
    expect(page_b.locator(f"#hadir-{siti.pk} .checkin-button")).to_be_visible()
    tap_present(page_b, "siti", siti)
    tap_present(page_b, "wayan", wayan)
    # The page stored on the phone opens again on the day chosen.
    page_b.reload()
    page_b.wait_for_selector("#checkin[data-ready='1']")
    expect(page_b.get_by_test_id("checkin-part")).to_have_value(day2.isoformat())
    expect(page_b.locator(f"#hadir-{wayan.pk} .btn-success")).to_be_visible()
    expect(page_b.locator(f"#hadir-{budi.pk} .checkin-button")).to_be_visible()
    # And phone A does day 2 as well: Siti again (both phones), and Budi.
    page_a.get_by_test_id("checkin-part").select_option(day2.isoformat())
    tap_present(page_a, "siti", siti)
    tap_present(page_a, "budi", budi)

    assert page_a.get_by_test_id("checkin-pending").inner_text() == "4"
    assert page_b.get_by_test_id("checkin-pending").inner_text() == "3"
    assert not Attendance.objects.exists()
    page_b.fill("#checkin-search", "")
    page_b.screenshot(path=SCREENSHOTS / "checkin_days_offline_phone_b.png", full_page=True)

    first.set_offline(False)
    second.set_offline(False)
    for page in (page_a, page_b):
        expect(page.get_by_test_id("checkin-pending")).to_have_text("0", timeout=30_000)
    page_b.get_by_role("button", name=re.compile("Kirim sekarang|Send now")).click()
    expect(page_b.get_by_test_id("checkin-counts")).to_have_text(re.compile("^3 "))
    expect(page_b.locator(f"#hadir-{budi.pk} .btn-success")).to_be_visible()
    page_b.screenshot(path=SCREENSHOTS / "checkin_days_synced_phone_b.png", full_page=True)

    def present_on(day):
        return sorted(Attendance.objects.filter(day=day).values_list("participant__employee__name", flat=True))

    assert present_on(day1) == ["Budi Santoso", "Siti Aminah"]
    assert present_on(day2) == ["Budi Santoso", "Siti Aminah", "Wayan Sudarma"]
    assert Attendance.objects.count() == 5  # each exactly once per day
    assert CheckinOperation.objects.count() == 7
    assert CheckinOperation.objects.filter(outcome="already").count() == 2
    attended = Participant.objects.filter(status=ParticipantStatus.ATTENDED)
    assert sorted(p.employee.name for p in attended) == ["Budi Santoso", "Siti Aminah", "Wayan Sudarma"]
    # Syncing again changes nothing.
    page_a.get_by_role("button", name=re.compile("Kirim sekarang|Send now")).click()
    page_a.wait_for_timeout(500)
    assert Attendance.objects.count() == 5

    # The event page's grid, on the phone and on a laptop.
    grid_url = f"/acara/{training.pk}/?tab=kehadiran"
    page_b.goto(grid_url)
    expect(page_b.get_by_test_id(f"attendance-row-{siti.pk}")).to_contain_text("2/2")
    page_b.screenshot(path=SCREENSHOTS / "attendance_grid_phone.png", full_page=True)
    laptop = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="id-ID")
    laptop.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie, "url": live_server.url}])
    page = laptop.new_page()
    page.goto(grid_url)
    expect(page.get_by_test_id(f"attendance-row-{wayan.pk}")).to_contain_text("1/2")
    page.screenshot(path=SCREENSHOTS / "attendance_grid_laptop.png", full_page=True)
    page.goto(f"/acara/{training.pk}/hadir/")
    page.screenshot(path=SCREENSHOTS / "checkin_days_laptop.png", full_page=True)
    laptop.close()
    first.close()
    second.close()
