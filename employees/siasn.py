"""SIASN's words in our spreadsheets: the column names of BKN's SIASN exports and the values written in them.

SIASN (Sistem Informasi ASN, BKN) exports the register of an agency with its own column names
(`nip_baru`, `tgl_lahir`, `gol_akhir_nama`...) and its own words in the cells ("M"/"F", "Penata",
"Jabatan Fungsional Tertentu", "Masa Persiapan Pensiun"). The employee import (employees/importer.py)
reads such a file as it is: each SIASN column is an alias of one of our columns (HEADERS, the one
table), the SIASN columns we do not keep are ignored with a notice, and the values are converted
to our codes here. A value that has no unambiguous meaning is refused with a message saying why.

Dates need nothing of their own: SIASN writes "26-09-1986" or "1986-09-26", which
purna/spreadsheets.py parse_date reads.

Pure: no ORM, no settings, no clock.
"""

import re

from django.utils.translation import gettext as _

from employees.choices import PNS_GOLONGAN, AsnType, EmployeeStatus, JenisJabatan
from purna.spreadsheets import CellValueError, text_key

# --- Columns -------------------------------------------------------------------------------------------
# SIASN column -> the field of employees/importer.py COLUMNS it fills; None: a SIASN column Purna does
# not keep (ignored, with a notice), so that a whole SIASN export can be imported unchanged.
HEADERS: dict[str, str | None] = {
    "nip_baru": "nip",
    "nip_lama": "nip_lama",
    "jenis_pegawai_nama": "asn_type",
    "gelar_depan": "front_title",
    "nama": "name",
    "gelar_belakang": "back_title",
    "tempat_lahir": "birth_place",
    "tempat_lahir_nama": "birth_place",
    "tgl_lahir": "birth_date",
    "tanggal_lahir": "birth_date",
    "jenis_kelamin": "gender",
    "gol_akhir_nama": "golongan",
    "tmt_golongan": "tmt_golongan",
    "tmt_gol_akhir": "tmt_golongan",
    "jabatan_nama": "jabatan",
    "jenis_jabatan_nama": "jenis_jabatan",
    "unor_nama": "unit_code",
    "tmt_cpns": "tmt_cpns",
    "tmt_pns": "tmt_pns",
    # SIASN's mobile number is the person's own: it still reaches them once retired (employees/contact.py).
    # Its "email" is read as the office address, since Purna's own sheet calls that column "email" too.
    "email": "email",
    "email_gov": None,
    "nomor_hp": "personal_phone",
    "no_hp": "personal_phone",
    "nomor_telpon": "phone",
    "alamat": "address",
    "kedudukan_hukum_nama": "status",
    # Kept by SIASN, not by Purna (or derived by Purna from the columns above).
    "id": None,
    "pns_id": None,
    "nik": None,
    "npwp": None,
    "agama_nama": None,
    "jenis_kawin_nama": None,
    "status_cpns_pns": None,
    "pangkat_akhir_nama": None,
    "gol_awal_nama": None,
    "mk_tahun": None,
    "mk_bulan": None,
    "jabatan_id": None,
    "eselon": None,
    "unor_id": None,
    "unor_induk_nama": None,
    "instansi_induk_nama": None,
    "instansi_kerja_nama": None,
    "satuan_kerja_induk_nama": None,
    "satuan_kerja_kerja_nama": None,
    "lokasi_kerja_nama": None,
    "kpkn_nama": None,
    "tingkat_pendidikan_nama": None,
    "pendidikan_nama": None,
    "tahun_lulus": None,
    "kedudukan_hukum_id": None,
}


def aliases_of(field: str) -> tuple[str, ...]:
    """The SIASN columns that fill `field`."""
    return tuple(header for header, target in HEADERS.items() if target == field)


IGNORED_HEADERS = [header for header, target in HEADERS.items() if target is None]

# --- Values --------------------------------------------------------------------------------------------
# SIASN's words for our codes, by field (whatever their case and spacing: spreadsheets.text_key).
WORDS: dict[str, dict[str, str]] = {
    "gender": {"m": "1", "male": "1", "f": "2", "female": "2"},
    "asn_type": {
        "pns": AsnType.PNS,
        "cpns": AsnType.PNS,
        "pns pusat": AsnType.PNS,
        "pns daerah": AsnType.PNS,
        "pns daerah provinsi": AsnType.PNS,
        "pns daerah kab/kota": AsnType.PNS,
        "pns daerah kabupaten/kota": AsnType.PNS,
        "cpns daerah": AsnType.PNS,
        "pppk": AsnType.PPPK,
        "pppk daerah": AsnType.PPPK,
        "pegawai pemerintah dengan perjanjian kerja": AsnType.PPPK,
    },
    "jenis_jabatan": {
        "jabatan fungsional tertentu": JenisJabatan.FUNGSIONAL,
        "fungsional tertentu": JenisJabatan.FUNGSIONAL,
        "jft": JenisJabatan.FUNGSIONAL,
        "jabatan fungsional umum": JenisJabatan.PELAKSANA,
        "fungsional umum": JenisJabatan.PELAKSANA,
        "jfu": JenisJabatan.PELAKSANA,
        "jabatan pelaksana": JenisJabatan.PELAKSANA,
        "jabatan pimpinan tinggi utama": JenisJabatan.JPT_UTAMA,
        "jabatan pimpinan tinggi madya": JenisJabatan.JPT_MADYA,
        "jabatan pimpinan tinggi pratama": JenisJabatan.JPT_PRATAMA,
        "jabatan administrator": JenisJabatan.ADMINISTRATOR,
        "jabatan pengawas": JenisJabatan.PENGAWAS,
    },
    # SIASN's kedudukan hukum: only those that say where the person stands in Purna's statuses.
    "status": {
        "aktif": EmployeeStatus.AKTIF,
        "tugas belajar": EmployeeStatus.AKTIF,
        "pns dipekerjakan": EmployeeStatus.AKTIF,
        "pns diperbantukan": EmployeeStatus.AKTIF,
        "masa persiapan pensiun": EmployeeStatus.MPP,
        "mpp": EmployeeStatus.MPP,
        "pensiun": EmployeeStatus.PENSIUN,
        "pensiun dengan hak pensiun": EmployeeStatus.PENSIUN,
        "pemberhentian dengan hak pensiun": EmployeeStatus.PENSIUN,
        "meninggal": EmployeeStatus.MENINGGAL,
        "meninggal dunia": EmployeeStatus.MENINGGAL,
        "wafat": EmployeeStatus.MENINGGAL,
        "tewas": EmployeeStatus.MENINGGAL,
        "pemberhentian tanpa hak pensiun": EmployeeStatus.BERHENTI,
        "diberhentikan": EmployeeStatus.BERHENTI,
        "berhenti": EmployeeStatus.BERHENTI,
        "pindah instansi": EmployeeStatus.PINDAH,
        "mutasi keluar": EmployeeStatus.PINDAH,
    },
}
_WORDS = {field: {text_key(word): code for word, code in words.items()} for field, words in WORDS.items()}


