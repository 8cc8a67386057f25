"""purna/uploads.py: zip containers checked before anything parses them, against real bombs built here
(tests/bombs.py: a few MB on disk, up to a gigabyte unpacked), with the test process's memory measured."""

import dataclasses
import io
import zlib

import pytest
from django.utils import translation

from purna import uploads
from purna.spreadsheets import ImportFileError, check_size
from tests import bombs
from tests.employees.sheets import row, xlsx_bytes
from tests.factories import MINIMAL_PDF

MB = bombs.MB
GB = bombs.GB
MEMORY_LIMIT = 300 * MB


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def refusal(data: bytes) -> str:
    """The message archive_check refuses `data` with; the process's peak memory meanwhile is checked."""
    bombs.peak_reset()
    with pytest.raises(uploads.UploadError) as caught:
        uploads.archive_check(io.BytesIO(data))
    assert bombs.peak_bytes() < MEMORY_LIMIT
    return caught.value.message


def gzip_of(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def test_an_ordinary_workbook_is_unpacked_and_accepted():
    data = xlsx_bytes([row(n) for n in range(1, 50)])
    file = io.BytesIO(data)
    file.seek(100)

    archive = uploads.archive_check(file)

    assert archive.members > 5
    assert 0 < archive.unpacked_bytes < uploads.RATIO_FLOOR
    assert file.tell() == 0


def test_a_small_file_is_not_refused_for_its_ratio_alone():
    # 8 MB of zeros in 8 kB: a ratio of 1000, but under the floor of 10 MB.
    data = bombs.zip_of([bombs.big_member("kosong.txt", b"\0", 8 * MB)])

    assert uploads.archive_check(io.BytesIO(data)).unpacked_bytes == 8 * MB


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (
            # 1 GB of zeros whose headers declare 1,000 bytes: the zipfile module would stop at 1,000 (and
            # report a bad CRC); a parser that trusts the stream unpacks the gigabyte.
            lambda: bombs.zip_of([bombs.big_member("data.txt", b"\0", GB, declared=1000)]),
            lambda data: uploads._lying(),
        ),
        (
            lambda: bombs.zip_of([bombs.member("a.txt", b"a"), bombs.big_member("data.txt", b"\0", GB)]),
            lambda data: uploads._too_large(uploads.unpacked_limit(len(data))),
        ),
        (
            # 40 MB in 40 kB: under the absolute ceiling, far over 100 times the file (and the floor).
            lambda: bombs.zip_of([bombs.big_member("data.txt", b"abcd", 40 * MB)]),
            lambda data: uploads._too_large(uploads.unpacked_limit(len(data))),
        ),
        (
            # Several members, each small, together past the ratio.
            lambda: bombs.zip_of([bombs.big_member(f"data{n}.txt", b"\0", 4 * MB + n) for n in range(4)]),
            lambda data: uploads._too_large(uploads.unpacked_limit(len(data))),
        ),
        (
            lambda: bombs.zip_of([bombs.member(f"f{n}.txt", b"") for n in range(uploads.MAX_MEMBERS + 1)]),
            lambda data: uploads._too_many(uploads.MAX_MEMBERS),
        ),
        (
            lambda: bombs.zip_of([bombs.member("a.txt", b"a"), bombs.member("dalam.zip", bombs.zip_of([]))]),
            lambda data: uploads._nested("dalam.zip"),
        ),
        (
            # Named as anything, a zip is recognised by its first bytes.
            lambda: bombs.zip_of([bombs.member("xl/media/image1.png", xlsx_bytes([row()]))]),
            lambda data: uploads._nested("xl/media/image1.png"),
        ),
        (
            lambda: bombs.zip_of([bombs.member("data.bin", gzip_of(b"\0" * 1000))]),
            lambda data: uploads._nested("data.bin"),
        ),
        (
            lambda: bombs.shared_strings_bomb(xlsx_bytes([row()])),
            lambda data: uploads._too_large(uploads.unpacked_limit(len(data))),
        ),
        (
            lambda: bombs.shared_strings_bomb(xlsx_bytes([row()]), lie=True),
            lambda data: uploads._lying(),
        ),
    ],
    ids=[
        "header lies",
        "gigabyte member",
        "high ratio",
        "members add up",
        "too many members",
        "nested zip",
        "nested zip by content",
        "nested gzip",
        "xlsx shared strings",
        "xlsx shared strings, header lies",
    ],
)
def test_a_bomb_is_refused_while_streaming_in_little_memory(build, expected):
    data = build()
    assert len(data) < 5 * MB

    assert refusal(data) == expected(data)


