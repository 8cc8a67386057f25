"""Writes of the pension proposal's papers: the numbered cover letter to the BKN regional office and the
agency's own Word templates.

A cover letter's number is taken from the agency's letter counter (purna/numbering.py) inside the
transaction that stores the letter: two staff issuing at once get consecutive numbers, and a letter that
fails gives its number back. A Word template is rendered with sample data before it is stored, so a
template that cannot be used is refused at the upload with the reason, not at the first print.
"""

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ceremonies.exceptions import PensionPaperError
from ceremonies.models import PensionCoverLetter, PensionDocumentKind, PensionTemplate
from ceremonies.pension_documents import head_of_agency, pension_docx, sample_context
from employees.models import RetirementCase
from purna.history import history_note
from purna.numbering import number_format, number_next
from purna.types import User

# The counter of the agency's outgoing letters (tata naskah dinas numbers them in one yearly sequence).
LETTER_COUNTER = "surat_keluar"
MAX_ATTACHMENTS = 999
TEMPLATE_MAX_BYTES = 5 * 1024 * 1024


def cover_letter_issue(
    *,
    cases: Sequence[RetirementCase],
    actor: User,
    attachments: int,
    issued_on: dt.date | None = None,
) -> PensionCoverLetter:
    """A numbered cover letter for `cases` (one or many: a collective proposal), addressed to the BKN
    regional office (PURNA_BKN_REGIONAL_OFFICE) and signed by the head of the agency of the officials
    register at this moment. Raises PensionPaperError for no records or an attachment count out of range."""
    issued_on = issued_on or timezone.localdate()
    if not cases:
        raise PensionPaperError(_("Choose at least one retirement record."))
    if not 1 <= attachments <= MAX_ATTACHMENTS:
        raise PensionPaperError(
            _("The number of attachments must be between 1 and %(max)s.") % {"max": MAX_ATTACHMENTS}
        )
    signer = head_of_agency()
    with transaction.atomic():
        seq = number_next(kind=LETTER_COUNTER, year=issued_on.year)
        letter = PensionCoverLetter(
            number=number_format(
                settings.PURNA_LETTER_NUMBER_PATTERN, seq=seq, year=issued_on.year, month=issued_on.month
            ),
            issued_on=issued_on,
            addressee=settings.PURNA_BKN_REGIONAL_OFFICE,
            attachments=attachments,
            signer_title=signer.title,
            signer_name=signer.name,
            signer_nip=signer.nip.replace(" ", ""),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        history_note(letter, actor=actor, reason="Surat pengantar usul pensiun")
        letter.save()
        letter.cases.set(cases)
    return letter


def pension_template_check(kind: str, content: bytes) -> None:
    """Raise PensionTemplateError (with the reason) unless `content` renders as the Word template of `kind`."""
    if len(content) > TEMPLATE_MAX_BYTES:
        raise PensionPaperError(_("The Word template is larger than 5 MB."))
    pension_docx(kind, content, sample_context(kind))


def pension_template_upload(*, kind: str, content: bytes, actor: User) -> PensionTemplate:
    """Store `content` as the agency's Word template of `kind` (replacing the previous one), after it has
    rendered with sample data."""
    if kind not in PensionDocumentKind.values:
        raise PensionPaperError(_("Unknown document."))
    pension_template_check(kind, content)
    with transaction.atomic():
        template = PensionTemplate.objects.select_for_update().filter(kind=kind).first() or PensionTemplate(kind=kind)
        old = template.file.name if template.pk and template.file else ""
        template.file.save(f"{kind}.docx", ContentFile(content), save=False)
        history_note(template, actor=actor)
        template.save()
        if old:
            storage = template.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    return template
