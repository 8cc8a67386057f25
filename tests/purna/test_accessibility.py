"""WCAG 2.2 AA in a real browser (Debian's chromium through Playwright, against the live test server): axe-core
finds no violation on the pages retirees open (the portal, the invitation answer, the certificate check) and
on the check-in page and the main staff pages; on the retirees' pages and the check-in page the text is large,
every button is a thumb's target, nothing scrolls sideways on a 320 px screen or with the phone's largest font,
and the main action is reached and pressed with the keyboard alone.

axe-core is tests/assets/axe.min.js (npm's axe-core, MPL-2.0, committed so that the tests need no network):
see AXE_VERSION. Screenshots go to var/screenshots/a11y-*.png."""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_query_string

from benefits.services import receipts as services_receipts
from ceremonies.feedback import FeedbackAnswer
from ceremonies.models import EventKind, ParticipantStatus
from ceremonies.services.events import participant_check_in, souvenir_hand
from ceremonies.services.feedback import training_feedback_save
from ceremonies.services.invitations import rsvp_path
from employees.services.accounts import employee_portal_account_ensure
from portal.views import SESAME_BACKEND
from purna import roles
from purna.ratelimit import rate_limited
from tests.ceremonies.feedback_helpers import attend, ended_training
from tests.ceremonies.helpers import tamper
from tests.factories import EmployeeFactory, EventFactory, ParticipantFactory, UnitKerjaFactory, UserFactory
from tests.portal.conftest import retiree_with_papers
from tests.purna.matrix_world import World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent.parent / "assets" / "axe.min.js"
AXE_VERSION = "4.14.1"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what the pages promise.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
ZOOMED = {"width": 640, "height": 450}
# The narrowest screen WCAG asks a page to fit without scrolling sideways (1.4.10 Reflow: 1280 px at 400%).
NARROW = {"width": 320, "height": 640}
# The base text size of the retirees' pages, and the least height and width of a control a thumb presses.
PORTAL_TEXT_PX = 18
TARGET_PX = 44
# Side notes (small print) on the retirees' pages: at most one step under the base text.
SMALL_PRINT_PX = 16


@dataclass(frozen=True)
class Screen:
    name: str
    # Who opens it: "anon", "retiree" or "staff" (the administrator of unit A).
    who: str
    url: Callable[[World], str]
    # A retiree's page, or the check-in on a staff phone: opened on a phone, and its targets are measured.
    phone: bool
    # A retiree's page: its base text is measured too.
    retiree: bool = False
    # What the page needs beyond the world, made before it opens.
    prepare: Callable[[World], None] | None = None


def _rsvp(world: World) -> str:
    return rsvp_path(world.invitation)


def _one_checked_in(world: World) -> None:
    """The check-in list with a row already present and given a souvenir (its undo forms shown)."""
    present = ParticipantFactory(event=world.event, employee=EmployeeFactory(unit=world.unit_a))
    participant_check_in(participant=present, actor=world.users["adm@A"])
    souvenir_hand(participant=present, actor=world.users["adm@A"])


def _two_day_training(world: World):
    """A training of unit A today and tomorrow (attendance per day), one of its two participants present
    today."""
    today = timezone.localdate()
    training = EventFactory(
        organizer=world.unit_a,
        kind=EventKind.TRAINING,
        starts_at=timezone.make_aware(dt.datetime.combine(today, dt.time(8))),
        ends_at=timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time(16))),
    )
    present = ParticipantFactory(event=training, employee=EmployeeFactory(unit=world.unit_a))
    ParticipantFactory(event=training, employee=EmployeeFactory(unit=world.unit_a))
    participant_check_in(participant=present, actor=world.users["adm@A"])
    return training


def _feedback_form(world: World) -> str:
    """The rating form of a training the unit A retiree attended, with one session already rated (so the
    page shows a chosen rating) and one not."""
    event, taspen, _business = ended_training(world.unit_a)
    participant = attend(event, world.retiree_employee)
    training_feedback_save(
        participant=participant, answers=[FeedbackAnswer(taspen.pk, 4, None, "Jelas")], actor=world.users["retiree"]
    )
    return reverse("portal:feedback", args=[event.pk])