def _structural() -> str:
    return _(
        '"Jabatan Struktural" may be JPT, Administrator or Pengawas: write which one (JPT Utama, JPT Madya, '
        "JPT Pratama, Administrator or Pengawas)."
    )


def _kedudukan(text: str) -> str:
    return _(
        "%(value)s: this kedudukan hukum does not say whether the employee is active, on MPP, retired, deceased, "
        "discharged or moved; write one of Aktif, MPP, Pensiun, Meninggal, Berhenti or Pindah."
    ) % {"value": text}


# Words that SIASN writes and that have no single meaning here: refused with their own message.
_AMBIGUOUS = {
    "jenis_jabatan": {text_key(word): _structural for word in ("jabatan struktural", "struktural")},
    "status": {
        text_key(word): None
        for word in (
            "cltn",
            "cuti di luar tanggungan negara",
            "pemberhentian sementara",
            "penerima uang tunggu",
            "pejabat negara",
            "proses banding bapek",
        )
    },
}


def code_of(field: str, text: str) -> str | None:
    """Our code for a SIASN word of `field` ("Jabatan Fungsional Tertentu" -> "fungsional"), or None when
    SIASN has no such word. Raises CellValueError for a word that has no single meaning here."""
    key = text_key(text)
    ambiguous = _AMBIGUOUS.get(field, {})
    if key in ambiguous:
        message = ambiguous[key]
        raise CellValueError(message() if message else _kedudukan(text))
    return _WORDS.get(field, {}).get(key)


# --- Golongan: SIASN's gol_akhir_nama is "III/c", or the pangkat alone ("Penata") ------------------------
_PANGKAT = {text_key(pangkat): code for code, pangkat in PNS_GOLONGAN}
_TINGKAT = re.compile(r"\btk\.?\s*", re.IGNORECASE)


def golongan_of_pangkat(text: str) -> str | None:
    """The PNS golongan of a pangkat name ("Penata Muda Tk. I" -> "III/b"), or None if it is none."""
    return _PANGKAT.get(text_key(_TINGKAT.sub("Tingkat ", text)))


# --- Jenjang and rumpun: SIASN has no column for them; the name of a jabatan fungsional carries them ------
# ("Analis Kepegawaian Ahli Muda", "Guru Ahli Pertama", "Pranata Komputer Terampil"). A dosen's jenjang is
# named by its academic rank (PermenPAN-RB 17/2013 art. 10 with 46/2013: Asisten Ahli, Lektor, Lektor
# Kepala, Profesor), which are the jenjang ahli pertama, muda, madya and utama.
_JENJANG_WORDS = [
    ("ahli utama", "ahli_utama"),
    ("ahli madya", "ahli_madya"),
    ("ahli muda", "ahli_muda"),
    ("ahli pertama", "ahli_pertama"),
    ("lektor kepala", "ahli_madya"),
    ("asisten ahli", "ahli_pertama"),
    ("lektor", "ahli_muda"),
    ("guru besar", "ahli_utama"),
    ("profesor", "ahli_utama"),
    ("penyelia", "penyelia"),
    ("mahir", "mahir"),
    ("terampil", "terampil"),
    ("pemula", "pemula"),
]
_RUMPUN_WORDS = [
    ("guru besar", "profesor"),
    ("profesor", "profesor"),
    ("guru", "guru"),
    ("dosen", "dosen"),
    ("lektor", "dosen"),
    ("asisten ahli", "dosen"),
    ("peneliti", "peneliti"),
    ("perekayasa", "perekayasa"),
]


def _words(text: str, phrases: list[tuple[str, str]]) -> str:
    padded = f" {text_key(re.sub(r'[^0-9A-Za-z]+', ' ', text))} "
    return next((code for phrase, code in phrases if f" {phrase} " in padded), "")


def position_of_jabatan(jabatan: str) -> tuple[str, str]:
    """(jenjang, rumpun) of a jabatan fungsional as SIASN names it; "" for what the name does not say.

    "Guru Ahli Muda" -> ("ahli_muda", "guru"), "Lektor Kepala" -> ("ahli_madya", "dosen"),
    "Pranata Komputer Terampil" -> ("terampil", ""), "Guru Besar" -> ("ahli_utama", "profesor").
    """
    return _words(jabatan, _JENJANG_WORDS), _words(jabatan, _RUMPUN_WORDS)
