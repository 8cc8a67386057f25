"""ceremonies/attendance.py: which days or sessions attendance is taken for, and which one staff check in
for by default. Pure: no database, the time zone and "now" are given."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from ceremonies.attendance import BY_DAY, BY_SESSION, SessionTime, event_days, event_parts, part_at, part_chosen

WIB = ZoneInfo("Asia/Jakarta")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=WIB)


SESSIONS = [
    SessionTime(12, at(8, 8), at(8, 10), "Kesiapan psikologis"),
    SessionTime(11, at(7, 13), at(7, 15), "Kewirausahaan"),
    SessionTime(10, at(7, 8), at(7, 10), "Hak-hak peserta Taspen"),
]


TRAINING_START, TRAINING_END = at(7, 8), at(9, 16)  # a three-day training


def parts(attendance_by=BY_DAY, start=TRAINING_START, end=TRAINING_END, sessions=()):
    return event_parts(attendance_by=attendance_by, starts_at=start, ends_at=end, sessions=list(sessions), tz=WIB)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (at(7, 9), at(7, 12), [dt.date(2026, 12, 7)]),
        (at(7, 8), at(9, 16), [dt.date(2026, 12, 7), dt.date(2026, 12, 8), dt.date(2026, 12, 9)]),
        # Ending at midnight is ending on the day before.
        (at(7, 8), dt.datetime(2026, 12, 9, 0, 0, tzinfo=WIB), [dt.date(2026, 12, 7), dt.date(2026, 12, 8)]),
        # Stored in UTC, counted in the event's time zone: 7 Dec 23.00 UTC is 8 Dec 06.00 WIB.
        (
            dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 8, 5, 0, tzinfo=dt.UTC),
            [dt.date(2026, 12, 8)],
        ),
    ],
)
def test_the_days_of_an_event_are_counted_in_its_time_zone(start, end, days):
    assert event_days(start, end, WIB) == days


def test_a_one_day_event_takes_a_single_check_in():
    assert parts(start=at(7, 9), end=at(7, 12)) == []
    # Per day asked, but one day held: still a single check-in (a farewell ceremony).
    assert parts(BY_DAY, at(7, 9), at(7, 12), SESSIONS[2:]) == []


def test_an_event_over_several_days_takes_one_check_in_per_day_by_default():
    days = parts()
    assert [p.key for p in days] == ["2026-12-07", "2026-12-08", "2026-12-09"]
    assert [p.number for p in days] == [1, 2, 3]
    assert all(p.session_id is None and not p.is_session for p in days)
    assert days[1].starts_at == at(8, 0) and days[1].ends_at == at(9, 0)
    assert days[0].label.endswith(" · Senin, 7 Desember")
    # Sessions on the agenda do not change that unless the organiser chose per session.
    assert [p.key for p in parts(BY_DAY, sessions=SESSIONS)] == ["2026-12-07", "2026-12-08", "2026-12-09"]


def test_per_session_takes_one_check_in_per_agenda_session_in_time_order():
    sessions = parts(BY_SESSION, sessions=SESSIONS)
    assert [p.key for p in sessions] == ["sesi-10", "sesi-11", "sesi-12"]
    assert [p.day for p in sessions] == [dt.date(2026, 12, 7), dt.date(2026, 12, 7), dt.date(2026, 12, 8)]
    assert sessions[1].is_session and sessions[1].session_id == 11
    assert sessions[1].label.endswith(" · Sen 7/12 13.00 · Kewirausahaan")
    # Even at a one-day training, when chosen; without an agenda, per day.
    assert len(parts(BY_SESSION, at(7, 8), at(7, 16), SESSIONS[1:])) == 2
    assert [p.key for p in parts(BY_SESSION)] == ["2026-12-07", "2026-12-08", "2026-12-09"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(7, 7), "2026-12-07"),  # before the training: its first day
        (at(8, 0, 30), "2026-12-08"),  # the day under way, whatever the hour
        (at(8, 23, 59), "2026-12-08"),
        (at(12, 9), "2026-12-09"),  # after it: the last day (late entries)
    ],
)
def test_staff_check_in_for_the_day_under_way(now, expected):
    assert part_at(parts(), now).key == expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(7, 7), "sesi-10"),  # before the first session
        (at(7, 9), "sesi-10"),  # under way
        (at(7, 11), "sesi-11"),  # between two sessions: the next one
        (at(7, 16), "sesi-12"),  # after the day's last session: tomorrow's first
        (at(9, 9), "sesi-12"),  # after the last: the last
    ],
)
def test_staff_check_in_for_the_session_under_way_or_the_next(now, expected):
    assert part_at(parts(BY_SESSION, sessions=SESSIONS), now).key == expected


def test_a_check_in_is_for_the_part_it_names_else_the_one_under_way():
    days = parts()
    assert part_chosen(days, "2026-12-09", at(7, 9)).key == "2026-12-09"
    assert part_chosen(days, None, at(8, 9)).key == "2026-12-08"
    assert part_chosen(days, "", at(8, 9)).key == "2026-12-08"
    assert part_chosen(days, "2026-12-10", at(8, 9)) is None  # not a day of this event
    assert part_chosen(days, "sesi-10", at(8, 9)) is None
    assert part_at([], at(8, 9)) is None
