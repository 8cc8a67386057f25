"""The outbox in a real browser: an operator finds a failed email, reads it, sends it again; a sent
email is shown as the recipient saw it (screenshots in var/screenshots/)."""

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from employees.notifications import APPROACHING, APPROACHING_OPERATOR
from purna.models import Instansi
from purna.notifications import registry
from purna.notifications.delivery import messages_send
from purna.notifications.models import Message, MessageStatus
from purna.notifications.services import message_queue
from tests.purna.notifications.builders import document_types_ensure, employee_retiring, first_of_month, operator

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"


def reminder(employee, recipient_key: str, kind: str = APPROACHING, **fields) -> Message:
    message, _created = message_queue(
        kind=kind,
        recipient_key=recipient_key,
        occasion=f"employee-{employee.pk}-tmt-{employee.tmt_pensiun}-m6",
        to_email=fields.pop("to_email", employee.email),
        to_name=employee.display_name,
        about=employee,
        about_label=f"{employee.display_name} ({employee.nip})",
        context={"tmt": employee.tmt_pensiun.isoformat(), "months": 6},
    )
    return message


def test_operator_finds_a_failed_email_reads_it_and_sends_it_again(page, live_server):
    document_types_ensure()
    Instansi.objects.update_or_create(
        pk=1, defaults={"name": "BKPSDM Kabupaten Sukamaju", "email": "bkpsdm@sukamaju.go.id"}
    )
    staff = operator("operator-outbox", password="rahasia-uji-123", email="sri.rahayu@sukamaju.go.id")
    tmt = first_of_month(timezone.localdate(), 6)
    siti = employee_retiring(tmt, name="Siti Aminah", email="siti.aminah@sukamaju.go.id", back_title="S.Pd.")
    budi = employee_retiring(tmt, name="Budi Santoso", email="budi.santoso(at)sukamaju", front_title="Drs.")
    sent = reminder(siti, registry.recipient_key("employee", siti.pk))
    reminder(siti, registry.recipient_key("user", staff.pk), kind=APPROACHING_OPERATOR)
    failed = reminder(budi, registry.recipient_key("employee", budi.pk))
    messages_send()  # pytest-django keeps the mail in memory; the rows record what was sent
    assert Message.objects.get(pk=failed.pk).status == MessageStatus.FAILED
    with translation.override("id"):
        outbox, send_again = gettext("Outbox"), gettext("Send again")

    page.goto("/akun/masuk/?next=/kotak-keluar/")
    page.fill("#id_username", "operator-outbox")
    page.fill("#id_password", "rahasia-uji-123")
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/kotak-keluar/")

    assert page.locator("h1").inner_text() == outbox
    assert page.get_by_test_id("failed-count").inner_text() == "1"
    assert page.locator("[data-testid=outbox] tbody tr").count() == 3
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "outbox_list.png", full_page=True)

    page.select_option("#id_status", "failed")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**status=failed**")
    rows = page.locator("[data-testid=outbox] tbody tr")
    assert rows.count() == 1
    assert "budi.santoso(at)sukamaju" in rows.first.inner_text()
    page.get_by_test_id(f"open-{failed.pk}").click()
    page.wait_for_url(f"{live_server.url}/kotak-keluar/{failed.pk}/")
    assert "budi.santoso(at)sukamaju" in page.get_by_test_id("last-error").inner_text()
    page.screenshot(path=SCREENSHOTS / "outbox_failed_detail.png", full_page=True)

    page.get_by_test_id("retry").click()
    page.wait_for_url(f"{live_server.url}/kotak-keluar/{failed.pk}/")
    assert page.locator(".alert-success").count() == 1
    assert page.get_by_test_id("retry").count() == 0
    assert Message.objects.get(pk=failed.pk).status == MessageStatus.QUEUED
    assert send_again  # the button's label came from the catalog

    page.goto(f"/kotak-keluar/{sent.pk}/")
    frame = page.frame_locator("[data-testid=html-frame]")
    assert "Siti Aminah" in frame.locator("body").inner_text()
    assert "BKPSDM Kabupaten Sukamaju" in frame.locator("body").inner_text()
    # The frame is sandboxed: no scripts, no access to the page.
    assert page.get_by_test_id("html-frame").get_attribute("sandbox") == ""
    page.screenshot(path=SCREENSHOTS / "outbox_sent_detail.png", full_page=True)
    page.get_by_role("tab").last.click()
    assert "Siti Aminah" in page.get_by_test_id("text-body").inner_text()
