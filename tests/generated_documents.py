"""Documents made in the background (purna/generated.py), fetched in tests as a person would: the view
answers the progress page and queues the render; here the render runs at once, in the test's process
(as the worker would), and asking again gives the file."""

from django.http import FileResponse, HttpResponse

from purna.generated import generated_document_render
from purna.models import GeneratedDocument


def is_progress_page(response) -> bool:
    return (
        response.status_code == 200
        and not isinstance(response, FileResponse)
        and b"data-document-status" in response.content
    )


def as_plain_response(response: FileResponse) -> HttpResponse:
    """A served file as an ordinary response (`.content`), with the same status and headers."""
    # Reading the content to its end closes the file (the test client's wrapper; closing the response
    # again here would close the test's database connection).
    plain = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
    for header, value in response.items():
        plain[header] = value
    return plain


def render_queued(response) -> GeneratedDocument:
    """Run the render of the document whose progress page `response` is; the document after it."""
    document: GeneratedDocument = response.context["document"]
    generated_document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.is_ready, f"{document.kind} failed: {document.error}"
    return document


def fetch_document(client, url: str, data: dict | None = None, **extra):
    """GET `url`; a progress page is followed through: the render runs, and the file is asked again.
    Any other answer (a refusal, a 404, a file already made) is returned as it came."""
    response = client.get(url, data, **extra)
    if is_progress_page(response):
        render_queued(response)
        response = client.get(url, data, **extra)
        assert isinstance(response, FileResponse), "the made file was not served"
    if isinstance(response, FileResponse):
        return as_plain_response(response)
    return response
