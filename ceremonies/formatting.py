"""How an event's time is written on an invitation: "Senin, 20 Januari 2027 pukul 09.00 WIB".

Indonesia has three time zones (DESIGN.md section 5, Formats): WIB (Asia/Jakarta, and the other
western zones of the tz database), WITA (Asia/Makassar), WIT (Asia/Jayapura). An invitation names the
zone, since a retiree may read it while travelling. Pure: the local times and the zone name come in.
"""

import datetime as dt

from django.utils.translation import gettext as _

from purna.formatting import jam, tanggal, zona_waktu


def zone_abbreviation(tz_name: str, at: dt.datetime | None = None) -> str:
    """WIB / WITA / WIT for Indonesian zones, else the zone's own abbreviation at `at` (or its name)."""
    if zona_waktu(tz_name) != tz_name:
        return zona_waktu(tz_name)
    if at is not None and at.tzinfo is not None:
        return at.tzname() or tz_name
    return tz_name


def event_when(starts_at: dt.datetime, ends_at: dt.datetime, zone: str) -> str:
    """ "Senin, 20 Januari 2027 pukul 09.00-12.00 WIB"; an event over several days names both days.

    `starts_at` and `ends_at` are already in the event's local time.
    """
    day = tanggal(starts_at.date(), with_day=True)
    if starts_at.date() == ends_at.date():
        return _("%(day)s at %(start)s-%(end)s %(zone)s") % {
            "day": day,
            "start": jam(starts_at),
            "end": jam(ends_at),
            "zone": zone,
        }
    return _("%(day)s at %(start)s %(zone)s until %(end_day)s at %(end)s %(zone)s") % {
        "day": day,
        "start": jam(starts_at),
        "end_day": tanggal(ends_at.date(), with_day=True),
        "end": jam(ends_at),
        "zone": zone,
    }
