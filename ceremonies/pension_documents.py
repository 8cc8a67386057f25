"""The pension proposal's papers printed from the register: the DPCP (Data Perorangan Calon Penerima
Pensiun, the form of Peraturan BKN 2/2018), the cover letter of a proposal to the BKN regional office
(surat pengantar usul pensiun, for one record or many) and the receipt of the SK pensiun (tanda terima).

Each is laid out twice from the same context of plain strings: as a PDF for signature (WeasyPrint,
templates/ceremonies/pdf/pension_*.html) and as a Word file for editing (docxtpl), from the agency's own
template uploaded in the admin (PensionTemplate) or the one shipped in ceremonies/docx/. A Word template
is rendered in Jinja's sandbox: it is a file an admin uploads, and it must not reach the objects behind
the context; a template that does not render raises PensionTemplateError with a message for the page.

They live here, beside the officials register (ceremonies.Official), because the cover letter is signed
by the head of the agency and the DPCP is acknowledged ("mengetahui") by them; the register's data is
read through the employees app. The wording is the fixed Indonesian of the forms (UU 24/2009 art. 33),
not passed through gettext. No query is made here: the callers pass the rows they read.
"""

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from ceremonies.exceptions import PensionTemplateError
from ceremonies.models import Official, OfficialRole, PensionCoverLetter, PensionDocumentKind
from employees.choices import AsnType, RetirementKind, SkHandoverPlace
from employees.dpcp import HEIR_SIGNS, living_spouses
from employees.nip import format_nip
from employees.pension_kinds import service_end
from employees.retirement import full_months, service_length
from purna import pdf
from purna.formatting import rupiah, tanggal

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "docx"
PDF_TEMPLATES = {
    PensionDocumentKind.DPCP: "ceremonies/pdf/pension_dpcp.html",
    PensionDocumentKind.COVER_LETTER: "ceremonies/pdf/pension_cover_letter.html",
    PensionDocumentKind.SK_RECEIPT: "ceremonies/pdf/pension_sk_receipt.html",
}
# The kinds as the forms name them.
KIND_WORDS = {
    RetirementKind.BUP: "BUP",
    RetirementKind.APS: "APS",
    RetirementKind.DEATH: "Janda/Duda",
    RetirementKind.KILLED: "Tewas",
    RetirementKind.DISABILITY: "Udzur",
    RetirementKind.REORGANISATION: "Reorganisasi",
    RetirementKind.CONTRACT_END: "PPPK (akhir perjanjian kerja)",
    RetirementKind.PENSIONER_DEATH: "Pensiun Terusan (Janda/Duda)",
}
CHILD_RELATION_WORDS = {"kandung": "Anak kandung", "tiri": "Anak tiri", "angkat": "Anak angkat"}
DOTS = "...................................."


@dataclass(frozen=True)
class Signatory:
    title: str
    name: str
    nip: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "name": self.name or DOTS, "nip": self.nip or DOTS}


def head_of_agency() -> Signatory:
    """Who signs the cover letter and acknowledges the DPCP: the active head of the agency of the officials
    register (an acting one, Plt., first), else the settings PURNA_RECEIPT_HEAD_*. One query."""
    official = (
        Official.objects.filter(is_active=True, role=OfficialRole.HEAD_OF_AGENCY).order_by("-is_acting", "pk").first()
    )
    if official is None:
        return Signatory(
            settings.PURNA_RECEIPT_HEAD_TITLE,
            settings.PURNA_RECEIPT_HEAD_NAME,
            format_nip(settings.PURNA_RECEIPT_HEAD_NIP) if settings.PURNA_RECEIPT_HEAD_NIP else "",
        )
    title = f"Plt. {official.title}" if official.is_acting else official.title
    return Signatory(title, official.name, format_nip(official.nip) if official.nip else "")


def _date(value: dt.date | None) -> str:
    return tanggal(value) if value else "-"


def _years_months(months: int) -> str:
    years, rest = divmod(max(months, 0), 12)
    return f"{years} tahun {rest} bulan"


def instansi_dict(instansi: Any) -> dict[str, str]:
    return {
        "name": instansi.name,
        "region": getattr(instansi, "region", "") or "",
        "address": getattr(instansi, "address", "") or "",
        "phone": getattr(instansi, "phone", "") or "",
        "email": getattr(instansi, "email", "") or "",
    }


