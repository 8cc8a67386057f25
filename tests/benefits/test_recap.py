"""The recap of payouts (benefits.selectors.payout_recap) and its XLSX and PDF: rows, totals equal to the
sum of the rows (in the database's figures, the spreadsheet's formulas and the printed PDF), filters,
scope, fixed query counts and the views' permissions."""

import datetime as dt
import io
import re
import subprocess
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from python_calamine import CalamineWorkbook

from benefits import documents
from benefits.models import BenefitType, PayoutStatus
from benefits.selectors import payout_recap
from employees.scope import ALL_UNITS, Scope
from purna import roles
from tests.benefits.documents_helpers import payout_in, pdf_text
from tests.factories import EmployeeFactory, EventFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document, is_progress_page

D = dt.date
SCREENSHOTS = django_settings.BASE_DIR / "var" / "screenshots"
RP = Decimal


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def other_unit(db):
    return UnitKerjaFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture
def cohort(unit, other_unit):
    """Four retirees of 2025 (one of them in another unit) and one of 2026, in various statuses."""
    ani = EmployeeFactory(unit=unit, name="Ani Suryani", tmt_pensiun=D(2025, 3, 1))
    budi = EmployeeFactory(unit=unit, name="Budi Hartono", tmt_pensiun=D(2025, 7, 1))
    citra = EmployeeFactory(unit=other_unit, name="Citra Lestari", tmt_pensiun=D(2025, 11, 1))
    dedi = EmployeeFactory(unit=unit, name="Dedi Kurniawan", tmt_pensiun=D(2026, 2, 1))
    payout_in(PayoutStatus.PAID, employee=ani, benefit=BenefitType.THT, amount="45750000")
    payout_in(PayoutStatus.PAID, employee=ani, amount="2500000")
    payout_in(PayoutStatus.APPROVED, employee=budi, amount="1250000")
    payout_in(PayoutStatus.CANCELLED, employee=budi, benefit=BenefitType.THT, amount="30000000")
    payout_in(PayoutStatus.DRAFT, employee=citra, benefit=BenefitType.THT, amount="38125500.50")
    payout_in(PayoutStatus.VERIFIED, employee=citra, amount="3500000")
    payout_in(PayoutStatus.DRAFT, employee=dedi, amount="1001000")
    return {"ani": ani, "budi": budi, "citra": citra, "dedi": dedi}


def test_one_row_per_retiree_with_both_benefits(cohort):
    recap = payout_recap(scope=ALL_UNITS, year=2025)
    assert [
        (row.name, row.tht.amount, row.tht.status, row.tali_asih.amount, row.tali_asih.status) for row in recap.rows
    ] == [
        ("Ani Suryani", RP("45750000"), "dibayar", RP("2500000"), "dibayar"),
        # The cancelled THT payout does not count.
        ("Budi Hartono", None, None, RP("1250000"), "disetujui"),
        ("Citra Lestari", RP("38125500.50"), "draf", RP("3500000"), "diverifikasi"),
    ]
    assert [row.number for row in recap.rows] == [1, 2, 3]
    assert recap.rows[0].unit == "Dinas Kesehatan"
    assert recap.rows[0].tmt == D(2025, 3, 1)
    assert re.fullmatch(r"\d{8} \d{6} \d \d{3}", recap.rows[0].nip)


def test_the_totals_are_the_sums_of_the_rows_per_status_never_approved_plus_paid(cohort):
    recap = payout_recap(scope=ALL_UNITS, year=2025)
    assert recap.totals.by_status == {
        ("tht", "dibayar"): RP("45750000"),
        ("tht", "draf"): RP("38125500.50"),
        ("tali_asih", "dibayar"): RP("2500000"),
        ("tali_asih", "disetujui"): RP("1250000"),
        ("tali_asih", "diverifikasi"): RP("3500000"),
    }
    # One line per status present, in the pipeline's order; each sums only the rows in that status.
    assert [(s.status, s.tht, s.tali_asih, s.total, s.count) for s in recap.totals.per_status] == [
        ("draf", RP("38125500.50"), RP(0), RP("38125500.50"), 1),
        ("diverifikasi", RP(0), RP("3500000"), RP("3500000"), 1),
        ("disetujui", RP(0), RP("1250000"), RP("1250000"), 1),
        ("dibayar", RP("45750000"), RP("2500000"), RP("48250000"), 2),
    ]
    for line in recap.totals.per_status:
        for benefit in ("tht", "tali_asih"):
            assert getattr(line, benefit) == sum(
                getattr(r, benefit).amount
                for r in recap.rows
                if getattr(r, benefit).status == line.status and getattr(r, benefit).amount is not None
            )
    assert not hasattr(recap.totals, "total")  # no figure adds approved and paid money together


