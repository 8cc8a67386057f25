"""The one write path for certificates (piagam penghargaan, sertifikat pelatihan): issue, render, revoke,
re-issue.

Issuing creates the missing certificates of an event's attendees in one transaction, numbered under the
counter's row lock (purna/numbering.py: gap-free, a rolled-back issue gives its numbers back), and after
commit queues one rendering task for the batch. Rendering is driven by stored state, so that running it
twice, or again after a worker was killed half-way, gives each certificate exactly one file: a
certificate whose file shows its current version is skipped; a file is written under a temporary name
in its folder and moved over its final name (one atomic rename), and the final name is the same for
every run and version, so a killed run leaves no stray file and a re-issue replaces the old one.
"""

import contextlib
import datetime as dt
import io
import logging
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, InterfaceError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ceremonies import certificates as wording
from ceremonies.certificate_pdf import CertificatePrinter
from ceremonies.exceptions import CeremonyError
from ceremonies.models import (
    BatchStatus,
    Certificate,
    CertificateBatch,
    CertificateKind,
    CertificateStatus,
    Event,
    EventKind,
    Participant,
    ParticipantStatus,
)
from ceremonies.services.events import event_change_check
from ceremonies.tasks import certificates_render_task
from employees.choices import EmployeeStatus
from employees.contact import employee_contact
from employees.retirement import service_length
from employees.scope import staff_scope
from purna.db import is_transient
from purna.dispatch import task_dispatch
from purna.downloads import PDF, FileNotReadyError, StoredFile
from purna.history import history_note, history_user
from purna.models import Instansi
from purna.notifications.registry import Draft, recipient_key
from purna.notifications.services import messages_queue, send_after_commit
from purna.numbering import number_format, numbers_next
from purna.storage import is_disk_full
from purna.types import User

logger = logging.getLogger(__name__)

# One sequence for every certificate of the agency in a year (purna.models.DocumentCounter's kind).
COUNTER_KIND = "certificate"
# The outbox's kind of the "certificate ready" email (ceremonies/notifications.py).
READY_KIND = "ceremonies.certificate_ready"
# Certificates laid out together (CertificatePrinter.render_many): past ten, the document's own set-up is
# a small share of each certificate's time; twenty laid-out pages are a few megabytes.
RENDER_CHUNK = 20
KIND_BY_EVENT: dict[str, str] = {
    EventKind.FAREWELL: CertificateKind.PIAGAM,
    EventKind.TRAINING: CertificateKind.SERTIFIKAT,
    EventKind.OTHER: CertificateKind.OTHER,
}


def instansi_get() -> Instansi:
    """The agency's record, or one with the configured name when none was saved yet."""
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


def _signatory(event: Event) -> Any:
    # The first official chosen to sign (in the order they were added), else the presiding official.
    through = Event.signatories.through
    first = through.objects.filter(event_id=event.pk).select_related("official").order_by("pk").first()
    return first.official if first else event.presiding_official


def _wording(*, kind: str, participant: Participant, event: Event, instansi: Instansi) -> str:
    employee = participant.employee
    years, months = employee.service_years, employee.service_months
    tmt = employee.tmt_effective or employee.tmt_pensiun
    if years is None and employee.tmt_cpns and tmt:
        years, months = service_length(employee.tmt_cpns, tmt, employee.prior_service_months or 0)
    return wording.certificate_wording(
        wording.WordingFacts(
            kind=kind,
            service_years=years,
            service_months=months,
            tmt_pensiun=tmt,
            region=instansi.region or instansi.name,
            event_title=event.title,
            event_day=timezone.localtime(event.starts_at).date(),
            venue=event.venue,
            organizer=instansi.name,
        ),
        event.certificate_wording,
    )


