"""The printed documents of the benefits: the kuitansi (tanda terima) of a payout and the recap of
payouts (rekapitulasi) as PDF and XLSX.

Everything here works on rows already read (the receipt with its payout and employee, the rows of
benefits.selectors.payout_recap); only the signatories are read, in one query, from the officials register. Documents are official papers and always come out
in the site's language (Indonesian), whatever the reader's interface language. The receipt is a fixed
Indonesian form (kuitansi), so its wording is written in Indonesian in its template, as the month names
of purna/formatting.py are.
"""

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from benefits import heirs
from benefits.models import BenefitType, PayoutStatus, Receipt
from benefits.selectors import PayoutRecap
from benefits.services.payout_preparation import PreviewRow
from ceremonies.models import Official, OfficialRole
from employees.nip import format_nip
from purna import formatting, pdf
from purna.models import Instansi

# What the money is for, as a kuitansi writes it ("Untuk pembayaran: ...").
PURPOSES = {
    BenefitType.TALI_ASIH: "Tali asih KORPRI purna tugas",
    BenefitType.THT: "Tabungan Hari Tua (THT) PT Taspen (Persero)",
}
# A receipt for more than this bears a Rp 10.000 stamp duty (UU 10/2020 on Bea Meterai, art. 3 and 5).
METERAI_ABOVE = Decimal("5000000")


def instansi_load() -> Instansi:
    """The agency record (or a fallback with PURNA_INSTANSI_NAME): its name, address and logo."""
    return Instansi.objects.filter(pk=1).first() or Instansi(name=settings.PURNA_INSTANSI_NAME)


@dataclass(frozen=True)
class Signatory:
    """A name, NIP and title under a signature; an empty name prints a dotted line to write on."""

    title: str
    name: str
    nip: str


def _signatory(official: Official | None, *, title: str, name: str, nip: str) -> Signatory:
    """An official from the register (with "Plt." before the position when acting), else the settings'."""
    if official is None:
        return Signatory(title, name, format_nip(nip) if nip else "")
    position = official.title or title
    if official.is_acting:
        position = f"Plt. {position}"
    return Signatory(position, official.name, format_nip(official.nip) if official.nip else "")


def receipt_signatories() -> tuple[Signatory, Signatory]:
    """The treasurer who pays and the head of the agency who acknowledges: the active officials of the
    register signing as such (ceremonies.Official.role; an acting one, Plt., first), else the settings
    PURNA_RECEIPT_*. One query."""
    officials: dict[str, Official] = {}
    for official in Official.objects.filter(is_active=True, role__in=OfficialRole.values).order_by("-is_acting", "pk"):
        officials.setdefault(official.role, official)
    return (
        _signatory(
            officials.get(OfficialRole.TREASURER),
            title=settings.PURNA_RECEIPT_TREASURER_TITLE,
            name=settings.PURNA_RECEIPT_TREASURER_NAME,
            nip=settings.PURNA_RECEIPT_TREASURER_NIP,
        ),
        _signatory(
            officials.get(OfficialRole.HEAD_OF_AGENCY),
            title=settings.PURNA_RECEIPT_HEAD_TITLE,
            name=settings.PURNA_RECEIPT_HEAD_NAME,
            nip=settings.PURNA_RECEIPT_HEAD_NIP,
        ),
    )


def place_date(day: dt.date) -> str:
    """ "Balikpapan, 21 Oktober 2025" (PURNA_INSTANSI_CITY)."""
    return f"{settings.PURNA_INSTANSI_CITY}, {formatting.tanggal(day)}"


