"""The retirement engine: which retirement age (BUP) applies to an ASN, and when they retire.

Regulations implemented (DESIGN.md section 5):

- PP 11/2017 art. 239 (kept by PP 17/2020 and UU 20/2023 art. 55): BUP 58 for pejabat administrasi and
  JF ahli pertama, ahli muda and keterampilan; 60 for JPT and JF ahli madya; 65 for JF ahli utama.
- PP 11/2017 art. 240: a JF family whose own law sets its BUP keeps that BUP, whatever the jenjang:
  guru 60 (UU 14/2005 art. 30), dosen 65 and profesor 70 (UU 14/2005 art. 67), peneliti and perekayasa
  58/65/70 by jenjang (UU 11/2019 art. 53).
- Transition rules keep an older BUP for people born before a date (JF ahli madya born before
  7 April 1957 kept 65).
- A rule applies to a person if it is the rule in force for them on the day the discharge for its BUP
  takes effect (the last day of the month they reach it): when a law raises the BUP from a date,
  whoever was discharged before that date retired under the old rule. This is how BKN applied
  UU 5/2014 (letter K.26-30/V.7-3/99 of 17 January 2014): discharges effective from the end of
  January 2014 on followed the new BUP, even for people who had turned 56 before the law.
- The BUP is reached on the birthday of that age; the employee is discharged at the end of that month
  and the TMT pensiun is the first day of the next month.
- MPP, the optional preparation leave (Peraturan BKN 2/2019): at most one year before the TMT,
  requested at least one month before it starts.

The values live in a table (RetirementRule rows, handed in here as `Rule`) because regions differ and
rules change; this module only decides which row applies and what follows from it. It never looks at
the golongan: deriving the BUP from the golongan is a known mistake of other software.

Pure: no ORM, no settings, no clock. Every reference date is a parameter.
"""

import calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# The value of AsnType.PPPK in employees/choices.py (not imported, to keep this module free of Django).
PPPK = "PPPK"

END_REASON_BUP = "bup"
END_REASON_CONTRACT = "contract"


@dataclass(frozen=True)
class Rule:
    """One row of the BUP table. A blank criterion ("") matches anyone."""

    id: int | None
    asn_type: str
    jenis_jabatan: str
    jenjang: str
    rumpun: str
    born_before: dt.date | None
    bup: int
    valid_from: dt.date
    valid_until: dt.date | None
    legal_basis: str

    @property
    def specificity(self) -> tuple[bool, bool, bool, bool, bool]:
        """Compared as a tuple: a family (rumpun) beats a jenjang beats a jenis jabatan beats an ASN type,
        and a transition rule (born_before) beats the same criteria without it."""
        return (
            bool(self.rumpun),
            bool(self.jenjang),
            bool(self.jenis_jabatan),
            bool(self.asn_type),
            self.born_before is not None,
        )

    def matches_position(self, asn_type: str, jenis_jabatan: str, jenjang: str, rumpun: str) -> bool:
        """Every non-blank position criterion equals the given value (born_before is not looked at)."""
        return (
            (not self.asn_type or self.asn_type == asn_type)
            and (not self.jenis_jabatan or self.jenis_jabatan == jenis_jabatan)
            and (not self.jenjang or self.jenjang == jenjang)
            and (not self.rumpun or self.rumpun == rumpun)
        )

    def matches(self, person: "Person") -> bool:
        """Every non-blank criterion equals the person's value, and the person was born before born_before."""
        return self.matches_position(person.asn_type, person.jenis_jabatan, person.jenjang, person.rumpun) and (
            self.born_before is None or person.birth_date < self.born_before
        )

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Person:
    """What the engine needs to know about an ASN. There is deliberately no golongan here."""

    asn_type: str
    jenis_jabatan: str
    jenjang: str
    rumpun: str
    birth_date: dt.date
    tmt_cpns: dt.date
    prior_service_months: int = 0
    contract_end: dt.date | None = None
    bup_override: int | None = None


