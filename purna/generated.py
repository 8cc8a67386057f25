"""Documents and exports made in the background, cached until their data changes.

No web request renders a multi-page PDF or a large spreadsheet (a sheet for 600 participants takes
seconds, an export of 100,000 employees more than gunicorn's timeout). A view names the document
(`kind`, the dotted path of a DocumentKind in its app, and `params`, plain JSON values: an event's id,
the filters, the units of the user's scope) and a fingerprint of the data it depends on, read with a
cheap query (the latest change and the count of the rows it prints). Then `document_response`:

- a file made from the same data exists: it is served (from private storage);
- otherwise one GeneratedDocument row is created (the unique constraint on kind, parameters and
  fingerprint makes two requests at once create one) and, after the commit, a Celery task renders it;
  the page answered shows a progress bar (static/js/generated_document.js polls the JSON status) that
  becomes the download link; a failure shows a message and a button to try again.

When the data changes, the fingerprint differs: the next request queues a new render, and once it is
made the older files of the same document are deleted.

The ground imports no app: a kind is found by its dotted path (`import_string`), so each app declares
its kinds in its own module (ceremonies/document_kinds.py...) and nothing needs registering at start-up.
"""

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from functools import lru_cache
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from purna.db import is_transient
from purna.jobs import job_queue_after_commit
from purna.models import DISK_FULL_MARK, GeneratedDocument
from purna.models import GeneratedDocumentStatus as Status
from purna.storage import is_disk_full
from purna.types import User

logger = logging.getLogger(__name__)

# Progress is written at most this often (seconds): one UPDATE per row of a 100,000-row export would
# cost more than the export.
PROGRESS_EVERY_SECONDS = 0.5
# A made document nobody asked for again within this many days is deleted (a batch at each render).
KEEP_DAYS = 7
PRUNE_BATCH = 100


@dataclasses.dataclass(frozen=True)
class Rendered:
    """What a kind's render gives: the content (bytes, or a binary file positioned at its start), the
    name the download gets and its content type."""

    content: bytes | IO[bytes]
    filename: str
    content_type: str


# progress(done, total): how far the render is (pages, rows or participants; the unit is the kind's).
Progress = Callable[[int, int], None]


@dataclasses.dataclass(frozen=True)
class DocumentKind:
    """One kind of document. `render(params, progress)` makes it (in the worker, with the language of
    the request active); `allowed(user, params)` says whether `user` may have it now (the staff scope of
    the app: False answers 404); `permission` is checked first (403 without it)."""

    label: Any
    permission: str
    render: Callable[[dict, Progress], Rendered]
    allowed: Callable[[Any, dict], bool]


@lru_cache(maxsize=64)
def kind_get(kind: str) -> DocumentKind:
    """The DocumentKind at the dotted path `kind` ("ceremonies.document_kinds.ATTENDANCE")."""
    found = import_string(kind)
    if not isinstance(found, DocumentKind):
        raise TypeError(f"{kind} is not a DocumentKind")
    return found