def place_date(day: dt.date) -> str:
    return f"{settings.PURNA_INSTANSI_CITY}, {tanggal(day)}"


def _birth(place: str, day: dt.date | None) -> str:
    return ", ".join(part for part in (place, tanggal(day) if day else "") if part) or "-"


def _person(employee: Any) -> dict[str, str]:
    golongan = employee.golongan or "-"
    pangkat = employee.pangkat
    return {
        "name": employee.display_name,
        "nip": format_nip(employee.nip),
        "birth": _birth(employee.birth_place, employee.birth_date),
        "gender": "Laki-laki" if employee.gender == "1" else "Perempuan",
        "golongan": golongan,
        "pangkat_golongan": f"{pangkat} ({golongan})" if pangkat else golongan,
        "jabatan": employee.jabatan or "-",
        "unit": employee.unit.name,
    }


def dpcp_context(
    *,
    case: Any,
    spouses: Sequence[Any],
    children: Sequence[Any],
    instansi: Any,
    signatory: Signatory,
    printed_on: dt.date,
) -> dict[str, Any]:
    """The DPCP of `case` (its employee, family as read, the agency) as plain values for both layouts."""
    employee = case.employee
    tmt = case.tmt
    # Service ends at the death (in service) or at the deceased pensioner's own TMT, not at the widow(er)'s.
    end = service_end(kind=case.kind, tmt=tmt, died_on=case.died_on, retired_on=case.pensioner_tmt)
    masa_golongan = full_months(employee.tmt_golongan, end) if employee.tmt_golongan else None
    masa_pns = full_months(employee.tmt_cpns, end)
    years, months = service_length(employee.tmt_cpns, end, employee.prior_service_months)
    until = ""
    if end != tmt:
        until = (
            f" (sampai dengan meninggal dunia {tanggal(end)})"
            if end == case.died_on
            else f" (sampai dengan TMT pensiun {tanggal(end)})"
        )
    heir_signs = case.kind in HEIR_SIGNS
    heirs = living_spouses(spouses, case.died_on) if heir_signs else []
    heir = heirs[0] if heirs else (children[0] if heir_signs and children else None)
    return {
        "instansi": instansi_dict(instansi),
        "person": _person(employee),
        "asn_type": "PNS" if employee.asn_type == AsnType.PNS else "PPPK",
        "tmt_cpns": _date(employee.tmt_cpns),
        "tmt_pns": _date(employee.tmt_pns),
        "tmt_golongan": _date(employee.tmt_golongan),
        "tmt_pensiun": _date(tmt),
        # After a death (in service, tewas, a pensioner's) the record's TMT is the widow(er)'s pension's,
        # which starts after the death, not the deceased's own.
        "tmt_pensiun_label": "TMT pensiun janda/duda" if heir_signs else "TMT pensiun",
        "kind": KIND_WORDS.get(case.kind, case.get_kind_display()),
        "died_on": _date(case.died_on) if case.died_on else "",
        "last_basic_salary": rupiah(employee.last_basic_salary) if employee.last_basic_salary is not None else "-",
        "masa_kerja_golongan": _years_months(masa_golongan) if masa_golongan is not None else "-",
        "masa_kerja_pns": _years_months(masa_pns),
        "masa_kerja_pensiun": f"{years} tahun {months} bulan{until}",
        "address_before": employee.address or "-",
        "address_after": case.address_after_retirement or "-",
        "kpp": "Ya" if case.kpp_requested else "Tidak",
        "spouses": [
            {
                "number": str(number),
                "name": spouse.name,
                "nik": spouse.nik or "-",
                "birth": _birth(spouse.birth_place, spouse.birth_date),
                "marriage": _date(spouse.marriage_date),
                "certificate": spouse.marriage_certificate or "-",
                "status": _spouse_status(spouse),
            }
            for number, spouse in enumerate(spouses, start=1)
        ],
        "children": [
            {
                "number": str(number),
                "name": child.name,
                "nik": child.nik or "-",
                "birth": _birth(child.birth_place, child.birth_date),
                "relation": CHILD_RELATION_WORDS.get(child.relation, child.relation),
                "status": _child_status(child),
            }
            for number, child in enumerate(children, start=1)
        ],
        "signer_label": "Ahli waris" if heir_signs else "Pegawai yang bersangkutan",
        "signer_name": heir.name if heir is not None else ("" if heir_signs else employee.display_name),
        "signer_nip": "" if heir_signs else format_nip(employee.nip),
        "heir_signs": heir_signs,
        "mengetahui": signatory.as_dict(),
        "place_date": place_date(printed_on),
    }


