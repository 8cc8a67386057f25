"""purna/pdf.py: templates to PDF with WeasyPrint, files served locally (never the network), shared fonts
and stylesheet, the translated page counter, and the system check on HarfBuzz's subsetter."""

import io
import logging
import subprocess
import sys

import pytest
from django.core import checks
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.template import engines
from PIL import Image
from pypdf import PdfReader

from purna import pdf
from purna.checks import HARFBUZZ_SUBSET_MISSING, harfbuzz_subset_check
from purna.models import Instansi


def pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def pdf_images(content: bytes) -> list[tuple[int, int]]:
    """(width, height) of each raster image in the PDF (`pdfimages -list`)."""
    listing = subprocess.run(["pdfimages", "-list", "-"], input=content, capture_output=True, check=True)
    rows = listing.stdout.decode().splitlines()[2:]
    return [(int(row.split()[3]), int(row.split()[4])) for row in rows]


@pytest.fixture
def template(settings, tmp_path):
    """A template written for the test (a directory of templates added in front of the project's)."""
    folder = tmp_path / "templates"
    folder.mkdir()
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [folder, *settings.TEMPLATES[0]["DIRS"]]}]

    def write(source: str) -> str:
        (folder / "doc.html").write_text(source)
        engines._engines = {}  # the engine is rebuilt from the changed setting
        return "doc.html"

    yield write
    engines._engines = {}


def test_a_template_becomes_a_pdf_with_the_shared_stylesheet(template):
    name = template("<h1 class='document-title'>Daftar {{ what }}</h1><p>Isi</p>")

    content = pdf.render_pdf(name, {"what": "Hadir"})

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    # pdf.css upper-cases document titles: proof that the shared stylesheet applied.
    assert "DAFTAR HADIR" in text


def test_static_files_are_served_from_the_finders_without_the_network(template, caplog):
    name = template("{% load static %}<img src=\"{% static 'img/logo.svg' %}\"><img src='https://example.com/x.png'>")

    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        pdf.render_pdf(name, {})

    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "logo.svg" not in messages  # the static file loaded
    assert "example.com" in messages and "fetch nothing from the network" in messages


@pytest.fixture(autouse=True)
def fresh_logo_cache():
    """Each test's media folder is new, but stored names repeat from one test to the next."""
    pdf._logo_content.cache_clear()
    yield
    pdf._logo_content.cache_clear()


@pytest.mark.django_db
def test_the_agency_logo_comes_from_its_record(template, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    image = io.BytesIO()
    Image.new("RGB", (37, 23), "#0b5d4b").save(image, format="PNG")
    instansi = Instansi(name="BKPSDM Kota Contoh")
    instansi.logo.save("logo.png", ContentFile(image.getvalue()), save=False)
    instansi.save()
    name = template("<img src='{{ pdf_logo_url }}' style='width: 2cm'>")

    with_logo = pdf.render_pdf(name, {}, logo=pdf.logo_name(instansi))
    without_logo = pdf.render_pdf(name, {}, logo="")

    assert pdf_images(with_logo) == [(37, 23)]
    # Without a logo Purna's own (an SVG, drawn as vectors: no raster image) is printed.
    assert pdf_images(without_logo) == []


@pytest.mark.django_db
def test_a_large_logo_is_printed_downsized(template, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    image = io.BytesIO()
    Image.new("RGBA", (3000, 2000), "#0b5d4b").save(image, format="PNG")
    instansi = Instansi(name="BKPSDM Kota Contoh")
    instansi.logo.save("logo.png", ContentFile(image.getvalue()), save=False)
    name = template("<img src='{{ pdf_logo_url }}' style='width: 2cm'>")

    content = pdf.render_pdf(name, {}, logo=pdf.logo_name(instansi))

    assert pdf_images(content) == [(300, 200), (300, 200)]  # the picture and its transparency mask
    assert len(content) < 50_000


def test_pages_of_one_layout_become_one_pdf_each(template):
    name = template(
        "<title>Daftar</title>{% for word in words %}<p style='break-after: page'>{{ word }}</p>{% endfor %}"
    )

    files = pdf.render_pdf_pages(name, {"words": ["satu", "dua", "tiga"]}, titles=["A", "B", "C"])

    # Page counters count the whole layout ("2 / 3"): certificates print none.
    assert [pdf_text(content).split()[0] for content in files] == ["satu", "dua", "tiga"]
    assert [PdfReader(io.BytesIO(content)).metadata.title for content in files] == ["A", "B", "C"]
    assert all(len(PdfReader(io.BytesIO(content)).pages) == 1 for content in files)


def test_a_page_too_many_is_refused_rather_than_given_to_the_wrong_document(template):
    name = template("<p style='break-after: page'>satu</p><p>lanjutan</p>")

    with pytest.raises(ValueError, match="2 pages for 1 documents"):
        pdf.render_pdf_pages(name, {}, titles=["A"])


def test_fonts_and_stylesheet_are_built_once_per_process():
    assert pdf._shared() is pdf._shared()
    assert pdf._shared().font_config is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Page {page} of {pages}", '"Page " counter(page) " of " counter(pages)'),
        ("Halaman {page} dari {pages}", '"Halaman " counter(page) " dari " counter(pages)'),
        ('{pages} "x" {page}', 'counter(pages) " \\"x\\" " counter(page)'),
    ],
)
def test_page_counter_content(text, expected):
    assert pdf.page_counter_content(text) == expected


def test_harfbuzz_detection_agrees_with_weasyprint(monkeypatch):
    from weasyprint.text import ffi

    weasyprint_says = ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
    assert pdf.harfbuzz_subset_available() == weasyprint_says
    # Before WeasyPrint is imported (manage.py check), the library is looked for directly.
    monkeypatch.delitem(sys.modules, "weasyprint.text.ffi")
    assert pdf.harfbuzz_subset_available() == weasyprint_says


def test_harfbuzz_detection_without_the_library(monkeypatch):
    monkeypatch.delitem(sys.modules, "weasyprint.text.ffi", raising=False)
    monkeypatch.setattr(pdf, "HARFBUZZ_SUBSET_NAMES", ("libharfbuzz-subset-that-does-not-exist.so.0",))

    assert pdf.harfbuzz_subset_available() is False


def test_the_system_check_warns_when_harfbuzz_subset_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: False)

    messages = harfbuzz_subset_check()

    assert [(type(m), m.id) for m in messages] == [(checks.Warning, HARFBUZZ_SUBSET_MISSING)]
    assert "libharfbuzz-subset0" in messages[0].hint
    call_command("check")
    assert HARFBUZZ_SUBSET_MISSING in capsys.readouterr().err


def test_the_system_check_is_silent_when_harfbuzz_subset_is_there(monkeypatch):
    monkeypatch.setattr(pdf, "harfbuzz_subset_available", lambda: True)

    assert harfbuzz_subset_check() == []
    assert HARFBUZZ_SUBSET_MISSING not in [m.id for m in checks.run_checks()]
