"""HTML templates to PDF bytes with WeasyPrint (DESIGN.md section 2: the one place documents are printed).

The fonts (FontConfiguration) and the shared print stylesheet (static/css/pdf.css) are built once per
process and reused: building them costs more than laying out a short document. The agency's logo is read
and downsized once per process. WeasyPrint's image cache is the document's own (its default): kept for the
process, it would keep every picture ever printed by URL, a QR code per document included.
Nothing is fetched over the network: the documents' base URL is a host that does not exist, and the URL
fetcher answers it from the staticfiles finders (`{% static %}`) and from the storage of the agency's
logo (Instansi record); any other address is refused, so a stray link cannot stall a worker on a timeout.
"""

import copy
import ctypes
import functools
import io
import logging
import re
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.templatetags.static import static

# The documents' base URL: `{% static %}` paths ("/static/...") and the logo resolve against it, and the
# fetcher below serves them from disk; ".invalid" (RFC 2606) can never reach a real host.
BASE_URL = "https://purna.invalid/"
# The logo's URL names the stored file: its downsized copy is kept for the process by name (_logo_content),
# so a new logo uploaded in the admin gets a new URL instead of the old picture.
LOGO_URL = BASE_URL + "instansi/logo/"
# The logo prints at about 2 cm: 300 pixels are 380 dpi there. An uploaded photo of several thousand pixels
# would otherwise be embedded whole in every PDF, and WeasyPrint re-encodes a PNG for every file it writes
# (half a second for 3,000 pixels square).
LOGO_MAX_PIXELS = 300
FALLBACK_LOGO = "img/logo.svg"
STYLESHEET = "css/pdf.css"

# WeasyPrint logs each rendering step at INFO: a batch of documents would bury the worker's own log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

# The names WeasyPrint itself tries (weasyprint/text/ffi.py) for HarfBuzz's subsetter.
HARFBUZZ_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0",
    "libharfbuzz-subset-0",
    "harfbuzz-subset",
    "libharfbuzz-subset.0.dylib",
    "libharfbuzz-subset-0.dll",
)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (libharfbuzz-subset0); without it, it falls back
    to fontTools in pure Python, about four times slower per document (DESIGN.md section 7).

    Asks WeasyPrint when it is loaded already; otherwise loads the library the way WeasyPrint would,
    so that `manage.py check` does not pay for importing WeasyPrint.
    """
    ffi = sys.modules.get("weasyprint.text.ffi")
    if ffi is not None:
        return ffi.harfbuzz_subset is not None and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0))
    for name in HARFBUZZ_SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def _static_bytes(path: str) -> bytes | None:
    # Finders in development and tests; the collected (possibly hashed) files in production.
    found = finders.find(path)
    if found:
        with open(found, "rb") as file:
            return file.read()
    try:
        with staticfiles_storage.open(path) as file:
            return file.read()
    except (FileNotFoundError, OSError, ValueError):
        return None


def _weasyprint():
    # Imported on first use: loading Pango and HarfBuzz costs almost a second, which pages that never
    # print should not pay at start-up.
    import weasyprint

    return weasyprint


@functools.cache
def _fetcher_class():
    weasyprint = _weasyprint()

    class LocalFetcher(weasyprint.URLFetcher):
        """Serves /static/ from the staticfiles finders and the agency logo from storage; refuses the rest."""

        def __init__(self, logo_name: str = ""):
            super().__init__(allowed_protocols={"https", "data"}, fail_on_errors=False)
            self.logo_name = logo_name

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if not url.startswith(BASE_URL):
                raise ValueError(f"PDF documents fetch nothing from the network: {url}")
            if url.startswith(LOGO_URL):
                return self._logo(url)
            path = unquote(urlsplit(url).path)
            static_prefix = urlsplit(static("")).path
            if path.startswith(static_prefix):
                content = _static_bytes(path[len(static_prefix) :])
                if content is not None:
                    return weasyprint.urls.URLFetcherResponse(url, content)
            raise FileNotFoundError(url)

        def _logo(self, url):
            if self.logo_name:
                try:
                    return weasyprint.urls.URLFetcherResponse(url, _logo_content(self.logo_name))
                except FileNotFoundError:
                    pass
            content = _static_bytes(FALLBACK_LOGO)
            return weasyprint.urls.URLFetcherResponse(url, content, {"Content-Type": "image/svg+xml"})

    return LocalFetcher


@functools.lru_cache(maxsize=4)
def _logo_content(name: str) -> bytes:
    """The stored logo, at most LOGO_MAX_PIXELS on its longer side, in its own format (a JPEG stays a JPEG,
    transparency is kept); read once per process and name."""
    from PIL import Image

    with default_storage.open(name, "rb") as file:
        content = file.read()
    try:
        image = Image.open(io.BytesIO(content))
        if max(image.size) <= LOGO_MAX_PIXELS:
            return content
        image_format = image.format
        image.thumbnail((LOGO_MAX_PIXELS, LOGO_MAX_PIXELS))
    except OSError:
        return content  # not a picture Pillow can shrink: WeasyPrint says what is wrong with it
    output = io.BytesIO()
    image.save(output, format=image_format)
    return output.getvalue()


@dataclass(frozen=True)
class _Shared:
    font_config: Any
    stylesheet: Any


@functools.cache
def _shared() -> _Shared:
    """Fonts and the print stylesheet, once per process (a changed pdf.css needs a restart, as a changed
    Python module does)."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = (_static_bytes(STYLESHEET) or b"").decode()
    stylesheet = weasyprint.CSS(string=css, base_url=BASE_URL, font_config=font_config)
    return _Shared(font_config=font_config, stylesheet=stylesheet)