def receipt_context(*, receipt: Receipt, instansi: Instansi) -> dict:
    payout = receipt.payout
    employee = payout.employee
    treasurer, head = receipt_signatories()
    payee = payout.payee
    return {
        # An heir receives it for an employee who died: the kuitansi names the deceased as "Almarhum
        # Bapak ..." and the heir (benefits/heirs.py) signs as the one who received it.
        "payee": payee,
        "payee_line": payout.payee_line,
        "deceased_title": heirs.deceased_title(gender=employee.gender) if payee is not None else "",
        "payee_nik": payee.nik if payee is not None else "",
        "receipt": receipt,
        "payout": payout,
        "employee": employee,
        "instansi": instansi,
        "nip": format_nip(employee.nip),
        "purpose": PURPOSES[payout.benefit_type],
        "amount": formatting.rupiah(payout.amount),
        "amount_words": formatting.terbilang(payout.amount),
        "payer": settings.PURNA_RECEIPT_PAYER,
        "tmt": formatting.tanggal(payout.tmt),
        "place_date": place_date(receipt.issued_on),
        "treasurer": treasurer,
        "head": head,
        "meterai": payout.amount > METERAI_ABOVE,
        # A hand-over undone: the receipt stands void, printed so, with the day and why.
        "void_on": formatting.tanggal(timezone.localdate(receipt.voided_at)) if receipt.voided_at else "",
        "page_counter": '""',
    }


def receipt_pdf(*, receipt: Receipt, instansi: Instansi) -> bytes:
    """The kuitansi of a payout on an A5 landscape sheet: letterhead, number, who pays, the amount in
    figures and in words, what for (benefit, name, NIP), place and date, and the signatures of the
    treasurer, the head of the agency and the recipient (with a stamp-duty box above Rp 5.000.000)."""
    with translation.override(settings.LANGUAGE_CODE):
        return pdf.render_pdf(
            "benefits/pdf/receipt.html",
            receipt_context(receipt=receipt, instansi=instansi),
            logo=pdf.logo_name(instansi),
        )


# --- Recap ---------------------------------------------------------------------------------------------------


def recap_title(*, year: int | None, start: dt.date | None, end: dt.date | None, event) -> str:
    """What the recap covers, as its subtitle: "TMT pensiun tahun 2025", "TMT pensiun Januari 2025 -
    Juni 2025", an event's title; in the site's language, as the documents it heads."""
    with translation.override(settings.LANGUAGE_CODE):
        return _recap_title(year=year, start=start, end=end, event=event)


def _recap_title(*, year: int | None, start: dt.date | None, end: dt.date | None, event) -> str:
    parts = []
    if year:
        parts.append(_("TMT pensiun in %(year)s") % {"year": year})
    if start or end:
        parts.append(
            _("TMT pensiun %(start)s to %(end)s")
            % {"start": formatting.bulan_tahun(start) or "...", "end": formatting.bulan_tahun(end) or "..."}
        )
    if event is not None:
        parts.append(_("Handed over at %(event)s") % {"event": event.title})
    return "; ".join(parts) or _("All payouts")


@dataclass(frozen=True)
class StatusTotal:
    benefit: str
    status: str
    count: int
    amount: str


def status_totals(recap: PayoutRecap) -> list[StatusTotal]:
    """The totals per benefit and status, in the pipeline's order, as printed."""
    return [
        StatusTotal(benefit=benefit, status=status, count=count, amount=formatting.rupiah(amount))
        for benefit, status, count, amount in status_totals_raw(recap)
    ]


def recap_pdf(*, recap: PayoutRecap, title: str, instansi: Instansi, printed_on: dt.date) -> bytes:
    """The recap on A4 landscape: one row per retiree, the header repeated on each page, a totals row per
    payout status summed from the same rows (approved and paid money are never one total), the totals per
    benefit and status, place, date and the head of the agency's signature."""
    with translation.override(settings.LANGUAGE_CODE):
        _treasurer, head = receipt_signatories()
        context = {
            "recap": recap,
            "title": title,
            "instansi": instansi,
            "per_status": recap.totals.per_status,
            "status_totals": status_totals(recap),
            "place_date": place_date(printed_on),
            "head": head,
            "page_counter": pdf.page_counter_content(_("Page {page} of {pages}")),
        }
        return pdf.render_pdf("benefits/pdf/recap.html", context, logo=pdf.logo_name(instansi))