def _feedback_summary(world: World) -> str:
    """The organisers' summary of a training of unit A with a few answers (charts and comments shown)."""
    event, taspen, business = ended_training(world.unit_a, attendees=3)
    for rating, participant in zip((5, 4, 2), event.participants.all(), strict=True):
        training_feedback_save(
            participant=participant,
            answers=[FeedbackAnswer(taspen.pk, rating, 4, "Materi bermanfaat"), FeedbackAnswer(business.pk, 3)],
            actor=world.users["adm@A"],
        )
    return reverse("ceremonies:feedback_summary", args=[event.pk])


SCREENS = [
    # The retirees' pages.
    Screen("portal-sign-in", "anon", lambda w: reverse("portal:sign_in"), phone=True, retiree=True),
    Screen("portal-sign-in-sent", "anon", lambda w: reverse("portal:sign_in_sent"), phone=True, retiree=True),
    Screen(
        "portal-sign-in-link",
        "anon",
        lambda w: reverse("portal:sign_in_link") + get_query_string(w.users["retiree"]),
        phone=True,
        retiree=True,
    ),
    Screen(
        "portal-sign-in-link-invalid",
        "anon",
        lambda w: reverse("portal:sign_in_link") + "?sesame=x",
        phone=True,
        retiree=True,
    ),
    Screen("portal-home", "retiree", lambda w: reverse("portal:home"), phone=True, retiree=True),
    Screen("portal-feedback", "retiree", _feedback_form, phone=True, retiree=True),
    Screen("rsvp-form", "anon", _rsvp, phone=True, retiree=True),
    Screen("rsvp-one-tap", "anon", lambda w: _rsvp(w) + "?jawab=hadir", phone=True, retiree=True),
    Screen("rsvp-refused", "anon", lambda w: tamper(_rsvp(w).rstrip("/")) + "/", phone=True, retiree=True),
    Screen(
        "certificate-verify",
        "anon",
        lambda w: reverse("certificate_verify", args=[w.certificate.verification_code]),
        phone=True,
        retiree=True,
    ),
    Screen(
        "certificate-verify-unknown",
        "anon",
        lambda w: reverse("certificate_verify", args=["TIDAKADA"]),
        phone=True,
        retiree=True,
    ),
    # Check-in on the day, on a staff phone.
    Screen(
        "checkin",
        "staff",
        lambda w: reverse("ceremonies:checkin", args=[w.event.pk]),
        phone=True,
        prepare=_one_checked_in,
    ),
    Screen(
        "checkin-training-days",
        "staff",
        lambda w: reverse("ceremonies:checkin", args=[_two_day_training(w).pk]),
        phone=True,
    ),
    Screen(
        "event-attendance-grid",
        "staff",
        lambda w: reverse("ceremonies:detail", args=[_two_day_training(w).pk]) + "?tab=kehadiran",
        phone=False,
    ),
    Screen(
        "checkin-code",
        "staff",
        lambda w: reverse("ceremonies:checkin_code", args=[w.event.pk, w.participant.checkin_code]),
        phone=True,
    ),
    # The staff's main pages, on a laptop.
    Screen("staff-sign-in", "anon", lambda w: reverse("login"), phone=False),
    Screen("dashboard", "staff", lambda w: reverse("dashboard"), phone=False),
    Screen("employee-list", "staff", lambda w: reverse("employees:list"), phone=False),
    Screen(
        "employee-detail", "staff", lambda w: reverse("employees:detail", args=[w.retiree_employee.pk]), phone=False
    ),
    Screen("case", "staff", lambda w: reverse("employees:case_detail", args=[w.case.pk]), phone=False),
    Screen("event-detail", "staff", lambda w: reverse("ceremonies:detail", args=[w.event.pk]), phone=False),
    Screen("feedback-summary", "staff", _feedback_summary, phone=False),
    Screen("payout-list", "staff", lambda w: reverse("benefits:payouts"), phone=False),
    Screen("projection", "staff", lambda w: reverse("employees:projection"), phone=False),
]


def violations_text(violations: list[dict]) -> str:
    """axe's violations as a reader wants them: the rule, its impact and help, then each offending element
    (its selector, a piece of its HTML and axe's account of what is wrong)."""
    lines = []
    for violation in violations:
        lines.append(f"\n[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"  at {' '.join(map(str, node['target']))}")
            lines.append(f"     {node['html'][:200]}")
            summary = node.get("failureSummary") or ""
            for reason in summary.splitlines():
                lines.append(f"       {reason.strip()}")
    return "\n".join(lines)


def axe_violations(page) -> list[dict]:
    """axe-core run on the page as it stands, for WCAG 2.x A and AA."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return JSON.stringify(result.violations);
        }""",
        AXE_TAGS,
    )
    return json.loads(result)


