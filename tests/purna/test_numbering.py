"""Gap-free document numbers (purna/numbering.py) and their printed form."""

import threading

import pytest
from django.core.checks import Error
from django.db import connection, connections, transaction

from purna.checks import NUMBER_PATTERN_INVALID, number_patterns_check
from purna.models import DocumentCounter
from purna.numbering import NumberingError, number_format, number_next, numbers_next, pattern_errors


@pytest.mark.django_db
def test_numbers_follow_each_other_per_kind_and_year():
    with transaction.atomic():
        taken = [number_next(kind="piagam", year=2025) for _ in range(3)]
        other_year = number_next(kind="piagam", year=2026)
        other_kind = number_next(kind="kuitansi", year=2025)

    assert taken == [1, 2, 3]
    assert (other_year, other_kind) == (1, 1)
    assert DocumentCounter.objects.get(kind="piagam", year=2025).last == 3


@pytest.mark.django_db
def test_a_block_of_numbers_follows_on_from_the_numbers_taken_one_by_one():
    with transaction.atomic():
        assert number_next(kind="piagam", year=2025) == 1
        assert list(numbers_next(kind="piagam", year=2025, count=3)) == [2, 3, 4]
        assert number_next(kind="piagam", year=2025) == 5
    with pytest.raises(NumberingError), transaction.atomic():
        numbers_next(kind="piagam", year=2025, count=0)


@pytest.mark.django_db
def test_a_rolled_back_document_gives_its_number_back():
    with transaction.atomic():
        assert number_next(kind="piagam", year=2025) == 1

    class Failed(Exception):
        pass

    with pytest.raises(Failed), transaction.atomic():
        assert number_next(kind="piagam", year=2025) == 2
        raise Failed

    with transaction.atomic():
        assert number_next(kind="piagam", year=2025) == 2


@pytest.mark.django_db
def test_the_first_number_of_a_year_rolled_back_leaves_no_gap():
    with pytest.raises(RuntimeError), transaction.atomic():
        number_next(kind="piagam", year=2031)
        raise RuntimeError

    with transaction.atomic():
        assert number_next(kind="piagam", year=2031) == 1


@pytest.mark.django_db(transaction=True)
def test_a_number_outside_a_transaction_is_refused():
    with pytest.raises(NumberingError):
        number_next(kind="piagam", year=2025)
    assert not DocumentCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_each_number_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (SELECT ... FOR UPDATE) need PostgreSQL")
    barrier = threading.Barrier(4)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(rounds: int) -> None:
        try:
            barrier.wait()
            for _ in range(rounds):
                with transaction.atomic():
                    number = number_next(kind="piagam", year=2027)
                with lock:
                    taken.append(number)
        except BaseException as exc:  # reported below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    # The counter row does not exist yet: the four threads also race to create it.
    threads = [threading.Thread(target=work, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(taken) == list(range(1, 21))
    assert DocumentCounter.objects.get(kind="piagam", year=2027).last == 20


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("800/{seq}/BKPSDM/{year}", "800/7/BKPSDM/2025"),
        ("800/{seq:03d}/BKPSDM/{year}", "800/007/BKPSDM/2025"),
        ("{seq:04d}/PIAGAM/{month_roman}/{year}", "0007/PIAGAM/X/2025"),
        ("{seq}", "7"),
    ],
)
def test_number_format(pattern, expected):
    assert number_format(pattern, seq=7, year=2025, month=10) == expected


def test_number_format_needs_the_month_for_roman_months():
    with pytest.raises(NumberingError):
        number_format("{seq}/{month_roman}/{year}", seq=1, year=2025)


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("800/BKPSDM/{year}", "{seq} is missing"),
        ("800/{seq}/{tahun}", "unknown placeholder {tahun}"),
        ("800/{seq:xyz}/{year}", "Invalid format specifier"),
        ("800/{seq/{year}", "unexpected '{'"),
    ],
)
def test_pattern_errors(pattern, problem):
    assert any(problem in error for error in pattern_errors(pattern))


def test_good_patterns_have_no_errors():
    assert pattern_errors("800/{seq:03d}/BKPSDM/{month_roman}/{year}") == []


def test_the_system_check_reports_a_bad_configured_pattern(settings):
    assert number_patterns_check() == []
    settings.PURNA_CERTIFICATE_NUMBER_PATTERN = "800/BKPSDM/{year}"

    messages = number_patterns_check()

    assert [(type(m), m.id) for m in messages] == [(Error, NUMBER_PATTERN_INVALID)]
    assert "PURNA_CERTIFICATE_NUMBER_PATTERN" in messages[0].msg
