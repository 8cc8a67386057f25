"""Uploaded files, checked before anything parses them: archives (zip containers: XLSX, DOCX, ZIP) and
documents (their type by content; PDFs without active content, see sniff_content_type and
pdf_active_content at the end).

A "zip bomb" is a small file that unpacks to gigabytes: a 1.5 MB XLSX whose shared strings unpack to
1.5 GB took a worker past 12 GB of memory. A parser (python-calamine, the zipfile module) trusts what a
zip's headers declare, or reads whatever comes; so before a parser is given the file, archive_check
unpacks every member here, as a stream, a chunk at a time, and throws the bytes away:

- the end of the file is read first: a central directory announcing more members than MAX_MEMBERS (or
  larger than they could take) is refused before the zipfile module lists it;
- at most MAX_MEMBERS members;
- the unpacked sizes the headers declare, and then the sizes actually unpacked (counted while streaming,
  each member read only up to one byte past what its header declares: a header may lie), add up to at
  most the ceiling: MAX_RATIO times the upload's size (at least RATIO_FLOOR, so that a small file is never
  refused for its ratio alone) and never more than MAX_UNPACKED_BYTES;
- no member is itself an archive (zip, gzip, bzip2, xz, 7z, rar), by its name or its first bytes;
- a damaged member (bad CRC, truncated) is refused as damaged.

Memory stays at a chunk (CHUNK_BYTES) whatever the file holds. Raises UploadError with a message for the
person who uploaded the file. Pure: no ORM, no settings; the limits are parameters with defaults here.
"""

import copy
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.utils.translation import gettext as _

MB = 1024 * 1024
MAX_RATIO = 100
MAX_UNPACKED_BYTES = 200 * MB
RATIO_FLOOR = 10 * MB
MAX_MEMBERS = 1000
CHUNK_BYTES = MB
# A central directory entry is 46 bytes plus its name, extra field and comment: this allows long ones.
_DIRECTORY_ENTRY_BYTES = 1024
_END_RECORD = b"PK\x05\x06"
_END_RECORD_SIZE = 22
_MAX_COMMENT = 0xFFFF

# First bytes of the archive formats refused inside an archive.
_ARCHIVE_MAGIC = (
    b"PK\x03\x04",  # zip (and so XLSX, DOCX, ODS, JAR...)
    b"PK\x05\x06",  # an empty zip
    b"PK\x07\x08",  # a spanned zip
    b"\x1f\x8b",  # gzip
    b"BZh",  # bzip2
    b"\xfd7zXZ\x00",  # xz
    b"7z\xbc\xaf\x27\x1c",  # 7-Zip
    b"Rar!\x1a\x07",  # RAR
)
_ARCHIVE_SUFFIXES = frozenset(
    {".zip", ".xlsx", ".xlsm", ".docx", ".docm", ".pptx", ".ods", ".odt", ".jar", ".gz", ".tgz", ".bz2", ".xz"}
    | {".7z", ".rar", ".tar", ".cab"}
)


class UploadError(Exception):
    """An upload refused, with the message for the person who sent it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Archive:
    """What archive_check found in an accepted archive."""

    members: int
    unpacked_bytes: int


def unpacked_limit(size: int, *, max_ratio: int = MAX_RATIO, max_total: int = MAX_UNPACKED_BYTES) -> int:
    """How many bytes an archive of `size` bytes may unpack to, all members together."""
    return min(max_total, max(max_ratio * size, RATIO_FLOOR))


def archive_check(
    file: IO[bytes],
    *,
    max_ratio: int = MAX_RATIO,
    max_total: int = MAX_UNPACKED_BYTES,
    max_members: int = MAX_MEMBERS,
) -> Archive:
    """Unpack every member of the zip `file` (seekable, binary) as a stream and raise UploadError if the
    archive is damaged, holds too many members or a nested archive, or unpacks to more than its ceiling
    (see the module's docstring). The file is left at its start."""
    file.seek(0, 2)
    size = file.tell()
    limit = unpacked_limit(size, max_ratio=max_ratio, max_total=max_total)
    try:
        _directory_check(file, size, max_members)
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            if len(members) > max_members:
                raise UploadError(_too_many(max_members))
            if sum(info.file_size for info in members) > limit:
                raise UploadError(_too_large(limit))
            total = 0
            for info in members:
                total += _member_check(archive, info, limit - total, limit)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, struct.error) as exc:
        raise UploadError(_damaged()) from exc
    except (NotImplementedError, RuntimeError) as exc:
        # An unknown compression method, or an encrypted member.
        raise UploadError(_("The file uses a compression or encryption that cannot be read.")) from exc
    finally:
        file.seek(0)
    return Archive(members=len(members), unpacked_bytes=total)


def _directory_check(file: IO[bytes], size: int, max_members: int) -> None:
    """Refuse an archive whose end record announces too many members, or a central directory too large
    for them, before the zipfile module reads that directory into memory (an object per member)."""
    tail_size = min(size, _END_RECORD_SIZE + _MAX_COMMENT)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < _END_RECORD_SIZE:
        raise UploadError(_damaged())
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])
    # 0xFFFF and 0xFFFFFFFF say "see the Zip64 record": more members or bytes than a classic zip holds.
    if entries > max_members or directory_bytes > max_members * _DIRECTORY_ENTRY_BYTES:
        raise UploadError(_too_many(max_members))