def certificates_issue(
    *, event: Event, actor: User, participants: Iterable[Participant] | None = None
) -> CertificateBatch:
    """Create the certificates missing for the event's attended participants in the actor's scope (or
    only for `participants`), numbered in participant order, and queue their rendering after commit.

    Issuing again creates only the missing ones: nobody gets two certificates or two numbers. Raises
    CeremonyError, changing nothing, when no one is left to issue for or nobody signs.
    """
    scope = staff_scope(actor)
    instansi = instansi_get()
    with transaction.atomic():
        # Two staff issuing for the same event at once wait here, and the second finds nothing missing.
        locked = Event.objects.select_for_update(of=("self",)).select_related("presiding_official").get(pk=event.pk)
        event_change_check(event=locked, actor=actor)
        attended = Participant.objects.filter(event=locked, status=ParticipantStatus.ATTENDED, certificates=None)
        if participants is not None:
            attended = attended.filter(pk__in=[p.pk for p in participants])
        missing = list(
            scope.filter(attended, "employee__unit").select_related("employee").order_by("employee__name", "pk")
        )
        if not missing:
            raise CeremonyError(_("Every attended participant already has a certificate."))
        official = _signatory(locked)
        if official is None:
            raise CeremonyError(_("Choose who signs the certificates (or the presiding official) first."))
        kind = KIND_BY_EVENT[locked.kind]
        issued_on = timezone.localtime(locked.starts_at).date()
        batch = CertificateBatch.objects.create(event=locked, total=len(missing), requested_by=history_user(actor))
        # The numbers in one block, the rows and their history in one insert each: a ceremony's 600
        # certificates took 2,400 queries (1.5 s inside the request) one by one.
        seqs = numbers_next(kind=COUNTER_KIND, year=issued_on.year, count=len(missing))
        certificates = [
            Certificate(
                kind=kind,
                participant=participant,
                number=number_format(
                    settings.PURNA_CERTIFICATE_NUMBER_PATTERN, seq=seq, year=issued_on.year, month=issued_on.month
                ),
                year=issued_on.year,
                seq=seq,
                issued_on=issued_on,
                place=settings.PURNA_CERTIFICATE_PLACE,
                wording=_wording(kind=kind, participant=participant, event=locked, instansi=instansi),
                signatory_name=official.name,
                signatory_nip=official.nip,
                signatory_title=official.title,
                batch=batch,
                issued_by=history_user(actor),
            )
            for participant, seq in zip(missing, seqs, strict=True)
        ]
        bulk_create_with_history(
            certificates, Certificate, default_user=history_user(actor), default_change_reason="issued"
        )
        _render_queue_after_commit(batch.pk)
    return batch


def certificate_revoke(*, certificate: Certificate, actor: User, reason: str) -> Certificate:
    """Revoke a certificate (issued in error, to the wrong person): the verification page says so from
    now on. The reason is required and recorded with who and when."""
    reason = (reason or "").strip()
    if not reason:
        raise CeremonyError(errors={"reason": [_("Give the reason for revoking the certificate.")]})
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        event_change_check(event=locked.participant.event, actor=actor)
        if locked.status == CertificateStatus.REVOKED:
            raise CeremonyError(_("This certificate has already been revoked."))
        locked.status = CertificateStatus.REVOKED
        locked.revoked_reason = reason[:300]
        locked.revoked_at = timezone.now()
        locked.revoked_by = history_user(actor)
        history_note(locked, actor=actor, reason="revoked")
        locked.save()
    return locked


def certificate_reissue(*, certificate: Certificate, actor: User) -> CertificateBatch:
    """Print a certificate again after a correction (a name, a title, the signatory): the same number and
    verification code, the next version, the wording and signatory taken again, the file replaced once
    the new one is rendered (queued after commit). A revoked certificate cannot be re-issued."""
    instansi = instansi_get()
    with transaction.atomic():
        locked = (
            # Only the certificate's row is locked: the official is an outer join, which PostgreSQL
            # cannot lock.
            Certificate.objects.select_for_update(of=("self",))
            .select_related("participant__employee", "participant__event__presiding_official")
            .get(pk=certificate.pk)
        )
        event = locked.participant.event
        event_change_check(event=event, actor=actor)
        if locked.status == CertificateStatus.REVOKED:
            raise CeremonyError(_("A revoked certificate cannot be issued again."))
        official = _signatory(event)
        if official is None:
            raise CeremonyError(_("Choose who signs the certificates (or the presiding official) first."))
        batch = CertificateBatch.objects.create(event=event, total=1, requested_by=history_user(actor))
        locked.version += 1
        locked.wording = _wording(kind=locked.kind, participant=locked.participant, event=event, instansi=instansi)
        locked.signatory_name, locked.signatory_nip, locked.signatory_title = (
            official.name,
            official.nip,
            official.title,
        )
        locked.batch = batch
        history_note(locked, actor=actor, reason="re-issued")
        locked.save()
        _render_queue_after_commit(batch.pk)
    return batch


