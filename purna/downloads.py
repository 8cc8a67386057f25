"""Private files handed over as downloads, whichever app's page serves them.

The app that owns a document opens its file after its own checks and returns a StoredFile (for example
benefits.services.receipts.receipt_file, ceremonies.services.certificates.certificate_file); its staff
pages and the retirees' portal answer it with `file_response`. So a page never imports another app's
views to hand over that app's document. Stored files have no public address: they are read only here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, TypeVar

from django.http import FileResponse, Http404

T = TypeVar("T")

PDF = "application/pdf"


@dataclass(frozen=True)
class StoredFile:
    """An opened file from private storage, with the name and type the browser gets."""

    file: IO[bytes]
    filename: str
    content_type: str


class FileNotReadyError(Exception):
    """The document's file is not there (still being rendered, or gone): a download answers 404 with
    the error's message."""


def file_response(open_file: Callable[[T], StoredFile], document: T) -> FileResponse:
    """`open_file(document)` as a download (an attachment); 404 with its message while it is not ready."""
    try:
        stored = open_file(document)
    except FileNotReadyError as error:
        raise Http404(str(error)) from None
    return FileResponse(stored.file, content_type=stored.content_type, as_attachment=True, filename=stored.filename)
