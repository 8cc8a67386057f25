"""The invitation's calendar file (RFC 5545) and how an event's time is written: parsed back with the
icalendar library and checked line by line as the RFC asks (CRLF, 75-octet folding, escaping, UTC)."""

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from django.utils import timezone

from ceremonies import calendar, rsvp
from ceremonies.formatting import event_when, zone_abbreviation
from ceremonies.services.invitations import event_when_local, invitation_ics
from tests.factories import EventFactory, OfficialFactory, ParticipantFactory

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NASTY = 'Pelepasan ASN, Purna; Tugas \\ "2027"\nbaris kedua'


def sample(**changes) -> calendar.CalendarEvent:
    values = {
        "uid": calendar.uid_for(event_pk=7, participant_pk=12, host="purna.sukamaju.go.id"),
        "sequence": 2,
        "starts_at": dt.datetime(2027, 1, 20, 9, tzinfo=JAKARTA),
        "ends_at": dt.datetime(2027, 1, 20, 12, tzinfo=JAKARTA),
        "summary": NASTY,
        "location": "Pendopo Kabupaten, Jl. Merdeka No. 1; Lt. 2",
        "description": "Konfirmasi kehadiran Bapak/Ibu: https://purna.sukamaju.go.id/acara/undangan/12/"
        "12.2:1tQx9k:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG/ — terima kasih. Émile Ülker",
        "stamp": dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC),
        "url": "https://purna.sukamaju.go.id/acara/undangan/12/x/",
        "organizer_name": "BKPSDM Kabupaten Sukamaju, Jawa Tengah",
        "organizer_email": "bkpsdm@sukamaju.go.id",
    }
    return calendar.CalendarEvent(**{**values, **changes})


def test_the_file_parses_back_with_every_value_intact():
    parsed = icalendar.Calendar.from_ical(calendar.ics_make(sample()))

    assert parsed["VERSION"] == "2.0" and parsed["METHOD"] == "PUBLISH"
    [event] = parsed.walk("VEVENT")
    assert str(event["UID"]) == "purna-event-7-participant-12@purna.sukamaju.go.id"
    assert event["SEQUENCE"] == 2
    assert str(event["SUMMARY"]) == NASTY
    assert str(event["LOCATION"]) == "Pendopo Kabupaten, Jl. Merdeka No. 1; Lt. 2"
    assert str(event["DESCRIPTION"]) == sample().description
    assert event.decoded("DTSTART") == dt.datetime(2027, 1, 20, 2, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(2027, 1, 20, 5, tzinfo=dt.UTC)
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC)
    assert str(event["ORGANIZER"]) == "mailto:bkpsdm@sukamaju.go.id"
    assert event["ORGANIZER"].params["CN"] == "BKPSDM Kabupaten Sukamaju, Jawa Tengah"


def test_the_text_follows_rfc_5545_lines_folding_escaping_and_utc():
    raw = calendar.ics_make(sample())

    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)  # no bare LF anywhere
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # the long description was folded
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8")  # folding never split a UTF-8 character
    assert "Émile Ülker" in unfolded
    assert 'SUMMARY:Pelepasan ASN\\, Purna\\; Tugas \\\\ "2027"\\nbaris kedua\r\n' in unfolded
    assert "DTSTART:20270120T020000Z\r\n" in unfolded
    assert "DTEND:20270120T050000Z\r\n" in unfolded
    assert "DTSTAMP:20261202T100000Z\r\n" in unfolded
    assert unfolded.startswith("BEGIN:VCALENDAR\r\n") and unfolded.endswith("END:VCALENDAR\r\n")
    assert unfolded.count("BEGIN:VEVENT") == 1


def test_optional_fields_are_left_out_and_naive_times_are_refused():
    bare = calendar.ics_make(sample(organizer_email="", url="", location="")).decode()
    assert "ORGANIZER" not in bare and "URL:" not in bare and "LOCATION" not in bare

    with pytest.raises(ValueError, match="aware"):
        calendar.ics_make(sample(starts_at=dt.datetime(2027, 1, 20, 9)))  # noqa: DTZ001 (naive on purpose: refused)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT")],
)
def test_indonesian_time_zones_have_their_names(zone, expected):
    assert zone_abbreviation(zone) == expected


def test_other_zones_fall_back_to_their_own_abbreviation():
    at = dt.datetime(2027, 1, 20, 9, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    assert zone_abbreviation("Europe/Amsterdam", at) == "CET"


def test_the_time_is_written_the_indonesian_way(english):
    start = dt.datetime(2027, 1, 20, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    same_day = event_when(start, start.replace(hour=12, minute=30), "WIB")
    assert same_day.sentence == "Rabu, 20 Januari 2027 at 09.00-12.30 WIB"
    assert (same_day.day, same_day.time) == ("Rabu, 20 Januari 2027", "09.00 - 12.30 WIB")
    several_days = event_when(start, start.replace(day=22, hour=15), "WITA")
    assert several_days.sentence == ("Rabu, 20 Januari 2027 at 09.00 WITA until Jumat, 22 Januari 2027 at 15.00 WITA")
    assert (several_days.day, several_days.time) == (
        "Rabu, 20 Januari 2027 to Jumat, 22 Januari 2027",
        "09.00 - 15.00 WITA",
    )


@pytest.mark.django_db
def test_the_event_time_follows_the_sites_zone(settings, english):
    settings.TIME_ZONE = "Asia/Jayapura"
    event = EventFactory(
        starts_at=dt.datetime(2027, 1, 20, 0, tzinfo=dt.UTC), ends_at=dt.datetime(2027, 1, 20, 3, tzinfo=dt.UTC)
    )
    assert event_when_local(event) == "Rabu, 20 Januari 2027 at 09.00-12.00 WIT"


@pytest.mark.django_db
def test_a_participants_file_carries_the_event_and_their_current_link(settings, english):
    settings.PURNA_SITE_URL = "https://purna.sukamaju.go.id/"
    official = OfficialFactory(name="Drs. Bambang Wijaya, M.Si.")
    participant = ParticipantFactory(event=EventFactory(presiding_official=official), rsvp_version=3)

    raw = invitation_ics(participant=participant, event=participant.event, now=timezone.now())

    [event] = icalendar.Calendar.from_ical(raw).walk("VEVENT")
    prefix = "https://purna.sukamaju.go.id/acara/undangan/"
    assert str(event["UID"]) == f"purna-event-{participant.event.pk}-participant-{participant.pk}@purna.sukamaju.go.id"
    assert event["SEQUENCE"] == 3
    assert str(event["SUMMARY"]) == participant.event.title
    [(pk, token)] = re.findall(re.escape(prefix) + r"(\d+)/(\S+)/", str(event["DESCRIPTION"]))
    assert rsvp.token_read(token, pk=int(pk)) == rsvp.RsvpClaim(participant_pk=participant.pk, version=3)
    assert "Drs. Bambang Wijaya, M.Si." in str(event["DESCRIPTION"])
    assert event_when_local(participant.event) in str(event["DESCRIPTION"])
    assert event.decoded("DTSTART") == participant.event.starts_at