def certificate_batch_retry(*, batch: CertificateBatch, actor: User) -> CertificateBatch:
    """Queue again a batch whose printing stopped on an error: it carries on with the certificates not
    printed yet (the numbers are kept). A batch that is waiting, running or done is left as it is."""
    with transaction.atomic():
        locked = CertificateBatch.objects.select_for_update().get(pk=batch.pk)
        event_change_check(event=locked.event, actor=actor)
        if locked.status != BatchStatus.FAILED:
            raise CeremonyError(_("This batch has not stopped on an error."))
        locked.status = BatchStatus.PENDING
        locked.requested_by = history_user(actor) or locked.requested_by
        locked.save(update_fields=["status", "requested_by"])
        _render_queue_after_commit(locked.pk)
    return locked


# --- Handing batches to the worker ---------------------------------------------------------------------


def _render_queue(batch_id: int) -> bool:
    """Hand the batch to the broker now; on success its queued_at says when. When the broker cannot be
    reached the batch stays waiting with queued_at empty, and certificate_batches_sweep hands it over."""
    if not task_dispatch(certificates_render_task, args=[batch_id], queue=settings.PURNA_PDF_QUEUE):
        return False
    CertificateBatch.objects.filter(pk=batch_id).update(queued_at=timezone.now())
    return True


def _render_queue_after_commit(batch_id: int) -> None:
    # After the commit, so that the worker finds the rows; a broker that is down costs the request at
    # most PURNA_DISPATCH_TIMEOUT_SECONDS (purna/dispatch.py) and the batch waits for the sweep.
    transaction.on_commit(lambda: _render_queue(batch_id), robust=True)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PURNA_JOB_STALE_SECONDS)


def certificate_batches_sweep(*, stale_after: dt.timedelta | None = None) -> int:
    """Hand to the worker again the batches that need it, and return how many were handed over: those
    waiting that never reached the broker (it was down when they were queued) or that were handed over
    more than `stale_after` ago (PURNA_JOB_STALE_SECONDS) without starting, and those running whose run
    has shown no progress for as long (its worker was killed: Redis would give the task out again only
    after its visibility timeout, an hour). Run every minute by Celery beat.

    A batch handed over twice is rendered once: a run leaves a batch held by another live run alone
    (certificates_render), and each certificate's stored version decides whether it is rendered."""
    cutoff = timezone.now() - (_stale_after() if stale_after is None else stale_after)
    never_queued = Q(status=BatchStatus.PENDING, queued_at__isnull=True)
    waiting_long = Q(status=BatchStatus.PENDING, queued_at__lte=cutoff)
    silent = Q(status=BatchStatus.RUNNING) & (Q(heartbeat_at__lte=cutoff) | Q(heartbeat_at__isnull=True))
    not_just_queued = Q(queued_at__isnull=True) | Q(queued_at__lte=cutoff)
    due = CertificateBatch.objects.filter(never_queued | waiting_long | (silent & not_just_queued))
    handed = 0
    for batch_id in due.order_by("pk").values_list("pk", flat=True):
        if not _render_queue(batch_id):
            break  # the broker is still down: the next sweep tries again
        handed += 1
    return handed


# --- Rendering (the task's work) ---------------------------------------------------------------------


def certificate_file_name(certificate: Certificate) -> str:
    """The stored name: the same for every version, so that a re-issue replaces the file."""
    return f"sertifikat/{certificate.year}/{certificate.seq:06d}-{certificate.pk}.pdf"


def certificate_download_name(certificate: Certificate) -> str:
    """The name a downloaded certificate gets: "sertifikat-800-12-BKPSDM-2025.pdf"."""
    return f"sertifikat-{certificate.number.replace('/', '-')}.pdf"