def _spouse_status(spouse: Any) -> str:
    if spouse.died_on:
        return f"Meninggal {_date(spouse.died_on)}"
    if spouse.ended_on:
        return f"Cerai {_date(spouse.ended_on)}"
    return "Kawin"


def _child_status(child: Any) -> str:
    words = ["Kawin" if child.is_married else "Belum kawin"]
    if child.is_working:
        words.append("bekerja")
    if child.in_school:
        words.append("sekolah/kuliah")
    return ", ".join(words)


def cover_letter_context(*, letter: PensionCoverLetter, cases: Sequence[Any], instansi: Any) -> dict[str, Any]:
    """The cover letter `letter` of the records `cases` (ordered as printed)."""
    collective = len(cases) > 1
    return {
        "instansi": instansi_dict(instansi),
        "number": letter.number,
        "date": tanggal(letter.issued_on),
        "place_date": place_date(letter.issued_on),
        "addressee": letter.addressee,
        "addressee_city": settings.PURNA_BKN_REGIONAL_OFFICE_CITY,
        "attachments": f"{letter.attachments} berkas",
        "subject": "Usul Pensiun PNS (kolektif)" if collective else "Usul Pensiun PNS",
        "count": str(len(cases)),
        "rows": [
            {
                "number": str(number),
                "name": case.employee.display_name,
                "nip": format_nip(case.employee.nip),
                "pangkat": _person(case.employee)["pangkat_golongan"],
                "jabatan": case.employee.jabatan or "-",
                "kind": KIND_WORDS.get(case.kind, case.get_kind_display()),
                "tmt": tanggal(case.tmt),
            }
            for number, case in enumerate(cases, start=1)
        ],
        "signer": {
            "title": letter.signer_title,
            "name": letter.signer_name or DOTS,
            "nip": format_nip(letter.signer_nip) if letter.signer_nip else DOTS,
        },
    }


def sk_receipt_context(*, case: Any, instansi: Any, signatory: Signatory) -> dict[str, Any]:
    """The tanda terima of the SK pensiun of `case`, with who received it, when and where (blank lines to
    write on while it is not recorded)."""
    employee = case.employee
    where = ""
    if case.sk_received_where:
        label = "Acara pelepasan" if case.sk_received_where == SkHandoverPlace.CEREMONY else "Loket pelayanan"
        where = f"{label}: {case.sk_received_place}" if case.sk_received_place else label
    return {
        "instansi": instansi_dict(instansi),
        "person": _person(employee),
        "kind": KIND_WORDS.get(case.kind, case.get_kind_display()),
        "tmt_pensiun": tanggal(case.tmt),
        "sk_number": case.sk_number or DOTS,
        "sk_date": _date(case.sk_date) if case.sk_date else DOTS,
        "received_by": case.sk_received_by or DOTS,
        "relation": case.sk_receiver_relation or ("-" if case.sk_received_by else DOTS),
        "received_on": tanggal(case.sk_received_on) if case.sk_received_on else DOTS,
        "where": where or DOTS,
        "place_date": place_date(case.sk_received_on)
        if case.sk_received_on
        else f"{settings.PURNA_INSTANSI_CITY}, {DOTS}",
        "giver": signatory.as_dict(),
    }


# --- PDF ------------------------------------------------------------------------------------------------


