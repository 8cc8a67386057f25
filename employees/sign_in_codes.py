"""One-time sign-in codes for retirees without an email: staff print or send a code, the retiree types
their NIP (or NI PPPK) and the code on the portal's sign-in page.

The code is 8 digits: typed on a phone's number pad, read aloud over the phone without spelling, and
with 10^8 values against at most PURNA_SIGN_IN_CODE_ATTEMPTS wrong tries per code (and a rate limit per
connection), guessing is hopeless. Only a hash is stored (Django's password hasher); the code itself is
shown to staff once, at issue, and printed on the slip.

A code is usable until the first of: used once, revoked (a new one issued, or by staff), expired, or
locked after too many wrong tries.

Pure: no ORM, no settings, no clock (the moment is a parameter).
"""

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum

CODE_DIGITS = 8


def code_make() -> str:
    """A fresh random code: CODE_DIGITS digits, leading zeros allowed."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_clean(typed: str) -> str:
    """What the person typed, without the spaces and dashes a slip's "1234 5678" invites; "" when it is
    not CODE_DIGITS digits."""
    digits = re.sub(r"[\s\-.]", "", typed or "")
    return digits if re.fullmatch(rf"\d{{{CODE_DIGITS}}}", digits) else ""


def code_display(code: str) -> str:
    """The code as printed: two groups of four, "1234 5678"."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}"


class CodeState(StrEnum):
    USABLE = "usable"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"
    LOCKED = "locked"


@dataclass(frozen=True)
class CodeFacts:
    expires_at: dt.datetime
    used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    failed_attempts: int


def code_state(facts: CodeFacts, *, now: dt.datetime, max_attempts: int) -> CodeState:
    """Where a code stands at `now`: used and revoked first (they are final), then locked, then expired
    (a code is valid up to, not including, its expiry moment)."""
    if facts.used_at is not None:
        return CodeState.USED
    if facts.revoked_at is not None:
        return CodeState.REVOKED
    if facts.failed_attempts >= max_attempts:
        return CodeState.LOCKED
    if now >= facts.expires_at:
        return CodeState.EXPIRED
    return CodeState.USABLE
