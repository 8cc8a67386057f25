"""The civil service's code lists (UU 5/2014, UU 20/2023, PP 11/2017, Perpres 98/2020 for PPPK)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AsnType(models.TextChoices):
    PNS = "PNS", _("PNS")
    PPPK = "PPPK", _("PPPK")


class Gender(models.TextChoices):
    # The digits are the ones the NIP encodes at position 15.
    MALE = "1", _("Laki-laki")
    FEMALE = "2", _("Perempuan")


class JenisJabatan(models.TextChoices):
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Fungsional")


class Jenjang(models.TextChoices):
    """Jenjang of a jabatan fungsional: keahlian (ahli) and keterampilan."""

    AHLI_UTAMA = "ahli_utama", _("Ahli Utama")
    AHLI_MADYA = "ahli_madya", _("Ahli Madya")
    AHLI_MUDA = "ahli_muda", _("Ahli Muda")
    AHLI_PERTAMA = "ahli_pertama", _("Ahli Pertama")
    PENYELIA = "penyelia", _("Penyelia")
    MAHIR = "mahir", _("Mahir")
    TERAMPIL = "terampil", _("Terampil")
    PEMULA = "pemula", _("Pemula")


class RumpunKhusus(models.TextChoices):
    """Families of jabatan fungsional whose own law sets the retirement age (PP 11/2017 art. 240)."""

    GURU = "guru", _("Guru")
    DOSEN = "dosen", _("Dosen")
    PROFESOR = "profesor", _("Profesor / guru besar")
    PENELITI = "peneliti", _("Peneliti")
    PEREKAYASA = "perekayasa", _("Perekayasa")


class EmployeeStatus(models.TextChoices):
    AKTIF = "aktif", _("Aktif")
    MPP = "mpp", _("Masa persiapan pensiun (MPP)")
    PENSIUN = "pensiun", _("Pensiun")
    MENINGGAL = "meninggal", _("Meninggal dunia")
    BERHENTI = "berhenti", _("Berhenti / APS")
    PINDAH = "pindah", _("Pindah instansi")


PNS_GOLONGAN = [
    ("I/a", "Juru Muda"),
    ("I/b", "Juru Muda Tingkat I"),
    ("I/c", "Juru"),
    ("I/d", "Juru Tingkat I"),
    ("II/a", "Pengatur Muda"),
    ("II/b", "Pengatur Muda Tingkat I"),
    ("II/c", "Pengatur"),
    ("II/d", "Pengatur Tingkat I"),
    ("III/a", "Penata Muda"),
    ("III/b", "Penata Muda Tingkat I"),
    ("III/c", "Penata"),
    ("III/d", "Penata Tingkat I"),
    ("IV/a", "Pembina"),
    ("IV/b", "Pembina Tingkat I"),
    ("IV/c", "Pembina Utama Muda"),
    ("IV/d", "Pembina Utama Madya"),
    ("IV/e", "Pembina Utama"),
]
PNS_PANGKAT = dict(PNS_GOLONGAN)
# PPPK golongan are Roman numerals I-XVII with no letter and no pangkat; never map them to PNS codes.
PPPK_GOLONGAN = [
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
]  # fmt: skip

GOLONGAN_CHOICES = [
    (_("PNS"), [(code, f"{code} {pangkat}") for code, pangkat in PNS_GOLONGAN]),
    (_("PPPK"), [(code, f"PPPK {code}") for code in PPPK_GOLONGAN]),
]