def pension_pdf(kind: str, documents: Sequence[dict[str, Any]], *, instansi: Any) -> bytes:
    """`documents` (contexts of one kind) as one PDF, each starting on a new page."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "documents": documents,
            "instansi": instansi,
            "page_counter": pdf.page_counter_content("Halaman {page} dari {pages}"),
        }
        return pdf.render_pdf(PDF_TEMPLATES[kind], context, logo=pdf.logo_name(instansi))


# --- Word -----------------------------------------------------------------------------------------------


def default_template(kind: str) -> bytes:
    return (DEFAULT_TEMPLATES / f"{kind}.docx").read_bytes()


def _jinja_env() -> SandboxedEnvironment:
    # Undefined names raise: a misspelt field in the agency's template is reported, not printed empty.
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def pension_docx(kind: str, template: bytes, context: dict[str, Any]) -> bytes:
    """`context` rendered into the Word template `template` (docxtpl, in Jinja's sandbox). Raises
    PensionTemplateError, with the reason in the site's words, when the template cannot be used."""
    label = PensionDocumentKind(kind).label
    try:
        document = DocxTemplate(io.BytesIO(template))
        document.render(context, jinja_env=_jinja_env(), autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except jinja2.TemplateSyntaxError as error:
        raise PensionTemplateError(
            _("The Word template of %(document)s has an error near line %(line)s: %(detail)s")
            % {"document": label, "line": error.lineno, "detail": error.message}
        ) from error
    except jinja2.UndefinedError as error:
        raise PensionTemplateError(
            _("The Word template of %(document)s uses a field that does not exist: %(detail)s")
            % {"document": label, "detail": error.message}
        ) from error
    except jinja2.exceptions.SecurityError as error:
        raise PensionTemplateError(
            _("The Word template of %(document)s tries something a template may not do: %(detail)s")
            % {"document": label, "detail": error}
        ) from error
    except Exception as error:
        # Not a Word file, a damaged one, or an expression that fails (docxtpl and python-docx raise
        # many kinds of errors for these).
        raise PensionTemplateError(
            _(
                "The Word template of %(document)s cannot be used (%(detail)s). Upload a .docx file made from the default template."
            )
            % {"document": label, "detail": f"{type(error).__name__}: {error}"[:300]}
        ) from error
    return out.getvalue()


SAMPLE_PERSON = {
    "name": "Contoh Nama",
    "nip": "19650101 199003 1 001",
    "birth": "Kota, 1 Januari 1965",
    "gender": "Laki-laki",
    "golongan": "III/d",
    "pangkat_golongan": "Penata Tingkat I (III/d)",
    "jabatan": "Contoh Jabatan",
    "unit": "Contoh Unit",
}


def sample_context(kind: str) -> dict[str, Any]:
    """A context with every field a template of `kind` may use, to try an uploaded template before it is
    stored."""
    instansi = {"name": "Contoh", "region": "Contoh", "address": "Contoh", "phone": "", "email": ""}
    signer = {"title": "Kepala", "name": "Contoh", "nip": "-"}
    if kind == PensionDocumentKind.DPCP:
        return {
            "instansi": instansi,
            "person": SAMPLE_PERSON,
            "asn_type": "PNS",
            **dict.fromkeys(["tmt_cpns", "tmt_pns", "tmt_golongan", "tmt_pensiun", "died_on"], "1 Januari 2025"),
            "tmt_pensiun_label": "TMT pensiun",
            "kind": "BUP",
            "last_basic_salary": "Rp 1",
            **dict.fromkeys(["masa_kerja_golongan", "masa_kerja_pns", "masa_kerja_pensiun"], "1 tahun 0 bulan"),
            "address_before": "-",
            "address_after": "-",
            "kpp": "Tidak",
            "spouses": [dict.fromkeys(["number", "name", "nik", "birth", "marriage", "certificate", "status"], "-")],
            "children": [dict.fromkeys(["number", "name", "nik", "birth", "relation", "status"], "-")],
            "signer_label": "-",
            "signer_name": "-",
            "signer_nip": "-",
            "heir_signs": False,
            "mengetahui": signer,
            "place_date": "-",
        }
    if kind == PensionDocumentKind.COVER_LETTER:
        row = dict.fromkeys(["number", "name", "nip", "pangkat", "jabatan", "kind", "tmt"], "-")
        return {
            "instansi": instansi,
            **dict.fromkeys(
                ["number", "date", "place_date", "addressee", "addressee_city", "attachments", "subject", "count"], "-"
            ),
            "rows": [row],
            "signer": signer,
        }
    return {
        "instansi": instansi,
        "person": SAMPLE_PERSON,
        **dict.fromkeys(
            [
                "kind",
                "tmt_pensiun",
                "sk_number",
                "sk_date",
                "received_by",
                "relation",
                "received_on",
                "where",
                "place_date",
            ],
            "-",
        ),
        "giver": signer,
    }