RUPIAH_FORMAT = '"Rp" #,##0'


def recap_workbook(*, recap: PayoutRecap, title: str, agency: str) -> bytes:
    """The recap as XLSX: amounts as numbers in a rupiah format, the NIP as text (Excel would round an
    18-digit number), the TMT as a date, a totals row per payout status of SUMIF formulas over the status
    columns (with the computed totals stored as their values, for readers that do not recalculate), and
    the totals per benefit and status below."""
    with translation.override(settings.LANGUAGE_CODE):
        return _recap_workbook(recap=recap, title=title, agency=agency)


HEADER_ROW = 4


def _recap_workbook(*, recap: PayoutRecap, title: str, agency: str) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet(_("Recap"))
    bold = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8F1EE", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = workbook.add_format({"border": 1, "valign": "top"})
    text = workbook.add_format({"border": 1, "valign": "top", "num_format": "@"})
    date = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy", "align": "left"})
    money = workbook.add_format({"border": 1, "valign": "top", "num_format": RUPIAH_FORMAT})
    total_label = workbook.add_format({"border": 1, "bold": True, "bg_color": "#F3F3F3"})
    total_money = workbook.add_format({"border": 1, "bold": True, "bg_color": "#F3F3F3", "num_format": RUPIAH_FORMAT})
    plain_money = workbook.add_format({"num_format": RUPIAH_FORMAT})
    sheet.write(0, 0, _("Recap of THT and tali asih payouts"), bold)
    sheet.write(1, 0, agency)
    sheet.write(2, 0, title)
    columns = [
        (_("No."), 5),
        (_("Name"), 34),
        (_("NIP"), 22),
        (_("Work unit"), 30),
        (_("TMT pensiun"), 13),
        (_("THT"), 17),
        (_("THT status"), 14),
        (_("Tali asih"), 17),
        (_("Tali asih status"), 14),
    ]
    for column, (label, width) in enumerate(columns):
        sheet.set_column(column, column, width)
        sheet.write(HEADER_ROW, column, label, header)
    row = HEADER_ROW
    for recap_row in recap.rows:
        row += 1
        sheet.write_number(row, 0, recap_row.number, cell)
        sheet.write_string(row, 1, recap_row.name, cell)
        sheet.write_string(row, 2, recap_row.nip, text)
        sheet.write_string(row, 3, recap_row.unit, cell)
        sheet.write_datetime(row, 4, dt.datetime.combine(recap_row.tmt, dt.time()), date)
        for column, recap_cell in ((5, recap_row.tht), (7, recap_row.tali_asih)):
            if recap_cell.amount is None:
                sheet.write_blank(row, column, None, money)
            else:
                sheet.write_number(row, column, float(recap_cell.amount), money)
            sheet.write_string(row, column + 1, recap_cell.status_label, cell)
    first, last = HEADER_ROW + 2, max(row + 1, HEADER_ROW + 2)  # Excel's 1-based rows
    for line in recap.totals.per_status:
        row += 1
        sheet.write_blank(row, 0, None, total_label)
        sheet.write_string(row, 1, status_total_label(line.status_label), total_label)
        for column in (2, 3, 4):
            sheet.write_blank(row, column, None, total_label)
        for column, amount in ((5, line.tht), (7, line.tali_asih)):
            amounts = xlsxwriter.utility.xl_col_to_name(column)
            statuses = xlsxwriter.utility.xl_col_to_name(column + 1)
            label = line.status_label.replace('"', '""')
            formula = f'=SUMIF({statuses}{first}:{statuses}{last},"{label}",{amounts}{first}:{amounts}{last})'
            sheet.write_formula(row, column, formula, total_money, float(amount))
            sheet.write_blank(row, column + 1, None, total_label)
    row += 2
    sheet.write(row, 1, _("Totals per status"), workbook.add_format({"bold": True}))
    for line in status_totals_raw(recap):
        row += 1
        sheet.write_string(row, 1, line[0])
        sheet.write_string(row, 3, line[1])
        sheet.write_number(row, 4, line[2])
        sheet.write_number(row, 5, float(line[3]), plain_money)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    workbook.close()
    return output.getvalue()


