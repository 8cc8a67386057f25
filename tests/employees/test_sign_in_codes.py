"""One-time portal sign-in codes: the rules (the code's form, where a code stands at a moment), and the
services: issue (hashed, expiring, revoking the previous one), redeem once, expiry, revocation, and
wrong tries locking the code."""

import datetime as dt

import pytest
from django.utils import timezone

from employees.choices import EmployeeStatus
from employees.exceptions import EmployeeError
from employees.models import SignInCode
from employees.services.sign_in_codes import (
    sign_in_code_issue,
    sign_in_code_matches,
    sign_in_code_redeem,
    sign_in_code_revoke,
)
from employees.sign_in_codes import CodeFacts, CodeState, code_clean, code_display, code_make, code_state
from tests.factories import EmployeeFactory

NOW = dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)
LATER = NOW + dt.timedelta(days=7)


def test_codes_are_eight_random_digits():
    codes = {code_make() for _ in range(200)}
    assert all(len(code) == 8 and code.isdecimal() for code in codes)
    assert len(codes) > 190


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("12345678", "12345678"),
        ("1234 5678", "12345678"),
        (" 1234-5678 ", "12345678"),
        ("00000001", "00000001"),
        ("1234567", ""),
        ("123456789", ""),
        ("1234 567O", ""),
        ("", ""),
    ],
)
def test_what_the_person_types_is_cleaned(typed, cleaned):
    assert code_clean(typed) == cleaned


def test_the_code_is_printed_in_two_groups():
    assert code_display("12345678") == "1234 5678"


@pytest.mark.parametrize(
    ("used", "revoked", "failed", "now", "state"),
    [
        (None, None, 0, NOW, CodeState.USABLE),
        (None, None, 0, LATER - dt.timedelta(seconds=1), CodeState.USABLE),  # just before expiry
        (None, None, 0, LATER, CodeState.EXPIRED),  # at the expiry moment
        (None, None, 4, NOW, CodeState.USABLE),  # one try left
        (None, None, 5, NOW, CodeState.LOCKED),
        (NOW, None, 0, NOW, CodeState.USED),
        (None, NOW, 0, NOW, CodeState.REVOKED),
        (NOW, None, 9, LATER, CodeState.USED),  # used is final, whatever else
        (None, NOW, 9, LATER, CodeState.REVOKED),
        (None, None, 5, LATER, CodeState.LOCKED),
    ],
)
def test_where_a_code_stands(used, revoked, failed, now, state):
    facts = CodeFacts(expires_at=LATER, used_at=used, revoked_at=revoked, failed_attempts=failed)
    assert code_state(facts, now=now, max_attempts=5) == state


# --- Services ----------------------------------------------------------------------------------------


@pytest.fixture
def retiree(db):
    return EmployeeFactory(nip="196505121990031004", email="", personal_email="", birth_date=dt.date(1965, 5, 12))


def test_issue_stores_only_a_hash_and_expires_after_the_setting(retiree, actor, settings):
    settings.PURNA_SIGN_IN_CODE_DAYS = 7
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)

    row = SignInCode.objects.get()
    assert issued.code not in row.code_hash
    assert row.issued_by == actor and row.issued_at == NOW
    assert row.expires_at == NOW + dt.timedelta(days=7)
    assert row.user == retiree.user and not retiree.user.has_usable_password()


def test_a_code_signs_in_once(retiree, actor):
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)

    assert sign_in_code_redeem(nip=retiree.nip, code=code_display(issued.code), now=NOW) == retiree.user
    assert sign_in_code_redeem(nip=retiree.nip, code=issued.code, now=NOW) is None
    assert SignInCode.objects.get().used_at == NOW


def test_an_expired_code_does_not_sign_in(retiree, actor, settings):
    settings.PURNA_SIGN_IN_CODE_DAYS = 7
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)

    assert sign_in_code_redeem(nip=retiree.nip, code=issued.code, now=LATER) is None
    assert sign_in_code_redeem(nip=retiree.nip, code=issued.code, now=LATER - dt.timedelta(seconds=1)) is not None


def test_issuing_a_new_code_revokes_the_previous_one(retiree, actor):
    first = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)
    second = sign_in_code_issue(employee=retiree, actor=actor, now=NOW + dt.timedelta(minutes=1))

    assert sign_in_code_redeem(nip=retiree.nip, code=first.code, now=NOW) is None or first.code == second.code
    assert SignInCode.objects.filter(revoked_at__isnull=False).count() == 1
    assert sign_in_code_redeem(nip=retiree.nip, code=second.code, now=NOW) == retiree.user


def test_staff_can_revoke_the_open_code(retiree, actor):
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)

    assert sign_in_code_revoke(employee=retiree, actor=actor) == 1
    assert sign_in_code_redeem(nip=retiree.nip, code=issued.code, now=NOW) is None
    assert not sign_in_code_matches(employee=retiree, code=issued.code, now=NOW)


def test_wrong_codes_count_and_lock_the_code(retiree, actor, settings):
    settings.PURNA_SIGN_IN_CODE_ATTEMPTS = 3
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)
    wrong = f"{(int(issued.code) + 1) % 10**8:08d}"

    for _ in range(3):
        assert sign_in_code_redeem(nip=retiree.nip, code=wrong, now=NOW) is None
    assert SignInCode.objects.get().failed_attempts == 3
    # Locked: the right code no longer works either, and further tries change nothing.
    assert sign_in_code_redeem(nip=retiree.nip, code=issued.code, now=NOW) is None
    assert SignInCode.objects.get().failed_attempts == 3 and SignInCode.objects.get().used_at is None


def test_another_persons_nip_does_not_take_the_code(retiree, actor):
    issued = sign_in_code_issue(employee=retiree, actor=actor, now=NOW)
    other = EmployeeFactory()

    assert sign_in_code_redeem(nip=other.nip, code=issued.code, now=NOW) is None
    assert SignInCode.objects.get().failed_attempts == 0


def test_no_code_for_a_deceased_employee(actor):
    deceased = EmployeeFactory(status=EmployeeStatus.MENINGGAL)

    with pytest.raises(EmployeeError):
        sign_in_code_issue(employee=deceased, actor=actor, now=timezone.now())
    assert not SignInCode.objects.exists()
