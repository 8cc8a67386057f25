"""Template filters on a retirement record's status, for templates that hold the status as a value (a
row's annotation, a next step) rather than the record: {{ status|case_badge }}, {% if step.status|cancels_case %}.
The statuses are employees.choices.CaseStatus; the pipeline is employees/cases.py."""

from django import template

from employees.choices import CaseStatus

register = template.Library()

# The badge of each status on the staff pages (a cancelled record, and any other, is grey).
BADGES = {
    CaseStatus.PREPARING: "text-bg-warning",
    CaseStatus.PROPOSED: "text-bg-info",
    CaseStatus.PERTEK: "text-bg-light border border-primary",
    CaseStatus.INCOMPLETE: "text-bg-danger",
    CaseStatus.NOT_ELIGIBLE: "text-bg-dark",
    CaseStatus.SK_ISSUED: "text-bg-primary",
    CaseStatus.DONE: "text-bg-success",
}


@register.filter
def case_badge(status: str) -> str:
    """The Bootstrap class of the status's badge."""
    return BADGES.get(status, "text-bg-secondary")


@register.filter
def cancels_case(status: str) -> bool:
    """Moving to `status` cancels the record."""
    return status == CaseStatus.CANCELLED


@register.filter
def bkn_answer(status: str) -> bool:
    """Moving to `status` records BKN's BTL or TMS answer (BKN's reason is asked)."""
    return status in (CaseStatus.INCOMPLETE, CaseStatus.NOT_ELIGIBLE)


@register.filter
def proposes_case(status: str) -> bool:
    """Moving to `status` sends the proposal to BKN (its date is asked)."""
    return status == CaseStatus.PROPOSED


@register.filter
def records_pertek(status: str) -> bool:
    """Moving to `status` records BKN's pertek (its number and date are asked)."""
    return status == CaseStatus.PERTEK


@register.filter
def issues_sk(status: str) -> bool:
    """Moving to `status` records the SK pensiun (its number, date and signer are asked)."""
    return status == CaseStatus.SK_ISSUED