def test_the_recap_by_months_event_and_scope(cohort, unit):
    assert [r.name for r in payout_recap(scope=ALL_UNITS, start=D(2025, 6, 1), end=D(2025, 12, 31)).rows] == [
        "Budi Hartono",
        "Citra Lestari",
    ]
    assert [r.name for r in payout_recap(scope=ALL_UNITS, year=2026).rows] == ["Dedi Kurniawan"]
    assert [r.name for r in payout_recap(scope=Scope(frozenset({unit.pk})), year=2025).rows] == [
        "Ani Suryani",
        "Budi Hartono",
    ]
    event = EventFactory(organizer=unit)
    payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit, name="Eka Putri"), event=event)
    recap = payout_recap(scope=ALL_UNITS, event=event)
    assert [r.name for r in recap.rows] == ["Eka Putri"]
    [approved] = recap.totals.per_status
    assert (approved.status, approved.tali_asih) == ("disetujui", RP("20000000"))


def _make_payouts(unit, count):
    for i in range(count):
        employee = EmployeeFactory(unit=unit, tmt_pensiun=D(2025, 1 + i % 12, 1))
        payout_in(PayoutStatus.PAID, employee=employee, amount=str(1000000 + i))
        if i % 2:
            payout_in(PayoutStatus.DRAFT, employee=employee, benefit=BenefitType.THT, amount="25000000")


def test_the_recap_reads_in_one_query_whatever_its_size(unit, django_assert_num_queries):
    _make_payouts(unit, 5)
    with django_assert_num_queries(1):
        small = payout_recap(scope=ALL_UNITS, year=2025)
    _make_payouts(unit, 55)
    with django_assert_num_queries(1):
        large = payout_recap(scope=ALL_UNITS, year=2025)
    assert (len(small.rows), len(large.rows)) == (5, 60)


def test_the_recap_views_make_the_same_queries_for_5_and_60(client, unit, instansi_cache_warm):
    client.force_login(UserFactory(roles=[roles.PIMPINAN]))
    counts = []
    for extra in (5, 55):
        _make_payouts(unit, extra)
        for name in ("benefits:recap_xlsx", "benefits:recap_pdf"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(name), {"tahun": 2025})
            # Queued, not rendered in the request: the progress page, a new one each time (the data changed).
            assert is_progress_page(response) and b"%PDF" not in response.content
            counts.append(len(queries))
    assert counts[:2] == counts[2:]


# --- XLSX ---------------------------------------------------------------------------------------------------


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_workbook_has_numbers_a_rupiah_format_and_sumif_formulas_per_status(cohort):
    recap = payout_recap(scope=ALL_UNITS, year=2025)
    content = documents.recap_workbook(recap=recap, title="TMT pensiun tahun 2025", agency="BKPSDM Kota Contoh")

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = documents.HEADER_ROW
    data = rows[header + 1 : header + 1 + len(recap.rows)]
    assert [row[1] for row in data] == ["Ani Suryani", "Budi Hartono", "Citra Lestari"]
    assert isinstance(data[0][5], float) and data[0][2] == recap.rows[0].nip  # amounts are numbers, the NIP text
    total_rows = rows[header + 1 + len(recap.rows) : header + 1 + len(recap.rows) + len(recap.totals.per_status)]
    with translation.override(django_settings.LANGUAGE_CODE):
        labels = [documents.status_total_label(line.status_label) for line in recap.totals.per_status]
        paid_label = str(PayoutStatus.PAID.label)
        assert gettext("TOTAL") not in [row[1] for row in rows]
    assert [row[1] for row in total_rows] == labels
    for row, line in zip(total_rows, recap.totals.per_status, strict=True):
        status_label = line.status_label
        assert RP(str(row[5])) == sum((RP(str(r[5])) for r in data if r[6] == status_label), RP(0)) == line.tht
        assert RP(str(row[7])) == sum((RP(str(r[7])) for r in data if r[8] == status_label), RP(0)) == line.tali_asih

    xml = _sheet_xml(content)
    first, last = header + 2, header + 1 + len(recap.rows)
    assert f'<f>SUMIF(G{first}:G{last},"{paid_label}",F{first}:F{last})</f>' in xml
    assert f'<f>SUMIF(I{first}:I{last},"{paid_label}",H{first}:H{last})</f>' in xml
    assert "<f>SUM(" not in xml
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert '"Rp" #,##0' in archive.read("xl/styles.xml").decode().replace("&quot;", '"')


# --- PDF ----------------------------------------------------------------------------------------------------

AMOUNT = re.compile(r"Rp ([\d.]+)")


def _amounts(line: str) -> list[Decimal]:
    return [RP(found.replace(".", "")) for found in AMOUNT.findall(line)]


