"""The kinds of retirement beyond BUP: what each gives, from when, and to whom (DESIGN.md section 5).

Rules implemented, with their basis:

- **Death in service** (kind "janda_duda") and **death in the line of duty** (kind "tewas"):
  - the widow(er)'s pension is "given from the month after" the death (UU 11/1969 art. 24): its TMT is
    the first day of the month after the month of death (`KindRule.pension_tmt_after_months`, 1);
  - the family keeps the salary for four months from the month after the death (*gaji terusan*, the
    PNS salary regulation PP 7/1977 as agencies cite it; `gaji_terusan_months`), so agencies pay the
    pension from the fifth month after the death (`first_payment_after_months`, 5). Both dates are kept;
  - *uang duka wafat*: a multiple of the last monthly income (gaji pokok with its family and position
    allowances): 3x for a death, 6x for tewas as agencies report it (the tewas value is marked unsure
    in the table).
- **Death of a pensioner** (kind "pensiun_terusan"): the pension of the deceased goes on to the widow(er)
  for four months from the month after the death (*pensiun terusan*, `gaji_terusan_months`), then the
  widow(er)'s pension starts, in the fifth month after the death (`pension_tmt_after_months` and
  `first_payment_after_months`, 5), claimed at Taspen. No uang duka wafat (that is for a death in
  service). The date of death is on or after the deceased's own TMT pensiun. Heirs as for a death.
- **Heirs** (UU 11/1969 art. 16-20): the widow(er)s share the pension equally (several wives, one
  share each); without a spouse entitled, the children who count (UU 11/1969 art. 16: under 25,
  unmarried, without income) take it, one share per set of parents (children of the same other
  parent split their set's share); an employee killed in the line of duty who leaves neither spouse nor
  child leaves it to the parents (pensiun orang tua).
- **APS** (own request; PP 11/2017, discharge at one's own request, with the age and service agencies
  apply): a pension with age >= 45 and masa kerja >= 20 years on the TMT; otherwise an honourable
  discharge without pension.
- **Udzur** (unfit in body or mind, UU 11/1969 art. 9(1) b and c): a pension whatever the age or service
  when caused by duty; otherwise with at least 4 years of service; else without pension.
- **Reorganisasi** (PP 11/2017, discharge for a reorganisation): age >= 50 and masa kerja >= 10 years: a
  pension from the TMT; 10 years but under 50: the pension starts the month after the 50th birthday;
  under 10 years: none.
- **KPP**, kenaikan pangkat pengabdian (PP 99/2000 art. 23 (BUP), 25 (death), 26 (disability caused by
  duty), as amended by PP 12/2002): >= 30 years of service with >= 1 month in the last rank, >= 20 with
  >= 1 year, >= 10 with >= 2 years, and no medium or heavy discipline penalty in the last year. A PNS
  killed in the line of duty receives the *kenaikan pangkat anumerta* (art. 24); agencies propose it on
  the same DPCP line, so tewas is checked like a death here.

The numbers that regions apply differently or that we could not confirm (multipliers, months, age and
service thresholds, the proposal lead time per kind) are not in this module: they come in a `KindRule`,
a row of the dated table employees.KindRule chosen for the relevant date (rule_in_force). The KPP
thresholds are the regulation's own and stay here.

Pure: no queries, no settings, no clock; every date is a parameter. Money is Decimal.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils.translation import gettext as _

from employees.retirement import add_months, full_months, service_length, tmt_pensiun
from purna.formatting import bulan_tahun, rentang_bulan, tanggal

# The values of employees.choices.RetirementKind (plain strings keep this module free of models).
BUP = "bup"
APS = "aps"
DEATH = "janda_duda"
KILLED = "tewas"
DISABILITY = "udzur"
REORGANISATION = "reorganisasi"
CONTRACT_END = "pppk_kontrak"
PENSIONER_DEATH = "pensiun_terusan"
# Deaths in service, and every death (a pensioner's too: heirs, a date of death, the family's payments).
DEATH_KINDS = frozenset({DEATH, KILLED})
DECEASED_KINDS = DEATH_KINDS | {PENSIONER_DEATH}
# Kinds whose outcome needs a rule row (thresholds or death payments); BUP and a contract end need one
# only for their proposal lead time.
RULED_KINDS = frozenset({APS, DEATH, KILLED, DISABILITY, REORGANISATION, PENSIONER_DEATH})

# Values of employees.choices.DisciplineLevel and MarriageEnd.
DISCIPLINE_MEDIUM = "sedang"
DISCIPLINE_HEAVY = "berat"

# PP 99/2000 art. 23: (years of masa kerja, whole months held in the last rank) — either pair suffices.
KPP_STEPS: tuple[tuple[int, int], ...] = ((30, 1), (20, 12), (10, 24))
KPP_DISCIPLINE_MONTHS = 12
# PP 99/2000 art. 23-26: the kinds a KPP can be proposed for at all (udzur only when caused by duty). A
# pensioner's death (pensiun terusan) is not one: the KPP was for their own retirement, from active service.
KPP_KINDS = frozenset({BUP, DEATH, KILLED, DISABILITY})
# UU 11/1969 art. 16: a child counts while under 25.
CHILD_AGE_LIMIT = 25
CENT = Decimal("0.01")


@dataclass(frozen=True)
class KindRule:
    """One row of the table of kinds (employees.KindRule): the numbers that apply from `valid_from`.

    A field that does not concern the kind is None. `unsure` marks values agencies report but that we
    could not confirm in a regulation (e.g. the 6x uang duka of tewas).
    """

    kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    legal_basis: str
    proposal_months_before: int
    min_age: int | None = None
    min_service_years: int | None = None
    uang_duka_multiplier: Decimal | None = None
    gaji_terusan_months: int | None = None
    pension_tmt_after_months: int | None = None
    first_payment_after_months: int | None = None
    unsure: bool = False
    id: int | None = None

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


def rule_in_force(rules: Iterable[KindRule], *, kind: str, on: dt.date) -> KindRule | None:
    """The rule of `kind` valid on `on`: of several, the latest valid_from, then the last entered."""
    valid = [rule for rule in rules if rule.kind == kind and rule.is_valid_on(on)]
    if not valid:
        return None
    return max(valid, key=lambda rule: (rule.valid_from, rule.id if rule.id is not None else -1))


def proposal_months(rules: Iterable[KindRule], *, kind: str, on: dt.date, default: int) -> int:
    """How many months before the TMT `on` a record of `kind` must be proposed: the lead time of the rule in
    force on that day, `default` (the setting) when none is."""
    rule = rule_in_force(rules, kind=kind, on=on)
    return rule.proposal_months_before if rule is not None else default


@dataclass(frozen=True)
class LeadSpan:
    """TMTs from `start` (None: since ever) until before `end` (None: for ever) share a lead time."""

    start: dt.date | None
    end: dt.date | None
    months: int


def proposal_months_spans(rules: Iterable[KindRule], *, kind: str, default: int) -> tuple[LeadSpan, ...]:
    """proposal_months for every TMT at once, as consecutive spans of TMTs with one lead time (neighbours
    with the same one merged): the rule in force changes only where a rule starts or stops, so between
    those days it is one rule (or none), which lets a query compare each TMT with its own deadline."""
    rules = [rule for rule in rules if rule.kind == kind]
    edges = sorted(
        {rule.valid_from for rule in rules}
        | {rule.valid_until + dt.timedelta(days=1) for rule in rules if rule.valid_until is not None}
    )
    starts: list[dt.date | None] = [None, *edges]
    spans: list[LeadSpan] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else None
        on = start if start is not None else (edges[0] - dt.timedelta(days=1) if edges else dt.date.min)
        months = proposal_months(rules, kind=kind, on=on, default=default)
        if spans and spans[-1].months == months:
            spans[-1] = LeadSpan(spans[-1].start, end, months)
        else:
            spans.append(LeadSpan(start, end, months))
    return tuple(spans)


def rule_date(*, kind: str, tmt: dt.date | None, died_on: dt.date | None) -> dt.date | None:
    """The day whose rule applies to a record: the death for a death, the TMT otherwise."""
    return died_on if kind in DECEASED_KINDS else tmt


def service_end(*, kind: str, tmt: dt.date, died_on: dt.date | None, retired_on: dt.date | None = None) -> dt.date:
    """The day masa kerja is counted to: the date of death for a death in service (the service ended
    there, not at the TMT pensiun janda/duda that follows it), the deceased's own TMT pensiun for a
    pensioner who dies (`retired_on`, when known), the TMT otherwise."""
    if kind in DEATH_KINDS and died_on is not None:
        return died_on
    if kind == PENSIONER_DEATH and retired_on is not None:
        return retired_on
    return tmt


# Where masa kerja ends (service_end): at the TMT, at the death (in service), at the pensioner's own TMT.
UNTIL_TMT, UNTIL_DEATH, UNTIL_RETIREMENT = "tmt", "death", "retirement"


@dataclass(frozen=True)
class ServiceLength:
    """Masa kerja pensiun of a record, and the day (and why that day) it is counted to."""

    years: int
    months: int
    until: dt.date
    basis: str  # UNTIL_TMT, UNTIL_DEATH or UNTIL_RETIREMENT


def masa_kerja(
    *,
    kind: str,
    tmt: dt.date,
    died_on: dt.date | None,
    tmt_cpns: dt.date,
    prior_service_months: int = 0,
    retired_on: dt.date | None = None,
) -> ServiceLength:
    """Masa kerja pensiun of a record of `kind`: from the TMT CPNS (plus SK PMK) to service_end. An employee
    who died in service served until the death, not until the TMT pensiun janda/duda nor the BUP."""
    until = service_end(kind=kind, tmt=tmt, died_on=died_on, retired_on=retired_on)
    years, months = service_length(tmt_cpns, until, prior_service_months)
    if until == tmt:
        basis = UNTIL_TMT
    elif kind in DEATH_KINDS:
        basis = UNTIL_DEATH
    else:
        basis = UNTIL_RETIREMENT
    return ServiceLength(years, months, until, basis)


# --- Death in service ---------------------------------------------------------------------------------


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass(frozen=True)
class DeathPayments:
    """What a death gives the family, month by month (first days of months)."""

    died_on: dt.date
    pension_tmt: dt.date  # TMT pensiun janda/duda (UU 11/1969 art. 24)
    first_payment: dt.date  # the month the pension is first paid (agency practice)
    # The months the salary (death in service) or the deceased's pension (pensiun terusan) goes on.
    gaji_terusan: tuple[dt.date, ...]
    uang_duka_multiplier: Decimal | None  # None: no uang duka wafat (a pensioner's death)
    uang_duka: Decimal | None  # None while the last monthly income is unknown, or without uang duka
    unsure: bool
    pensiun_terusan: bool = False  # the months in gaji_terusan continue a pension, not a salary


def death_payments(*, died_on: dt.date, rule: KindRule, last_income: Decimal | None) -> DeathPayments:
    """The widow(er)'s pension TMT, its first payment month, the gaji (or pensiun) terusan months and the
    uang duka, under `rule` (a death in service, or a pensioner's death: pensiun terusan).

    Counted in months from the month of death, whatever its day (the 1st or the 31st, 29 February): a
    death on 31 December 2025 gives gaji terusan January-April 2026, the TMT 1 January 2026 and, with
    the usual rule, the first payment 1 May 2026. A pensioner who dies on 31 December 2025 leaves a
    pensiun terusan for January-April 2026 and a widow(er)'s pension from 1 May 2026.
    """
    month = _month_start(died_on)
    multiplier = rule.uang_duka_multiplier
    return DeathPayments(
        died_on=died_on,
        pension_tmt=add_months(month, rule.pension_tmt_after_months or 1),
        first_payment=add_months(month, rule.first_payment_after_months or 1),
        gaji_terusan=tuple(add_months(month, n) for n in range(1, (rule.gaji_terusan_months or 0) + 1)),
        uang_duka_multiplier=multiplier,
        uang_duka=(
            None
            if last_income is None or multiplier is None
            else uang_duka(last_income=last_income, multiplier=multiplier)
        ),
        unsure=rule.unsure,
        pensiun_terusan=rule.kind == PENSIONER_DEATH,
    )


def uang_duka(*, last_income: Decimal, multiplier: Decimal) -> Decimal:
    """`multiplier` times the last monthly income, to the sen."""
    return (Decimal(last_income) * Decimal(multiplier)).quantize(CENT, rounding=ROUND_HALF_UP)


def death_date_errors(
    *, died_on: dt.date | None, birth_date: dt.date, tmt_cpns: dt.date, tmt_pensiun: dt.date | None, today: dt.date
) -> list[str]:
    """Why a date of death cannot be that of a death in service; empty when it can."""
    if died_on is None:
        return [_("Give the date of death.")]
    if died_on > today:
        return [_("The date of death cannot be in the future.")]
    if died_on < tmt_cpns or died_on <= birth_date:
        return [_("The date of death must be on or after the TMT CPNS (%(date)s).") % {"date": tanggal(tmt_cpns)}]
    if tmt_pensiun is not None and died_on >= tmt_pensiun:
        return [
            _(
                "The date of death is on or after the TMT pensiun (%(date)s): that is the death of a pensioner "
                "(pensiun terusan, claimed at Taspen), not a death in service."
            )
            % {"date": tanggal(tmt_pensiun)}
        ]
    return []


def pensioner_death_date_errors(
    *, died_on: dt.date | None, birth_date: dt.date, retired_on: dt.date | None, today: dt.date
) -> list[str]:
    """Why a date of death cannot be that of a pensioner who died (on or after their own TMT pensiun,
    `retired_on`); empty when it can."""
    if died_on is None:
        return [_("Give the date of death.")]
    if died_on > today:
        return [_("The date of death cannot be in the future.")]
    if died_on <= birth_date:
        return [_("The date of death must be after the date of birth.")]
    if retired_on is None:
        return [_("The TMT pensiun of the deceased is unknown: check the BUP rules and the position.")]
    if died_on < retired_on:
        return [
            _(
                "The date of death is before the TMT pensiun of the deceased (%(date)s): that is a death in "
                "service (janda/duda or tewas), not a pensiun terusan."
            )
            % {"date": tanggal(retired_on)}
        ]
    return []


# --- Heirs --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpouseFact:
    id: int
    name: str
    order: int = 1
    died_on: dt.date | None = None
    ended_on: dt.date | None = None  # the marriage's end (divorce or the spouse's death)


@dataclass(frozen=True)
class ChildFact:
    id: int
    name: str
    birth_date: dt.date | None
    other_parent_id: int | None = None
    died_on: dt.date | None = None
    is_married: bool = False
    is_working: bool = False


@dataclass(frozen=True)
class ParentFact:
    id: int
    name: str
    died_on: dt.date | None = None


SPOUSE, CHILD, PARENT = "spouse", "child", "parent"


@dataclass(frozen=True)
class HeirShare:
    role: str  # SPOUSE, CHILD or PARENT
    id: int
    name: str
    share: Fraction
    group: int | None = None  # a child's other parent (its set of parents)


@dataclass(frozen=True)
class Heirs:
    shares: tuple[HeirShare, ...]
    # Children left out because their birth date is unknown (their age cannot be checked).
    unchecked: tuple[str, ...] = field(default=())

    @property
    def role(self) -> str | None:
        return self.shares[0].role if self.shares else None


def _alive(died_on: dt.date | None, on: dt.date) -> bool:
    return died_on is None or died_on > on


def child_counts(child: ChildFact, on: dt.date) -> bool:
    """UU 11/1969 art. 16: alive, under 25 on `on`, unmarried and without income."""
    return (
        child.birth_date is not None
        and _alive(child.died_on, on)
        and full_months(child.birth_date, on) // 12 < CHILD_AGE_LIMIT
        and not child.is_married
        and not child.is_working
    )


def heirs(
    *,
    kind: str,
    died_on: dt.date,
    on: dt.date,
    spouses: Sequence[SpouseFact],
    children: Sequence[ChildFact],
    parents: Sequence[ParentFact],
) -> Heirs:
    """Who receives the pension of an employee who died on `died_on`, as things stand on `on`.

    Spouses married on the day of death and alive on `on` share it equally (in their order). Without one,
    the children who count on `on`: one share per set of parents (a child's `other_parent_id`; children
    with none recorded form one set), split equally inside the set. For tewas with neither, the living
    parents share it. Shares are exact fractions that add up to 1 (or nothing at all).
    """
    widows = sorted(
        (
            spouse
            for spouse in spouses
            if (spouse.ended_on is None or spouse.ended_on > died_on) and _alive(spouse.died_on, on)
        ),
        key=lambda spouse: (spouse.order, spouse.id),
    )
    unchecked = tuple(child.name for child in children if child.birth_date is None)
    if widows:
        share = Fraction(1, len(widows))
        return Heirs(tuple(HeirShare(SPOUSE, spouse.id, spouse.name, share) for spouse in widows), unchecked)

    counting = [child for child in children if child_counts(child, on)]
    if counting:
        groups: dict[int | None, list[ChildFact]] = {}
        for child in sorted(counting, key=lambda child: (child.birth_date or on, child.id)):
            groups.setdefault(child.other_parent_id, []).append(child)
        per_group = Fraction(1, len(groups))
        return Heirs(
            tuple(
                HeirShare(CHILD, child.id, child.name, per_group / len(members), group)
                for group, members in groups.items()
                for child in members
            ),
            unchecked,
        )

    if kind == KILLED:
        living = sorted((parent for parent in parents if _alive(parent.died_on, on)), key=lambda parent: parent.id)
        if living:
            share = Fraction(1, len(living))
            return Heirs(tuple(HeirShare(PARENT, parent.id, parent.name, share) for parent in living), unchecked)
    return Heirs((), unchecked)


# --- The outcome of a record --------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseFacts:
    """What the outcome of a record depends on."""

    kind: str
    tmt: dt.date
    birth_date: dt.date
    tmt_cpns: dt.date
    prior_service_months: int = 0
    died_on: dt.date | None = None
    caused_by_duty: bool = False
    last_income: Decimal | None = None
    retired_on: dt.date | None = None  # a pensioner's death: the deceased's own TMT pensiun


@dataclass(frozen=True)
class Outcome:
    """With or without pension, from when, and why; for a death also the family's payments."""

    with_pension: bool
    pension_from: dt.date | None
    reason: str
    age_years: int
    service_years: int
    service_months: int
    death: DeathPayments | None = None


def _age(birth_date: dt.date, on: dt.date) -> int:
    return full_months(birth_date, on) // 12


def outcome(facts: CaseFacts, rule: KindRule | None) -> Outcome:
    """The outcome of a record of `facts.kind` under `rule` (required for RULED_KINDS).

    BUP: a pension from the TMT. PPPK contract end: no pension (PPPK receive none). Death and tewas: the
    widow(er)'s pension from the month after death (death_payments). APS, udzur, reorganisasi: see the
    module docstring; measured on the TMT.
    """
    kind = facts.kind
    # Service ends at the death for a death in service (and at the deceased's retirement for a pensioner).
    end = service_end(kind=kind, tmt=facts.tmt, died_on=facts.died_on, retired_on=facts.retired_on)
    years, months = service_length(facts.tmt_cpns, end, facts.prior_service_months)
    age = _age(facts.birth_date, end)

    def result(with_pension: bool, pension_from: dt.date | None, reason: str, death=None) -> Outcome:
        return Outcome(with_pension, pension_from, reason, age, years, months, death)

    if kind == BUP:
        return result(True, facts.tmt, _("A pension from the TMT (retirement age reached)."))
    if kind == CONTRACT_END:
        return result(False, None, _("A PPPK whose contract ends receives no pension."))
    if rule is None:
        raise ValueError(f"A rule is needed for the kind {kind}")
    if kind in DECEASED_KINDS and facts.died_on is None:
        raise ValueError("A death needs its date")
    if kind == PENSIONER_DEATH:
        assert facts.died_on is not None
        payments = death_payments(died_on=facts.died_on, rule=rule, last_income=None)
        # Whole months, named as months ("Desember 2026 - Maret 2027", rentang_bulan), not as their first days.
        months_words = (
            rentang_bulan(payments.gaji_terusan[0], payments.gaji_terusan[-1]) if payments.gaji_terusan else _("none")
        )
        return result(
            True,
            payments.pension_tmt,
            _("Pensiun terusan (the deceased's pension continued) %(months)s, then a widow(er)'s pension from "
              "%(tmt)s, first paid in %(paid)s; claimed at Taspen.")
            % {"months": months_words, "tmt": tanggal(payments.pension_tmt), "paid": bulan_tahun(payments.first_payment)},
            payments,
        )  # fmt: skip
    if kind in DEATH_KINDS:
        assert facts.died_on is not None
        payments = death_payments(died_on=facts.died_on, rule=rule, last_income=facts.last_income)
        return result(
            True,
            payments.pension_tmt,
            _("A widow(er)'s pension from %(tmt)s (the month after the death), first paid in %(paid)s.")
            % {"tmt": tanggal(payments.pension_tmt), "paid": bulan_tahun(payments.first_payment)},
            payments,
        )
    min_age, min_years = rule.min_age or 0, rule.min_service_years or 0
    service = _("%(years)d years %(months)d months of service") % {"years": years, "months": months}
    if kind == APS:
        if age >= min_age and years >= min_years:
            return result(
                True,
                facts.tmt,
                _("A pension from the TMT: %(age)d years old with %(service)s on the TMT (at least %(min_age)d "
                  "years old with %(min_years)d years of service).")
                % {"age": age, "service": service, "min_age": min_age, "min_years": min_years},
            )  # fmt: skip
        return result(
            False,
            None,
            _("Honourable discharge without pension: on the TMT the employee is %(age)d years old with "
              "%(service)s; a pension at one's own request needs at least %(min_age)d years of age and "
              "%(min_years)d years of service.")
            % {"age": age, "service": service, "min_age": min_age, "min_years": min_years},
        )  # fmt: skip
    if kind == DISABILITY:
        if facts.caused_by_duty:
            return result(
                True, facts.tmt, _("A pension whatever the age or service: the unfitness was caused by duty.")
            )
        if years >= min_years:
            return result(
                True,
                facts.tmt,
                _("A pension from the TMT: %(service)s (at least %(min_years)d years when not caused by duty).")
                % {"service": service, "min_years": min_years},
            )
        return result(
            False,
            None,
            _("Honourable discharge without pension: %(service)s, and an unfitness not caused by duty needs "
              "at least %(min_years)d years of service.")
            % {"service": service, "min_years": min_years},
        )  # fmt: skip
    if kind == REORGANISATION:
        if years < min_years:
            return result(
                False,
                None,
                _("Honourable discharge without pension: %(service)s, under the %(min_years)d years a "
                  "reorganisation pension needs.")
                % {"service": service, "min_years": min_years},
            )  # fmt: skip
        if age >= min_age:
            return result(
                True,
                facts.tmt,
                _("A pension from the TMT: %(age)d years old with %(service)s.") % {"age": age, "service": service},
            )
        starts = tmt_pensiun(facts.birth_date, min_age)
        return result(
            True,
            starts,
            _("A pension that starts on %(date)s, the month after the employee turns %(min_age)d (%(age)d years "
              "old on the TMT, with %(service)s).")
            % {"date": tanggal(starts), "min_age": min_age, "age": age, "service": service},
        )  # fmt: skip
    raise ValueError(f"Unknown retirement kind: {kind}")


# --- KPP ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Penalty:
    """A discipline penalty: its level (ringan, sedang, berat) and the day it was imposed."""

    level: str
    decided_on: dt.date


@dataclass(frozen=True)
class KppCheck:
    eligible: bool
    reason: str
    # False when no KPP can be proposed for the record at all (its kind), so the page does not show the
    # person as "not eligible", which would read as a failed condition.
    applies: bool = True


def kpp_applies(*, kind: str, caused_by_duty: bool) -> bool:
    """Whether a KPP can be proposed for a record of `kind` at all (PP 99/2000 art. 23-26): at the BUP, at a
    death in service (tewas included) and for an unfitness caused by duty; not for APS, reorganisasi, a
    PPPK contract end, an unfitness not caused by duty, nor a pensioner's death."""
    return kind in KPP_KINDS and (kind != DISABILITY or caused_by_duty)


def kpp_check(
    *,
    kind: str,
    caused_by_duty: bool,
    on: dt.date,
    tmt_cpns: dt.date,
    prior_service_months: int,
    tmt_golongan: dt.date | None,
    penalties: Iterable[Penalty],
) -> KppCheck:
    """Whether a kenaikan pangkat pengabdian may be proposed, and why (PP 99/2000 art. 23-26).

    `on` is the day service and time in rank are counted to: the TMT (for a death, the date of death). A
    medium or heavy penalty imposed in the 12 months up to `on` (from the same day a year earlier) bars it.
    """
    if kind == PENSIONER_DEATH:
        return KppCheck(
            False,
            _("The deceased had already retired: a KPP is proposed at a retirement from active service, not "
              "after a pensioner's death."),
            applies=False,
        )  # fmt: skip
    if not kpp_applies(kind=kind, caused_by_duty=caused_by_duty):
        return KppCheck(
            False,
            _("A KPP is given only at the retirement age, at death or for an unfitness caused by duty."),
            applies=False,
        )
    if tmt_golongan is None:
        return KppCheck(False, _("The TMT golongan is not recorded: the time in the last rank cannot be counted."))
    years, _months = service_length(tmt_cpns, on, prior_service_months)
    in_rank = full_months(tmt_golongan, on)
    since = add_months(on, -KPP_DISCIPLINE_MONTHS)
    barred = sorted(
        penalty.decided_on
        for penalty in penalties
        if penalty.level in (DISCIPLINE_MEDIUM, DISCIPLINE_HEAVY) and since <= penalty.decided_on <= on
    )
    if barred:
        return KppCheck(
            False,
            _("A medium or heavy discipline penalty was imposed on %(date)s, within the last year.")
            % {"date": tanggal(barred[-1])},
        )
    facts = {"years": years, "rank_months": in_rank}
    for min_years, min_rank_months in KPP_STEPS:
        if years >= min_years and in_rank >= min_rank_months:
            return KppCheck(
                True,
                _("%(years)d years of service and %(rank_months)d months in the last rank (at least %(min_years)d "
                  "years with %(min_rank)d months).")
                % {**facts, "min_years": min_years, "min_rank": min_rank_months},
            )  # fmt: skip
    return KppCheck(
        False,
        _("%(years)d years of service and %(rank_months)d months in the last rank: a KPP needs 30 years with 1 "
          "month, 20 years with 12 months or 10 years with 24 months in the last rank.")
        % facts,
    )  # fmt: skip
