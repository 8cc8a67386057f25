"""Reads of the SIASN reconciliations: a staff member's own lists, and one list's rows grouped for its page.

A list is seen by the person who uploaded it only: its rows name the employees of their units (others'
NIPs are "unknown" in it), which another staff member's scope may not cover.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from employees import siasn_reconcile
from employees.choices import CaseStatus
from employees.models import RetirementCase, SiasnReconciliation
from purna.types import User

_DATES = frozenset({"tmt", "pertek_date", "sk_date", "proposed_on"})


def siasn_reconciliation_list(*, user: User) -> QuerySet[SiasnReconciliation]:
    """The lists `user` uploaded, newest first (without their rows)."""
    return SiasnReconciliation.objects.filter(created_by=user).defer("lines")


def siasn_reconciliation_get(*, pk: int, user: User) -> SiasnReconciliation:
    """One list `user` uploaded, in one query; raises DoesNotExist for anyone else's."""
    return SiasnReconciliation.objects.select_related("applied_by").get(pk=pk, created_by=user)


@dataclass(frozen=True)
class ShownChange:
    label: str
    ours: Any
    theirs: Any


@dataclass(frozen=True)
class ShownLine:
    row: int
    nip: str
    name: str
    unit: str
    case_id: int | None
    changes: list[ShownChange]
    conflicts: list[ShownChange]
    notes: list[str]

    @property
    def span(self) -> int:
        """The table rows the line takes (one per fact)."""
        return len(self.conflicts) + len(self.changes)


def _label(field: str) -> str:
    if field == siasn_reconcile.REASON:
        return _("BKN's reason")
    if field in RetirementCase._meta._forward_fields_map:  # type: ignore[attr-defined]
        return str(RetirementCase._meta.get_field(field).verbose_name)
    return field


def _value(field: str, value: Any) -> Any:
    if value in (None, ""):
        return None
    if field in _DATES:
        return dt.date.fromisoformat(value)
    if field == "status":
        return str(CaseStatus(value).label) if value in CaseStatus.values else value
    return value


def _shown(changes: list[dict[str, Any]]) -> list[ShownChange]:
    return [
        ShownChange(_label(c["field"]), _value(c["field"], c["ours"]), _value(c["field"], c["theirs"])) for c in changes
    ]


def siasn_reconciliation_groups(reconciliation: SiasnReconciliation) -> dict[str, list[ShownLine]]:
    """The list's rows by verdict (updates, conflicts, unknown, matched), ready to show; no query."""
    groups: dict[str, list[ShownLine]] = {kind: [] for kind in siasn_reconcile.KINDS}
    for line in reconciliation.lines:
        groups[line["kind"]].append(
            ShownLine(
                row=line["row"],
                nip=line["nip"],
                name=line.get("name", ""),
                unit=line.get("unit", ""),
                case_id=line.get("case_id"),
                changes=_shown(line["changes"]),
                conflicts=_shown(line["conflicts"]),
                notes=list(line["notes"]),
            )
        )
    return groups


def siasn_status_texts() -> list[tuple[str, str]]:
    """SIASN's status texts and the step each becomes in Purna (the upload page's guide)."""
    return [
        (text, str(CaseStatus(status).label) if status else _("not applied"))
        for text, status in siasn_reconcile.STATUS_TEXTS.items()
    ]
