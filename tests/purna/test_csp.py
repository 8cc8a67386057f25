"""Content-Security-Policy (django-csp): the header on every response with the production settings, and
the staff pages, the admin, the retirees' portal and the public verification page in a real browser
(Debian's chromium through Playwright) with no CSP violation, their buttons, confirmations, progress bars
and charts still working with the scripts and styles moved to static files. Screenshots go to
var/screenshots/."""

import base64
import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP

from benefits.models import BatchStatus as PayoutBatchStatus
from benefits.models import BenefitType, PayoutBatch, PayoutStatus
from benefits.services import receipts as services_receipts
from ceremonies.models import BatchStatus as CertificateBatchStatus
from ceremonies.models import Certificate, CertificateBatch, Event, EventKind, Participant
from ceremonies.services.invitations import rsvp_path
from employees.choices import ImportStatus
from employees.models import FactsRefreshRun, ImportJob
from employees.services.accounts import employee_portal_account_ensure
from purna import roles
from purna.notifications import builtin
from purna.notifications.models import Message, MessageStatus
from tests.benefits.documents_helpers import payout_in
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory
from tests.portal.conftest import retiree_with_papers

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"

# Every violation the page reports, kept in the page itself (each navigation starts a new list).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def test_every_response_carries_the_policy_with_the_production_settings(client, operator):
    assert not settings.DEBUG
    client.force_login(operator)
    responses = {
        "page": client.get(reverse("dashboard")),
        "anonymous page": Client().get(reverse("login")),
        "redirect": Client().get(reverse("dashboard")),
        "not found": client.get("/tidak-ada/"),
        "health check": Client().get(reverse("healthz")),
        "admin": Client().get(reverse("admin:login")),
    }
    for name, response in responses.items():
        policy = {
            directive.split()[0]: directive.split()[1:]
            for directive in response.headers.get("Content-Security-Policy", "").split(";")
            if directive.strip()
        }
        assert policy.get("frame-ancestors") == ["'none'"], name
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'self'"], name
        assert policy["style-src"] == ["'self'"], name
        assert policy["object-src"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["base-uri"] == ["'self'"], name


class Watch:
    """Console errors and CSP violations of every page a browser tab opens."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        self.expected_failures: set[str] = set()  # pages visited for their error status
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: page error {error}"))
        page.context.add_init_script(RECORD_VIOLATIONS)

    def _console(self, message) -> None:
        # The admin's pages have no icon of their own: the browser's own guess at /favicon.ico is not ours.
        url = message.location.get("url", "")
        if url.endswith("/favicon.ico") or urlsplit(url).path in self.expected_failures:
            return
        # The sandbox of an email's frame stopping the test's own recording script: the sandbox at work.
        if "the document's frame is sandboxed" in message.text:
            return
        if message.type in ("error", "warning"):
            self.problems.append(f"{self.page.url}: console {message.type}: {message.text}")

    def collect(self) -> None:
        """Reads the violations the current page recorded (before it is left)."""
        # A violation is reported in a task of its own, after the element that caused it.
        self.page.wait_for_timeout(150)
        for violation in self.page.evaluate("window.__cspViolations || []"):
            self.problems.append(f"{self.page.url}: violation {violation}")

    def visit(self, path: str, *, screenshot: str = "", status: int = 200) -> None:
        if status != 200:
            self.expected_failures.add(path)
        response = self.page.goto(path)
        assert response.status == status, (path, response.status)
        assert response.headers.get("content-security-policy"), path
        self.page.wait_for_load_state("load")
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=SCREENSHOTS / f"csp-{screenshot}.png", full_page=True)
        self.collect()


def sign_in(context, user, live_server) -> None:
    """The browser gets the session of `user` (signing in itself is covered by the login tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


@pytest.fixture
def world(transactional_db, settings, monkeypatch, private_media):
    """A retiree with papers (certificate, receipt, invitation), payouts in several states, a record,
    an import, a payout preparation, a certificate batch and a recomputation that are all running, and
    an email in the outbox; a staff member who holds every role and sees every unit."""
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    unit = UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")
    staff = UserFactory(username="kepala-bidang", roles=roles.ROLE_NAMES, units="all", is_staff=True)
    ahmad = retiree_with_papers(
        unit, name="Ahmad Yani", nip="196505121990031004", email="ahmad.yani@example.id", actor=staff
    )
    farewell = Event.objects.get(kind=EventKind.FAREWELL)
    training = Event.objects.get(kind=EventKind.TRAINING)
    approved = payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit), benefit=BenefitType.THT)
    payout_in(PayoutStatus.VERIFIED, employee=EmployeeFactory(unit=unit))
    for months in (2, 5, 14):
        EmployeeFactory(unit=unit, tmt_pensiun=(timezone.localdate() + dt.timedelta(days=31 * months)).replace(day=1))
    case = RetirementCaseFactory(employee=ahmad)
    job = ImportJob.objects.create(
        file="imports/pegawai.csv",
        original_name="pegawai.csv",
        status=ImportStatus.RUNNING,
        total_rows=200,
        processed_rows=70,
        created_by=staff,
    )
    payout_batch = PayoutBatch.objects.create(
        status=PayoutBatchStatus.RUNNING, benefit_type=BenefitType.TALI_ASIH, total=300, done=120, requested_by=staff
    )
    certificate_batch = CertificateBatch.objects.create(
        event=farewell, total=40, done=10, status=CertificateBatchStatus.RUNNING, requested_by=staff
    )
    FactsRefreshRun.objects.create(total=1000, done=250, started_at=timezone.now())
    message = Message.objects.create(
        kind=builtin.TEST_KIND,
        recipient_key="email:ahmad.yani@example.id",
        occasion="csp",
        to_email="ahmad.yani@example.id",
        to_name="Ahmad Yani",
        planned_at=timezone.now(),
        next_attempt_at=timezone.now(),
        status=MessageStatus.SENT,
        sent_at=timezone.now(),
        subject="Piagam penghargaan",
        body_text="Yth. Ahmad Yani",
        body_html='<body style="margin:0;background:#f4f6f5"><p style="color:#0b5d4b">Yth. Ahmad Yani</p></body>',
    )
    return {
        "staff": staff,
        "ahmad": ahmad,
        "farewell": farewell,
        "training": training,
        "approved": approved,
        "case": case,
        "job": job,
        "payout_batch": payout_batch,
        "certificate_batch": certificate_batch,
        "message": message,
        "certificate": Certificate.objects.get(participant__employee=ahmad),
    }