def page_counter_content(text: str) -> str:
    """A CSS `content` value from a translated "Page {page} of {pages}": the words as strings, the
    placeholders as @page counters, in the translation's order ("Halaman " counter(page) " dari " ...)."""
    parts = []
    for piece in re.split(r"(\{page\}|\{pages\})", text):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'"{escaped}"')
    return " ".join(parts)


def logo_name(instansi: Any) -> str:
    """The stored name of the agency's logo, "" when it has none (Purna's own logo is printed then)."""
    logo = getattr(instansi, "logo", None)
    return logo.name if logo else ""


def render_document(template_name: str, context: dict, *, logo: str = ""):
    """The laid-out WeasyPrint document of `template_name` (its pages, before writing the PDF)."""
    weasyprint = _weasyprint()
    shared = _shared()
    logo_url = LOGO_URL + (quote(logo) if logo else "purna")
    html = render_to_string(template_name, {"pdf_logo_url": logo_url, **context})
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()(logo))
    return document.render(
        font_config=shared.font_config,
        stylesheets=[shared.stylesheet],
        presentational_hints=False,
    )


def render_pdf(template_name: str, context: dict, *, logo: str = "") -> bytes:
    """`template_name` rendered with `context` as PDF bytes; `logo` is the stored name of the agency's logo
    (logo_name(instansi)), printed in the letterhead."""
    return render_document(template_name, context, logo=logo).write_pdf()


def render_pdf_pages(template_name: str, context: dict, *, titles: list[str], logo: str = "") -> list[bytes]:
    """`template_name` laid out once, each of its pages written as a PDF of its own titled `titles[n]`:
    one-page documents of a batch (certificates) without paying, for each, what a document costs before
    its first page (parsing, setting up the cascade and the page styles), a fifth of a certificate's time.
    Each file embeds only the fonts and glyphs of its own page; page counters count the whole layout.
    Raises ValueError when the pages are not one per title (a page that overflowed onto the next), rather
    than give someone another's page."""
    document = render_document(template_name, context, logo=logo)
    if len(document.pages) != len(titles):
        raise ValueError(f"{template_name}: {len(document.pages)} pages for {len(titles)} documents")
    files = []
    for page, title in zip(document.pages, titles, strict=True):
        single = document.copy([page])
        single.metadata = copy.copy(document.metadata)
        single.metadata.title = title
        files.append(single.write_pdf())
    return files


def pdf_settings_summary() -> str:
    """One line for benchmarks and checks: the WeasyPrint version and how fonts are subset."""
    weasyprint = _weasyprint()
    subset = "HarfBuzz" if harfbuzz_subset_available() else "fontTools (slow)"
    return f"WeasyPrint {weasyprint.__version__}, font subsetting with {subset}, DEBUG={settings.DEBUG}"