def status_total_label(status_label: str) -> str:
    """The label of a totals row: "Jumlah Dibayar" (one status, never a grand total of several)."""
    return _("Total %(status)s") % {"status": status_label}


def status_totals_raw(recap: PayoutRecap) -> list[tuple[str, str, int, Decimal]]:
    """(benefit, status, count, amount) per benefit and status, in the pipeline's order."""
    return [
        (str(benefit.label), str(status.label), recap.totals.count_by_status[key], recap.totals.by_status[key])
        for benefit in BenefitType
        for status in PayoutStatus
        if (key := (benefit.value, status.value)) in recap.totals.by_status
    ]


def prepare_preview_workbook(*, rows: Iterable[PreviewRow], title: str, agency: str) -> bytes:
    """A preparation's preview as XLSX, for a selection too large for the page (benefits/document_kinds.py):
    each retiree with the TMT, the amount and its rule, or why no payout would be prepared, and the total
    of the amounts that would be. Written row by row (constant memory), whatever the number of rows. A
    working paper, not an official document: in the language of the person who asked."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet(_("Preview"))
    bold = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "bg_color": "#E8F1EE", "border": 1, "text_wrap": True})
    cell = workbook.add_format({"border": 1, "valign": "top"})
    text = workbook.add_format({"border": 1, "valign": "top", "num_format": "@"})
    date = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy", "align": "left"})
    money = workbook.add_format({"border": 1, "valign": "top", "num_format": RUPIAH_FORMAT})
    total_money = workbook.add_format({"border": 1, "bold": True, "bg_color": "#F3F3F3", "num_format": RUPIAH_FORMAT})
    total_label = workbook.add_format({"border": 1, "bold": True, "bg_color": "#F3F3F3"})
    sheet.write(0, 0, _("Preview of the payouts to prepare"), bold)
    sheet.write(1, 0, agency)
    sheet.write(2, 0, title)
    columns = [
        (_("No."), 6),
        (_("Name"), 34),
        (_("NIP"), 22),
        (_("Work unit"), 30),
        (_("TMT pensiun"), 13),
        (_("Rule"), 50),
        (_("Amount"), 17),
    ]
    for column, (label, width) in enumerate(columns):
        sheet.set_column(column, column, width)
        sheet.write(HEADER_ROW, column, label, header)
    row, total = HEADER_ROW, Decimal(0)
    for number, line in enumerate(rows, start=1):
        row += 1
        employee = line.employee
        sheet.write_number(row, 0, number, cell)
        sheet.write_string(row, 1, employee.display_name, cell)
        sheet.write_string(row, 2, format_nip(employee.nip), text)
        sheet.write_string(row, 3, employee.unit.name if employee.unit_id else "", cell)
        tmt = line.tmt or employee.tmt_pensiun
        if tmt:
            sheet.write_datetime(row, 4, dt.datetime.combine(tmt, dt.time()), date)
        else:
            sheet.write_blank(row, 4, None, cell)
        if line.skipped:
            rule = _("Skipped: already has a payout of this benefit.")
        elif line.problems:
            rule = f"{_('Not prepared:')} {' '.join(line.problems)}"
        else:
            rule = line.rule
        sheet.write_string(row, 5, rule, cell)
        if line.prepared and line.amount is not None:
            sheet.write_number(row, 6, float(line.amount), money)
            total += line.amount
        else:
            sheet.write_blank(row, 6, None, cell)
    row += 1
    sheet.write(row, 5, _("Total to prepare"), total_label)
    sheet.write_number(row, 6, float(total), total_money)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    workbook.close()
    return output.getvalue()
