"""The training feedback rules (ceremonies/feedback.py), without a database: who may answer and when,
what answers may be saved, and what they add up to."""

import datetime as dt
from decimal import Decimal

import pytest

from ceremonies.feedback import (
    COMMENT_MAX_LENGTH,
    FeedbackAnswer,
    answers_errors,
    feedback_closes_at,
    feedback_open,
    feedback_refusal,
    rating_summary,
)

WITA = dt.timezone(dt.timedelta(hours=8))
# A training that ended on the last day of December, late in the evening.
ENDS = dt.datetime(2026, 12, 31, 21, 0, tzinfo=WITA)
SECOND = dt.timedelta(seconds=1)


@pytest.mark.parametrize(
    ("kind", "event_status", "participant_status", "now", "days", "expected"),
    [
        # The window: opens at the end, closes exactly `days` later (across the new year).
        ("pelatihan", "terlaksana", "hadir", ENDS - SECOND, 14, "opens when the training has ended"),
        ("pelatihan", "terlaksana", "hadir", ENDS, 14, ""),
        ("pelatihan", "terlaksana", "hadir", ENDS + dt.timedelta(days=14) - SECOND, 14, ""),
        ("pelatihan", "terlaksana", "hadir", ENDS + dt.timedelta(days=14), 14, "has closed"),
        ("pelatihan", "ditutup", "hadir", ENDS + dt.timedelta(days=1), 14, ""),
        ("pelatihan", "terbit", "hadir", ENDS + dt.timedelta(days=1), 14, ""),
        ("pelatihan", "terlaksana", "hadir", ENDS + dt.timedelta(days=1), 0, "has closed"),
        ("pelatihan", "terlaksana", "hadir", ENDS + dt.timedelta(days=30), 31, ""),
        # Only those who attended.
        ("pelatihan", "terlaksana", "hadir_konfirmasi", ENDS + SECOND, 14, "who attended"),
        ("pelatihan", "terlaksana", "tidak_hadir", ENDS + SECOND, 14, "who attended"),
        ("pelatihan", "terlaksana", "diundang", ENDS + SECOND, 14, "who attended"),
        ("pelatihan", "terlaksana", "menolak", ENDS + SECOND, 14, "who attended"),
        # Only a training, and not a draft.
        ("pelepasan", "terlaksana", "hadir", ENDS + SECOND, 14, "Only a training"),
        ("lainnya", "terlaksana", "hadir", ENDS + SECOND, 14, "Only a training"),
        ("pelatihan", "draf", "hadir", ENDS + SECOND, 14, "Only a training"),
    ],
)
def test_who_may_answer_and_when(english, kind, event_status, participant_status, now, days, expected):
    refusal = feedback_refusal(
        kind=kind, event_status=event_status, participant_status=participant_status, ends_at=ENDS, now=now, days=days
    )
    opened = feedback_open(
        kind=kind, event_status=event_status, participant_status=participant_status, ends_at=ENDS, now=now, days=days
    )
    assert (expected in refusal) if expected else refusal == ""
    assert opened is (expected == "")


def test_the_form_closes_whole_days_after_the_end():
    assert feedback_closes_at(ENDS, 14) == dt.datetime(2027, 1, 14, 21, 0, tzinfo=WITA)
    assert feedback_closes_at(dt.datetime(2026, 2, 28, 12, tzinfo=WITA), 1) == dt.datetime(2026, 3, 1, 12, tzinfo=WITA)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([FeedbackAnswer(1, 5)], {}),
        ([FeedbackAnswer(1, 1, 5, "Bagus")], {}),
        ([FeedbackAnswer(1, 5), FeedbackAnswer(2, None)], {}),
        ([FeedbackAnswer(1, 0)], {"s1-rating": "from 1 to 5"}),
        ([FeedbackAnswer(1, 6)], {"s1-rating": "from 1 to 5"}),
        ([FeedbackAnswer(1, 4, 6)], {"s1-usefulness": "from 1 to 5"}),
        ([FeedbackAnswer(1, 4, 0)], {"s1-usefulness": "from 1 to 5"}),
        ([FeedbackAnswer(1, None, 4)], {"s1-rating": "for this session too"}),
        ([FeedbackAnswer(1, None, None, "Materi kurang")], {"s1-rating": "for this session too"}),
        ([FeedbackAnswer(1, 4, None, "x" * COMMENT_MAX_LENGTH)], {}),
        ([FeedbackAnswer(1, 4, None, "x" * (COMMENT_MAX_LENGTH + 1))], {"s1-comment": "at most 500 characters"}),
        ([FeedbackAnswer(1, None), FeedbackAnswer(2, None)], {"__all__": "at least one session"}),
        ([], {"__all__": "at least one session"}),
        ([FeedbackAnswer(99, 5)], {"__all__": "not part of this training"}),
    ],
)
def test_which_answers_may_be_saved(english, answers, expected):
    errors = answers_errors(answers, [1, 2])
    assert set(errors) == set(expected)
    for field, words in expected.items():
        assert words in " ".join(errors[field])


@pytest.mark.parametrize(
    ("ratings", "count", "average", "distribution"),
    [
        ([], 0, None, (0, 0, 0, 0, 0)),
        ([5], 1, Decimal("5.0"), (0, 0, 0, 0, 1)),
        ([1, 2, 3, 4, 5], 5, Decimal("3.0"), (1, 1, 1, 1, 1)),
        # 4.25 and 4.75 round half up; 2.333... down.
        ([4, 4, 4, 5], 4, Decimal("4.3"), (0, 0, 0, 3, 1)),
        ([5, 5, 5, 4], 4, Decimal("4.8"), (0, 0, 0, 1, 3)),
        ([2, 2, 3], 3, Decimal("2.3"), (0, 2, 1, 0, 0)),
        # Anything that is not a rating is not counted.
        ([0, 6, 3], 1, Decimal("3.0"), (0, 0, 1, 0, 0)),
    ],
)
def test_rating_summary(ratings, count, average, distribution):
    summary = rating_summary(ratings)
    assert (summary.count, summary.average, summary.distribution) == (count, average, distribution)