@dataclass(frozen=True)
class RetirementFacts:
    """What follows from a person and the rules; stored on Employee so lists can filter and sort.

    `tmt_pensiun` is the date employment ends for whatever reason (`end_reason`): the TMT pensiun for
    "bup", the day after the contract's last day for a PPPK whose contract ends first ("contract").
    `bup` and `bup_date` are still given in the second case, for information.
    """

    bup: int | None
    bup_date: dt.date | None
    tmt_pensiun: dt.date | None
    service_years: int | None
    service_months: int | None
    rule: Rule | None
    override_applied: bool
    end_reason: str | None

    @classmethod
    def unknown(cls) -> "RetirementFacts":
        return cls(None, None, None, None, None, None, False, None)


@dataclass(frozen=True)
class MppWindow:
    """When MPP (masa persiapan pensiun) may run before a TMT pensiun (Peraturan BKN 2/2019).

    MPP starts at the earliest twelve months before the TMT and ends the day before it; it must be
    requested at least one month before it starts. `request_by` is the last day to ask for the longest
    MPP (starting on `earliest_start`); `request_deadline(start)` gives it for any later start.
    """

    tmt_pensiun: dt.date
    earliest_start: dt.date
    last_day: dt.date
    request_by: dt.date

    def request_deadline(self, start: dt.date) -> dt.date:
        """The last day on which an MPP starting on `start` may be requested."""
        return add_months(start, -1)

    def allows(self, *, start: dt.date, requested_on: dt.date) -> bool:
        """Whether an MPP starting on `start`, requested on `requested_on`, fits the rules."""
        return self.earliest_start <= start <= self.last_day and requested_on <= self.request_deadline(start)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier), clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`: the largest n with add_months(start, n) <= end; 0 if end <= start.

    A month counts as whole once the same day of the month is reached, or the month's last day when it
    has no such day (31 January -> 28 February is one month).
    """
    if end <= start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def bup_date(birth_date: dt.date, bup: int) -> dt.date:
    """The day the person reaches the age `bup`: their birthday that year.

    Someone born on 29 February reaches it on 28 February when that year is not a leap year (the
    birthday stays in the month of birth). They are discharged at the end of February and the TMT
    pensiun is 1 March, as for every other February birthday. This is a decision, not a quotation:
    counting the birthday as 1 March instead would move the TMT to 1 April; we keep the birthday, and so
    the discharge, in the month of birth.
    """
    year = birth_date.year + bup
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return dt.date(year, 2, 28)
    return birth_date.replace(year=year)


def tmt_pensiun(birth_date: dt.date, bup: int) -> dt.date:
    """The first day of the month after the month in which the BUP is reached.

    Born in May -> 1 June; born in December -> 1 January of the next year; born on the 1st of a month
    -> still the 1st of the next month (the whole month of the birthday is served).
    """
    reached = bup_date(birth_date, bup)
    return add_months(reached.replace(day=1), 1)


def service_length(tmt_cpns: dt.date, tmt_pensiun: dt.date, prior_service_months: int = 0) -> tuple[int, int]:
    """Masa kerja pensiun as (years, months): whole months from TMT CPNS to TMT pensiun, plus recognised
    prior service (SK PMK). Not the masa kerja golongan of the salary scale. Never negative."""
    total = full_months(tmt_cpns, tmt_pensiun) + max(prior_service_months, 0)
    years, months = divmod(total, 12)
    return years, months


def mpp_window(tmt: dt.date) -> MppWindow:
    """The MPP window for a TMT pensiun: starts at most 12 months before it, requested a month ahead."""
    earliest = add_months(tmt, -12)
    return MppWindow(
        tmt_pensiun=tmt,
        earliest_start=earliest,
        last_day=tmt - dt.timedelta(days=1),
        request_by=add_months(earliest, -1),
    )


def months_until(tmt: dt.date, today: dt.date) -> int:
    """Whole months left from `today` until `tmt`; 0 when the TMT is today or past.

    Counted like full_months: from 15 January, a TMT of 1 March is 1 month away (15 February has been
    passed, 15 March not); from 1 January it is 2 months away.
    """
    return full_months(today, tmt)


def _sort_key(rule: Rule) -> tuple:
    # Most specific first; at equal specificity the latest valid_from, then the rule entered last
    # (highest id; unsaved rules last) so the choice never depends on the order of the input.
    return (rule.specificity, rule.valid_from, rule.id if rule.id is not None else -1)


def discharge_date(birth_date: dt.date, bup: int) -> dt.date:
    """The day the discharge for reaching `bup` takes effect: the last day of the month it is reached."""
    return tmt_pensiun(birth_date, bup) - dt.timedelta(days=1)


def select_rule(person: Person, rules: Iterable[Rule]) -> Rule | None:
    """The rule that sets this person's BUP, or None if none applies.

    The person is discharged at the end of the first month in which they reach the BUP of the rule in
    force for them on that day. So each matching rule (see Rule.matches) is tried on *its* discharge
    date: it applies only if, on that day, it is the rule in force, the most specific valid one (family >
    jenjang > jenis jabatan > ASN type, transition before plain; then the latest valid_from, then the
    highest id). Of the rules that apply, the earliest discharge wins. No reference date is needed.
    """
    # Most specific first: the rule in force on a day is then the first one valid that day.
    matching = sorted((rule for rule in rules if rule.matches(person)), key=_sort_key, reverse=True)
    chosen, chosen_on = None, None
    for rule in matching:
        discharged = discharge_date(person.birth_date, rule.bup)
        if chosen_on is not None and discharged >= chosen_on:
            continue
        in_force = next((other for other in matching if other.is_valid_on(discharged)), None)
        if in_force is rule:
            chosen, chosen_on = rule, discharged
    return chosen


class RuleChoices:
    """select_rule, remembering its choice for people who share everything it reads (the position and the
    birth date) and are given the same rules object (an import's rules per position, kept for the whole
    file). Thousands of a register's people share a birth date and a position: an import of 100,000
    asks select_rule about 12,000 times instead of 100,000. At most `limit` choices are kept.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self.memory: dict[tuple, tuple[Iterable[Rule], Rule | None]] = {}

    def __call__(self, person: Person, rules: Iterable[Rule]) -> Rule | None:
        key = (id(rules), person.asn_type, person.jenis_jabatan, person.jenjang, person.rumpun, person.birth_date)
        found = self.memory.get(key)
        # The rules object is kept with its choice: its id cannot be another object's while it is here.
        if found is not None and found[0] is rules:
            return found[1]
        rule = select_rule(person, rules)
        if len(self.memory) < self.limit:
            self.memory[key] = (rules, rule)
        return rule


def compute(
    person: Person,
    rules: Iterable[Rule],
    *,
    choose: Callable[[Person, Iterable[Rule]], Rule | None] | None = None,
) -> RetirementFacts:
    """The retirement facts of one person.

    A per-person override (bup_override, set by decree) wins over the table. A PPPK whose contract ends
    before the BUP-based TMT leaves when the contract ends: `tmt_pensiun` is then the day after the
    contract's last day and `end_reason` is "contract" (if both fall on the same day the reason is
    "bup"). With no override and no matching rule the BUP is unknown and everything is None, except for
    a PPPK with a contract end, whose end date is still known. `choose` replaces select_rule (it must
    give the same rule: an import remembers select_rule's choice for people who share its inputs).
    """
    rule: Rule | None = None
    if person.bup_override is not None:
        bup: int | None = person.bup_override
    else:
        rule = (choose or select_rule)(person, rules)
        bup = rule.bup if rule else None

    contract_tmt = None
    if person.asn_type == PPPK and person.contract_end is not None:
        # The contract's end date is its last working day; employment has ended on the next day.
        contract_tmt = person.contract_end + dt.timedelta(days=1)

    if bup is None and contract_tmt is None:
        return RetirementFacts.unknown()

    reached = bup_date(person.birth_date, bup) if bup is not None else None
    end = tmt_pensiun(person.birth_date, bup) if bup is not None else None
    end_reason = END_REASON_BUP
    if contract_tmt is not None and (end is None or contract_tmt < end):
        end, end_reason = contract_tmt, END_REASON_CONTRACT
    assert end is not None  # the BUP or the contract gives an end: neither returned "unknown" above

    years, months = service_length(person.tmt_cpns, end, person.prior_service_months)
    return RetirementFacts(
        bup=bup,
        bup_date=reached,
        tmt_pensiun=end,
        service_years=years,
        service_months=months,
        rule=rule,
        override_applied=person.bup_override is not None,
        end_reason=end_reason,
    )
