"""How an event's time is written on an invitation ("Senin, 20 Januari 2027 pukul 09.00 WIB") and on the
event's documents (day and time in two rows).

Indonesia has three time zones (DESIGN.md section 5, Formats): WIB (Asia/Jakarta, and the other
western zones of the tz database), WITA (Asia/Makassar), WIT (Asia/Jayapura). An invitation names the
zone, since a retiree may read it while travelling. Pure: the local times and the zone name come in.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _

from purna.formatting import jam, tanggal, zona_waktu


def zone_abbreviation(tz_name: str, at: dt.datetime | None = None) -> str:
    """WIB / WITA / WIT for Indonesian zones, else the zone's own abbreviation at `at` (or its name)."""
    if zona_waktu(tz_name) != tz_name:
        return zona_waktu(tz_name)
    if at is not None and at.tzinfo is not None:
        return at.tzname() or tz_name
    return tz_name


@dataclass(frozen=True)
class EventWhen:
    """When an event takes place, written for a document's rows (`day`: "Senin, 20 Januari 2027", or
    "... to ..." over several days; `time`: "09.00 - 12.00 WIB") and for a letter or an email
    (`sentence`: "Senin, 20 Januari 2027 pukul 09.00-12.00 WIB"). In the active language."""

    day: str
    time: str
    sentence: str

    def __str__(self) -> str:
        return self.sentence


def event_when(starts_at: dt.datetime, ends_at: dt.datetime, zone: str) -> EventWhen:
    """How the event's time is written; an event over several days names both days.

    `starts_at` and `ends_at` are already in the event's local time; `zone` is its abbreviation (WIB).
    """
    day = tanggal(starts_at.date(), with_day=True)
    start, end = jam(starts_at), jam(ends_at)
    if starts_at.date() == ends_at.date():
        return EventWhen(
            day=day,
            time=f"{start} - {end} {zone}",
            sentence=_("%(day)s at %(start)s-%(end)s %(zone)s")
            % {"day": day, "start": start, "end": end, "zone": zone},
        )
    end_day = tanggal(ends_at.date(), with_day=True)
    return EventWhen(
        day=_("%(start)s to %(end)s") % {"start": day, "end": end_day},
        time=f"{start} - {end} {zone}",
        sentence=_("%(day)s at %(start)s %(zone)s until %(end_day)s at %(end)s %(zone)s")
        % {"day": day, "start": start, "end_day": end_day, "end": end, "zone": zone},
    )


def event_when_in(starts_at: dt.datetime, ends_at: dt.datetime, tz_name: str) -> EventWhen:
    """`event_when` of an event's aware datetimes shown in the IANA zone `tz_name` (the site's)."""
    tz = zoneinfo.ZoneInfo(tz_name)
    starts, ends = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return event_when(starts, ends, zone_abbreviation(tz_name, starts))