# The controls a finger presses, with how big they are. A check box or radio button counts with its label
# (a tap on either ticks it); a link inside a sentence is exempt, as WCAG 2.5.8 says.
TARGETS_JS = """(least) => {
  const small = [];
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])');
  for (const control of controls) {
    if (control.closest('.visually-hidden-focusable')) continue;  // the skip link, until it has the focus
    if (!control.checkVisibility({visibilityProperty: true})) continue;
    const box = control.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (control.tagName === 'A' && getComputedStyle(control).display === 'inline'
        && [...control.parentNode.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())) continue;
    let {width, height} = box;
    if (control.matches('input[type=checkbox], input[type=radio]')) {
      for (const label of control.labels) {
        const own = label.getBoundingClientRect();
        width = Math.max(right(box, own) - Math.min(box.left, own.left), width);
        height = Math.max(Math.max(box.bottom, own.bottom) - Math.min(box.top, own.top), height);
      }
    }
    if (width < least || height < least) {
      small.push(`${Math.round(width)}x${Math.round(height)} px: ${control.outerHTML.slice(0, 160)}`);
    }
  }
  return small;
  function right(a, b) { return Math.max(a.right, b.right); }
}"""

# Text set smaller than the retirees' pages allow: what a retiree reads in a paragraph (PORTAL_TEXT_PX) or
# in a side note (small print, at most one step smaller).
TEXT_JS = """(least) => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !element.getClientRects().length) continue;
    if (element.closest('.visually-hidden, .visually-hidden-focusable, script, style, noscript')) continue;
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < least) small.push(`${size} px: ${element.outerHTML.slice(0, 120)}`);
  }
  return [...new Set(small)];
}"""

OVERFLOW_JS = """() => {
  const page = document.documentElement;
  if (page.scrollWidth <= page.clientWidth) return [];
  // What sticks out on the right, the widest first.
  return [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > page.clientWidth + 1)
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right)
    .slice(0, 5)
    .map((e) => `right edge ${Math.round(e.getBoundingClientRect().right)} px: ${e.outerHTML.slice(0, 120)}`);
}"""


def problems_text(title: str, problems: list[str]) -> str:
    return f"{title}:\n  " + "\n  ".join(problems)


def sign_in(context, live_server, user, backend: str | None = None) -> None:
    """The browser carries the session of `user` (signed in as the portal or the staff sign-in would)."""
    client = Client()
    client.force_login(user, backend=backend)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_axe_sees_the_file_we_ship():
    head = AXE.read_text()[:200]
    assert f"axe v{AXE_VERSION}" in head and "Mozilla Public" in head


@pytest.mark.parametrize("screen", SCREENS, ids=lambda screen: screen.name)
def test_page_meets_wcag_2_2_aa(
    screen, browser, live_server, monkeypatch, settings, private_media, seeded_rules, seeded_documents
):
    settings.PURNA_SITE_URL = live_server.url
    world = build_world(monkeypatch)
    if screen.prepare:
        screen.prepare(world)
    url = screen.url(world)
    # Playwright adds axe as an inline <script>: the page's policy (which allows none) is set aside for it.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE if screen.phone else LAPTOP, locale="id-ID", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    if screen.who == "retiree":
        sign_in(context, live_server, world.users["retiree"], SESAME_BACKEND)
    elif screen.who == "staff":
        sign_in(context, live_server, world.users["adm@A"])
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response.status < 500
        if screen.name == "rsvp-one-tap":
            page.get_by_test_id("rsvp-answer").wait_for()  # the page posts the link's answer by itself
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"a11y-{screen.name}.png", full_page=True)

        violations = axe_violations(page)
        assert not violations, f"axe-core found on {url}:" + violations_text(violations)
        # What a click unfolds (<details>: an undo with its reason) is checked unfolded too.
        if page.evaluate("[...document.querySelectorAll('details')].map((d) => d.open = true).length"):
            violations = axe_violations(page)
            assert not violations, f"axe-core found on {url}, its folds open:" + violations_text(violations)
        if screen.retiree:
            base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert base >= PORTAL_TEXT_PX, f"the base text of {url} is {base} px"
            small = page.evaluate(TEXT_JS, SMALL_PRINT_PX)
            assert not small, problems_text(f"text under {SMALL_PRINT_PX} px on {url}", small)
        if not screen.phone:
            # A laptop's 1280 px at 200% zoom.
            page.set_viewport_size(ZOOMED)
            wide = page.evaluate(OVERFLOW_JS)
            assert not wide, problems_text(f"{url} scrolls sideways at 200% zoom", wide)
        if screen.phone:
            small = page.evaluate(TARGETS_JS, TARGET_PX)
            assert not small, problems_text(f"targets under {TARGET_PX} px on {url}", small)
            page.set_viewport_size(NARROW)
            wide = page.evaluate(OVERFLOW_JS)
            assert not wide, problems_text(f"{url} scrolls sideways on a {NARROW['width']} px screen", wide)
            # The phone's largest font (Android's 200%): every rem doubles.
            page.set_viewport_size(PHONE)
            page.evaluate("document.documentElement.style.fontSize = '200%'")
            page.screenshot(path=SCREENSHOTS / f"a11y-{screen.name}-large-font.png", full_page=True)
            wide = page.evaluate(OVERFLOW_JS)
            assert not wide, problems_text(f"{url} scrolls sideways with the largest font", wide)
            small = page.evaluate(TARGETS_JS, TARGET_PX)
            assert not small, problems_text(f"targets under {TARGET_PX} px on {url} with the largest font", small)
    finally:
        context.close()


