"""Real zip bombs, built in a blink and a few MB on disk, for the tests of purna/uploads.py and of the
uploads that use it; and the memory high-water mark of the test process.

The deflate stream of a large member is one compressed chunk repeated: each copy is compressed on its
own (zlib's full flush resets the history and ends on a byte), so n copies unpack to the chunk n times.
"""

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
GB = 1024 * MB
_CHUNK = 8 * MB
SHARED_STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


@dataclass(frozen=True)
class Member:
    """A member as it is stored: its name, its raw deflate data, the CRC and size of what that unpacks to,
    and the size its headers declare (the true one unless a lie is wanted)."""

    name: str
    data: bytes
    crc: int
    size: int
    declared: int | None = None
    method: int = zipfile.ZIP_DEFLATED


@functools.lru_cache(maxsize=8)
def repeated(pattern: bytes, size: int, head: bytes = b"", tail: bytes = b"") -> tuple[bytes, int, int]:
    """(raw deflate data, CRC, unpacked size) of head + pattern repeated to about `size` bytes + tail."""
    chunk = pattern * (_CHUNK // len(pattern))
    copies = max(size // len(chunk), 1)

    def block(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    body = block(chunk)
    final = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = block(head) + body * copies + final.compress(tail) + final.flush()
    crc = zlib.crc32(head)
    for _copy in range(copies):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return data, crc, len(head) + len(chunk) * copies + len(tail)


def member(name: str, content: bytes) -> Member:
    """An ordinary member, compressed."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def big_member(name: str, pattern: bytes, size: int, *, declared: int | None = None, head=b"", tail=b"") -> Member:
    data, crc, actual = repeated(pattern, size, head, tail)
    return Member(name, data, crc, actual, declared)


def zip_of(members: list[Member]) -> bytes:
    """A zip file written field by field, so that its headers can declare what the test wants."""
    out = io.BytesIO()
    directory = io.BytesIO()
    for item in members:
        name = item.name.encode()
        declared = item.size if item.declared is None else item.declared
        offset = out.tell()
        sizes = (item.crc, len(item.data), declared)
        out.write(struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, item.method, 0, 0x21, *sizes, len(name), 0))
        out.write(name)
        out.write(item.data)
        directory.write(
            struct.pack(
                "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, item.method, 0, 0x21, *sizes, len(name), 0, 0, 0, 0, 0, offset
            )
        )
        directory.write(name)
    start = out.tell()
    out.write(directory.getvalue())
    count = len(members)
    out.write(struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, count, count, len(directory.getvalue()), start, 0))
    return out.getvalue()


def replace_members(archive: bytes, replaced: dict[str, Member]) -> bytes:
    """A copy of a (small, real) zip with some members replaced or added."""
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        kept = [member(info.filename, source.read(info)) for info in source.infolist() if info.filename not in replaced]
    return zip_of([*kept, *replaced.values()])


def shared_strings_bomb(xlsx: bytes, *, size: int = GB, lie: bool = False) -> bytes:
    """An XLSX (a real one, `xlsx`) whose shared strings unpack to `size` bytes: tens of millions of
    one-letter strings, as in the file that took a worker past 12 GB. `lie`: its headers declare 10 kB."""
    strings = big_member(
        "xl/sharedStrings.xml",
        b"<si><t>x</t></si>",
        size,
        declared=10_000 if lie else None,
        head=SHARED_STRINGS_HEAD,
        tail=b"</sst>",
    )
    return replace_members(xlsx, {strings.name: strings})


def many_shared_strings(xlsx: bytes, count: int) -> bytes:
    """An XLSX (a real one, `xlsx`) with `count` distinct shared strings: no bomb (it unpacks to a few
    times its size, within every ceiling), but heavy to parse: python-calamine holds them all. Its sheet's
    XML has a comment, so that python-calamine is the reader (purna/spreadsheets.py's stream leaves such
    sheets to it, and keeps shared strings in a compact buffer)."""
    content = b"".join([SHARED_STRINGS_HEAD, *(b"<si><t>s%d</t></si>" % n for n in range(count)), b"</sst>"])
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source:
        declaration, _end, rest = source.read(sheet).partition(b"?>")
    return replace_members(
        xlsx,
        {
            "xl/sharedStrings.xml": member("xl/sharedStrings.xml", content),
            sheet: member(sheet, declaration + b"?><!-- read by python-calamine -->" + rest),
        },
    )


# --- Memory of this process --------------------------------------------------------------------------------


_resident_at_reset = 0


def _status_bytes(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise AssertionError(f"no {field} in /proc/self/status")


def peak_reset() -> None:
    """Start measuring the resident high-water mark (VmHWM) again from now (Linux >= 4.0)."""
    global _resident_at_reset
    Path("/proc/self/clear_refs").write_text("5")
    _resident_at_reset = _status_bytes("VmRSS")


def peak_bytes() -> int:
    """How far this process's resident memory rose above where it stood at peak_reset(): what the work
    since then took, whatever the tests before it left in the process (the whole suite holds ~300 MB)."""
    return _status_bytes("VmHWM") - _resident_at_reset
