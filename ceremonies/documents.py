"""The printed documents of an event: the attendance sheet (daftar hadir), the event report for the finance
office (laporan kegiatan), invitation letters (surat undangan) and the participant spreadsheet.

Everything here works on rows already read by the selectors (ceremonies/selectors.py): no query is made,
so each document costs the same few queries whatever the number of participants. Documents are official
papers and always come out in the site's language (Indonesian), whatever the reader's interface language.
"""

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

import segno
import xlsxwriter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ceremonies.attendance import Part
from ceremonies.formatting import event_when_in
from ceremonies.models import Event, Participant, ParticipantStatus, Session
from ceremonies.selectors import EventCounts, event_counts, invitation_delivery
from employees.choices import Gender
from employees.contact import Contact, employee_contact
from employees.nip import format_nip
from purna import pdf


@dataclass(frozen=True)
class ParticipantRow:
    number: int
    participant: Participant
    name: str
    nip: str
    unit: str
    companion: str
    attended: bool
    souvenir: bool
    # At an event held over several days: when the person checked in for each day or session (None: not).
    present: tuple[dt.datetime | None, ...] = ()


def participant_rows(participants: list[Participant], parts: list[Part] | None = None) -> list[ParticipantRow]:
    """Numbered rows with the NIP in its groups ("19860926 201505 1 001") and the companion with relation;
    with `parts` (the participants read by selectors.participants_attendance), who came on which day."""
    rows = []
    for number, participant in enumerate(participants, start=1):
        employee = participant.employee
        companion = participant.companion_name
        if companion and participant.companion_relation:
            companion = f"{companion} ({participant.companion_relation})"
        rows.append(
            ParticipantRow(
                number=number,
                participant=participant,
                name=employee.display_name,
                nip=format_nip(employee.nip),
                unit=employee.unit.name,
                companion=companion,
                attended=participant.status == ParticipantStatus.ATTENDED,
                souvenir=participant.souvenir_at is not None,
                present=tuple(getattr(participant, "present", {}).get(part.key) for part in parts or ()),
            )
        )
    return rows


def _base_context(*, event: Event, instansi, printed_on: dt.date) -> dict:
    official = event.presiding_official
    return {
        "event": event,
        "instansi": instansi,
        "when": event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE),
        "official": official,
        "official_nip": format_nip(official.nip) if official and official.nip else "",
        "printed_on": printed_on,
        "page_counter": pdf.page_counter_content(_("Page {page} of {pages}")),
    }


def _render(template_name: str, build_context: Callable[[], dict], instansi) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        # The context is built inside: its gettext calls (page counter, salutations) need the site language.
        return pdf.render_pdf(template_name, build_context(), logo=pdf.logo_name(instansi))


def attendance_pdf(
    *, event: Event, participants: list[Participant], instansi, printed_on: dt.date, parts: list[Part] | None = None
) -> bytes:
    """The daftar hadir: one numbered row per participant with a signature cell, the header row repeated
    on every page, and the presiding official's block at the end. An event held over several days
    (`parts`) has a signature cell per day or session, with the check-in time of those recorded."""

    def context() -> dict:
        rows = participant_rows(participants, parts)
        return {
            **_base_context(event=event, instansi=instansi, printed_on=printed_on),
            "rows": rows,
            "parts": parts or [],
            "part_totals": [sum(1 for row in rows if row.present[n]) for n in range(len(parts or []))],
        }

    return _render("ceremonies/pdf/attendance.html", context, instansi)


# What was handed over at an event besides souvenirs (THT, tali asih): the benefits app, which knows
# ceremonies (not the other way round), registers a function giving the rows for an event and the
# participants shown: dicts with name, nip, label and amount.
_handover_providers: list[Callable[[Event, list[Participant]], list[dict]]] = []


def handover_provider_register(provider: Callable[[Event, list[Participant]], list[dict]]) -> None:
    if provider not in _handover_providers:
        _handover_providers.append(provider)


def handover_rows(event: Event, participants: list[Participant]) -> list[dict]:
    return [row for provider in _handover_providers for row in provider(event, participants)]


# ... and, for the report's cache (ceremonies/document_kinds.py), a function giving a cheap value that
# changes whenever those rows may change.
_handover_versions: list[Callable[[Event], object]] = []


def handover_version_register(version: Callable[[Event], object]) -> None:
    if version not in _handover_versions:
        _handover_versions.append(version)


def handover_version(event: Event) -> list:
    return [version(event) for version in _handover_versions]


