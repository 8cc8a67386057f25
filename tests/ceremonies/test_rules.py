"""ceremonies/rules.py: who may take part in which event, and what may change when (no database)."""

import datetime as dt

import pytest

from ceremonies import rules
from ceremonies.rules import Candidate

D = dt.date
DAY = D(2026, 10, 21)  # the Balikpapan farewell (seeds/pelepasan-asn-balikpapan.txt)
WINDOWS = {"farewell_months_after": 12, "training_months_before": 12}


def refusal(status: str, tmt: dt.date | None, kind: str, day: dt.date = DAY) -> str:
    return rules.participant_refusal(Candidate(status=status, tmt=tmt), kind=kind, event_day=day, **WINDOWS)


@pytest.mark.parametrize(
    ("status", "tmt", "allowed"),
    [
        ("pensiun", D(2026, 10, 1), True),  # retired this month
        ("pensiun", D(2025, 10, 21), True),  # exactly twelve months before: still honoured
        ("pensiun", D(2025, 10, 1), False),  # retired long ago
        ("aktif", D(2027, 3, 1), True),  # retiring soon
        ("mpp", D(2026, 12, 1), True),
        ("meninggal", D(2026, 10, 1), False),  # deceased
        ("pindah", D(2026, 10, 1), False),  # moved away: honoured by their new agency
        ("aktif", None, True),  # no TMT computed yet: the staff decide
    ],
)
def test_who_may_take_part_in_a_farewell(status, tmt, allowed):
    assert (refusal(status, tmt, rules.FAREWELL) == "") is allowed


@pytest.mark.parametrize(
    ("status", "tmt", "allowed"),
    [
        ("aktif", D(2027, 9, 1), True),  # within the year after the training
        ("aktif", D(2027, 10, 21), True),  # exactly twelve months after: the boundary is in
        ("aktif", D(2027, 11, 1), False),  # too far ahead
        ("aktif", D(2026, 10, 1), False),  # already retired by the training
        ("pensiun", D(2026, 12, 1), False),  # a retiree is past training
        ("meninggal", D(2027, 1, 1), False),
        ("aktif", None, False),
    ],
)
def test_who_may_take_part_in_a_training(status, tmt, allowed):
    assert (refusal(status, tmt, rules.TRAINING, D(2026, 10, 21)) == "") is allowed


def test_a_refusal_says_why(english):
    assert "deceased" in refusal("meninggal", D(2026, 10, 1), rules.FAREWELL)
    assert "12 months" in refusal("pensiun", D(2020, 1, 1), rules.FAREWELL)


@pytest.mark.parametrize(
    ("from_status", "to_status", "allowed"),
    [
        ("draf", "terbit", True),
        ("terbit", "draf", True),
        ("terbit", "terlaksana", True),
        ("terlaksana", "ditutup", True),
        ("draf", "terlaksana", False),
        ("draf", "ditutup", False),
        ("ditutup", "terbit", False),
        ("terlaksana", "terbit", False),
    ],
)
def test_event_status_moves(from_status, to_status, allowed):
    assert rules.event_transition_allowed(from_status, to_status) is allowed


def test_an_event_ends_after_it_starts():
    start = dt.datetime(2026, 10, 21, 9, tzinfo=dt.UTC)
    assert rules.event_period_errors(start, start + dt.timedelta(hours=2)) == {}
    assert "ends_at" in rules.event_period_errors(start, start)
    assert "ends_at" in rules.event_period_errors(start, start - dt.timedelta(minutes=1))


def test_places_left():
    assert rules.capacity_left(None, 500) is None
    assert rules.capacity_left(20, 18) == 2
    assert rules.capacity_left(20, 25) == 0


def test_an_invitation_can_be_answered_only_before_a_published_event_starts():
    start = dt.datetime(2026, 10, 21, 9, tzinfo=dt.UTC)
    before = start - dt.timedelta(days=1)
    assert rules.rsvp_open(status="terbit", participant_status="diundang", now=before, starts_at=start) == ""
    assert rules.rsvp_open(status="terbit", participant_status="menolak", now=before, starts_at=start) == ""
    assert rules.rsvp_open(status="terbit", participant_status="diundang", now=start, starts_at=start)
    assert rules.rsvp_open(status="draf", participant_status="diundang", now=before, starts_at=start)
    assert rules.rsvp_open(status="terbit", participant_status="hadir", now=before, starts_at=start)