# --- Rate-limited pages (429) ----------------------------------------------------------------------------


def _verify_limited(page, settings) -> None:
    """The certificate check asked more often than PURNA_VERIFY_RATE_PER_MINUTE from one connection."""
    for _ in range(settings.PURNA_VERIFY_RATE_PER_MINUTE + 1):
        rate_limited("certificate-verify", "127.0.0.1", limit=settings.PURNA_VERIFY_RATE_PER_MINUTE)
    response = page.goto(reverse("certificate_verify", args=["TIDAKADA"]))
    assert response.status == 429


def _portal_sign_in_limited(page, settings) -> None:
    """The portal's link request sent more often than PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE (the form again,
    saying why)."""
    for _ in range(settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE + 1):
        rate_limited("portal-sign-in", "127.0.0.1", limit=settings.PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE)
    page.goto(reverse("portal:sign_in"))
    page.fill("#id_identifier", "19650512 199003 1 004")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("[data-testid=send-link]")
    assert answer.value.status == 429


def _staff_locked_out(page, settings) -> None:
    """The staff sign-in after AXES_FAILURE_LIMIT wrong passwords (django-axes' lockout page)."""
    UserFactory(username="terkunci", roles=[roles.OPERATOR], password="benar-sekali-123")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        page.goto(reverse("login"))
        page.fill("#id_username", "terkunci")
        page.fill("#id_password", "salah")
        with page.expect_response(lambda response: response.request.method == "POST") as answer:
            page.click("form button[type=submit]")
        if answer.value.status == 429:
            return
    raise AssertionError("the sign-in was never locked")


@pytest.mark.parametrize(
    ("name", "reach", "retiree"),
    [
        ("certificate-verify-limited", _verify_limited, True),
        ("portal-sign-in-limited", _portal_sign_in_limited, True),
        ("staff-sign-in-locked", _staff_locked_out, False),
    ],
)
def test_rate_limited_pages_meet_wcag_2_2_aa(name, reach, retiree, browser, live_server, settings):
    cache.clear()
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", bypass_csp=True)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        reach(page, settings)
        page.wait_for_load_state("networkidle")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"a11y-{name}.png", full_page=True)
        violations = axe_violations(page)
        assert not violations, f"axe-core found on the {name} page:" + violations_text(violations)
        if retiree:
            base = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert base >= PORTAL_TEXT_PX, f"the base text of the {name} page is {base} px"
        small = page.evaluate(TARGETS_JS, TARGET_PX)
        assert not small, problems_text(f"targets under {TARGET_PX} px on the {name} page", small)
        page.set_viewport_size(NARROW)
        wide = page.evaluate(OVERFLOW_JS)
        assert not wide, problems_text(f"the {name} page scrolls sideways on a {NARROW['width']} px screen", wide)
        page.set_viewport_size(LAPTOP)
        page.screenshot(path=SCREENSHOTS / f"a11y-{name}-laptop.png", full_page=True)
        violations = axe_violations(page)
        assert not violations, f"axe-core found on the {name} page (laptop):" + violations_text(violations)
    finally:
        context.close()
        # The counters would refuse the next tests' pages for the rest of the minute.
        cache.clear()


# --- The keyboard alone ---------------------------------------------------------------------------------

