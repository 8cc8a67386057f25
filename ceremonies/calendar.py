"""The calendar file (.ics, RFC 5545) attached to an invitation, so the event lands in the retiree's
phone calendar with its time, place and the link to answer.

Written with the `icalendar` library (collective/icalendar, maintained since 2005), which does what RFC
5545 asks and is easy to get wrong by hand: CRLF line ends, lines folded at 75 octets without cutting a
UTF-8 character, escaping of "," ";" "\\" and newlines in text values, UTC times with "Z".

Choices:
- METHOD:PUBLISH, not REQUEST: a REQUEST makes mail clients offer Accept/Decline buttons that answer by
  email to the organiser, which nobody reads; the answer is given through the RSVP link instead.
- The UID is the participant's (stable): a second invitation (after a change of date or venue) carries
  a higher SEQUENCE (the participant's rsvp_version), so a calendar replaces the entry instead of
  adding a second one.
- Times in UTC: no VTIMEZONE block needed, and every client shows them in the phone's own zone.

Pure: plain values in, bytes out; no ORM, no settings, no clock.
"""

import datetime as dt
from dataclasses import dataclass

import icalendar

PRODID = "-//Purna//Undangan acara purna tugas//ID"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    summary: str
    location: str
    description: str
    stamp: dt.datetime  # aware: when the file was made
    url: str = ""
    organizer_name: str = ""
    organizer_email: str = ""


def uid_for(*, event_pk: int, participant_pk: int, host: str) -> str:
    """ "purna-event-7-participant-12@purna.bkpsdm.example.go.id": unique world-wide, stable per person."""
    return f"purna-event-{event_pk}-participant-{participant_pk}@{host or 'purna.invalid'}"


def _utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("Calendar times must be time-zone aware.")
    return value.astimezone(dt.UTC)


def ics_make(event: CalendarEvent) -> bytes:
    """One VCALENDAR holding one VEVENT, as bytes (UTF-8, CRLF)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(event.stamp))
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("summary", event.summary)
    if event.location:
        vevent.add("location", event.location)
    if event.description:
        vevent.add("description", event.description)
    if event.url:
        vevent.add("url", event.url)
    if event.organizer_email:
        organizer = icalendar.vCalAddress(f"mailto:{event.organizer_email}")
        if event.organizer_name:
            organizer.params["cn"] = icalendar.vText(event.organizer_name)
        vevent.add("organizer", organizer)
    vevent.add("status", "CONFIRMED")
    vevent.add("transp", "OPAQUE")
    calendar.add_component(vevent)
    return calendar.to_ical()