@pytest.mark.browser
def test_staff_pages_and_the_admin_run_with_no_csp_violation(page, live_server, world):
    watch = Watch(page)
    watch.visit(reverse("login"), screenshot="login")
    sign_in(page.context, world["staff"], live_server)
    ahmad, farewell, training = world["ahmad"], world["farewell"], world["training"]

    for path, name in [
        (reverse("dashboard"), "dashboard"),
        (reverse("employees:list"), "employees"),
        (reverse("employees:detail", args=[ahmad.pk]), "employee"),
        (reverse("employees:create"), ""),
        (reverse("employees:update", args=[ahmad.pk]), ""),
        (reverse("employees:projection"), "projection"),
        (reverse("employees:projection_print"), "projection-print"),
        (reverse("employees:import_create"), ""),
        (reverse("employees:import_detail", args=[world["job"].pk]), "import-progress"),
        (reverse("employees:retiring"), ""),
        (reverse("employees:case_detail", args=[world["case"].pk]), "case"),
        (reverse("ceremonies:list"), ""),
        (reverse("ceremonies:create"), ""),
        (reverse("ceremonies:cohort", args=[training.pk]), ""),
        (reverse("ceremonies:checkin", args=[farewell.pk]), "checkin"),
        (reverse("ceremonies:certificate_batch", args=[world["certificate_batch"].pk]), "certificate-progress"),
        (reverse("benefits:payouts"), "payouts"),
        (reverse("benefits:payout_detail", args=[world["approved"].pk]), "payout"),
        (reverse("benefits:prepare"), ""),
        (reverse("benefits:batch_detail", args=[world["payout_batch"].pk]), "payout-progress"),
        (reverse("benefits:tht"), ""),
        (reverse("benefits:tht_edit", args=[ahmad.pk]), ""),
        (reverse("benefits:handover", args=[farewell.pk]), ""),
        (reverse("ceremonies:certificates", args=[farewell.pk]), ""),
        (reverse("benefits:list"), ""),
        (reverse("notifications:list"), "outbox"),
        (reverse("notifications:detail", args=[world["message"].pk]), "outbox-message"),
        (reverse("password_change"), ""),
        (reverse("admin:index"), "admin"),
        (reverse("admin:employees_employee_changelist"), ""),
        (reverse("admin:employees_employee_change", args=[ahmad.pk]), "admin-employee"),
        (reverse("admin:employees_employee_history", args=[ahmad.pk]), "admin-history"),
        (reverse("admin:employees_retirementrule_changelist"), "admin-rules"),
        (reverse("admin:ceremonies_event_change", args=[farewell.pk]), ""),
        (reverse("admin:notifications_message_change", args=[world["message"].pk]), ""),
        (reverse("admin:purna_user_change", args=[world["staff"].pk]), ""),
    ]:
        watch.visit(path, screenshot=name)
    watch.visit("/tidak-ada/", status=404)

    # The event's page, each of its tabs opened.
    for event in (training, farewell):
        watch.visit(reverse("ceremonies:detail", args=[event.pk]))
        for tab in page.locator("[data-bs-toggle=tab]").all():
            tab.click()
            page.wait_for_timeout(200)
        watch.collect()
    # A progress page polls its partial (htmx swaps it in): the swapped-in bars are checked too.
    watch.visit(reverse("employees:import_detail", args=[world["job"].pk]))
    with page.expect_response(lambda response: "progres" in response.url):
        pass
    watch.collect()

    assert not watch.problems, "\n".join(watch.problems)