def test_the_totals_printed_in_the_pdf_equal_the_sum_of_its_rows(cohort, unit, tmp_path):
    # Enough rows for two pages: the sum must hold across the page break too.
    for i in range(30):
        payout_in(
            PayoutStatus.PAID,
            employee=EmployeeFactory(unit=unit, name=f"Pensiunan {i:02d}", tmt_pensiun=D(2025, 5, 1)),
            amount=str(1250000 + 1000 * i),
        )
    recap = payout_recap(scope=ALL_UNITS, year=2025)
    content = documents.recap_pdf(
        recap=recap, title="TMT pensiun tahun 2025", instansi=documents.instansi_load(), printed_on=D(2025, 12, 1)
    )
    text = pdf_text(content, tmp_path)

    lines = text.splitlines()
    nip = re.compile(r"\d{8} \d{6} \d \d{3}")
    row_lines = [line for line in lines if nip.search(line)]
    assert len(row_lines) == len(recap.rows) == 33
    tht_rows = tali_asih_rows = RP(0)
    for line, row in zip(row_lines, recap.rows, strict=True):
        amounts = _amounts(line)
        expected = [cell.amount for cell in (row.tht, row.tali_asih) if cell.amount is not None]
        # Printed rupiah are whole: 38.125.500,50 shows as Rp 38.125.501 (rupiah() rounds half up).
        assert amounts == [a.quantize(RP(1), rounding="ROUND_HALF_UP") for a in expected], line
        if row.tht.amount is not None:
            tht_rows += amounts[0]
        if row.tali_asih.amount is not None:
            tali_asih_rows += amounts[-1]
    with translation.override(django_settings.LANGUAGE_CODE):
        labels = {line.status: documents.status_total_label(line.status_label) for line in recap.totals.per_status}
        assert not [line for line in lines if line.strip().startswith(gettext("TOTAL"))]
        assert gettext("THT and tali asih together") not in text
    # Every status has its own totals row: the cohort's draft THT and the 30 paid rows are never added up.
    assert set(labels) == {"draf", "diverifikasi", "disetujui", "dibayar"}
    [paid_line] = [line for line in lines if line.strip().startswith(labels["dibayar"])]
    paid = next(s for s in recap.totals.per_status if s.status == "dibayar")
    assert _amounts(paid_line) == [paid.tht, paid.tali_asih]
    assert paid.tali_asih == sum(
        (r.tali_asih.amount for r in recap.rows if r.tali_asih.status == "dibayar" and r.tali_asih.amount), RP(0)
    )
    [draft_line] = [line for line in lines if line.strip().startswith(labels["draf"])]
    # The THT total is the sum of the exact amounts, rounded once.
    assert _amounts(draft_line) == [RP("38125501"), RP(0)]
    assert tht_rows == sum((s.tht for s in recap.totals.per_status), RP(0)).quantize(RP(1), rounding="ROUND_HALF_UP")
    assert tali_asih_rows == sum((s.tali_asih for s in recap.totals.per_status), RP(0))
    assert re.search(r"(Page|Halaman) 2 (of|dari) \d", text)  # the rows ran over more than one page
    (tmp_path / "recap.pdf").write_bytes(content)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "recap.pdf"), str(SCREENSHOTS / "benefits_recap")], check=True
    )


# --- Views --------------------------------------------------------------------------------------------------


def test_the_recap_views_refuse_the_wrong_people_and_bad_input(client, unit, english):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages read in their source language
    urls = [reverse("benefits:recap_xlsx"), reverse("benefits:recap_pdf")]
    assert urls == ["/tht-tali-asih/rekap.xlsx", "/tht-tali-asih/rekap.pdf"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(UserFactory(username="tanpa-peran"))
    for url in urls:
        assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))
    elsewhere = EventFactory(organizer=UnitKerjaFactory(code="DISDIK"))
    for url in urls:
        assert client.get(url, {"acara": elsewhere.pk}).status_code == 404
        response = client.get(url, {"tahun": "dua ribu"})
        assert response.status_code == 400 and "Year" in response.text
        response = client.get(url, {"dari": "2025-09", "sampai": "2025-02"})
        assert response.status_code == 400 and "first month comes after the last" in response.text


def test_the_recap_downloads(client, cohort, unit, private_media):
    client.force_login(UserFactory(roles=[roles.OPERATOR], units=[unit]))
    # Made in the background (run here at once: tests/generated_documents.py).
    response = fetch_document(client, reverse("benefits:recap_xlsx"), {"dari": "2025-01", "sampai": "2025-12"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="rekap-tht-tali-asih-')
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    names = [row[1] for row in rows[documents.HEADER_ROW + 1 :]]
    # The operator's scope: Citra (another unit) is not in it.
    assert "Ani Suryani" in names and "Budi Hartono" in names and "Citra Lestari" not in names
    response = fetch_document(client, reverse("benefits:recap_pdf"), {"tahun": 2025})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_amount_columns_say_rp_once_in_the_pdf_and_the_workbook(cohort, tmp_path):
    recap = payout_recap(scope=ALL_UNITS, year=2025)
    pdf = documents.recap_pdf(
        recap=recap, title="TMT pensiun tahun 2025", instansi=documents.instansi_load(), printed_on=D(2025, 12, 1)
    )
    workbook = documents.recap_workbook(recap=recap, title="TMT pensiun tahun 2025", agency="BKPSDM Kota Contoh")

    text = pdf_text(pdf, tmp_path)
    assert "Rp " in text and "(Rp)" not in text  # the cells say "Rp 20.000.000", the header does not repeat it
    header = (
        CalamineWorkbook.from_filelike(io.BytesIO(workbook)).get_sheet_by_index(0).to_python()[documents.HEADER_ROW]
    )
    assert not [label for label in header if "(Rp)" in str(label)]  # the cells' number format says "Rp"
