"""Reads for the pension proposal's papers (ceremonies/pension_documents.py): the retirement records with
their employee and family, within the staff scope, in a fixed number of queries whatever their number."""

from django.db.models import Prefetch, QuerySet

from ceremonies.models import PensionCoverLetter, PensionTemplate
from ceremonies.pension_documents import default_template
from employees.choices import CaseStatus
from employees.models import Child, RetirementCase, Spouse
from employees.scope import Scope

# Records whose papers are still being put together or answered.
PAPER_STATUSES = [CaseStatus.PREPARING, CaseStatus.PROPOSED, CaseStatus.PERTEK, CaseStatus.SK_ISSUED]


def _with_family(records: QuerySet) -> QuerySet:
    return records.select_related("employee__unit").prefetch_related(
        Prefetch("employee__spouses", queryset=Spouse.objects.order_by("order", "pk")),
        Prefetch("employee__children", queryset=Child.objects.order_by("birth_date", "pk")),
    )


def pension_case_get(*, pk: int, scope: Scope) -> RetirementCase:
    """A record with its employee, unit, spouses and children (three queries). Raises DoesNotExist, also
    for a record outside `scope`."""
    return _with_family(scope.filter(RetirementCase.objects.all(), "employee__unit")).get(pk=pk)


def pension_cases(*, scope: Scope, ids: list[int]) -> list[RetirementCase]:
    """The records `ids` within `scope` with their family, by TMT and name (three queries). Records outside
    the scope are left out: the caller compares the count."""
    records = scope.filter(RetirementCase.objects.filter(pk__in=ids), "employee__unit")
    return list(_with_family(records).order_by("tmt", "employee__name", "pk"))


def pension_case_list(*, scope: Scope) -> list[RetirementCase]:
    """The open records within `scope` a cover letter or a batch of DPCPs is picked from (one query)."""
    records = scope.filter(RetirementCase.objects.filter(status__in=PAPER_STATUSES), "employee__unit")
    return list(records.select_related("employee__unit").order_by("tmt", "employee__name", "pk"))


def cover_letter_get(*, pk: int, scope: Scope) -> tuple[PensionCoverLetter, list[RetirementCase]]:
    """A cover letter and its records with their family. Raises PensionCoverLetter.DoesNotExist when a
    record of it is outside `scope` (the letter is the whole list: staff of one unit do not see another's)."""
    letter = PensionCoverLetter.objects.get(pk=pk)
    records = letter.cases.all()
    if not scope.is_all and scope.filter(records, "employee__unit").count() != records.count():
        raise PensionCoverLetter.DoesNotExist
    return letter, list(_with_family(records).order_by("tmt", "employee__name", "pk"))


def pension_template_get(kind: str) -> bytes:
    """The Word template of `kind`: the agency's upload, else the one shipped with Purna."""
    template = PensionTemplate.objects.filter(kind=kind).first()
    if template is not None and template.file:
        with template.file.open("rb") as file:
            return file.read()
    return default_template(kind)