def _member_check(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, limit: int) -> int:
    """Unpack one member as a stream; return its actual size. At most one byte more than its header
    declares is ever unpacked: the zipfile module stops at the declared size, so it is told one more."""
    name = info.filename
    if PurePosixPath(name.lower()).suffix in _ARCHIVE_SUFFIXES:
        raise UploadError(_nested(name))
    probe = copy.copy(info)
    probe.file_size = info.file_size + 1
    # The CRC is checked here, after the sizes: zipfile would check it at the declared size, and a lying
    # header would read as a bad CRC.
    del probe.CRC
    unpacked = crc = 0
    with archive.open(probe) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            if unpacked == 0 and chunk.startswith(_ARCHIVE_MAGIC):
                raise UploadError(_nested(name))
            unpacked += len(chunk)
            crc = zlib.crc32(chunk, crc)
            if unpacked > info.file_size:
                raise UploadError(_lying())
            if unpacked > budget:
                raise UploadError(_too_large(limit))
    if unpacked != info.file_size or crc != info.CRC:
        raise UploadError(_damaged())
    return unpacked


def _damaged() -> str:
    return _("The file is damaged or incomplete: save it again and upload it.")


def _lying() -> str:
    return _(
        "The file is damaged: one of its parts is larger than the file itself declares. Save it again and upload it."
    )


def _too_many(max_members: int) -> str:
    return _("The file holds too many parts (more than %(max)d); it is refused so as not to overload the server.") % {
        "max": max_members
    }


def _too_large(limit: int) -> str:
    return _(
        "Unpacked, the file would take more than %(limit)s; it is refused so as not to overload the server. "
        "Split it into smaller files."
    ) % {"limit": size_text(limit)}


def _nested(name: str) -> str:
    return _("The file holds another compressed file (%(name)s); files packed inside a file are not accepted.") % {
        "name": name[-100:]
    }


# --- Documents: read within a size, the type by content, and PDFs without active content -------------------


def read_upload(uploaded_file: IO[bytes], max_bytes: int) -> bytes:
    """The bytes of an uploaded file (a Django UploadedFile, or any file with a size) of at most
    `max_bytes`, read once; raises UploadError for an empty file or one larger than the limit (its
    declared size first, then what it actually holds: a declared size may lie)."""
    size = getattr(uploaded_file, "size", None)
    if size is None or size == 0:
        raise UploadError(_("The file is empty."))
    if size > max_bytes:
        raise UploadError(too_large_message(size, max_bytes))
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if not data:
        raise UploadError(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadError(_("The file is too large; at most %(max)s is accepted.") % {"max": size_text(max_bytes)})
    return data


def too_large_message(size: int, max_bytes: int) -> str:
    """The one message for an uploaded file over its size limit, whatever the file (a document, a
    spreadsheet to import): the same words and the same rounding everywhere."""
    return _("The file is too large (%(size)s); at most %(max)s is accepted.") % {
        "size": size_text(size, round_up=True),
        "max": size_text(max_bytes),
    }


def size_text(size: int, *, round_up: bool = False) -> str:
    """A size in bytes as people read it: "28,7 MB" (one decimal, a decimal comma), "3 KB" under a
    megabyte (a small limit would otherwise read "0,0 MB"). A file's own size is rounded up, so a file
    just over the limit never reads as equal to it."""
    if size < MB:
        kilobytes = size / 1024
        return f"{math.ceil(kilobytes) if round_up else round(kilobytes)} KB"
    tenths = size * 10 / MB
    tenths = math.ceil(tenths) if round_up else round(tenths)
    return f"{tenths // 10},{tenths % 10} MB"


PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_MAGIC: Sequence[tuple[bytes, str]] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)
SNIFF_BYTES = 8


def sniff_content_type(head: bytes) -> str | None:
    """The document type its first bytes announce (PDF, JPEG, PNG), or None for anything else."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    return None


# PDF names may spell letters as #xx (/J#61vaScript is /JavaScript); the actions that run code or
# programs when a PDF is opened are refused.
_PDF_NAME = re.compile(rb"/([A-Za-z0-9#]+)")
_PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_ACTIVE_NAMES = frozenset({b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"RichMedia", b"XFA"})
_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
# Object streams are inflated to look inside them, up to this many bytes in all (no zip bombs).
MAX_INFLATED_BYTES = 50 * 1024 * 1024


def _names(data: bytes) -> set[bytes]:
    return {_PDF_HEX.sub(lambda m: bytes([int(m[1], 16)]), match[1]) for match in _PDF_NAME.finditer(data)}


def pdf_active_content(data: bytes) -> list[str]:
    """The active-content names (JavaScript, Launch, embedded files...) found in a PDF's objects.

    Only PDF syntax is searched: the text outside streams and the inflated content of object streams
    (/Type /ObjStm, where compressed PDFs keep their dictionaries). Other streams (images, fonts) are
    binary data in which "/JS" can occur by chance, and are skipped.
    """
    outside: list[bytes] = []
    found: set[bytes] = set()
    budget = MAX_INFLATED_BYTES
    position = 0
    while True:
        match = _STREAM_START.search(data, position)
        if match is None:
            outside.append(data[position:])
            break
        head = data[position : match.start()]
        outside.append(head)
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        dictionary = head[head.rfind(b"obj") :]
        if b"ObjStm" in _names(dictionary) and budget > 0:
            try:
                inflated = zlib.decompressobj().decompress(data[match.end() : end], budget)
            except zlib.error:
                inflated = b""
            budget -= len(inflated)
            found |= _names(inflated)
        position = end + len(b"endstream")
    found |= _names(b" ".join(outside))
    return sorted(name.decode() for name in found & _ACTIVE_NAMES)
