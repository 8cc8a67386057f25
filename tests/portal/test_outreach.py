"""Reaching retirees outside email, through the real pages: an event's list of WhatsApp messages (links
with the text and the personal link, invalid numbers reported; scope, permission, fixed queries), each
opening or copy recorded in the outbox on the whatsapp_link channel, and one-time sign-in codes issued
from the employee's page (printed slip, WhatsApp) and used on the portal's sign-in page."""

import datetime as dt
import re
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ceremonies import rsvp
from ceremonies.models import Certificate, EventStatus, ParticipantStatus
from ceremonies.services.certificates import certificates_issue
from ceremonies.services.invitations import KIND as INVITATION_KIND
from employees.choices import EmployeeStatus
from employees.models import SignInCode
from portal.services import KIND as SIGN_IN_KIND
from purna import roles
from purna.notifications.models import Message, MessageStatus
from tests.factories import (
    EmployeeFactory,
    EventFactory,
    OfficialFactory,
    ParticipantFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.portal.conftest import SITE

pytestmark = pytest.mark.django_db

SHOTS = Path(__file__).resolve().parents[2] / "var" / "test-shots"


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-dinkes", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def staff(client, operator):
    client.force_login(operator)
    return client


def retired(unit, name: str, phone: str, **kwargs):
    """A retiree (past the TMT): reached at the personal phone; the office's is only a fallback."""
    return EmployeeFactory(
        unit=unit,
        name=name,
        status=EmployeeStatus.PENSIUN,
        tmt_pensiun=dt.date(2025, 6, 1),
        phone="0542-731234",
        personal_phone=phone,
        email="",
        personal_email="",
        **kwargs,
    )


@pytest.fixture
def event(unit):
    event = EventFactory(organizer=unit, status=EventStatus.PUBLISHED, title="Pelepasan Purna Tugas 2027")
    for n, phone in enumerate(["0812-3456-7890", "tidak ada", "+62 813 1111 2222"]):
        ParticipantFactory(event=event, employee=retired(unit, f"Peserta {'ABC'[n]}", phone))
    return event


def rsvp_link_of(text: str, participant) -> bool:
    """Whether `text` carries the participant's own working one-tap RSVP link (the token is signed with
    a timestamp, so it is checked, not compared)."""
    found = re.search(rf"{re.escape(SITE)}/acara/undangan/{participant.pk}/([^/\s]+)/", text)
    return bool(found) and rsvp.token_read(found.group(1), pk=participant.pk).version == participant.rsvp_version


def wa_url(event, what="undangan"):
    return reverse("outreach:event_whatsapp", args=[event.pk]) + f"?pesan={what}"


def test_the_list_gives_each_person_a_wa_me_link_with_the_text_and_their_rsvp_link(staff, event):
    response = staff.get(wa_url(event))

    assert response.status_code == 200
    lines = {line.employee.name: line for line in response.context["lines"]}
    a = lines["Peserta A"]
    parts = urlsplit(a.link)
    assert (parts.netloc, parts.path) == ("wa.me", "/6281234567890")
    [text] = parse_qs(parts.query)["text"]
    participant = event.participants.get(employee__name="Peserta A")
    assert rsvp_link_of(text, participant)
    assert text.startswith("Yth. Bapak/Ibu Peserta A,") and "Pelepasan Purna Tugas 2027" in text
    assert lines["Peserta C"].link.startswith("https://wa.me/6281311112222?text=")
    # An unusable number is reported, not linked.
    assert lines["Peserta B"].link == "" and not lines["Peserta B"].phone.valid
    body = response.content.decode()
    assert body.count('data-testid="wa-invalid"') == 1
    assert "tidak ada" in body
    assert response.context["copy_all"].count("https://wa.me/") == 2


def test_the_certificate_list_links_each_verification_page(staff, unit, operator):
    event = EventFactory(organizer=unit, status=EventStatus.HELD)
    event.signatories.set([OfficialFactory(name="Dr. H. Muhammad Sayid, M.Si.", nip="197001011990031001")])
    ParticipantFactory(
        event=event, status=ParticipantStatus.ATTENDED, employee=retired(unit, "Peserta A", "0812 3456 7890")
    )
    certificates_issue(event=event, actor=operator)
    certificate = Certificate.objects.get()

    [line] = staff.get(wa_url(event, "piagam")).context["lines"]

    [text] = parse_qs(urlsplit(line.link).query)["text"]
    assert f"{SITE}/verifikasi/{certificate.verification_code}/" in text
    assert f"{SITE}/portal/" in text


def test_the_list_runs_a_fixed_number_of_queries(staff, event, unit, instansi_cache_warm):
    with CaptureQueriesContext(connection) as few:
        staff.get(wa_url(event))
    for n in range(4):
        ParticipantFactory(event=event, employee=retired(unit, f"Tambahan {n}", "0812000000{n}"))
    with CaptureQueriesContext(connection) as many:
        response = staff.get(wa_url(event))
    assert len(response.context["lines"]) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_is_refused_to_the_anonymous_the_roleless_and_other_units(client, event, no_role_user):
    url = wa_url(event)
    assert client.get(url).status_code == 302
    client.force_login(no_role_user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="lain", roles=[roles.OPERATOR], units=[UnitKerjaFactory()]))
    assert client.get(url).status_code == 404
    participant = event.participants.first()
    send = {"what": "undangan", "pk": participant.pk}
    assert client.post(reverse("outreach:whatsapp_send"), send).status_code == 404
    assert not Message.objects.exists()