def _write(file: Any, content: bytes) -> None:
    # Apart so that a test can make the disk full here (tests/ceremonies/test_certificates_faults.py).
    file.write(content)
    file.flush()
    os.fsync(file.fileno())


def certificate_file(certificate: Certificate) -> StoredFile:
    """The certificate's PDF, opened from private storage, for a download by the staff or the retiree
    (each page checks first who may see it); FileNotReadyError while it is being printed."""
    if not certificate.is_rendered:
        raise FileNotReadyError(_("This certificate is still being printed."))
    return StoredFile(
        file=certificate.file.open("rb"), filename=certificate_download_name(certificate), content_type=PDF
    )


def certificates_combined_pdf(*, certificates: list[Certificate], progress: Callable[[int, int], None]) -> IO[bytes]:
    """The printed `certificates` in one PDF, in the order given, for the printer: the stored files merged
    (pypdf), not rendered again. Written to a temporary file (600 certificates are tens of megabytes), given
    back at its start; `progress(done, total)` follows the files. For the worker (ceremonies/document_kinds.py)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for done, certificate in enumerate(certificates, start=1):
        with certificate.file.open("rb") as file:
            writer.append(io.BytesIO(file.read()))
        progress(done, len(certificates) + 1)
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller (purna/generated.py) once stored
    writer.write(output)
    output.seek(0)
    return output


def certificates_zip(*, certificates: list[Certificate], progress: Callable[[int, int], None]) -> IO[bytes]:
    """The printed `certificates` as separate files in a ZIP ("0001-<NIP>.pdf"; PDFs barely compress:
    stored), in a temporary file given back at its start. For the worker (ceremonies/document_kinds.py)."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the caller (purna/generated.py) once stored
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for done, certificate in enumerate(certificates, start=1):
            with certificate.file.open("rb") as file:
                archive.writestr(f"{certificate.seq:04d}-{certificate.participant.employee.nip}.pdf", file.read())
            progress(done, len(certificates) + 1)
    output.seek(0)
    return output


def _store(storage: Any, name: str, content: bytes) -> None:
    try:
        path = storage.path(name)
    except NotImplementedError:
        # A storage without local paths (S3): its own writes are whole objects, never half a file.
        if storage.exists(name):
            storage.delete(name)
        storage.save(name, ContentFile(content))
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # Written beside its final name, then renamed over it: a reader (or a killed worker) sees the old
    # file or the new one, never half of one; the temporary name is fixed, so a rerun overwrites it.
    temporary = path + ".part"
    try:
        with open(temporary, "wb") as file:
            _write(file, content)
    except OSError:
        # The disk filled up (or the write failed otherwise): no partial or empty file is left behind.
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise
    os.replace(temporary, path)


def _failure_text(exc: BaseException) -> str:
    if is_disk_full(exc):
        return _(
            "The disk is full: the certificate files could not be saved. Free some space on the server, "
            "then print this batch again."
        )
    return str(exc)[:1000]


def _lost_connection(exc: BaseException) -> bool:
    # The database went away (restarted): the task runs again once it is back (purna.tasks), so the
    # batch keeps its state rather than being marked failed over a connection that no longer exists.
    return isinstance(exc, InterfaceError) or is_transient(exc)


def _claim(*, batch_id: int, run_id: str) -> tuple[CertificateBatch, list[Certificate]] | None:
    """Take the batch for this run, or None when there is nothing to do: it is done, or another run
    holds it and showed progress within PURNA_JOB_STALE_SECONDS (a copy handed over twice)."""
    with transaction.atomic():
        batch = CertificateBatch.objects.select_for_update(of=("self",)).select_related("event").get(pk=batch_id)
        now = timezone.now()
        if batch.status == BatchStatus.DONE:
            return None
        held_by_another = batch.status == BatchStatus.RUNNING and batch.claimed_by != run_id
        if held_by_another and batch.heartbeat_at and now - batch.heartbeat_at < _stale_after():
            logger.info("Certificate batch %s is held by task %s; this run leaves it.", batch_id, batch.claimed_by)
            return None
        certificates = list(
            Certificate.objects.filter(batch=batch).select_related("participant__employee").order_by("seq", "pk")
        )
        pending = [c for c in certificates if not c.is_rendered]
        batch.status, batch.started_at = BatchStatus.RUNNING, timezone.now()
        batch.done = len(certificates) - len(pending)
        batch.error = ""
        batch.claimed_by = run_id
        batch.heartbeat_at = now
        batch.save(update_fields=["status", "started_at", "done", "error", "claimed_by", "heartbeat_at"])
    return batch, pending


