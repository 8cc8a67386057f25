"""The usual documents of a pension proposal (DESIGN.md, usulan pensiun BUP); editable in the admin."""

from django.db import migrations

DOCUMENTS = [
    ("surat-pengantar", "Surat pengantar usul pensiun dari OPD", True),
    ("dpcp", "Data Perorangan Calon Penerima Pensiun (DPCP) yang ditandatangani", True),
    ("sk-cpns", "SK CPNS", True),
    ("sk-pns", "SK PNS", True),
    ("sk-pangkat-terakhir", "SK pangkat terakhir", True),
    ("sk-jabatan-terakhir", "SK jabatan terakhir", True),
    ("sk-kgb-terakhir", "SK kenaikan gaji berkala (KGB) terakhir", True),
    ("sk-pmk", "SK peninjauan masa kerja (PMK), bila ada", False),
    ("skp", "SKP 1-2 tahun terakhir", True),
    ("pernyataan-disiplin", "Surat pernyataan tidak sedang menjalani hukuman disiplin / proses pidana", True),
    ("pernyataan-bmn", "Surat pernyataan telah mengembalikan barang milik negara", True),
    ("karpeg", "KARPEG", True),
    ("karis-karsu", "KARIS / KARSU", True),
    ("kartu-taspen", "Kartu Taspen", False),
    ("ktp", "KTP", True),
    ("npwp", "NPWP", False),
    ("rekening", "Buku rekening bank", True),
    ("surat-nikah", "Surat nikah / akta perkawinan", True),
    ("kartu-keluarga", "Kartu keluarga (KK)", True),
    ("akta-anak", "Akta kelahiran anak yang masih menjadi tanggungan", False),
    ("pas-foto", "Pas foto terbaru", True),
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("employees", "DocumentType")
    for order, (code, name, required) in enumerate(DOCUMENTS, start=1):
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "is_required": required, "order": order})


def unseed(apps, schema_editor):
    apps.get_model("employees", "DocumentType").objects.filter(code__in=[d[0] for d in DOCUMENTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("employees", "0004_retirement_cases")]
    operations = [migrations.RunPython(seed, unseed)]
