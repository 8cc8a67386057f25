"""NIP, NI PPPK and old NIP rules (employees/nip.py): pure, table-driven, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employees.exceptions import NipError, NipFormatError
from employees.nip import (
    NipPart,
    build_ni_pppk,
    build_nip,
    clean_nip_lama,
    format_nip,
    nip_mismatches,
    normalize_nip,
    parse_ni_pppk,
    parse_nip,
    register_warnings,
)

pytestmark = pytest.mark.usefixtures("english")
D = dt.date
TODAY = D(2025, 10, 21)
NIP = "198609262015051001"


@pytest.mark.parametrize(
    "value", [NIP, "19860926 201505 1 001", " 19860926\t201505 1 001\n", "19860926\u00a0201505 1 001"]
)
def test_parse_nip_accepts_spaces(value):
    parsed = parse_nip(value)
    assert parsed.value == NIP
    assert parsed.birth_date == D(1986, 9, 26)
    assert parsed.tmt_cpns == D(2015, 5, 1)
    assert (parsed.gender, parsed.sequence) == ("1", 1)
    assert str(parsed) == "19860926 201505 1 001"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "must have 18 digits; this one has 0"),
        ("19860926201505100", "must have 18 digits; this one has 17"),
        ("1986092620150510011", "must have 18 digits; this one has 19"),
        ("19860926-201505-1-001", "may contain only digits"),
        ("1986092620150510O1", "may contain only digits"),  # the letter O
        ("".join(chr(0xFF10 + int(c)) for c in NIP), "may contain only digits"),  # full-width digits
        ("198602302015051001", "(19860230) are not a valid birth date"),  # 30 February
        ("198613012015051001", "(19861301) are not a valid birth date"),
        ("198609002015051001", "(19860900) are not a valid birth date"),
        ("000000002015051001", "(00000000) are not a valid birth date"),
        ("189912312015051001", "(18991231) are not a valid birth date"),
        ("198609262015131001", "(201513) are not a valid TMT CPNS year and month"),
        ("198609262015001001", "(201500) are not a valid TMT CPNS year and month"),
        ("198609261899051001", "(189905) are not a valid TMT CPNS year and month"),
        ("198609262015053001", "must be 1 (male) or 2 (female), not 3"),
        ("198609262015050001", "must be 1 (male) or 2 (female), not 0"),
        ("198609262015051000", "(the sequence number) cannot be 000"),
    ],
)
def test_parse_nip_rejects_with_a_clear_message(value, message):
    with pytest.raises(NipFormatError) as raised:
        parse_nip(value)
    assert message in raised.value.message
    assert raised.value.field == "nip"
    assert raised.value.errors == {"nip": [raised.value.message]}


def test_format_error_is_a_value_error_and_a_nip_error():
    with pytest.raises(ValueError):
        parse_nip("123")
    with pytest.raises(NipError):
        parse_nip("123")


def test_parse_ni_pppk():
    parsed = parse_ni_pppk("19900101 2021 21 2 015")
    assert (parsed.birth_date, parsed.appointment_year, parsed.code, parsed.gender, parsed.sequence) == (
        D(1990, 1, 1),
        2021,
        "21",
        "2",
        15,
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("19900101202121201", "must have 18 digits"),
        ("199002302021212015", "(19900230) are not a valid birth date"),
        ("199001011899212015", "(1899) are not a valid year of appointment"),
        ("199001012021213015", "must be 1 (male) or 2 (female), not 3"),
        ("199001012021212000", "cannot be 000"),
    ],
)
def test_parse_ni_pppk_rejects(value, message):
    with pytest.raises(NipFormatError) as raised:
        parse_ni_pppk(value)
    assert message in raised.value.message
    assert "NI PPPK" in raised.value.message


@pytest.mark.parametrize("code", ["21", "00", "99"])
def test_ni_pppk_middle_field_is_not_a_month(code):
    assert parse_ni_pppk(f"199001012021{code}2015").code == code


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", ""), (None, ""), ("   ", ""), ("010123456", "010123456"), ("010 123 456", "010123456")],
)
def test_clean_nip_lama(value, expected):
    assert clean_nip_lama(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [("01012345", "must have 9 digits; this one has 8"), ("0101234567", "has 10"), ("01012345A", "only digits")],
)
def test_clean_nip_lama_rejects(value, message):
    with pytest.raises(NipFormatError) as raised:
        clean_nip_lama(value)
    assert message in raised.value.message
    assert raised.value.field == "nip_lama"
    assert raised.value.message.startswith("The old NIP")


RECORD = {"asn_type": "PNS", "birth_date": D(1986, 9, 26), "gender": "1", "tmt_cpns": D(2015, 5, 1), "today": TODAY}


def test_matching_nip_has_no_mismatch():
    assert nip_mismatches(NIP, **RECORD) == []
    assert nip_mismatches("19860926 201505 1 001", **{**RECORD, "tmt_cpns": D(2015, 5, 31)}) == []


@pytest.mark.parametrize(
    ("changes", "part", "message"),
    [
        (
            {"birth_date": D(1986, 9, 27)},
            NipPart.BIRTH_DATE,
            "NIP encodes birth date 26 September 1986 but the record says 27 September 1986.",
        ),
        (
            {"birth_date": D(1968, 9, 26)},
            NipPart.BIRTH_DATE,
            "NIP encodes birth date 26 September 1986 but the record says 26 September 1968.",
        ),
        (
            {"tmt_cpns": D(2015, 6, 1)},
            NipPart.TMT_CPNS,
            "NIP encodes TMT CPNS Mei 2015 but the record says 1 Juni 2015.",
        ),
        (
            {"tmt_cpns": D(2016, 5, 1)},
            NipPart.TMT_CPNS,
            "NIP encodes TMT CPNS Mei 2015 but the record says 1 Mei 2016.",
        ),
        (
            {"gender": "2"},
            NipPart.GENDER,
            "NIP encodes gender male (1) but the record says female (2).",
        ),
    ],
)
def test_each_mismatch_names_its_part(changes, part, message):
    mismatches = nip_mismatches(NIP, **{**RECORD, **changes})
    assert [(m.part, m.message) for m in mismatches] == [(part, message)]


def test_several_mismatches_are_all_reported():
    mismatches = nip_mismatches(
        NIP, **{**RECORD, "birth_date": D(1986, 9, 27), "gender": "2", "tmt_cpns": D(2014, 1, 1)}
    )
    assert [m.part for m in mismatches] == [NipPart.BIRTH_DATE, NipPart.TMT_CPNS, NipPart.GENDER]


def test_mismatch_carries_both_values():
    [mismatch] = nip_mismatches(NIP, **{**RECORD, "birth_date": D(1986, 9, 27)})
    assert (mismatch.encoded, mismatch.recorded) == (D(1986, 9, 26), D(1986, 9, 27))


@pytest.mark.parametrize(
    ("nip", "record", "message"),
    [
        # Appointed next month: a TMT CPNS in the future.
        (
            build_nip(D(1998, 1, 2), D(2025, 11, 1), "2", 7),
            {"birth_date": D(1998, 1, 2), "gender": "2", "tmt_cpns": D(2025, 11, 1)},
            "TMT CPNS 1 November 2025 is in the future.",
        ),
        # Appointed at 16.
        (
            build_nip(D(1990, 6, 10), D(2006, 6, 1), "1", 7),
            {"birth_date": D(1990, 6, 10), "gender": "1", "tmt_cpns": D(2006, 6, 1)},
            "TMT CPNS 1 Juni 2006 is before the 17th birthday (10 Juni 2007).",
        ),
    ],
)
def test_implausible_tmt_cpns_is_flagged(nip, record, message):
    mismatches = nip_mismatches(nip, asn_type="PNS", today=TODAY, **record)
    assert [(m.part, m.message) for m in mismatches] == [(NipPart.TMT_CPNS, message)]


@pytest.mark.parametrize(
    ("tmt_cpns", "flagged"),
    [(D(2007, 6, 10), False), (D(2007, 6, 9), True), (TODAY, False), (TODAY + dt.timedelta(days=1), True)],
)
def test_tmt_cpns_boundaries(tmt_cpns, flagged):
    nip = build_nip(D(1990, 6, 10), tmt_cpns, "1", 7)
    mismatches = nip_mismatches(
        nip, asn_type="PNS", birth_date=D(1990, 6, 10), gender="1", tmt_cpns=tmt_cpns, today=TODAY
    )
    assert bool(mismatches) is flagged


def test_pppk_is_checked_against_the_ni_pppk_layout():
    ni = "19900101 2021 21 2 015"
    record = {"asn_type": "PPPK", "birth_date": D(1990, 1, 1), "gender": "2", "today": TODAY}
    assert nip_mismatches(ni, tmt_cpns=D(2021, 12, 1), **record) == []
    [mismatch] = nip_mismatches(ni, tmt_cpns=D(2022, 1, 1), **record)
    assert mismatch.part == NipPart.APPOINTMENT_YEAR
    assert mismatch.message == "NI PPPK encodes appointment year 2021 but the record says 1 Januari 2022."
    [mismatch] = nip_mismatches(ni, tmt_cpns=D(2021, 12, 1), **{**record, "birth_date": D(1990, 1, 2)})
    assert mismatch.message == "NI PPPK encodes birth date 1 Januari 1990 but the record says 2 Januari 1990."


def test_pppk_appointment_in_the_future_is_flagged():
    ni = build_ni_pppk(D(1990, 1, 1), 2025, "1", 3)
    [mismatch] = nip_mismatches(
        ni, asn_type="PPPK", birth_date=D(1990, 1, 1), gender="1", tmt_cpns=D(2025, 12, 1), today=TODAY
    )
    assert mismatch.part == NipPart.APPOINTMENT_YEAR
    assert mismatch.message == "TMT of first appointment 1 Desember 2025 is in the future."


def test_missing_record_values_are_not_compared():
    assert nip_mismatches(NIP, asn_type="PNS", birth_date=None, gender="", tmt_cpns=None, today=TODAY) == []


def test_mismatch_check_raises_on_unreadable_nip():
    with pytest.raises(NipFormatError):
        nip_mismatches("19860926", **RECORD)


def test_normalize_and_format():
    assert normalize_nip(" 19860926 201505 1 001 ") == NIP
    assert format_nip(NIP) == "19860926 201505 1 001"
    assert format_nip("123") == "123"


def test_messages_are_translatable():
    # Dates stay Indonesian in every language; the sentence around them follows the catalog.
    [mismatch] = nip_mismatches(NIP, **{**RECORD, "birth_date": D(1986, 9, 27)})
    assert "26 September 1986" in mismatch.message
    assert "27 September 1986" in mismatch.message


genders = st.sampled_from(["1", "2"])
sequences = st.integers(1, 999)


@given(
    birth_date=st.dates(D(1900, 1, 1), D(2099, 12, 31)),
    tmt=st.dates(D(1900, 1, 1), D(9999, 12, 31)),
    gender=genders,
    sequence=sequences,
)
def test_nip_round_trip(birth_date, tmt, gender, sequence):
    nip = build_nip(birth_date, tmt, gender, sequence)
    parsed = parse_nip(format_nip(nip))
    assert (parsed.value, parsed.birth_date, parsed.tmt_cpns, parsed.gender, parsed.sequence) == (
        nip,
        birth_date,
        tmt.replace(day=1),
        gender,
        sequence,
    )


@given(
    birth_date=st.dates(D(1900, 1, 1), D(2099, 12, 31)),
    year=st.integers(1900, 9999),
    gender=genders,
    sequence=sequences,
)
def test_ni_pppk_round_trip(birth_date, year, gender, sequence):
    ni = build_ni_pppk(birth_date, year, gender, sequence)
    parsed = parse_ni_pppk(format_nip(ni))
    assert (parsed.birth_date, parsed.appointment_year, parsed.code, parsed.gender, parsed.sequence) == (
        birth_date,
        year,
        "21",
        gender,
        sequence,
    )


@given(birth_date=st.dates(D(1940, 1, 1), D(2005, 12, 31)), gender=genders, sequence=sequences)
def test_consistent_record_never_mismatches(birth_date, gender, sequence):
    tmt = D(birth_date.year + 20, birth_date.month, 1)
    nip = build_nip(birth_date, tmt, gender, sequence)
    record = {"birth_date": birth_date, "gender": gender, "tmt_cpns": tmt, "today": D(2030, 1, 1)}
    assert nip_mismatches(nip, asn_type="PNS", **record) == []


@given(value=st.text(max_size=25))
def test_parse_nip_never_fails_other_than_with_a_format_error(value):
    try:
        parse_nip(value)
    except NipFormatError as exc:
        assert exc.message


# --- Register entries that cannot be right: warnings, never refusals ---------------------------------


@pytest.mark.parametrize(
    ("code", "flagged"),
    [
        ("21", False),  # as BKN issues them
        ("01", True),
        ("05", True),
        ("12", True),
        ("00", False),  # not a month either: no PNS NIP has it
        ("13", False),
        ("99", False),
    ],
)
def test_ni_pppk_code_that_is_a_month_is_flagged(code, flagged):
    ni = build_ni_pppk(D(1990, 3, 4), 2022, "2", 7, code=code)
    warnings = register_warnings(ni, asn_type="PPPK", birth_date=D(1990, 3, 4), tmt_cpns=D(2022, 4, 1))
    assert [w.part for w in warnings] == ([NipPart.NI_PPPK_CODE] if flagged else [])
    if flagged:
        assert f"Digits 13-14 of the NI PPPK ({code}) are a month" in warnings[0].message


def test_pns_nip_is_never_flagged_for_its_month():
    assert register_warnings(NIP, asn_type="PNS", birth_date=D(1986, 9, 26), tmt_cpns=D(2015, 5, 1)) == []


@pytest.mark.parametrize("value", ["", "12345", "19900304202205X007", "199002302022052007"])
def test_unreadable_ni_pppk_gives_no_warning_here(value):
    # The format error is reported by the format rule; the warning does not repeat it.
    assert register_warnings(value, asn_type="PPPK", birth_date=None, tmt_cpns=None) == []


@pytest.mark.parametrize(
    ("birth_date", "tmt", "expected"),
    [
        (D(1980, 6, 15), D(2015, 6, 14), None),  # 34, the day before the 35th birthday
        (D(1980, 6, 15), D(2015, 6, 15), None),  # 35 exactly is within the limit
        (D(1980, 6, 15), D(2016, 6, 14), None),  # 35 and 364 days
        (D(1980, 6, 15), D(2016, 6, 15), "at age 36, above 35; only the posts"),  # the 36th birthday
        (D(1980, 6, 15), D(2020, 6, 15), "at age 40, above 35; only the posts"),  # 40: posts allowing it
        (D(1980, 6, 15), D(2021, 6, 14), "at age 40, above 35; only the posts"),
        (D(1980, 6, 15), D(2021, 6, 15), "at age 41, above 40, the highest appointment age"),
        (D(1950, 1, 1), D(2015, 1, 1), "at age 65, above 40"),
        # 29 February: the birthday in a common year is 28 February, as for the BUP.
        (D(1980, 2, 29), D(2016, 2, 28), None),  # 2016 is a leap year: still 35 on the 28th
        (D(1980, 2, 29), D(2016, 2, 29), "at age 36"),
        (D(1980, 2, 29), D(2017, 2, 28), "at age 37"),
        (D(1980, 2, 29), D(2017, 2, 27), "at age 36"),
        (D(1990, 1, 1), D(1985, 1, 1), None),  # a TMT before birth is a different error, flagged elsewhere
    ],
)
def test_tmt_cpns_above_the_appointment_age_is_flagged(birth_date, tmt, expected):
    warnings = register_warnings(NIP, asn_type="PNS", birth_date=birth_date, tmt_cpns=tmt)
    if expected is None:
        assert warnings == []
    else:
        assert [w.part for w in warnings] == [NipPart.TMT_CPNS]
        assert expected in warnings[0].message
        assert "PP 11/2017 art. 23" in warnings[0].message


@pytest.mark.parametrize(("birth_date", "tmt"), [(None, D(2015, 1, 1)), (D(1960, 1, 1), None), (None, None)])
def test_missing_dates_are_not_compared(birth_date, tmt):
    assert register_warnings(NIP, asn_type="PNS", birth_date=birth_date, tmt_cpns=tmt) == []


def test_pppk_is_not_held_to_the_cpns_age_limit():
    # PPPK are appointed under other limits (up to a year before the BUP): no CPNS age warning.
    ni = build_ni_pppk(D(1970, 1, 1), 2022, "1", 1)
    assert register_warnings(ni, asn_type="PPPK", birth_date=D(1970, 1, 1), tmt_cpns=D(2022, 1, 1)) == []
