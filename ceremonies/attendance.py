"""Attendance of an event held over several days: per day, or per agenda session, and which part of the
event staff at the door are checking in for.

Pure: no ORM, no settings, no clock (the time zone and "now" are parameters).

A pre-retirement training (pelatihan persiapan purna tugas, DESIGN.md section 5) often runs two or three
days, and its organisers must show who came on each day (the daftar hadir is signed day by day) or, when
they choose it, to each session. A one-day event, a farewell ceremony above all, takes one check-in as
it always has. Whatever the parts, a participant who came to at least one of them attended the event
(Participant.checked_in_at and the status "hadir"): certificates and the hand-over read that.

Each part has a key that names it on the check-in page, in a phone's queue and in the sync: the day's
ISO date ("2026-12-07") or "sesi-<id>" for a session; the single check-in of a one-day event has none.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from purna.formatting import DAYS, MONTHS, jam

# Event.attendance_by (ceremonies.models.AttendanceBy): what the organiser chose for a multi-day event.
BY_DAY, BY_SESSION = "hari", "sesi"
SESSION_KEY_PREFIX = "sesi-"
# The longest key a phone may send ("sesi-" and a database id).
KEY_MAX_LENGTH = 24


@dataclass(frozen=True)
class SessionTime:
    """An agenda session as the parts need it."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    topic: str


@dataclass(frozen=True)
class Part:
    """A day or a session attendance is taken for."""

    key: str
    number: int  # 1, 2, ... in time order
    day: dt.date  # the day (for a session: the day it is held)
    session_id: int | None
    starts_at: dt.datetime  # a day: its local midnight; a session: its start
    ends_at: dt.datetime  # a day: the next midnight; a session: its end
    short_label: str  # "Hari 1", "Sesi 3"
    # Short enough for a phone's drop-down: "Hari 1 · Senin, 7 Desember", "Sesi 3 · Sen 7/12 13.00 · Kewirausahaan".
    label: str

    @property
    def is_session(self) -> bool:
        return self.session_id is not None


def _last_day(ends_at: dt.datetime, tz: ZoneInfo) -> dt.date:
    # An event ending at midnight ends on the day before.
    return (ends_at.astimezone(tz) - dt.timedelta(microseconds=1)).date()


def event_days(starts_at: dt.datetime, ends_at: dt.datetime, tz: ZoneInfo) -> list[dt.date]:
    """The calendar days (in the event's time zone) the event is held on, first to last."""
    first, last = starts_at.astimezone(tz).date(), _last_day(ends_at, tz)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def event_parts(
    *,
    attendance_by: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    sessions: list[SessionTime],
    tz: ZoneInfo,
) -> list[Part]:
    """The parts attendance is taken for, in time order; none for an event that takes one check-in.

    - the organiser chose per session and the agenda has sessions: one part per session;
    - otherwise, an event over several days: one part per day;
    - otherwise (one day): none, the single check-in of the event.
    """
    if attendance_by == BY_SESSION and sessions:
        parts = []
        for number, session in enumerate(sorted(sessions, key=lambda s: (s.starts_at, s.id)), start=1):
            start = session.starts_at.astimezone(tz)
            short = _("Session %(n)d") % {"n": number}
            parts.append(
                Part(
                    key=f"{SESSION_KEY_PREFIX}{session.id}",
                    number=number,
                    day=start.date(),
                    session_id=session.id,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                    short_label=short,
                    label=(
                        f"{short} · {DAYS[start.weekday()][:3]} {start.day}/{start.month} {jam(start)} · {session.topic}"
                    ),
                )
            )
        return parts
    days = event_days(starts_at, ends_at, tz)
    if len(days) < 2:
        return []
    parts = []
    for number, day in enumerate(days, start=1):
        midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        short = _("Day %(n)d") % {"n": number}
        parts.append(
            Part(
                key=day.isoformat(),
                number=number,
                day=day,
                session_id=None,
                starts_at=midnight,
                ends_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=tz),
                short_label=short,
                label=f"{short} · {DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]}",
            )
        )
    return parts


def part_at(parts: list[Part], at: dt.datetime) -> Part | None:
    """The part staff check in for at `at` by default: the day (or session) under way, else the next one
    (a session after the coffee break), else the last (late entries once the event is over)."""
    for part in parts:
        if part.starts_at <= at < part.ends_at:
            return part
    for part in parts:
        if part.starts_at > at:
            return part
    return parts[-1] if parts else None


def part_get(parts: list[Part], key: str) -> Part | None:
    """The part named by `key`, or None when the event has no such day or session."""
    return next((part for part in parts if part.key == key), None)


def part_chosen(parts: list[Part], key: str | None, at: dt.datetime) -> Part | None:
    """The part a check-in is for: the one `key` names (None if the event has none such), or, without a
    key (a phone page from before the event had parts, the QR code opened by a camera app), the part
    under way at `at`."""
    if key:
        return part_get(parts, key)
    return part_at(parts, at)
