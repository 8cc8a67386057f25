"""Certificates as PDF (templates/ceremonies/pdf/certificate.html): one WeasyPrint document per
certificate, so that each is a file of its own to download, re-issue or verify.

What is the same for every certificate of a batch is prepared once by CertificatePrinter: the agency's
record, the stored name of its logo, the letterhead's HTML and the site's address for the QR codes. The
fonts and the print stylesheet are loaded once per process by purna/pdf.py. The QR code is inline SVG:
vectors, no raster encoding, nothing for WeasyPrint's image cache to keep.
"""

from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from ceremonies.models import Certificate, CertificateKind, Event
from employees.nip import format_nip
from purna import formatting, pdf

QR_MASK = 3
TEMPLATES = {
    CertificateKind.PIAGAM: "ceremonies/pdf/certificate.html",
    CertificateKind.SERTIFIKAT: "ceremonies/pdf/certificate_training.html",
    CertificateKind.OTHER: "ceremonies/pdf/certificate.html",
}
TITLES = {
    CertificateKind.PIAGAM: "Piagam Penghargaan",
    CertificateKind.SERTIFIKAT: "Sertifikat",
    CertificateKind.OTHER: "Piagam",
}


def verification_url(code: str) -> str:
    """The public address printed as a QR code: PURNA_SITE_URL + /verifikasi/<code>/."""
    return settings.PURNA_SITE_URL.rstrip("/") + reverse("certificate_verify", args=[code])


class CertificatePrinter:
    """Renders the certificates of one agency; build one per batch and call render() for each."""

    def __init__(self, instansi) -> None:
        self.instansi = instansi
        self.logo = pdf.logo_name(instansi)
        logo_url = pdf.LOGO_URL + (quote(self.logo) if self.logo else "purna")
        # Rendered once (already escaped, a SafeString): the same for every certificate of the batch.
        self.kop_html = render_to_string(
            "ceremonies/pdf/_certificate_kop.html", {"instansi": instansi, "pdf_logo_url": logo_url}
        )

    def context(self, certificate: Certificate, event: Event) -> dict:
        employee = certificate.participant.employee
        url = verification_url(certificate.verification_code)
        # A fixed mask: choosing the best of eight costs 3 ms a certificate, and any mask is valid (the
        # code's content is random, so no mask is systematically worse).
        qr = segno.make_qr(url, error="m", mask=QR_MASK, boost_error=False)
        return {
            "certificate": certificate,
            "title": TITLES[certificate.kind],
            "event": event,
            "instansi": self.instansi,
            "kop_html": self.kop_html,
            "name": employee.display_name,
            "nip": format_nip(employee.nip),
            "jabatan": employee.jabatan,
            "signatory_nip": format_nip(certificate.signatory_nip) if certificate.signatory_nip else "",
            "place_date": f"{certificate.place}, {formatting.tanggal(certificate.issued_on)}",
            "qr_svg": qr.svg_inline(scale=3, border=0, omitsize=True),
            "verification_url": url,
            "offset_x": event.print_offset_x_mm,
            "offset_y": event.print_offset_y_mm,
        }

    def render(self, certificate: Certificate, event: Event) -> bytes:
        """The PDF bytes of `certificate` (its participant and employee loaded), in the site's language."""
        with translation.override(settings.LANGUAGE_CODE):
            return pdf.render_pdf(TEMPLATES[certificate.kind], self.context(certificate, event), logo=self.logo)