@pytest.mark.browser
def test_the_portal_and_the_verification_page_run_with_no_csp_violation(browser, live_server, world):
    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="id-ID")
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    watch = Watch(page)
    try:
        watch.visit(reverse("portal:sign_in"), screenshot="portal-sign-in")
        watch.visit(reverse("certificate_verify", args=[world["certificate"].verification_code]), screenshot="verify")
        invitation = Participant.objects.get(event=world["training"])
        watch.visit(rsvp_path(invitation), screenshot="rsvp")
        sign_in(phone, employee_portal_account_ensure(employee=world["ahmad"]), live_server)
        watch.visit(reverse("portal:home"), screenshot="portal")
    finally:
        phone.close()

    assert not watch.problems, "\n".join(watch.problems)


@pytest.mark.browser
def test_buttons_confirmations_progress_bars_and_charts_work_under_the_policy(page, live_server, world):
    watch = Watch(page)
    sign_in(page.context, world["staff"], live_server)
    training = world["training"]
    participant = Participant.objects.get(event=training)

    # A removal asks first: dismissed, nothing is removed.
    watch.visit(reverse("ceremonies:detail", args=[training.pk]) + "?tab=peserta")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator(f"form[action='{reverse('ceremonies:participant_remove', args=[participant.pk])}'] button").click()
    page.wait_for_timeout(300)
    assert len(dialogs) == 1 and dialogs[0]
    assert Participant.objects.filter(pk=participant.pk).exists()
    # Accepted, it is.
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.locator(f"form[action='{reverse('ceremonies:participant_remove', args=[participant.pk])}'] button").click()
    assert not Participant.objects.filter(pk=participant.pk).exists()
    watch.collect()

    # "Tick all who can take part" on the cohort page.
    watch.visit(reverse("ceremonies:cohort", args=[training.pk]) + "?tmt_from=2020-01&tmt_until=2040-12")
    boxes = page.locator("input[name=employee]:not(:disabled)")
    assert boxes.count() >= 1
    page.get_by_test_id("tick-all").click()
    assert all(box.is_checked() for box in boxes.all())

    # "Select all" on the payouts list.
    watch.visit(reverse("benefits:payouts"))
    boxes = page.locator("input[name=payout]")
    assert boxes.count() >= 2
    page.locator("thead input[type=checkbox]").check()
    assert all(box.is_checked() for box in boxes.all())
    page.locator("thead input[type=checkbox]").uncheck()
    assert not any(box.is_checked() for box in boxes.all())

    # The way of paying shows its own fields.
    watch.visit(reverse("benefits:payout_detail", args=[world["approved"].pk]))
    form = page.get_by_test_id("pay-form")
    form.locator("input[name=method][value=transfer]").check()
    assert form.locator("[data-field=account_number]").is_visible()
    assert not form.locator("[data-field=event]").is_visible()
    form.locator("input[name=method][value=tunai_acara]").check()
    assert form.locator("[data-field=event]").is_visible()
    assert not form.locator("[data-field=account_number]").is_visible()

    # Progress bars are as wide as their progress: 70 of 200 rows, 120 of 300 retirees, 10 of 40 certificates.
    for path, percent in [
        (reverse("employees:import_detail", args=[world["job"].pk]), 35),
        (reverse("benefits:batch_detail", args=[world["payout_batch"].pk]), 40),
        (reverse("ceremonies:certificate_batch", args=[world["certificate_batch"].pk]), 25),
    ]:
        watch.visit(path)
        bar = page.locator(".progress-bar")
        ratio = page.evaluate(
            "bar => bar.getBoundingClientRect().width / bar.parentElement.getBoundingClientRect().width",
            bar.element_handle(),
        )
        assert abs(ratio * 100 - percent) < 2, (path, ratio)
        assert page.locator(".progress").bounding_box()["height"] >= 20, path
    # The admin's recomputation progress.
    watch.visit(reverse("admin:employees_retirementrule_changelist"))
    assert page.locator("[data-testid=facts-refresh] progress").get_attribute("value") == "25"

    # The projection's charts are drawn in the site's colour.
    watch.visit(reverse("employees:projection"))
    assert page.locator(".bar-chart-svg rect.bar").count() > 0
    fill = page.evaluate("getComputedStyle(document.querySelector('.bar-chart-svg rect.bar')).fill")
    assert fill == "rgb(11, 93, 75)"

    # The admin's own scripts: the calendar of a date field, the search list of a unit (select2, jQuery).
    watch.visit(reverse("admin:employees_employee_change", args=[world["ahmad"].pk]))
    page.locator("#calendarlink0").click()
    assert page.locator("#calendarbox0").is_visible()
    page.locator(".select2-selection").first.click()
    page.wait_for_selector(".select2-results__option")
    page.screenshot(path=SCREENSHOTS / "csp-admin-widgets.png")
    watch.collect()

    # The language switch in the footer submits itself.
    watch.visit(reverse("dashboard"))
    with page.expect_navigation():
        page.select_option("#language", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    watch.collect()

    assert not watch.problems, "\n".join(watch.problems)


@pytest.mark.browser
def test_the_second_step_and_an_accounts_admin_page_run_with_no_csp_violation(page, live_server, world, two_factor):
    """The pages of the two-factor sign-in (QR code drawn inline as SVG) and an account's page with its
    trace of changes (purna/admin.py), under the policy."""
    watch = Watch(page)
    sign_in(page.context, world["staff"], live_server)

    watch.visit(reverse("two_factor:enrol"), screenshot="two-factor-enrol")
    secret = page.locator("[data-testid=secret]").inner_text().replace(" ", "")
    page.fill("input[name=code]", f"{TOTP(base64.b32decode(secret)).token():06d}")
    page.locator("[data-testid=enrol-form] button[type=submit]").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == reverse("two_factor:recovery_codes")
    watch.collect()
    watch.visit(reverse("admin:purna_user_change", args=[world["staff"].pk]), screenshot="account")

    assert not watch.problems, "\n".join(watch.problems)


def test_no_page_template_carries_an_inline_style():
    """The policy blocks style attributes (style-src-attr): a page's look comes from static/css. The
    PDFs (WeasyPrint, no policy), the emails and the bare 503 page, served when the app is down, may."""
    from django.conf import settings as django_settings

    found = [
        str(path.relative_to(django_settings.BASE_DIR))
        for path in (django_settings.BASE_DIR / "templates").rglob("*.html")
        if 'style="' in path.read_text()
        and "/pdf/" not in str(path)
        and "email" not in str(path)
        and path.name != "503.html"
    ]
    assert found == []
