"""The check-in QR code on the retiree's portal: for each coming event they are invited to, the code of
their invitation letter, large, with a text alternative in "Bapak/Ibu" words; only their own, not for
events over, declined or attended, and not to an heir."""

import datetime as dt

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from benefits.documents import instansi_load
from ceremonies import documents
from ceremonies.models import EventStatus, Participant, ParticipantStatus
from tests.portal.conftest import SITE
from tests.portal.test_pages import signed_in

pytestmark = pytest.mark.django_db


def coming(employee) -> Participant:
    return Participant.objects.get(employee=employee, event__status=EventStatus.PUBLISHED)


def qr_rows(client) -> list[dict]:
    return [row for row in client.get(reverse("portal:home")).context["events"] if row["checkin_qr"]]


def test_the_portal_shows_the_invitations_qr_code_for_a_coming_event(client, ahmad, siti):
    participant = coming(ahmad)
    signed_in(client, ahmad)

    html = client.get(reverse("portal:home")).content.decode()
    [row] = qr_rows(client)

    # What the letter's QR code holds: the check-in address of their code, under the site's address.
    expected = f"{SITE}/acara/{participant.event_id}/hadir/{participant.checkin_code}/"
    assert documents.checkin_url(participant, base_url=SITE) == expected
    assert row["participant"] == participant
    assert row["checkin_qr"] == segno.make(expected, error="m").svg_data_uri(
        border=4, dark="#000", light="#fff", omitsize=True
    )
    assert html.count('data-testid="checkin-qr"') == 1
    assert f"Kode QR presensi Bapak/Ibu untuk {participant.event.title}. Kode: {participant.checkin_code}" in html
    assert f'data-testid="checkin-qr-code">{participant.checkin_code}<' in html
    # Only their own.
    assert coming(siti).checkin_code not in html


def test_the_letters_qr_code_holds_the_same_address(ahmad):
    participant = coming(ahmad)
    seen = []

    def checkin_url(p):
        seen.append(documents.checkin_url(p, base_url=SITE))
        return seen[-1]

    documents.letters_pdf(
        event=participant.event,
        participants=[participant],
        instansi=instansi_load(),
        printed_on=timezone.localdate(),
        checkin_url=checkin_url,
    )

    assert seen == [f"{SITE}/acara/{participant.event_id}/hadir/{participant.checkin_code}/"]


@pytest.mark.parametrize(
    "change",
    [
        {"status": ParticipantStatus.DECLINED},
        {"status": ParticipantStatus.ATTENDED},
        {"event": {"status": EventStatus.CLOSED}},
        {"event": {"ends_at": "past"}},
    ],
)
def test_no_qr_code_for_an_event_declined_attended_closed_or_over(client, ahmad, change):
    participant = coming(ahmad)
    if "event" in change:
        fields = change["event"]
        if fields.get("ends_at") == "past":
            now = timezone.now()
            fields = {"starts_at": now - dt.timedelta(hours=4), "ends_at": now - dt.timedelta(hours=1)}
        type(participant.event).objects.filter(pk=participant.event_id).update(**fields)
    else:
        Participant.objects.filter(pk=participant.pk).update(**change)
    signed_in(client, ahmad)

    assert qr_rows(client) == []
    assert 'data-testid="checkin-qr"' not in client.get(reverse("portal:home")).content.decode()


def test_a_confirmed_participant_sees_it_too(client, ahmad):
    Participant.objects.filter(pk=coming(ahmad).pk).update(status=ParticipantStatus.CONFIRMED)
    signed_in(client, ahmad)

    assert len(qr_rows(client)) == 1


def test_an_invitation_not_yet_answered_reads_so_not_as_its_status(client, ahmad):
    participant = coming(ahmad)
    Participant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.INVITED)
    signed_in(client, ahmad)

    html = client.get(reverse("portal:home")).content.decode()

    # "Jawaban Bapak/Ibu: Diundang" answered nothing: the retiree has not answered yet.
    assert "Jawaban Bapak/Ibu: <strong>belum dijawab</strong>" in html
