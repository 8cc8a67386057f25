"""The pension proposal's checklist for one person: which documents their kind of retirement and their
family ask for, and which of them are still missing.

Sources: Peraturan BKN 2/2018 (pension administration and its DPCP form: spouses and children who
count are listed, so their papers are asked); UU 11/1969 art. 16 (a child counts for the pension while
under 25, unmarried and without income); agency checklists (kepegawaian.uny.ac.id/node/17,
bkpsdm.mempawahkab.go.id/page/pensiun-jandaduda, bkd.garutkab.go.id/page.php?id=21): a school or
university certificate for a child over 21, a visum et repertum and a chronology for a death in the
line of duty (tewas), the doctors' panel statement for udzur, SK PMK only when prior service is
counted. Which documents and conditions apply is data (DocumentType rows, editable in the admin); the
conditions themselves are the fixed list of employees.choices.ChecklistCondition, evaluated here.

Pure: no queries, no clock; the day the family is looked at (the TMT, or the date of death) is given.
"""

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from employees.choices import ChecklistCondition, Gender
from employees.retirement import full_months

# UU 11/1969 art. 16: a child counts until 25; agencies ask a school certificate from 21.
CHILD_MAX_AGE = 25
SCHOOL_CERTIFICATE_FROM_AGE = 21


@dataclass(frozen=True)
class SpouseFact:
    marriage_ended_on: dt.date | None = None
    died_on: dt.date | None = None


@dataclass(frozen=True)
class ChildFact:
    birth_date: dt.date | None
    died_on: dt.date | None = None
    is_married: bool = False
    is_working: bool = False
    in_school: bool = False


@dataclass(frozen=True)
class PersonFacts:
    """What the conditions read about one retirement record. `on` is the day the family is counted:
    the date of death for a death, else the TMT."""

    kind: str
    on: dt.date
    gender: str = ""
    spouses: tuple[SpouseFact, ...] = ()
    children: tuple[ChildFact, ...] = ()
    prior_service_months: int = 0
    caused_by_duty: bool = False
    kpp_requested: bool = False


@dataclass(frozen=True)
class ItemSpec:
    """A checklist item (a DocumentType row): for which kinds (empty: every kind), under which condition,
    and whether it is required or only offered."""

    code: str
    name: str
    is_required: bool = True
    kinds: frozenset[str] = field(default_factory=frozenset)
    condition: str = ChecklistCondition.ALWAYS


def age_on(birth_date: dt.date, on: dt.date) -> int:
    return full_months(birth_date, on) // 12


def spouse_current(spouse: SpouseFact, on: dt.date) -> bool:
    """Married on `on`: the marriage had not ended and the spouse was alive."""
    ended = spouse.marriage_ended_on is not None and spouse.marriage_ended_on <= on
    dead = spouse.died_on is not None and spouse.died_on <= on
    return not ended and not dead


def child_counts(child: ChildFact, on: dt.date) -> bool:
    """The child counts for the pension on `on`: born, alive, under 25, unmarried and without income.
    A child with no birth date recorded is counted: its papers are asked rather than silently skipped."""
    if child.died_on is not None and child.died_on <= on:
        return False
    if child.is_married or child.is_working:
        return False
    if child.birth_date is None:
        return True
    return child.birth_date <= on and age_on(child.birth_date, on) < CHILD_MAX_AGE


def has_current_spouse(facts: PersonFacts) -> bool:
    return any(spouse_current(spouse, facts.on) for spouse in facts.spouses)


def children_counted(facts: PersonFacts) -> list[ChildFact]:
    return [child for child in facts.children if child_counts(child, facts.on)]


def condition_holds(condition: str, facts: PersonFacts) -> bool:
    """Whether the named condition holds for the person. An unknown name raises ValueError.

    The family is looked at only by the conditions about it: most items hold always, and the work list
    asks this for every item of every record on its page (over a thousand times)."""
    condition = ChecklistCondition(condition)
    if condition == ChecklistCondition.ALWAYS:
        return True
    if condition == ChecklistCondition.HAS_SPOUSE:
        return has_current_spouse(facts)
    if condition == ChecklistCondition.HAS_CHILDREN:
        return bool(children_counted(facts))
    if condition == ChecklistCondition.CHILD_OVER_21_IN_SCHOOL:
        return any(
            child.in_school
            and (child.birth_date is None or age_on(child.birth_date, facts.on) >= SCHOOL_CERTIFICATE_FROM_AGE)
            for child in children_counted(facts)
        )
    if condition == ChecklistCondition.NO_SPOUSE_OR_CHILDREN:
        return not has_current_spouse(facts) and not children_counted(facts)
    if condition == ChecklistCondition.HAS_PRIOR_SERVICE:
        return facts.prior_service_months > 0
    if condition == ChecklistCondition.CAUSED_BY_DUTY:
        return facts.caused_by_duty
    if condition == ChecklistCondition.KPP_REQUESTED:
        return facts.kpp_requested
    # ChecklistCondition.MARRIED_FEMALE
    return facts.gender == Gender.FEMALE and has_current_spouse(facts)


def item_applies(item: ItemSpec, facts: PersonFacts) -> bool:
    """The item is on this person's checklist: their kind is among its kinds and its condition holds."""
    return (not item.kinds or facts.kind in item.kinds) and condition_holds(item.condition, facts)


def person_checklist(items: Iterable[ItemSpec], facts: PersonFacts) -> list[ItemSpec]:
    """The items that apply to the person, in the order given."""
    return [item for item in items if item_applies(item, facts)]


def missing_required(items: Iterable[ItemSpec], facts: PersonFacts, uploaded_codes: Collection[str]) -> list[ItemSpec]:
    """The required items of the person's checklist with nothing uploaded, in the order given."""
    return [item for item in person_checklist(items, facts) if item.is_required and item.code not in uploaded_codes]
