"""Time the pension proposal's PDFs: a batch of DPCPs and a collective cover letter.

    .venv/bin/python bench/pension_papers.py [--dpcp 300] [--rows 300]

Side by side in one run (compare the ratios across machines, not the times):

(a) reference: a one-page PDF (one DPCP laid out alone), as in DESIGN.md section 7's "multi-page event
    document" budget (<= 3x a one-page PDF per page);
(b) Purna's batch of DPCPs as the Celery task makes it (ceremonies/pension_document_kinds.py): DPCP_CHUNK
    DPCPs laid out together, the chunks merged with pypdf; per page;
(c) a collective cover letter of `--rows` records (one document, its table over several pages); per page.

No database is needed: the contexts are the templates' sample contexts, built in memory.
"""

import argparse
import io
import os
import platform
import time

from _setup import django_setup, production_settings

production_settings()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpcp", type=int, default=300)
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    django_setup()
    from pypdf import PdfReader, PdfWriter

    from ceremonies import pension_documents as papers
    from ceremonies.models import PensionDocumentKind
    from ceremonies.pension_document_kinds import DPCP_CHUNK
    from purna.models import Instansi

    instansi = Instansi(name="BKPSDM Kabupaten Contoh", region="PEMERINTAH KABUPATEN CONTOH")
    dpcp = papers.sample_context(PensionDocumentKind.DPCP)
    letter = papers.sample_context(PensionDocumentKind.COVER_LETTER)
    letter["rows"] = [dict(letter["rows"][0], number=str(n)) for n in range(1, args.rows + 1)]

    papers.pension_pdf(PensionDocumentKind.DPCP, [dpcp], instansi=instansi)  # warm-up: fonts, stylesheet
    start = time.perf_counter()
    for _ in range(5):
        papers.pension_pdf(PensionDocumentKind.DPCP, [dpcp], instansi=instansi)
    one_page = (time.perf_counter() - start) / 5

    start = time.perf_counter()
    writer = PdfWriter()
    for first in range(0, args.dpcp, DPCP_CHUNK):
        chunk = [dpcp] * min(DPCP_CHUNK, args.dpcp - first)
        writer.append(io.BytesIO(papers.pension_pdf(PensionDocumentKind.DPCP, chunk, instansi=instansi)))
    out = io.BytesIO()
    writer.write(out)
    batch = time.perf_counter() - start
    batch_pages = len(PdfReader(io.BytesIO(out.getvalue())).pages)

    start = time.perf_counter()
    content = papers.pension_pdf(PensionDocumentKind.COVER_LETTER, [letter], instansi=instansi)
    cover = time.perf_counter() - start
    cover_pages = len(PdfReader(io.BytesIO(content)).pages)

    print(
        f"machine: {platform.node()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"(a) reference, a one-page DPCP: {one_page * 1000:.0f} ms")
    print(
        f"(b) {args.dpcp} DPCPs: {batch:.1f} s, {batch_pages} pages, {batch / batch_pages * 1000:.0f} ms/page "
        f"= {batch / batch_pages / one_page:.2f}x (a)"
    )
    print(
        f"(c) cover letter of {args.rows} records: {cover:.1f} s, {cover_pages} pages, "
        f"{cover / cover_pages * 1000:.0f} ms/page = {cover / cover_pages / one_page:.2f}x (a)"
    )


if __name__ == "__main__":
    main()
