"""Heirs as payees: the THT and tali asih of an employee who died are paid to an heir (ahli waris), a
spouse or a child on the register, against the heir statement (surat keterangan ahli waris).

KORPRI branches pay the tali asih of a member who died to the family (DESIGN.md, "KORPRI tali asih":
"heirs can be payees"); UU 11/1969 art. 16-18 names the widow(er), then the children, as the ones the
pension of a deceased civil servant goes to. Who among them receives it is the heir statement's
decision, which the agency keeps as proof; Purna records it, it does not rank heirs.

Pure: no queries, no clock. The words of the printed kuitansi are fixed Indonesian (UU 24/2009 art.
33), so `payee_line`, `relation_word` and `deceased_title` (employees/family.py: the invitation page
reads them too) are not translated; the refusals are.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from employees.cases import is_deceased
from employees.family import deceased_title, relation_word  # noqa: F401 (the family's words, importable here too)

MALE, FEMALE = "1", "2"  # employees.choices.Gender
SPOUSE, CHILD = "spouse", "child"


@dataclass(frozen=True)
class HeirFacts:
    """What the rules need of a candidate heir: whose family member it is, which kind, whether they died."""

    kind: str  # SPOUSE or CHILD
    employee_id: int
    name: str
    died: bool = False


def payee_refusal(*, employee_id: int, employee_status: str, case_kind: str | None, heir: HeirFacts) -> str | None:
    """Why `heir` cannot become the payee of a payout of this employee, or None (the payout's status is
    the pipeline's question: benefits/payouts.py, PAYEE)."""
    if not is_deceased(employee_status=employee_status, case_kind=case_kind):
        return _(
            "An heir can only receive the payout of an employee who died: record the death (status or a "
            "janda/duda or tewas case) first."
        )
    if heir.employee_id != employee_id:
        return _("%(name)s is not a family member of this employee.") % {"name": heir.name}
    if heir.died:
        return _("%(name)s is recorded as deceased and cannot receive the payout.") % {"name": heir.name}
    return None


def heir_address(*, kind: str, employee_gender: str, child_gender: str = "") -> str:
    """How the heir is addressed: Ibu for a widow, Bapak for a widower; a child by their gender, else
    the neutral "Sdr."."""
    if kind == SPOUSE:
        return "Bapak" if employee_gender == FEMALE else "Ibu"
    return {MALE: "Bapak", FEMALE: "Ibu"}.get(child_gender, "Sdr.")


def payee_line(*, name: str, kind: str, employee_gender: str, child_gender: str = "") -> str:
    """ "Ibu Siti Aminah, istri": the heir as the kuitansi and the hand-over list name them."""
    address = heir_address(kind=kind, employee_gender=employee_gender, child_gender=child_gender)
    return f"{address} {name}, {relation_word(kind=kind, employee_gender=employee_gender)}"
