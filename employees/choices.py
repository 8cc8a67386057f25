"""The civil service's code lists (UU 5/2014, UU 20/2023, PP 11/2017, Perpres 98/2020 for PPPK)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AsnType(models.TextChoices):
    PNS = "PNS", _("PNS")
    PPPK = "PPPK", _("PPPK")


class Gender(models.TextChoices):
    # The digits are the ones the NIP encodes at position 15.
    MALE = "1", _("Male")
    FEMALE = "2", _("Female")


class JenisJabatan(models.TextChoices):
    # Position categories are the law's names (UU 20/2023): they stay Indonesian in every language.
    JPT_UTAMA = "jpt_utama", _("JPT Utama")
    JPT_MADYA = "jpt_madya", _("JPT Madya")
    JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
    ADMINISTRATOR = "administrator", _("Administrator")
    PENGAWAS = "pengawas", _("Pengawas")
    PELAKSANA = "pelaksana", _("Pelaksana")
    FUNGSIONAL = "fungsional", _("Functional")


class Jenjang(models.TextChoices):
    """Jenjang of a jabatan fungsional: keahlian (ahli) and keterampilan.

    The jenjang names are proper names of the civil service: they stay Indonesian in every language.
    """

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

    GURU = "guru", _("Teacher (guru)")
    DOSEN = "dosen", _("Lecturer (dosen)")
    PROFESOR = "profesor", _("Professor (guru besar)")
    PENELITI = "peneliti", _("Researcher (peneliti)")
    PEREKAYASA = "perekayasa", _("Engineer (perekayasa)")


class EmployeeStatus(models.TextChoices):
    AKTIF = "aktif", _("Active")
    MPP = "mpp", _("Pre-retirement leave (MPP)")
    PENSIUN = "pensiun", _("Retired")
    MENINGGAL = "meninggal", _("Deceased")
    BERHENTI = "berhenti", _("Left the service / APS")
    PINDAH = "pindah", _("Moved to another agency")


# Pangkat names are proper names written on every decree: never translated.
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


class RetirementKind(models.TextChoices):
    """Kinds of retirement (PP 11/2017 ch. XIII; Peraturan BKN on pension administration)."""

    BUP = "bup", _("Retirement age (BUP)")
    APS = "aps", _("Own request (APS)")
    DEATH = "janda_duda", _("Death (widow/widower pension)")
    KILLED = "tewas", _("Killed in the line of duty (tewas)")
    DISABILITY = "udzur", _("Disability / illness (udzur)")
    REORGANISATION = "reorganisasi", _("Reorganisation")
    CONTRACT_END = "pppk_kontrak", _("PPPK contract end")
    # A pensioner who dies: the pension goes on for four months, then the widow(er)'s pension.
    PENSIONER_DEATH = "pensiun_terusan", _("Death of a pensioner (pensiun terusan)")


class CaseStatus(models.TextChoices):
    """The pension proposal pipeline: OPD/BKPSDM -> BKN -> BKN's pertek -> SK pensiun -> done."""

    PREPARING = "berkas_disiapkan", _("Preparing documents")
    PROPOSED = "diusulkan", _("Proposed to BKN")
    PERTEK = "pertek_terbit", _("Pertek issued by BKN")
    SK_ISSUED = "sk_terbit", _("SK pensiun issued")
    # BKN's answers to a proposal (the words SIASN shows): returned as incomplete, or refused.
    INCOMPLETE = "btl", _("Returned by BKN: incomplete (BTL)")
    NOT_ELIGIBLE = "tms", _("Refused by BKN: requirements not met (TMS)")
    DONE = "selesai", _("Done")
    CANCELLED = "dibatalkan", _("Cancelled")


class ChecklistCondition(models.TextChoices):
    """When a document of the checklist is asked of a person (employees/checklist.py evaluates them)."""

    ALWAYS = "always", _("Always")
    HAS_SPOUSE = "has_spouse", _("Has a husband or wife")
    HAS_CHILDREN = "has_children", _("Has children who count for the pension (under 25, unmarried, no income)")
    CHILD_OVER_21_IN_SCHOOL = "child_over_21_in_school", _("Has a child of 21 to 24 still in school or university")
    NO_SPOUSE_OR_CHILDREN = "no_spouse_or_children", _("Has neither a spouse nor children who count (the parents)")
    HAS_PRIOR_SERVICE = "has_prior_service", _("Has recognised prior service (SK PMK)")
    CAUSED_BY_DUTY = "caused_by_duty", _("Caused by duty")
    KPP_REQUESTED = "kpp_requested", _("KPP requested")
    MARRIED_FEMALE = "married_female", _("A woman with a husband")


class ImportKind(models.TextChoices):
    """What an import job's spreadsheet holds: employees (the register) or their families."""

    EMPLOYEES = "pegawai", _("Employees")
    FAMILY = "keluarga", _("Family")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MarriageEnd(models.TextChoices):
    """How a marriage recorded on the register ended (blank while it lasts)."""

    DIVORCE = "cerai", _("Divorce")
    DEATH = "wafat", _("Death of the spouse")


class ChildRelation(models.TextChoices):
    """A child's tie to the employee (UU 11/1969: natural and adopted children count; step-children are
    recorded because agencies list them on the DPCP)."""

    NATURAL = "kandung", _("Natural child")
    STEP = "tiri", _("Step-child")
    ADOPTED = "angkat", _("Adopted child")


class ParentRelation(models.TextChoices):
    FATHER = "ayah", _("Father")
    MOTHER = "ibu", _("Mother")


class DisciplineLevel(models.TextChoices):
    """Levels of a discipline penalty (PP 94/2021 art. 8): a medium or heavy one bars the KPP for a year."""

    LIGHT = "ringan", _("Light")
    MEDIUM = "sedang", _("Medium")
    HEAVY = "berat", _("Heavy")


class CorrectionStatus(models.TextChoices):
    """Where a retiree's request to correct their family data stands: staff decide, nothing changes alone."""

    PENDING = "pending", _("Pending")
    APPLIED = "applied", _("Applied")
    REJECTED = "rejected", _("Rejected")


class SkHandoverPlace(models.TextChoices):
    """Where the SK pensiun was handed over (tanda terima SK pensiun)."""

    CEREMONY = "acara", _("At a ceremony")
    DESK = "loket", _("At the desk")
