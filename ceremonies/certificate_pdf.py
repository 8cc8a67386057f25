"""Certificates as PDF (templates/ceremonies/pdf/certificates.html): one file per certificate, so that each
can be downloaded, re-issued or verified on its own.

What is the same for every certificate of a batch is prepared once by CertificatePrinter: the agency's
record, the stored name of its logo, the letterhead's HTML and the site's address for the QR codes. The
fonts and the print stylesheet are loaded once per process by purna/pdf.py. A batch is laid out in chunks,
one WeasyPrint document of several pages written as one PDF per page (purna.pdf.render_pdf_pages): a
document's own set-up costs a fifth of a certificate's time. The QR code is a small greyscale PNG
printed without smoothing: WeasyPrint draws an inline SVG of the same code in Python, command by command,
which cost a fifth of the certificate's time again.
"""

import base64
import io
from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from PIL import Image

from ceremonies.models import Certificate, CertificateKind, Event
from employees.nip import format_nip
from purna import formatting, pdf

QR_MASK = 3
# Viewers that smooth an enlarged picture anyway (poppler does) blur one-pixel modules until a scan of the
# screen at 100 dpi fails; four pixels still scan at 80 dpi.
QR_PIXELS_PER_MODULE = 4
TEMPLATE = "ceremonies/pdf/certificates.html"
TITLES = {
    CertificateKind.PIAGAM: "Piagam Penghargaan",
    CertificateKind.SERTIFIKAT: "Sertifikat",
    CertificateKind.OTHER: "Piagam",
}


def verification_url(code: str) -> str:
    """The public address printed as a QR code: PURNA_SITE_URL + /verifikasi/<code>/."""
    return settings.PURNA_SITE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


def qr_code(url: str) -> segno.QRCode:
    """The QR code of `url` as printed on a certificate."""
    # A fixed mask: choosing the best of eight costs 3 ms a certificate, and any mask is valid (the
    # code's content is random, so no mask is systematically worse).
    return segno.make_qr(url, error="m", mask=QR_MASK, boost_error=False)


def qr_png(qr: segno.QRCode) -> str:
    """`qr` as the data: URL of a greyscale PNG, QR_PIXELS_PER_MODULE pixels a module, without border."""
    # Pillow writes it in half the time of segno's own PNG writer (Python), and WeasyPrint embeds an 8-bit
    # grey picture without converting it, where it turns segno's 1-bit one into RGB first.
    size = len(qr.matrix)
    modules = bytes(0 if dark else 255 for row in qr.matrix for dark in row)
    scaled = size * QR_PIXELS_PER_MODULE
    image = Image.frombytes("L", (size, size), modules).resize((scaled, scaled), Image.Resampling.NEAREST)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return "data:image/png;base64," + base64.b64encode(output.getvalue()).decode()


class CertificatePrinter:
    """Renders the certificates of one agency; build one per batch and call render_many() for each chunk."""

    def __init__(self, instansi, *, logo: str = "") -> None:
        """`logo`: the stored name of an event's own logo (Event.certificate_logo), printed instead of the
        agency's."""
        self.instansi = instansi
        self.logo = logo or pdf.logo_name(instansi)
        logo_url = pdf.LOGO_URL + (quote(self.logo) if self.logo else "purna")
        # Rendered once (already escaped, a SafeString): the same for every certificate of the batch.
        self.kop_html = render_to_string(
            "ceremonies/pdf/_certificate_kop.html", {"instansi": instansi, "pdf_logo_url": logo_url}
        )

    def context(self, certificate: Certificate, event: Event) -> dict:
        """What templates/ceremonies/pdf/_certificate_page.html prints for `certificate`."""
        employee = certificate.participant.employee
        url = verification_url(certificate.verification_code)
        return {
            "certificate": certificate,
            "title": TITLES[certificate.kind],
            "training": certificate.kind == CertificateKind.SERTIFIKAT,
            "event": event,
            "instansi": self.instansi,
            "kop_html": self.kop_html,
            "name": employee.display_name,
            "nip": format_nip(employee.nip),
            "jabatan": employee.jabatan,
            "signatory_nip": format_nip(certificate.signatory_nip) if certificate.signatory_nip else "",
            "place_date": f"{certificate.place}, {formatting.tanggal(certificate.issued_on)}",
            "qr_png": qr_png(qr_code(url)),
            "verification_url": url,
            "offset_x": event.print_offset_x_mm,
            "offset_y": event.print_offset_y_mm,
        }

    def render_many(self, certificates: list[Certificate], event: Event) -> list[bytes]:
        """The PDF bytes of each of `certificates` (their participants and employees loaded), in order, in
        the site's language: one layout for all of them, one file each."""
        pages = [self.context(certificate, event) for certificate in certificates]
        titles = [f"{page['title']} {page['certificate'].number}" for page in pages]
        with translation.override(settings.LANGUAGE_CODE):
            return pdf.render_pdf_pages(TEMPLATE, {"pages": pages}, titles=titles, logo=self.logo)

    def render(self, certificate: Certificate, event: Event) -> bytes:
        """The PDF bytes of `certificate` alone."""
        return self.render_many([certificate], event)[0]