def report_pdf(
    *,
    event: Event,
    participants: list[Participant],
    sessions: list[Session],
    instansi,
    printed_on: dt.date,
    parts: list[Part] | None = None,
) -> bytes:
    """The laporan kegiatan (proof of spending for the finance office): the event's facts and agenda, its
    counts, each attendee with what they received, totals counted from the same rows, the signature."""

    def context() -> dict:
        rows = participant_rows(participants, parts)
        counts: EventCounts = event_counts(participants=participants)
        return {
            **_base_context(event=event, instansi=instansi, printed_on=printed_on),
            "rows": rows,
            "counts": counts,
            "delivery": invitation_delivery(participants=participants),
            "absent": counts.by_status.get(ParticipantStatus.ABSENT, 0),
            "declined": counts.by_status.get(ParticipantStatus.DECLINED, 0),
            "total_attended": sum(1 for row in rows if row.attended),
            "total_souvenirs": sum(1 for row in rows if row.souvenir),
            "sessions": sessions,
            "parts": parts or [],
            "part_totals": [sum(1 for row in rows if row.present[n]) for n in range(len(parts or []))],
            "handover_rows": handover_rows(event, participants),
        }

    return _render("ceremonies/pdf/report.html", context, instansi)


LETTER_STATUSES = {ParticipantStatus.INVITED, ParticipantStatus.CONFIRMED}


def letter_recipients(participants: list[Participant], *, everyone: bool, today: dt.date) -> list[Participant]:
    """Who gets a printed invitation: invited (or confirmed) participants with no email address to use
    (employees/contact.py: neither a personal nor an office one), or every participant when `everyone`."""
    if everyone:
        return list(participants)
    return [
        p for p in participants if p.status in LETTER_STATUSES and not employee_contact(p.employee, today=today).email
    ]


@dataclass(frozen=True)
class Letter:
    participant: Participant
    salutation: str
    nip: str
    contact: Contact  # the address under the name: the home's for a retiree, else the unit ("di Tempat")
    qr_svg: str
    checkin_url: str


def checkin_url(participant: Participant, *, base_url: str) -> str:
    """What a participant's check-in QR code holds, on the invitation letter and in the portal alike: the
    absolute address of the check-in page for their code (a staff phone opens it; the check-in page's
    scanner reads the code from it), under `base_url` (PURNA_SITE_URL, else the request's)."""
    return base_url.rstrip("/") + reverse(
        "ceremonies:checkin_code", args=[participant.event_id, participant.checkin_code]
    )


def checkin_qr(url: str) -> segno.QRCode:
    """The QR code of a check-in address (checkin_url), with the letters' error correction."""
    return segno.make(url, error="m")


def letters_pdf(
    *,
    event: Event,
    participants: list[Participant],
    instansi,
    printed_on: dt.date,
    checkin_url: Callable[[Participant], str],
) -> bytes:
    """Invitation letters, one A4 page per participant, each with a QR code of its check-in URL
    (`checkin_url(participant)` gives the absolute address)."""

    def context() -> dict:
        letters = []
        for participant in participants:
            url = checkin_url(participant)
            # Inline SVG: no raster encoding, drawn as vectors (sharp at any size); not a data: URI, which
            # WeasyPrint's process-wide image cache (purna/pdf.py) would keep for every letter ever printed.
            qr = checkin_qr(url)
            salutation = _("Mrs.") if participant.employee.gender == Gender.FEMALE else _("Mr.")
            letters.append(
                Letter(
                    participant=participant,
                    salutation=salutation,
                    nip=format_nip(participant.employee.nip),
                    contact=employee_contact(
                        participant.employee, unit_name=participant.employee.unit.name, today=printed_on
                    ),
                    qr_svg=qr.svg_inline(scale=4, border=0, omitsize=True),
                    checkin_url=url,
                )
            )
        return {
            **_base_context(event=event, instansi=instansi, printed_on=printed_on),
            "letters": letters,
            "letter_number": f"___/{instansi.short_name or 'BKPSDM'}/{printed_on.year}",
        }

    return _render("ceremonies/pdf/letters.html", context, instansi)


def document_filename(kind: str, event: Event, extension: str) -> str:
    """ "daftar-hadir-pelepasan-purna-tugas-20270120.pdf": what, which event, its day."""
    day = timezone.localtime(event.starts_at).date()
    return f"{kind}-{slugify(event.title)[:60].strip('-')}-{day:%Y%m%d}.{extension}"


