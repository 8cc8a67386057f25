"""Signed links that let an invited retiree answer an invitation without an account.

Modelled on django.contrib.auth.tokens: the link carries its own proof, nothing is stored per link.
The token is Django's TimestampSigner output (HMAC-SHA256 with SECRET_KEY) over "<participant pk>.<rsvp
version>", with a salt of its own ("ceremonies.rsvp"), so a value signed for another purpose (a
password-reset link, a session, another app's signature) never passes as an invitation link.

A link is refused when:
- its signature does not match (tampered with, cut short when copied, signed with another salt);
- it is older than PURNA_RSVP_MAX_AGE_DAYS (a forwarded old email should not answer for someone);
- the participant in it is not the one in the URL (a link reused for another person);
- its version is not the participant's current `rsvp_version`: sending a new invitation bumps the
  version, so every earlier link stops working (checked by the caller, who has the database row).

No ORM here; the clock is the signer's (time.time(), which tests move with time-machine), and
`max_age` can be passed in (the default reads the setting).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

SALT = "ceremonies.rsvp"

# Why a link was refused; EXPIRED and SUPERSEDED were valid links once ("gone"), the others never were.
INVALID, EXPIRED, OTHER_PERSON, SUPERSEDED = "invalid", "expired", "other_person", "superseded"


class RsvpTokenError(ValueError):
    """A link that cannot be used; `reason` is one of INVALID, EXPIRED, OTHER_PERSON, SUPERSEDED."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason_message(reason))

    @property
    def gone(self) -> bool:
        """The link was valid once (HTTP 410 rather than 400)."""
        return self.reason in (EXPIRED, SUPERSEDED)


def reason_message(reason: str) -> str:
    """What the retiree reads when a link is refused."""
    return {
        INVALID: _("This invitation link is not valid. It may have been copied incompletely."),
        EXPIRED: _("This invitation link has expired."),
        OTHER_PERSON: _("This invitation link belongs to another invitation."),
        SUPERSEDED: _("A newer invitation has been sent to you: please use the link in the latest email."),
    }[reason]


@dataclass(frozen=True)
class RsvpClaim:
    """What a valid token says: which participant, and which invitation (version) it came with."""

    participant_pk: int
    version: int


def max_age_default() -> dt.timedelta:
    return dt.timedelta(days=settings.PURNA_RSVP_MAX_AGE_DAYS)


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def token_make(*, participant_pk: int, version: int) -> str:
    """The token of the link for participant `participant_pk`'s invitation number `version`.

    URL-safe (letters, digits, "-", "_", ":" and "."), about 40 characters.
    """
    return _signer().sign(f"{participant_pk}.{version}")


def token_read(token: str, *, pk: int, max_age: dt.timedelta | None = None) -> RsvpClaim:
    """Check `token` for the participant `pk` named in the URL; its claim, or RsvpTokenError.

    The version is returned, not checked: the caller compares it with the participant's row.
    """
    max_age = max_age_default() if max_age is None else max_age
    try:
        value = _signer().unsign(token, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise RsvpTokenError(EXPIRED) from exc
    except (signing.BadSignature, ValueError, IndexError) as exc:
        raise RsvpTokenError(INVALID) from exc
    participant, _sep, version = value.partition(".")
    if not (participant.isdigit() and version.isdigit()):
        raise RsvpTokenError(INVALID)
    if int(participant) != pk:
        raise RsvpTokenError(OTHER_PERSON)
    return RsvpClaim(participant_pk=int(participant), version=int(version))


def version_check(claim: RsvpClaim, current_version: int) -> None:
    """Raise RsvpTokenError(SUPERSEDED) unless the claim is for the participant's current invitation."""
    if claim.version != current_version:
        raise RsvpTokenError(SUPERSEDED)