# The element with the focus, and whether a ring shows where it is (an outline of 2 px or more, or a shadow).
FOCUSED_JS = """(stop) => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== 'none';
  const first = element.dataset.tabStop === undefined;
  if (first) element.dataset.tabStop = stop;
  return {html: element.outerHTML.slice(0, 160), ring, first};
}"""
# The controls on the page the Tab key never reached.
UNREACHED_JS = """() => [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
  .filter((e) => e.checkVisibility({visibilityProperty: true}) && e.dataset.tabStop === undefined && !e.disabled)
  .map((e) => e.outerHTML.slice(0, 160))"""


def tab_until(page, selector: str, limit: int = 60) -> list[str]:
    """Press Tab until the element matching `selector` has the focus; every stop on the way shows a focus
    ring. Returns the stops, as HTML."""
    stops: list[str] = []
    for stop in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS, stop)
        if focused is None:
            continue
        assert focused["ring"], f"no focus ring on {focused['html']}"
        stops.append(focused["html"])
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return stops
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab:\n  " + "\n  ".join(stops))


def tab_round(page, limit: int = 80) -> list[str]:
    """Tab from the top of the page (its skip link) until the focus leaves the page or comes round again:
    every control on the page is reached on the way, each showing a focus ring."""
    page.focus(".skip-link")
    stops = [page.evaluate(FOCUSED_JS, 0)["html"]]
    for stop in range(1, limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS, stop)
        if focused is None or not focused["first"]:
            break
        assert focused["ring"], f"no focus ring on {focused['html']}"
        stops.append(focused["html"])
    unreached = page.evaluate(UNREACHED_JS)
    assert not unreached, "not reached with the Tab key:\n  " + "\n  ".join(unreached)
    return stops


def skip_link_works(page) -> None:
    """The first Tab shows the skip link; Enter on it moves the focus to the page's content."""
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    box = page.locator(".skip-link").bounding_box()
    assert box["width"] > 100 and box["height"] >= TARGET_PX
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"


def test_a_retiree_answers_the_invitation_with_the_keyboard_alone(browser, live_server):
    participant = ParticipantFactory(status=ParticipantStatus.INVITED, rsvp_version=1)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto(rsvp_path(participant))
        skip_link_works(page)
        tab_until(page, "#rsvp-with-spouse")
        page.keyboard.press("Space")
        tab_until(page, "#rsvp-access-needs")
        page.keyboard.type("Kursi roda")
        tab_until(page, "button[value=confirm]")
        page.screenshot(path=SCREENSHOTS / "a11y-keyboard-rsvp.png")
        page.keyboard.press("Enter")
        page.get_by_test_id("rsvp-answer").wait_for()
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.CONFIRMED
        assert participant.with_spouse and participant.access_needs == "Kursi roda"

        # Everything on the answered page is reached too (the details' form, changing the answer).
        tab_round(page)
        tab_until(page, "[data-testid=rsvp-change]")
        page.keyboard.press("Enter")
        page.wait_for_function("document.querySelector('[data-testid=rsvp-change]')?.value === 'confirm'")
        participant.refresh_from_db()
        assert participant.status == ParticipantStatus.DECLINED
    finally:
        context.close()


def test_a_retiree_uses_the_portal_with_the_keyboard_alone(browser, live_server, settings, private_media, monkeypatch):
    settings.PURNA_SITE_URL = live_server.url
    unit = UnitKerjaFactory()
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    employee = retiree_with_papers(
        unit,
        name="Ahmad Yani",
        nip="196505121990031004",
        email="ahmad.yani@example.id",
        actor=UserFactory(roles=[roles.ADMIN]),
    )
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        # Asking for a link: the NIP's field has the focus as the page opens.
        page.goto(reverse("portal:sign_in"))
        assert page.evaluate("document.activeElement.id") == "id_identifier"
        page.keyboard.type("19650512 199003 1 004")
        tab_until(page, "[data-testid=send-link]")
        page.keyboard.press("Enter")
        page.get_by_test_id("link-sent").wait_for()

        sign_in(context, live_server, employee_portal_account_ensure(employee=employee), SESAME_BACKEND)
        page.goto(reverse("portal:home"))
        skip_link_works(page)
        tab_round(page)
        page.focus(".skip-link")
        tab_until(page, "[data-testid=certificate-download]")
        page.screenshot(path=SCREENSHOTS / "a11y-keyboard-portal.png")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        assert download.value.suggested_filename.endswith(".pdf")
    finally:
        context.close()