def participants_workbook(
    *, event: Event, participants: list[Participant], agency: str, parts: list[Part] | None = None
) -> bytes:
    """The participant list as an XLSX workbook: title rows, then one row per participant with the NIP as
    text (Excel would round an 18-digit number), dates as date cells, an autofilter and a frozen header.
    An event held over several days (`parts`, the participants read by selectors.participants_attendance)
    has a column per day or session with the check-in time, as the attendance sheet."""
    with translation.override(settings.LANGUAGE_CODE):
        return _participants_workbook(event=event, participants=participants, agency=agency, parts=parts or [])


def _part_header(part: Part) -> str:
    """A day's or session's column heading: "Hari 1" or "Sesi 3" with its date (and a session's time)."""
    when = timezone.localtime(part.starts_at)
    day = f"{part.day:%d-%m-%Y}"
    return f"{part.short_label}\n{day} {when:%H.%M}" if part.is_session else f"{part.short_label}\n{day}"


def _participants_workbook(*, event: Event, participants: list[Participant], agency: str, parts: list[Part]) -> bytes:
    output = io.BytesIO()
    # constant_memory writes rows as they come: a large event stays small in memory.
    workbook = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
    sheet = workbook.add_worksheet(_("Participants"))
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#E8F1EE", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )
    cell = workbook.add_format({"border": 1, "valign": "top"})
    text = workbook.add_format({"border": 1, "valign": "top", "num_format": "@"})
    date = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy", "align": "left"})
    moment = workbook.add_format({"border": 1, "valign": "top", "num_format": "dd-mm-yyyy hh:mm", "align": "left"})
    when = event_when_in(event.starts_at, event.ends_at, settings.TIME_ZONE)
    sheet.write(0, 0, _("Participants: %(event)s") % {"event": event.title}, title)
    sheet.write(1, 0, agency)
    sheet.write(2, 0, f"{when.day}, {when.time}, {event.venue}")
    columns = [
        (_("No."), 5),
        (_("NIP"), 22),
        (_("Name"), 34),
        (_("Golongan/pangkat"), 26),
        (_("Position"), 30),
        (_("Work unit"), 30),
        (_("TMT pensiun"), 13),
        (_("Attendance"), 16),
        (_("Companion"), 26),
        (_("Souvenir"), 12),
        (_("Souvenir handed at"), 18),
    ]
    # Who came on which day or to which session: the check-in time, blank when not.
    first_part = len(columns)
    columns += [(_part_header(part), 18) for part in parts]
    header_row = 4
    if parts:
        sheet.set_row(header_row, 32)  # a day's heading on two lines
    for column, (label, width) in enumerate(columns):
        sheet.set_column(column, column, width)
        sheet.write(header_row, column, label, header)
    yes, no = _("Yes"), _("No")
    row = header_row
    for row_data in participant_rows(participants, parts):
        row += 1
        participant = row_data.participant
        employee = participant.employee
        golongan = f"{employee.golongan} {employee.pangkat}".strip()
        tmt = employee.tmt_effective or employee.tmt_pensiun
        sheet.write_number(row, 0, row_data.number, cell)
        sheet.write_string(row, 1, employee.nip, text)
        sheet.write_string(row, 2, row_data.name, cell)
        sheet.write_string(row, 3, golongan, cell)
        sheet.write_string(row, 4, employee.jabatan, cell)
        sheet.write_string(row, 5, row_data.unit, cell)
        if tmt:
            sheet.write_datetime(row, 6, dt.datetime.combine(tmt, dt.time()), date)
        else:
            sheet.write_blank(row, 6, None, date)
        sheet.write_string(row, 7, participant.get_status_display(), cell)
        sheet.write_string(row, 8, row_data.companion, cell)
        sheet.write_string(row, 9, yes if row_data.souvenir else no, cell)
        if participant.souvenir_at:
            handed = timezone.localtime(participant.souvenir_at).replace(tzinfo=None)
            sheet.write_datetime(row, 10, handed, moment)
        else:
            sheet.write_blank(row, 10, None, cell)
        for column, checked_in_at in enumerate(row_data.present, start=first_part):
            if checked_in_at:
                sheet.write_datetime(row, column, timezone.localtime(checked_in_at).replace(tzinfo=None), moment)
            else:
                sheet.write_blank(row, column, None, cell)
    sheet.autofilter(header_row, 0, max(row, header_row), len(columns) - 1)
    sheet.freeze_panes(header_row + 1, 0)
    workbook.close()
    return output.getvalue()