def test_opening_a_link_records_it_in_the_outbox_on_the_whatsapp_channel(staff, event, operator):
    participant = event.participants.get(employee__name="Peserta A")

    response = staff.post(reverse("outreach:whatsapp_send"), {"what": "undangan", "pk": participant.pk, "mode": "open"})

    assert response.status_code == 303 and response["Location"].startswith("https://wa.me/6281234567890?text=")
    message = Message.objects.get()
    assert (message.kind, message.channel, message.status) == (INVITATION_KIND, "whatsapp_link", MessageStatus.SENT)
    assert message.created_by == operator and message.to_phone == "6281234567890"
    assert message.about == participant and rsvp_link_of(message.body_text, participant)


def test_copying_shows_the_text_and_records_it(staff, event):
    participant = event.participants.get(employee__name="Peserta C")

    response = staff.post(reverse("outreach:whatsapp_send"), {"what": "undangan", "pk": participant.pk, "mode": "copy"})

    assert response.status_code == 200 and rsvp_link_of(response.context["line"].text, participant)
    assert Message.objects.get().channel == "whatsapp_link"


def test_an_unusable_number_records_nothing(staff, event):
    participant = event.participants.get(employee__name="Peserta B")

    response = staff.post(reverse("outreach:whatsapp_send"), {"what": "undangan", "pk": participant.pk, "next": "/"})

    assert response.status_code == 302 and not Message.objects.exists()


def test_the_sign_in_link_by_whatsapp_is_kept_blanked_in_the_outbox(staff, unit):
    person = retired(unit, "Ahmad Yani", "081234567890")

    response = staff.post(reverse("outreach:whatsapp_send"), {"what": "masuk", "pk": person.pk})

    [text] = parse_qs(urlsplit(response["Location"]).query)["text"]
    assert re.search(r"/portal/masuk/tautan/\?sesame=\S+", text)
    message = Message.objects.get()
    assert message.kind == SIGN_IN_KIND and message.channel == "whatsapp_link"
    assert "sesame=" not in message.body_text and "[…]" in message.body_text


def test_a_viewer_cannot_send_a_sign_in_link(client, unit):
    person = retired(unit, "Ahmad Yani", "081234567890")
    client.force_login(UserFactory(username="pimpinan", roles=[roles.PIMPINAN], units=[unit]))

    assert client.post(reverse("outreach:whatsapp_send"), {"what": "masuk", "pk": person.pk}).status_code == 403


# --- Sign-in codes --------------------------------------------------------------------------------------


def issue(staff, person) -> str:
    response = staff.post(reverse("outreach:sign_in_code_create", args=[person.pk]))
    assert response.status_code == 200
    return response.context["raw_code"]


def test_the_employee_page_offers_codes_and_logs_them(staff, unit, operator):
    person = retired(unit, "Ahmad Yani", "081234567890")
    page = reverse("employees:detail", args=[person.pk])
    assert 'data-testid="issue-code"' in staff.get(page).content.decode()

    issue(staff, person)

    body = staff.get(page).content.decode()
    assert 'data-testid="code-log"' in body and (operator.get_full_name() or operator.username) in body


def test_codes_are_refused_to_the_roleless_and_other_units(client, unit, no_role_user):
    person = retired(unit, "Ahmad Yani", "081234567890")
    urls = [
        reverse(name, args=[person.pk])
        for name in (
            "outreach:sign_in_code_create",
            "outreach:sign_in_code_slip",
            "outreach:sign_in_code_whatsapp",
            "outreach:sign_in_code_cancel",
        )
    ]
    client.force_login(no_role_user)
    assert all(client.post(url).status_code == 403 for url in urls)
    client.force_login(UserFactory(username="lain", roles=[roles.OPERATOR], units=[UnitKerjaFactory()]))
    assert all(client.post(url).status_code == 404 for url in urls)
    assert not SignInCode.objects.exists()


