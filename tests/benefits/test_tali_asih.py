"""The tali asih rules (benefits/tali_asih.py): pure, table-driven, no database. The schemes are the real
ones of DESIGN.md ("KORPRI tali asih"): Batang, Banjarnegara, service-year slabs, per year of membership."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benefits.tali_asih import (
    FLAT,
    GOLONGAN_GROUP,
    MEMBERSHIP_YEAR,
    SERVICE_YEARS,
    AmountError,
    Band,
    Rate,
    TaliAsihError,
    amount_check,
    bands_check,
    golongan_group,
    name_key,
    names_match,
    parse_rupiah,
    rate_for,
    tali_asih_amount,
    upper_end,
)
from purna.formatting import rupiah

D = dt.date
RP = Decimal
START = D(2024, 1, 1)


def rate(
    basis: str = FLAT,
    *,
    id: int = 1,
    amount: str | None = None,
    cap: str | None = None,
    start: dt.date = START,
    until: dt.date | None = None,
    kind: str = "",
    asn_type: str = "",
    bands: tuple[Band, ...] = (),
    name: str = "Tali asih",
) -> Rate:
    return Rate(
        id=id,
        name=name,
        decision_number=f"KEP/{id}/KORPRI",
        decision_date=start,
        effective_from=start,
        effective_until=until,
        basis=basis,
        amount=RP(amount) if amount is not None else None,
        cap=RP(cap) if cap is not None else None,
        retirement_kind=kind,
        asn_type=asn_type,
        bands=bands,
    )


def slab(low: int, high: int | None, amount: str) -> Band:
    return Band(amount=RP(amount), min_years=low, max_years=high)


BATANG = rate(amount="1250000", name="Batang")
# Banjarnegara: retirees of 2024 Rp 2.500.000, retired PPPK Rp 500.000, death Rp 3.500.000.
BANJARNEGARA_2024 = rate(id=10, amount="2500000", start=D(2024, 1, 1), until=D(2024, 12, 31))
BANJARNEGARA_PPPK = rate(id=11, amount="500000", start=D(2024, 1, 1), until=D(2024, 12, 31), asn_type="PPPK")
BANJARNEGARA_DEATH = rate(id=12, amount="3500000", start=D(2024, 1, 1), until=D(2024, 12, 31), kind="janda_duda")
BANJARNEGARA = [BANJARNEGARA_2024, BANJARNEGARA_PPPK, BANJARNEGARA_DEATH]
SLABS = rate(
    SERVICE_YEARS,
    id=20,
    bands=(
        slab(5, 10, "1000000"),
        slab(10, 15, "1250000"),
        slab(15, 20, "1500000"),
        slab(20, None, "2000000"),
    ),
)
PER_YEAR = rate(MEMBERSHIP_YEAR, id=30, amount="50000", cap="1500000")
BY_GOLONGAN = rate(
    GOLONGAN_GROUP,
    id=40,
    bands=tuple(
        Band(amount=RP(amount), golongan_group=group)
        for group, amount in [
            ("I", "750000"),
            ("II", "1000000"),
            ("III", "1500000"),
            ("IV", "2000000"),
            ("PPPK", "500000"),
        ]
    ),
)


def amount(r: Rate, *, years: int = 30, months: int = 0, golongan: str = "III/c", asn_type: str = "PNS") -> Decimal:
    return tali_asih_amount(r, golongan=golongan, asn_type=asn_type, service_years=years, service_months=months).amount


# --- Golongan groups ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("golongan", "asn_type", "group"),
    [
        ("III/c", "PNS", "III"),
        ("I/a", "PNS", "I"),
        ("II/d", "PNS", "II"),
        ("IV/e", "PNS", "IV"),
        ("IV/e", "", "IV"),
        ("IX", "PPPK", "PPPK"),
        ("XVII", "PPPK", "PPPK"),
        ("I", "PPPK", "PPPK"),
        # A bare Roman numeral is a PPPK golongan, never PNS group III.
        ("III", "", "PPPK"),
        ("III", "PNS", ""),
        ("III/c", "PPPK", ""),
        ("", "PNS", ""),
        ("XVIII", "PPPK", ""),
        ("III/f", "PNS", ""),
    ],
)
def test_golongan_group(golongan, asn_type, group):
    assert golongan_group(golongan, asn_type) == group


# --- Which rate --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tmt", "asn_type", "kind", "expected"),
    [
        (D(2024, 7, 1), "PNS", "bup", BANJARNEGARA_2024),
        (D(2024, 7, 1), "PPPK", "pppk_kontrak", BANJARNEGARA_PPPK),
        (D(2024, 7, 1), "PNS", "janda_duda", BANJARNEGARA_DEATH),
        # A kind-restricted rate wins over an ASN-type one: a PPPK who died gets the death rate.
        (D(2024, 7, 1), "PPPK", "janda_duda", BANJARNEGARA_DEATH),
        (D(2024, 12, 31), "PNS", "aps", BANJARNEGARA_2024),
        (D(2025, 1, 1), "PNS", "bup", None),
        (D(2023, 12, 1), "PNS", "bup", None),
    ],
)
def test_banjarnegara_rate_by_cohort_and_kind(tmt, asn_type, kind, expected):
    assert rate_for(BANJARNEGARA, tmt=tmt, asn_type=asn_type, retirement_kind=kind) == expected


def test_a_newer_decision_replaces_an_older_overlapping_one():
    old = rate(id=1, amount="1000000", start=D(2020, 1, 1))
    new = rate(id=2, amount="1250000", start=D(2025, 1, 1))

    assert rate_for([new, old], tmt=D(2024, 12, 1), asn_type="PNS", retirement_kind="bup") == old
    assert rate_for([old, new], tmt=D(2025, 1, 1), asn_type="PNS", retirement_kind="bup") == new
    assert rate_for([new, old], tmt=D(2030, 1, 1), asn_type="PNS", retirement_kind="bup") == new


def test_the_choice_does_not_depend_on_the_order_given():
    twins = [rate(id=5, amount="1"), rate(id=6, amount="2")]

    assert rate_for(twins, tmt=D(2024, 6, 1), asn_type="PNS", retirement_kind="bup").id == 6
    assert rate_for(twins[::-1], tmt=D(2024, 6, 1), asn_type="PNS", retirement_kind="bup").id == 6


def test_an_older_kind_rate_beats_a_newer_general_one():
    death = rate(id=1, amount="3500000", start=D(2020, 1, 1), kind="janda_duda")
    general = rate(id=2, amount="2000000", start=D(2025, 1, 1))

    assert rate_for([death, general], tmt=D(2025, 6, 1), asn_type="PNS", retirement_kind="janda_duda") == death


def test_no_rate_for_a_kind_the_only_rate_is_restricted_to():
    assert rate_for([BANJARNEGARA_DEATH], tmt=D(2024, 6, 1), asn_type="PNS", retirement_kind="bup") is None


# --- How much -----------------------------------------------------------------------------------------------


def test_batang_flat_amount_whatever_the_years_and_golongan():
    assert amount(BATANG, years=3, golongan="I/a") == RP("1250000.00")
    assert amount(BATANG, years=38, golongan="IX", asn_type="PPPK") == RP("1250000.00")


@pytest.mark.parametrize(
    ("years", "months", "expected"),
    [
        (5, 0, "1000000"),
        (9, 11, "1000000"),  # 9 years 11 months is still under 10
        (10, 0, "1250000"),  # exactly 10: the next slab (max is exclusive)
        (14, 6, "1250000"),
        (19, 11, "1500000"),
        (20, 0, "2000000"),  # exactly 20: "> 20 y" slab starts at 20
        (41, 3, "2000000"),
    ],
)
def test_service_year_slabs_with_their_boundaries(years, months, expected):
    breakdown = tali_asih_amount(SLABS, golongan="III/a", asn_type="PNS", service_years=years, service_months=months)

    assert breakdown.amount == RP(expected)
    assert (breakdown.years, breakdown.months) == (years, months)


@pytest.mark.parametrize("years", [0, 4])
def test_service_below_the_first_slab_is_a_clear_error(english, years):
    with pytest.raises(TaliAsihError, match=f"{years} years of service"):
        amount(SLABS, years=years)


@pytest.mark.parametrize(
    ("years", "expected"),
    [(0, None), (1, "50000"), (12, "600000"), (30, "1500000"), (31, "1500000"), (40, "1500000")],
)
def test_per_year_of_membership_is_capped(years, expected):
    if expected is None:
        # Nothing to pay is an error, not a payout of Rp 0.
        with pytest.raises(TaliAsihError):
            amount(PER_YEAR, years=years)
        return
    breakdown = tali_asih_amount(PER_YEAR, golongan="II/b", asn_type="PNS", service_years=years, service_months=7)
    assert breakdown.amount == RP(expected)
    assert breakdown.per_year_amount == RP("50000") and breakdown.cap == RP("1500000")


def test_per_year_without_a_cap_keeps_growing():
    uncapped = rate(MEMBERSHIP_YEAR, amount="40000")

    assert amount(uncapped, years=35) == RP("1400000")


@pytest.mark.parametrize(
    ("golongan", "asn_type", "expected"),
    [("I/d", "PNS", "750000"), ("III/c", "PNS", "1500000"), ("IV/a", "PNS", "2000000"), ("XI", "PPPK", "500000")],
)
def test_by_golongan_group(golongan, asn_type, expected):
    breakdown = tali_asih_amount(BY_GOLONGAN, golongan=golongan, asn_type=asn_type, service_years=20)

    assert breakdown.amount == RP(expected)
    assert breakdown.band == breakdown.golongan_group == golongan_group(golongan, asn_type)


def test_a_golongan_group_missing_from_the_rate_is_named(english):
    only_pns = rate(GOLONGAN_GROUP, bands=(Band(amount=RP("1000000"), golongan_group="III"),))

    with pytest.raises(TaliAsihError, match="golongan group PPPK"):
        amount(only_pns, golongan="IX", asn_type="PPPK")
    with pytest.raises(TaliAsihError, match="not known"):
        amount(only_pns, golongan="")


def test_the_breakdown_names_the_rate_and_is_json_ready():
    breakdown = tali_asih_amount(SLABS, golongan="III/a", asn_type="PNS", service_years=12, service_months=4)

    assert breakdown.as_json() == {
        "rate_id": 20,
        "rate_name": "Tali asih",
        "decision_number": "KEP/20/KORPRI",
        "decision_date": "2024-01-01",
        "basis": SERVICE_YEARS,
        "band": "10-14",
        "golongan_group": "",
        "years": 12,
        "months": 4,
        "per_year_amount": None,
        "cap": None,
        "amount": "1250000.00",
    }


@given(years=st.integers(min_value=0, max_value=60), months=st.integers(min_value=0, max_value=11))
def test_an_amount_is_never_negative_or_zero(years, months):
    for r in (BATANG, PER_YEAR, SLABS, BY_GOLONGAN):
        try:
            breakdown = tali_asih_amount(r, golongan="II/a", asn_type="PNS", service_years=years, service_months=months)
        except TaliAsihError:
            continue
        assert breakdown.amount > 0


@given(
    amounts=st.lists(st.integers(min_value=1, max_value=10_000_000), min_size=1, max_size=6),
    a=st.integers(min_value=0, max_value=60),
    b=st.integers(min_value=0, max_value=60),
)
def test_slab_amounts_grow_with_the_years_when_the_table_does(amounts, a, b):
    amounts = sorted(amounts)
    bands = tuple(
        Band(amount=RP(value), min_years=5 * i, max_years=5 * (i + 1) if i < len(amounts) - 1 else None)
        for i, value in enumerate(amounts)
    )
    table = rate(SERVICE_YEARS, bands=bands)
    low, high = sorted((a, b))

    assert amount(table, years=low) <= amount(table, years=high)


@given(per_year=st.integers(min_value=1, max_value=500_000), a=st.integers(0, 60), b=st.integers(0, 60))
def test_per_year_amounts_grow_with_the_years_up_to_the_cap(per_year, a, b):
    table = rate(MEMBERSHIP_YEAR, amount=str(per_year), cap="5000000")
    low, high = sorted((max(a, 1), max(b, 1)))

    assert amount(table, years=low) <= amount(table, years=high) <= RP("5000000")


# --- The bands of a rate, as the admin checks them ----------------------------------------------------------


def test_bands_check(english):
    assert bands_check(SERVICE_YEARS, SLABS.bands) == []
    assert bands_check(GOLONGAN_GROUP, BY_GOLONGAN.bands) == []
    assert bands_check(FLAT, []) == []
    assert bands_check(SERVICE_YEARS, [slab(5, 10, "1"), slab(8, None, "2")]) == ["The slabs 5-9 and >= 8 overlap."]
    assert bands_check(SERVICE_YEARS, [slab(5, None, "1"), slab(10, None, "2")]) == [
        "The slabs >= 5 and >= 10 overlap."
    ]
    assert bands_check(SERVICE_YEARS, []) == ["Add at least one band."]
    assert bands_check(FLAT, [slab(5, 10, "1")]) == ["A flat or per-year rate has no bands: remove them."]
    twice = [Band(amount=RP(1), golongan_group="III"), Band(amount=RP(2), golongan_group="III")]
    assert bands_check(GOLONGAN_GROUP, twice) == ["Each golongan group may appear only once."]
    assert bands_check(GOLONGAN_GROUP, [slab(5, 10, "1")]) == [
        "Each band of a rate by golongan names a golongan group and no years."
    ]


# KORPRI decisions write slabs in whole years with both ends included; stored as [from, to).
KORPRI_AS_WRITTEN = rate(
    SERVICE_YEARS,
    id=30,
    bands=(
        slab(5, upper_end(10), "1000000"),  # 5-10 tahun
        slab(11, upper_end(15), "1250000"),  # 11-15 tahun
        slab(16, upper_end(20), "1500000"),  # 16-20 tahun
        slab(21, upper_end(None), "2000000"),  # lebih dari 20 tahun
    ),
)


@pytest.mark.parametrize(
    ("years", "expected", "band"),
    [
        (5, "1000000", "5-10"),
        (10, "1000000", "5-10"),  # exactly 10 years: the first slab, as the decision says
        (11, "1250000", "11-15"),
        (15, "1250000", "11-15"),
        (16, "1500000", "16-20"),
        (20, "1500000", "16-20"),
        (21, "2000000", ">= 21"),
        (40, "2000000", ">= 21"),
    ],
)
def test_slabs_as_the_decision_writes_them_cover_both_ends(years, expected, band):
    breakdown = tali_asih_amount(KORPRI_AS_WRITTEN, golongan="III/a", asn_type="PNS", service_years=years)

    assert (breakdown.amount, breakdown.band) == (RP(expected), band)
    assert bands_check(SERVICE_YEARS, KORPRI_AS_WRITTEN.bands) == []


def test_slabs_typed_as_written_but_stored_exclusive_leave_gaps_that_are_refused(english):
    # "5-10, 11-15" taken as [5, 10) and [11, 15): 10 and 15 years were in no slab, and the payout failed.
    typed = [slab(5, 10, "1"), slab(11, 15, "2"), slab(16, 20, "3"), slab(21, None, "4")]

    assert bands_check(SERVICE_YEARS, typed) == [
        "No slab covers 10 years of service (between the slabs 5-9 and 11-14).",
        "No slab covers 15 years of service (between the slabs 11-14 and 16-19).",
        "No slab covers 20 years of service (between the slabs 16-19 and >= 21).",
    ]
    assert bands_check(SERVICE_YEARS, [slab(5, 11, "1"), slab(14, None, "2")]) == [
        "No slab covers 11-13 years of service (between the slabs 5-10 and >= 14)."
    ]
    assert bands_check(SERVICE_YEARS, [slab(5, 11, "1"), slab(10, 16, "2")]) == ["The slabs 5-10 and 10-15 overlap."]


@pytest.mark.parametrize(
    ("first", "last", "label"), [(5, 10, "5-10"), (10, 10, "10"), (21, None, ">= 21"), (0, 4, "0-4")]
)
def test_a_slab_shows_the_whole_years_it_covers(first, last, label):
    band = slab(first, upper_end(last), "1")

    assert (band.label, band.last_year) == (label, last)
    assert all(band.holds(year) for year in range(first, (last if last is not None else first + 30) + 1))
    assert not band.holds(first - 1)
    assert last is None or not band.holds(last + 1)


# --- Amounts typed by people --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rp 20.000.000", "20000000"),
        ("Rp20.000.000", "20000000"),
        ("rp. 20.000.000,-", "20000000"),
        ("20000000", "20000000"),
        ("20.000.000,00", "20000000"),
        ("20.000.000,5", "20000000.50"),
        ("1.250", "1250"),  # Indonesian: one thousand two hundred and fifty, not 1.25
        ("20000000.50", "20000000.50"),
        ("20000000,50", "20000000.50"),
        ("20,000,000.00", "20000000"),
        (" 2 500 000 ", "2500000"),
        (2500000, "2500000"),
        (RP("1250000.00"), "1250000"),
        (20000000.0, "20000000"),
    ],
)
def test_parse_rupiah(text, expected):
    assert parse_rupiah(text) == RP(expected)
    assert parse_rupiah(text).as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter the amount"),
        (None, "Enter the amount"),
        ("dua juta", "not an amount"),
        ("20.000.00", "not an amount"),
        ("1,2,3", "not an amount"),
        ("Rp 20.000.000,005", "two decimals"),
        ("-5000", "more than zero"),
        (True, "number of rupiah"),
        (float("nan"), "number of rupiah"),
    ],
)
def test_parse_rupiah_refuses_what_is_not_an_amount(english, text, message):
    with pytest.raises(AmountError, match=message):
        parse_rupiah(text)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "more than zero"),
        ("-1", "more than zero"),
        ("1000000000.01", "1.000.000.000"),
        ("20000000000", "1.000.000.000"),
        ("1000000000", None),
        ("0.01", None),
    ],
)
def test_amount_check(english, value, problem):
    problems = amount_check(RP(value))
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


# --- Account holder names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Drs. H. Ahmad Yani, M.Si.", "AHMAD YANI", True),
        ("Hj. Siti Aminah, S.Pd.", "siti  aminah", True),
        ("Dr. Ir. Budi Santoso, M.T.", "Bpk Budi Santoso", True),
        ("Ahmad Yani S.Pd", "Ahmad Yani", True),
        ("Ahmad Yani", "Ahmad Yanto", False),
        ("Ahmad Yani", "Yani Ahmad", False),
        ("Ahmad Yani", "", False),
        ("", "", False),
    ],
)
def test_names_match_loosely(a, b, same):
    assert names_match(a, b) is same


def test_name_key_drops_titles_case_and_punctuation():
    assert name_key("Drs. H. Ahmad Yani, M.Si.") == "ahmad yani"


@given(cents=st.integers(min_value=1, max_value=100_000_000_000))
def test_parse_rupiah_reads_back_what_rupiah_writes(cents):
    value = RP(cents) / 100

    assert parse_rupiah(rupiah(value, cents=True)) == value
    assert parse_rupiah(rupiah(value.to_integral_value())) == value.to_integral_value()
