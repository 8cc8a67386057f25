"""purna/spreadsheets.py: the shared CSV/XLSX reader, with the headers its caller expects passed in."""

import io

from purna import spreadsheets


def open_csv(data: bytes, headers: list[str]) -> spreadsheets.Sheet:
    return spreadsheets.open_sheet(
        io.BytesIO(data), name="data.csv", size=len(data), max_bytes=1024 * 1024, headers=headers
    )


def test_the_separator_is_the_one_that_splits_out_the_callers_headers():
    # Split by comma or by semicolon, this header has two cells: only the expected headers tell which.
    data = b"Kode;Nilai,Rupiah\r\nA;1,5\r\n"

    sheet = open_csv(data, headers=["kode", "nilai,rupiah"])

    assert sheet.header == ["Kode", "Nilai,Rupiah"]
    assert list(sheet.rows) == [(2, ["A", "1,5"])]
    assert open_csv(data, headers=["kode;nilai", "rupiah"]).header == ["Kode;Nilai", "Rupiah"]


def test_header_key_ignores_the_bom_the_required_mark_case_and_spacing():
    assert spreadsheets.header_key("\ufeff  Tanggal_Diterima * ") == "tanggal diterima"
    assert spreadsheets.header_key(None) == ""


def test_column_letters_and_back():
    for index in (0, 25, 26, 701, 702):
        assert spreadsheets.letter_index(spreadsheets.column_letter(index)) == index
