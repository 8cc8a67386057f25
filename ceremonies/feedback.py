"""Training feedback (penilaian pelatihan): who may answer, when, and what the answers add up to. Pure
functions: no ORM, no settings, no clock (the moment and the window length are parameters).

After a pre-retirement training (DESIGN.md section 5, Trainings) each participant who attended rates each
session and its instructor, so that the organisers know which topics and speakers to keep for the next
batch (angkatan). The form opens when the training ends and closes a number of days later (the setting
PURNA_FEEDBACK_DAYS); until it closes the answers can be changed.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core import signing
from django.utils.translation import gettext as _

from ceremonies.rules import ATTENDED, DRAFT, TRAINING

RATINGS = (1, 2, 3, 4, 5)
COMMENT_MAX_LENGTH = 500


def feedback_closes_at(ends_at: dt.datetime, days: int) -> dt.datetime:
    """The moment the form closes: `days` whole days after the training ended."""
    return ends_at + dt.timedelta(days=days)


def feedback_refusal(
    *, kind: str, event_status: str, participant_status: str, ends_at: dt.datetime, now: dt.datetime, days: int
) -> str:
    """Why this participant may not answer now, in words for the retiree; "" when they may."""
    if kind != TRAINING or event_status == DRAFT:
        return _("Only a training can be rated.")
    if participant_status != ATTENDED:
        return _("Only participants who attended the training can rate it.")
    if now < ends_at:
        return _("The rating form opens when the training has ended.")
    if now >= feedback_closes_at(ends_at, days):
        return _("The rating form for this training has closed.")
    return ""


def feedback_open(
    *, kind: str, event_status: str, participant_status: str, ends_at: dt.datetime, now: dt.datetime, days: int
) -> bool:
    """Whether the participant may answer (or change their answers) now."""
    return not feedback_refusal(
        kind=kind,
        event_status=event_status,
        participant_status=participant_status,
        ends_at=ends_at,
        now=now,
        days=days,
    )


def rating_valid(value: int | None, *, required: bool) -> bool:
    """A rating is a whole number from 1 to 5; an optional one may be missing."""
    if value is None:
        return not required
    return value in RATINGS


@dataclass(frozen=True)
class RatingSummary:
    """The answers to one question: how many, the average (one decimal, None without answers) and how
    many gave each rating, from 1 to 5."""

    count: int
    average: Decimal | None
    distribution: tuple[int, ...]


def rating_summary(ratings: Iterable[int]) -> RatingSummary:
    """Count, average and distribution of ratings from 1 to 5 (anything else is not a rating: skipped)."""
    distribution = [0] * len(RATINGS)
    for rating in ratings:
        if rating in RATINGS:
            distribution[rating - 1] += 1
    count = sum(distribution)
    if not count:
        return RatingSummary(0, None, tuple(distribution))
    total = sum(rating * times for rating, times in zip(RATINGS, distribution, strict=True))
    average = (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return RatingSummary(count, average, tuple(distribution))


@dataclass(frozen=True)
class FeedbackAnswer:
    """What a participant says of one session: a rating (None: the session left unrated), an optional
    usefulness rating and an optional comment."""

    session_id: int
    rating: int | None
    usefulness: int | None = None
    comment: str = ""


def answer_field(session_id: int, name: str) -> str:
    """The form field (and error key) of one question about one session: "s12-rating"."""
    return f"s{session_id}-{name}"


def answers_errors(answers: Iterable[FeedbackAnswer], session_ids: Iterable[int]) -> dict[str, list[str]]:
    """What is wrong with the answers, by field ("__all__" for the whole); empty when they may be saved.

    Every session named must belong to the training; each rating is from 1 to 5; a usefulness rating or
    a comment needs the session's own rating; the comment is short; at least one session is rated."""
    known = set(session_ids)
    errors: dict[str, list[str]] = {}
    rated = 0
    for answer in answers:
        if answer.session_id not in known:
            errors.setdefault("__all__", []).append(_("One of the sessions is not part of this training."))
            continue
        if answer.rating is not None:
            rated += 1
        if not rating_valid(answer.rating, required=False):
            errors[answer_field(answer.session_id, "rating")] = [_("Choose a rating from 1 to 5.")]
        elif answer.rating is None and (answer.usefulness is not None or answer.comment.strip()):
            errors[answer_field(answer.session_id, "rating")] = [_("Please choose a rating for this session too.")]
        if not rating_valid(answer.usefulness, required=False):
            errors[answer_field(answer.session_id, "usefulness")] = [_("Choose a rating from 1 to 5.")]
        if len(answer.comment) > COMMENT_MAX_LENGTH:
            errors[answer_field(answer.session_id, "comment")] = [
                _("The comment is too long: at most %(limit)d characters (now %(length)d).")
                % {"limit": COMMENT_MAX_LENGTH, "length": len(answer.comment)}
            ]
    if not rated and not errors:
        errors["__all__"] = [_("Please rate at least one session.")]
    return errors


# --- The personal link of the reminder ------------------------------------------------------------------
# The reminder email (ceremonies/notifications.py) carries a link to the participant's own rating form that
# works without signing in to the portal, as an invitation's RSVP link does (ceremonies/rsvp.py): Django's
# TimestampSigner over the participant's pk, with a salt of its own, so no other signed value passes for
# it. It opens that one form and nothing else, and the form itself is open only in its window.
FEEDBACK_LINK_SALT = "ceremonies.feedback"


def feedback_token_make(*, participant_pk: int) -> str:
    """The token of participant `participant_pk`'s rating link."""
    return signing.TimestampSigner(salt=FEEDBACK_LINK_SALT).sign(str(participant_pk))


def feedback_token_valid(token: str, *, pk: int, max_age: dt.timedelta) -> bool:
    """Whether `token` is a rating link of participant `pk` (the one in the URL), younger than `max_age`."""
    try:
        value = signing.TimestampSigner(salt=FEEDBACK_LINK_SALT).unsign(token, max_age=max_age)
    except (signing.BadSignature, ValueError):
        return False
    return value == str(pk)
