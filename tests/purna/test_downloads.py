"""purna/downloads.py: a StoredFile answered as an attachment, a FileNotReadyError as a 404 with its message."""

import io

import pytest
from django.http import Http404

from purna.downloads import PDF, FileNotReadyError, StoredFile, file_response


def test_a_stored_file_is_answered_as_an_attachment_with_its_name_and_type():
    def open_file(document: str) -> StoredFile:
        return StoredFile(
            file=io.BytesIO(b"%PDF-1.7 " + document.encode()), filename="kuitansi-1.pdf", content_type=PDF
        )

    response = file_response(open_file, "receipt")

    assert response["Content-Type"] == PDF
    assert response["Content-Disposition"] == 'attachment; filename="kuitansi-1.pdf"'
    assert b"".join(response.streaming_content) == b"%PDF-1.7 receipt"


def test_a_file_not_ready_answers_404_with_the_owning_apps_message():
    def open_file(document: str) -> StoredFile:
        raise FileNotReadyError(f"The {document} is not ready.")

    with pytest.raises(Http404, match=r"The receipt is not ready\."):
        file_response(open_file, "receipt")