def document_key(kind: str, params: dict) -> str:
    """What is asked for, as a fixed-length key: the same kind and parameters give the same key."""
    text = json.dumps([kind, params], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def fingerprint_of(*values: Any) -> str:
    """A fingerprint of the data a document depends on, from cheap values read for it (the latest
    change, counts, the day it is printed on)."""
    return hashlib.sha256(repr(values).encode()).hexdigest()


# --- Services -------------------------------------------------------------------------------------------------


def generated_document_request(
    *, kind: str, params: dict, fingerprint: str, actor: User | None = None
) -> GeneratedDocument:
    """The document for `kind` and `params` made from data in the state `fingerprint`: the existing row
    (made, being made, or failed), or a new one queued for the worker after the commit. Two requests at
    once create one row and one task (the unique constraint decides)."""
    key = document_key(kind, params)
    lookup = {"kind": kind, "key": key, "fingerprint": fingerprint}
    document = GeneratedDocument.objects.filter(**lookup).first()
    if document is not None:
        return document
    try:
        with transaction.atomic():
            document = GeneratedDocument.objects.create(
                **lookup, params=params, requested_by=actor if getattr(actor, "pk", None) else None
            )
    except IntegrityError:
        # Another request created it between the read and the insert (PostgreSQL waited for its commit).
        return GeneratedDocument.objects.get(**lookup)
    _enqueue(document.pk)
    return document


def generated_document_retry(*, document: GeneratedDocument) -> GeneratedDocument:
    """Queue a failed (or stuck, or lost) document again. Queued or being made: left as it is."""
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.is_ready or (locked.status in (Status.PENDING, Status.RUNNING) and not locked.is_stuck):
            return locked
        locked.status, locked.done, locked.error, locked.changed_at = Status.PENDING, 0, "", timezone.now()
        locked.queued_at = None  # handed over again below; the sweep does it if the broker is down
        locked.save(update_fields=["status", "done", "error", "changed_at", "queued_at"])
    _enqueue(locked.pk)
    return locked


def _enqueue(document_id: int) -> None:
    # The document's queued_at is empty (new, or reset by the caller): if the broker is down now, the sweep
    # (purna/jobs.py) hands it over later, and the request itself does not fail for it.
    from purna.tasks import generated_document_render_task

    job_queue_after_commit(GeneratedDocument, document_id, generated_document_render_task)


class _ProgressWriter:
    def __init__(self, document_id: int) -> None:
        self.document_id = document_id
        self.written_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.written_at < PROGRESS_EVERY_SECONDS:
            return
        self.written_at = now
        GeneratedDocument.objects.filter(pk=self.document_id, status=Status.RUNNING).update(
            done=done, total=total, changed_at=timezone.now()
        )


def generated_document_render(*, document_id: int) -> str:
    """Make the document (the task's body): lock the row, return if it is made, mark it running, render,
    store the file, mark it done and delete the older files of the same document. Safe to run twice: a
    second run of a made document does nothing; a run that meets another's finished file keeps that one.
    A transient database error is raised (the task runs again); any other error fails the document with
    its message."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == Status.DONE:
            return Status.DONE if document else "gone"
        document.status, document.done, document.error = Status.RUNNING, 0, ""
        document.changed_at = document.started_at = timezone.now()
        document.save(update_fields=["status", "done", "error", "changed_at", "started_at"])

    try:
        kind = kind_get(document.kind)
        with translation.override(document.params.get("language") or settings.LANGUAGE_CODE):
            rendered = kind.render(document.params, _ProgressWriter(document.pk))
        content = rendered.content
        file = ContentFile(content) if isinstance(content, bytes) else File(content)
        try:
            name = file_storage().save(f"dokumen/{document.pk}/{rendered.filename}", file)
        finally:
            file.close()
    except DatabaseError as error:
        if is_transient(error):
            raise
        return _fail(document, error)
    except Exception as error:
        return _fail(document, error)

    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == Status.DONE:
            # Another run finished first: its file is the one served.
            transaction.on_commit(lambda: file_storage().delete(name))
            return Status.DONE
        locked.file.name = name
        locked.filename, locked.content_type = rendered.filename, rendered.content_type
        locked.status, locked.error = Status.DONE, ""
        locked.done = locked.total = max(locked.total, locked.done, 1)
        locked.finished_at = locked.changed_at = timezone.now()
        locked.save()
        _prune(locked)
    return Status.DONE


def _prune(made: GeneratedDocument) -> None:
    """Delete, with their files after the commit, the documents `made` replaces (the same kind and
    parameters, older data) and a batch of those nobody asked for again within KEEP_DAYS (a document of
    yesterday's filters): the private folder does not grow with every click."""
    finished = GeneratedDocument.objects.exclude(pk=made.pk).exclude(status__in=[Status.PENDING, Status.RUNNING])
    replaced = finished.filter(kind=made.kind, key=made.key).values_list("pk", flat=True)
    expired = finished.filter(changed_at__lt=timezone.now() - dt.timedelta(days=KEEP_DAYS))
    ids = [*replaced, *expired.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH]]
    doomed = GeneratedDocument.objects.filter(pk__in=ids)
    names = [name for name in doomed.values_list("file", flat=True) if name]
    doomed.delete()
    transaction.on_commit(lambda: [file_storage().delete(name) for name in names])


def _fail(document: GeneratedDocument, error: Exception) -> str:
    logger.exception("generated document %s (%s) failed", document.pk, document.kind)
    text = f"{type(error).__name__}: {error}"
    if is_disk_full(error):
        text = DISK_FULL_MARK + text
    failed = GeneratedDocument.objects.filter(pk=document.pk).exclude(status=Status.DONE)
    failed.update(status=Status.FAILED, error=text[:2000], changed_at=timezone.now())
    _leftovers_delete(document.pk)
    return Status.FAILED


def _leftovers_delete(document_id: int) -> None:
    """Delete the files in the document's folder that its row does not point to: what a failed write
    left (a full disk stops FileSystemStorage part-way, and it leaves the part), so that nothing partial
    stays, and the next try saves under the document's own name rather than a "_x7Yz" variant."""
    storage = file_storage()
    folder = f"dokumen/{document_id}"
    kept = GeneratedDocument.objects.filter(pk=document_id).values_list("file", flat=True).first() or ""
    try:
        _folders, names = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in names:
        if f"{folder}/{name}" != kept:
            with contextlib.suppress(OSError):
                storage.delete(f"{folder}/{name}")


def file_storage():
    return GeneratedDocument._meta.get_field("file").storage


# --- For the views ------------------------------------------------------------------------------------------


def document_file_response(document: GeneratedDocument) -> FileResponse | None:
    """The made file as a download; None when it is not made or its file is gone."""
    if not document.is_ready:
        return None
    try:
        file = document.file.open("rb")
    except FileNotFoundError:
        return None
    return FileResponse(file, as_attachment=True, filename=document.filename, content_type=document.content_type)


def document_progress_page(request: HttpRequest, document: GeneratedDocument) -> HttpResponse:
    """The page that follows the document being made and offers it once made."""
    context = {"document": document, "label": kind_get(document.kind).label}
    return render(request, "purna/generated_document.html", context)


def document_response(request: HttpRequest, *, kind: str, params: dict, fingerprint: str) -> HttpResponse:
    """What a document's view answers (see the module's docstring): the file when it is made from the data
    as it is now, otherwise the progress page (the render queued once). The caller has checked the
    permission and the scope; the request's language goes with the parameters."""
    params = {**params, "language": translation.get_language() or settings.LANGUAGE_CODE}
    document = generated_document_request(kind=kind, params=params, fingerprint=fingerprint, actor=request.user)
    if document.is_ready:
        response = document_file_response(document)
        if response is not None:
            return response
        # The file went missing (a restore without the private files): made again.
        document = _lost_file_requeue(document)
    return document_progress_page(request, document)


def _lost_file_requeue(document: GeneratedDocument) -> GeneratedDocument:
    with transaction.atomic():
        locked = GeneratedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.status == Status.DONE:
            locked.status, locked.done, locked.file, locked.changed_at = Status.PENDING, 0, "", timezone.now()
            locked.queued_at = None
            locked.save(update_fields=["status", "done", "file", "changed_at", "queued_at"])
            _enqueue(locked.pk)
    return locked