def test_too_many_members_are_refused_before_the_directory_is_read(monkeypatch):
    # The end record is read first: a directory of a million entries would cost the zipfile module
    # hundreds of MB of objects before anything could be counted.
    data = bombs.zip_of([bombs.member(f"f{n}.txt", b"") for n in range(uploads.MAX_MEMBERS + 1)])
    monkeypatch.setattr(uploads.zipfile, "ZipFile", None)

    assert refusal(data) == uploads._too_many(uploads.MAX_MEMBERS)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"PK\x03\x04" + b"\0" * 200, lambda: uploads._damaged()),
        (xlsx_bytes([row()])[:-30], lambda: uploads._damaged()),
        (
            # The header says 2,000 bytes, there are 1,000: short, so not what was sent.
            bombs.zip_of([dataclasses.replace(bombs.member("data.txt", b"\0" * 1000), declared=2000)]),
            lambda: uploads._damaged(),
        ),
        (
            bombs.zip_of([bombs.Member("data.txt", b"a", crc=0, size=1, method=0)]),
            lambda: uploads._damaged(),
        ),
    ],
    ids=["not a zip", "truncated", "member shorter than declared", "bad crc"],
)
def test_a_damaged_archive_is_refused(data, expected):
    assert refusal(data) == expected()


def test_the_ceiling_follows_the_upload_within_the_floor_and_the_absolute_limit():
    assert uploads.unpacked_limit(1000) == uploads.RATIO_FLOOR
    assert uploads.unpacked_limit(MB) == 100 * MB
    assert uploads.unpacked_limit(50 * MB) == uploads.MAX_UNPACKED_BYTES


# --- Documents: the type by content, and PDFs without active content ---------------------------------------


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.7\n%", uploads.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", uploads.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", uploads.PNG),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows program
        (b"PK\x03\x04\x14\x00", None),  # a ZIP or DOCX
        (b"GIF89a\x01\x00", None),
        (b"<html><script>", None),
        (b" %PDF-1.4", None),
        (b"\x89PNG", None),  # cut short
        (b"", None),
    ],
)
def test_documents_are_recognised_by_their_first_bytes(head, expected):
    assert uploads.sniff_content_type(head) == expected


def pdf_with(objects: bytes) -> bytes:
    return MINIMAL_PDF.replace(b"trailer", objects + b"\ntrailer")


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (MINIMAL_PDF, []),
        (pdf_with(b"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj"), ["JS", "JavaScript"]),
        (pdf_with(b"4 0 obj << /S /J#61vaScript /J#53 (x) >> endobj"), ["JS", "JavaScript"]),
        (pdf_with(b"4 0 obj << /S /Launch /F (cmd.exe) >> endobj"), ["Launch"]),
        (pdf_with(b"4 0 obj << /Type /EmbeddedFile >> endobj"), ["EmbeddedFile"]),
        # Hidden in a compressed object stream.
        (
            pdf_with(
                b"4 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>\nstream\n"
                + zlib.compress(b"5 0 << /S /JavaScript /JS (app.alert(1)) >>")
                + b"\nendstream endobj"
            ),
            ["JS", "JavaScript"],
        ),
        # "/JS" inside binary image data is chance, not a name: image streams are not searched.
        (pdf_with(b"4 0 obj << /Subtype /Image /Filter /DCTDecode >>\nstream\n\xff\xd8/JS \x00\nendstream endobj"), []),
        (pdf_with(b"4 0 obj << /Type /ObjStm >>\nstream\nnot zlib at all\nendstream endobj"), []),
    ],
)
def test_pdf_active_content(data, found):
    assert uploads.pdf_active_content(data) == found


# --- read_upload: one reading of an upload, within a size ---------------------------------------------------


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, size: int | None = None) -> None:
        super().__init__(data)
        self.size = len(data) if size is None else size


def test_read_upload_returns_the_bytes_within_the_limit():
    assert uploads.read_upload(_Upload(b"%PDF-1.7 ok"), 100) == b"%PDF-1.7 ok"


@pytest.mark.parametrize(
    ("upload", "limit"),
    [
        (_Upload(b""), 100),  # empty
        (_Upload(b"x" * 101), 100),  # declared too large
        (_Upload(b"x" * 101, size=10), 100),  # declared small, holds more
    ],
)
def test_read_upload_refuses_empty_or_too_large_files(upload, limit):
    with pytest.raises(uploads.UploadError):
        uploads.read_upload(upload, limit)


# --- one message for a file over its size limit ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limit", "expected"),
    [
        (30_000_000, 5 * 1024 * 1024, "The file is too large (28,7 MB); at most 5,0 MB is accepted."),
        (1024 * 1024 + 1, 1024 * 1024, "The file is too large (1,1 MB); at most 1,0 MB is accepted."),
        (3005, 2048, "The file is too large (3 KB); at most 2 KB is accepted."),
    ],
)
def test_a_document_and_a_spreadsheet_over_the_limit_read_the_same_message(size, limit, expected):
    with translation.override("en"):
        with pytest.raises(uploads.UploadError) as document:
            uploads.read_upload(_Upload(b"x", size=size), limit)
        with pytest.raises(ImportFileError) as spreadsheet:
            check_size(size, limit)

    assert document.value.message == spreadsheet.value.message == expected


def test_the_size_limit_message_is_in_indonesian():
    with translation.override("id"):
        message = uploads.too_large_message(30_000_000, 5 * 1024 * 1024)

    assert message == "File terlalu besar (28,7 MB); paling besar 5,0 MB."
