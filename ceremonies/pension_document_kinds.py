"""The pension proposal's PDFs made in the background (purna/generated.py): DPCPs (one record or a batch
of hundreds), a cover letter (its table may run to many pages) and the receipt of an SK pensiun.

Each is made for the units of the staff member who asked and cached until what it prints changes: the
fingerprint is the records' rows and history, their employees' last change, every field of their
spouses and children, the agency, the signing official and the day. A batch of DPCPs is laid out a
chunk at a time (the progress moves after each) and the chunks merged with pypdf.
"""

import io

from django.conf import settings
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypdf import PdfWriter

from ceremonies import pension_documents as papers
from ceremonies.models import Official, PensionCoverLetter, PensionDocumentKind
from ceremonies.pension_selectors import cover_letter_get, pension_cases
from employees.document_scope import scope_from_param, scope_matches, scope_param
from employees.models import Child, RetirementCase, Spouse
from employees.scope import Scope, staff_scope
from purna.generated import DocumentKind, Progress, Rendered, document_response, fingerprint_of
from purna.models import Instansi

PERMISSION = "employees.view_retirementcase"
# DPCPs laid out together before the progress moves (a DPCP is one or two pages).
DPCP_CHUNK = 25


def instansi_load() -> Instansi:
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


def _cases_allowed(user, params: dict) -> bool:
    if not scope_matches(user, params):
        return False
    scope = staff_scope(user)
    found = scope.filter(RetirementCase.objects.filter(pk__in=params["cases"]), "employee__unit").count()
    return found == len(set(params["cases"]))


def _render_dpcp(params: dict, progress: Progress) -> Rendered:
    scope = scope_from_param(params["units"])
    records = pension_cases(scope=scope, ids=params["cases"])
    instansi = instansi_load()
    signatory = papers.head_of_agency()
    today = timezone.localdate()
    total = len(records)
    progress(0, total)
    writer = PdfWriter()
    for start in range(0, total, DPCP_CHUNK):
        chunk = records[start : start + DPCP_CHUNK]
        contexts = [
            papers.dpcp_context(
                case=case,
                spouses=list(case.employee.spouses.all()),
                children=list(case.employee.children.all()),
                instansi=instansi,
                signatory=signatory,
                printed_on=today,
            )
            for case in chunk
        ]
        writer.append(io.BytesIO(papers.pension_pdf(PensionDocumentKind.DPCP, contexts, instansi=instansi)))
        progress(start + len(chunk), total)
    out = io.BytesIO()
    writer.write(out)
    name = f"dpcp-{records[0].employee.nip}.pdf" if total == 1 else f"dpcp-{total}-berkas-{today:%Y%m%d}.pdf"
    return Rendered(out.getvalue(), name, papers.PDF)


DPCP = DocumentKind(_("DPCP"), PERMISSION, _render_dpcp, _cases_allowed)


def _letter_allowed(user, params: dict) -> bool:
    if not scope_matches(user, params):
        return False
    try:
        cover_letter_get(pk=params["letter"], scope=staff_scope(user))
    except PensionCoverLetter.DoesNotExist:
        return False
    return True


def _render_cover_letter(params: dict, progress: Progress) -> Rendered:
    letter, records = cover_letter_get(pk=params["letter"], scope=scope_from_param(params["units"]))
    progress(0, 1)
    instansi = instansi_load()
    context = papers.cover_letter_context(letter=letter, cases=records, instansi=instansi)
    content = papers.pension_pdf(PensionDocumentKind.COVER_LETTER, [context], instansi=instansi)
    progress(1, 1)
    return Rendered(content, f"surat-pengantar-usul-pensiun-{letter.pk}.pdf", papers.PDF)


COVER_LETTER = DocumentKind(
    _("Cover letter of the pension proposal"), PERMISSION, _render_cover_letter, _letter_allowed
)


def _render_sk_receipt(params: dict, progress: Progress) -> Rendered:
    records = pension_cases(scope=scope_from_param(params["units"]), ids=params["cases"])
    instansi = instansi_load()
    context = papers.sk_receipt_context(case=records[0], instansi=instansi, signatory=papers.head_of_agency())
    content = papers.pension_pdf(PensionDocumentKind.SK_RECEIPT, [context], instansi=instansi)
    progress(1, 1)
    return Rendered(content, f"tanda-terima-sk-pensiun-{records[0].employee.nip}.pdf", papers.PDF)


SK_RECEIPT = DocumentKind(_("Receipt of the SK pensiun"), PERMISSION, _render_sk_receipt, _cases_allowed)


def papers_fingerprint(*, case_ids: list[int], letter: PensionCoverLetter | None = None) -> str:
    """The state of what the papers of `case_ids` print (six queries whatever their number)."""
    records = RetirementCase.objects.filter(pk__in=case_ids)
    rows = list(records.order_by("pk").values())
    employees = records.aggregate(latest=Max("employee__updated_at"), count=Count("pk"))
    spouses = list(Spouse.objects.filter(employee__retirement_case__in=case_ids).order_by("pk").values_list())
    children = list(Child.objects.filter(employee__retirement_case__in=case_ids).order_by("pk").values_list())
    instansi = Instansi.objects.filter(pk=1).values().first()
    officials = list(Official.objects.filter(is_active=True).order_by("pk").values_list())
    letter_row = (letter.pk, letter.number, letter.signer_name) if letter else None
    return fingerprint_of(rows, employees, spouses, children, instansi, officials, letter_row, timezone.localdate())


def dpcp_response(request: HttpRequest, *, records: list[RetirementCase]) -> HttpResponse:
    """The view's answer for the DPCPs of `records` (read within the user's scope)."""
    ids = sorted(case.pk for case in records)
    scope: Scope = staff_scope(request.user)
    return document_response(
        request,
        kind=f"{__name__}.DPCP",
        params={"units": scope_param(scope), "cases": ids},
        fingerprint=papers_fingerprint(case_ids=ids),
    )


def sk_receipt_response(request: HttpRequest, *, case: RetirementCase) -> HttpResponse:
    scope = staff_scope(request.user)
    return document_response(
        request,
        kind=f"{__name__}.SK_RECEIPT",
        params={"units": scope_param(scope), "cases": [case.pk]},
        fingerprint=papers_fingerprint(case_ids=[case.pk]),
    )


def cover_letter_response(request: HttpRequest, *, letter: PensionCoverLetter, records: list) -> HttpResponse:
    scope = staff_scope(request.user)
    return document_response(
        request,
        kind=f"{__name__}.COVER_LETTER",
        params={"units": scope_param(scope), "letter": letter.pk},
        fingerprint=papers_fingerprint(case_ids=[case.pk for case in records], letter=letter),
    )