def test_the_printed_slip_has_the_code_and_the_instructions(staff, unit, tmp_path):
    person = retired(unit, "Ahmad Yani", "081234567890", nip="196505121990031004")
    code = issue(staff, person)

    response = staff.post(reverse("outreach:sign_in_code_slip", args=[person.pk]), {"code": code})

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "slip.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kode Masuk Portal Purna Tugas" in text
    assert f"{code[:4]} {code[4:]}" in " ".join(text.split())
    assert "Bapak/Ibu Ahmad Yani" in text and "19650512 199003 1 004" in text
    assert f"{SITE}/portal/masuk/kode/" in text
    assert "hanya dapat dipakai satu kali" in text
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M)
    SHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf), str(SHOTS / "sign-in-code-slip")], check=True
    )


def test_the_slip_is_refused_for_a_wrong_or_replaced_code(staff, unit):
    person = retired(unit, "Ahmad Yani", "081234567890")
    first = issue(staff, person)
    issue(staff, person)

    response = staff.post(reverse("outreach:sign_in_code_slip", args=[person.pk]), {"code": first})

    assert response.status_code == 302


def test_the_code_by_whatsapp_is_recorded_without_its_digits(staff, unit):
    person = retired(unit, "Ahmad Yani", "081234567890")
    code = issue(staff, person)

    response = staff.post(reverse("outreach:sign_in_code_whatsapp", args=[person.pk]), {"code": code})

    [text] = parse_qs(urlsplit(response["Location"]).query)["text"]
    assert f"{code[:4]} {code[4:]}" in text and person.nip in text
    message = Message.objects.get()
    assert message.channel == "whatsapp_link"
    assert (
        f"{code[:4]} {code[4:]}" not in message.body_text
        and "Kode masuk Portal Purna Tugas untuk Bapak/Ibu: […]" in message.body_text
    )


def test_a_retiree_signs_in_with_the_nip_and_the_code_through_the_portal(staff, unit):
    person = retired(unit, "Ahmad Yani", "081234567890", nip="196505121990031004")
    code = issue(staff, person)
    retiree = Client()

    assert 'href="/portal/masuk/kode/"' in retiree.get(reverse("portal:sign_in")).content.decode()
    response = retiree.post(
        reverse("portal:sign_in_code"), {"nip": "19650512 199003 1 004", "code": f"{code[:4]} {code[4:]}"}
    )

    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "Ahmad Yani" in retiree.get(reverse("portal:home")).content.decode()
    # Single use: a second browser with the same code is refused.
    again = Client().post(reverse("portal:sign_in_code"), {"nip": person.nip, "code": code})
    assert again.status_code == 400 and "_auth_user_id" not in again.wsgi_request.session


def test_wrong_codes_are_refused_then_the_code_is_locked(unit, staff, settings):
    settings.PURNA_SIGN_IN_CODE_ATTEMPTS = 3
    settings.AXES_FAILURE_LIMIT = 50
    person = retired(unit, "Ahmad Yani", "081234567890")
    code = issue(staff, person)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    retiree = Client()

    for _ in range(3):
        response = retiree.post(reverse("portal:sign_in_code"), {"nip": person.nip, "code": wrong})
        assert response.status_code == 400 and 'data-testid="code-error"' in response.content.decode()
    response = retiree.post(reverse("portal:sign_in_code"), {"nip": person.nip, "code": code})
    assert response.status_code == 400
    assert SignInCode.objects.get().failed_attempts == 3


def test_axes_stops_a_connection_trying_many_codes(unit, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    person = retired(unit, "Ahmad Yani", "081234567890")
    code = issue(staff, person)
    retiree = Client()

    for _ in range(2):
        retiree.post(
            reverse("portal:sign_in_code"), {"nip": person.nip, "code": "00000000" if code != "00000000" else "1"}
        )
    response = retiree.post(reverse("portal:sign_in_code"), {"nip": person.nip, "code": code})
    assert response.status_code == 429
    assert SignInCode.objects.get().used_at is None


def test_a_malformed_code_gets_an_indonesian_message(unit):
    retiree = Client()
    retiree.cookies["django_language"] = "id"
    response = retiree.post(reverse("portal:sign_in_code"), {"nip": "123", "code": "12"})
    assert response.status_code == 400
    assert "8 angka" in response.content.decode() and "18 angka" in response.content.decode()


def test_the_employee_page_shows_a_whatsapp_message_in_its_history(staff, unit):
    person = retired(unit, "Ahmad Yani", "081234567890")
    staff.post(reverse("outreach:whatsapp_send"), {"what": "masuk", "pk": person.pk})

    staff.cookies["django_language"] = "id"
    body = staff.get(reverse("employees:detail", args=[person.pk])).content.decode()

    assert "Tautan WhatsApp (dikirim petugas) +6281234567890" in body
