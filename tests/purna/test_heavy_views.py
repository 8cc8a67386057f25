"""Nothing heavy inside a request: every URL of the site that answers a document, an export or a print
(found by walking the resolver, as the permission matrix does) either queues it for the worker and
answers the progress page (purna/generated.py), or is listed below with why it may answer at once.

A new document view fails test_every_document_url_queues_or_says_why_not until it queues, or until a
line here says why it need not (a stored file served as it is, a header row, one short Word letter)."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from purna.models import GeneratedDocument
from purna.tasks import generated_document_render_task
from tests.generated_documents import is_progress_page
from tests.purna.matrix_knock import url_names
from tests.purna.matrix_world import build_world
from tests.purna.test_permission_matrix import TABLE
from tests.workers import instead_of_broker

pytestmark = pytest.mark.django_db

# A URL is a document's when its path ends in a file's extension or its name says it makes or serves one.
DOCUMENT_PATH = re.compile(r"\.(pdf|xlsx|csv|zip|docx)$")
DOCUMENT_NAME = re.compile(r"(pdf|xlsx|csv|zip|docx|print|export|template|download|statement|case_document)$")

# Documents answered at once, and why that is cheap whatever the register or the event.
ANSWERED_AT_ONCE = {
    "employees:case_document": "an uploaded document, served from storage as it is",
    "benefits:payout_heir_statement": "an uploaded heir statement, served from storage as it is",
    "ceremonies:certificate_pdf": "one certificate the worker made (certificates_generate), served as stored",
    "portal:certificate_download": "one certificate the worker made, served as stored",
    "portal:receipt_download": "one receipt the worker made, served as stored",
    "benefits:receipt_pdf": "one receipt the worker makes (receipt_ensure): its own waiting page, then the file",
    "employees:import_template": "the import's header row",
    "benefits:tht_template": "the THT import's header row",
    "ceremonies:pension_dpcp_docx": "one record's Word letter (docxtpl fills a template; no PDF engine)",
    "ceremonies:pension_sk_receipt_docx": "one record's Word receipt (docxtpl; no PDF engine)",
    "ceremonies:pension_cover_letter_docx": "one Word cover letter of at most MAX_BATCH records (docxtpl)",
    "employees:projection_print": "an HTML page of the projection's tables, whose size does not grow with the register",
}

# What a queued view needs in its query to make a document rather than send the user back to choose.
QUERY = {
    "ceremonies:letters_pdf": {"semua": "1"},
    "benefits:recap_pdf": {"tahun": "2027"},
    "benefits:recap_xlsx": {"tahun": "2027"},
    "benefits:prepare_preview_xlsx": {"benefit_type": "tali_asih", "tmt_from": "2027-01", "tmt_until": "2027-12"},
    "employees:export": {},
}


def document_urls(world) -> dict[str, str]:
    """{URL name: URL} of every document URL of the resolver, filled with the matrix world's objects."""
    found = {}
    for name in url_names():
        row = TABLE.get(name)
        if row is None:
            continue  # the admin's pages (and a URL without a row fails the permission matrix already)
        url = row.url(world) if row.url else reverse(name, kwargs=row.args(world) if row.args else None)
        if DOCUMENT_PATH.search(url.split("?")[0]) or DOCUMENT_NAME.search(name):
            found[name] = url
    return found


def test_every_document_url_queues_or_says_why_not(
    monkeypatch, settings, private_media, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"
    sent: list[int] = []
    instead_of_broker(monkeypatch, generated_document_render_task, sent.append)
    world = build_world(monkeypatch)
    urls = document_urls(world)
    # The DPCPs of records picked on the list: the batch's URL takes them in its query.
    query = {**QUERY, "ceremonies:pension_dpcp_batch": {"kasus": [world.objects["case"].pk]}}
    client = Client()
    client.force_login(world.users["adm@A"])
    before = GeneratedDocument.objects.count()

    rendered = []
    for name, url in sorted(urls.items()):
        if name in ANSWERED_AT_ONCE:
            continue
        cache.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url, query.get(name, {}))
        if not is_progress_page(response):
            rendered.append(f"{name} ({url}): {response.status_code} {response.get('Content-Type', '')}")
    assert not rendered, "answered without queuing (queue it, or say why in ANSWERED_AT_ONCE):\n" + "\n".join(rendered)
    queued = set(urls) - set(ANSWERED_AT_ONCE)
    # The walk found the documents it is about (a regular expression that matches nothing passes nothing).
    # (Two URLs for the same document, such as one record's DPCP and a batch of that one record, share it.)
    assert len(queued) >= 15 and GeneratedDocument.objects.count() - before == len(sent) >= len(queued) - 2
    assert not set(ANSWERED_AT_ONCE) - set(urls), "listed but no such document URL"