def certificates_render(*, batch_id: int, run_id: str = "") -> CertificateBatch:
    """Render the batch's certificates whose file does not show their current version, RENDER_CHUNK at a
    time; safe to run twice, or again after a kill. Progress is stored after each certificate.

    `run_id` (the Celery task id) names the run that holds the batch: a run finding the batch held by
    another that showed progress lately leaves it, and a run whose batch was taken over (it had gone
    silent past PURNA_JOB_STALE_SECONDS) stops before writing another file.
    """
    claimed = _claim(batch_id=batch_id, run_id=run_id)
    if claimed is None:
        return CertificateBatch.objects.get(pk=batch_id)
    batch, pending = claimed
    held = CertificateBatch.objects.filter(pk=batch_id, claimed_by=run_id, status=BatchStatus.RUNNING)
    printer = CertificatePrinter(instansi_get(), logo=batch.event.certificate_logo.name or "")
    storage = Certificate._meta.get_field("file").storage
    try:
        for start in range(0, len(pending), RENDER_CHUNK):
            chunk = pending[start : start + RENDER_CHUNK]
            contents = printer.render_many(chunk, batch.event)
            if not held.update(heartbeat_at=timezone.now()):
                logger.warning("Certificate batch %s was taken over by another run; this one stops.", batch_id)
                return CertificateBatch.objects.get(pk=batch_id)
            for certificate, content in zip(chunk, contents, strict=True):
                name = certificate_file_name(certificate)
                # The file first, then the row that points to it: a run killed between the two leaves a
                # file under the certificate's fixed name, which the next run writes again.
                _store(storage, name, content)
                # Only if no re-issue came meanwhile: that one queued a rendering of its own version.
                Certificate.objects.filter(pk=certificate.pk, version=certificate.version).update(
                    file=name, rendered_version=certificate.version, rendered_at=timezone.now()
                )
                held.update(done=F("done") + 1, heartbeat_at=timezone.now())
    except Exception as exc:
        if _lost_connection(exc):
            raise
        logger.exception("Certificate batch %s stopped", batch_id)
        try:
            held.update(status=BatchStatus.FAILED, error=_failure_text(exc))
        except (DatabaseError, InterfaceError):
            logger.exception("Certificate batch %s: its failure could not be recorded", batch_id)
        raise
    with transaction.atomic():
        if held.update(status=BatchStatus.DONE, done=batch.total, finished_at=timezone.now()):
            certificates_ready_notify(batch_id=batch_id)
    batch.refresh_from_db()
    return batch


def certificates_ready_notify(*, batch_id: int) -> int:
    """Queue a "certificate ready" email (with the portal's address) to each recipient of the batch whose
    current version is printed and valid, who has an email on record and is alive; return how many were
    new. Once per certificate and version (the outbox ignores a second draft), so a rerun sends nothing
    twice and a re-issue tells the person again."""
    certificates = (
        Certificate.objects.filter(batch_id=batch_id, status=CertificateStatus.VALID, rendered_version=F("version"))
        .exclude(participant__employee__email="", participant__employee__personal_email="")
        .exclude(participant__employee__status=EmployeeStatus.MENINGGAL)
        .select_related("participant__employee")
    )
    today = timezone.localdate()
    drafts = [
        Draft(
            kind=READY_KIND,
            recipient_key=recipient_key("employee", certificate.participant.employee_id),
            occasion=f"certificate:{certificate.pk}:v{certificate.version}",
            to_email=employee_contact(certificate.participant.employee, today=today).email,
            to_name=certificate.participant.employee.display_name,
            about_model="ceremonies.certificate",
            about_id=certificate.pk,
            about_label=certificate.number,
            context={"version": certificate.version},
        )
        for certificate in certificates
    ]
    queued = messages_queue(drafts)
    if queued:
        send_after_commit()
    return queued
