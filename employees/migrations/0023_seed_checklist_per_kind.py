"""The pension proposal's checklist per kind of retirement and condition (employees/checklist.py).

Sources: Peraturan BKN 2/2018 (pension administration, the DPCP); UU 11/1969 art. 16 (children under 25,
unmarried, without income); agency lists: kepegawaian.uny.ac.id/node/17 (BUP, APS, janda/duda),
bkpsdm.mempawahkab.go.id/page/pensiun-jandaduda (death, tewas: death certificate, heir statement, visum
et repertum, chronology from the superior), bkd.garutkab.go.id/page.php?id=21 (udzur: doctors' panel;
reorganisation). Existing items keep their code (and the uploads under them); their kinds and
conditions are set. Every value stays editable in the admin: regions differ.
"""

from django.db import migrations

BUP, APS, DEATH, KILLED, UDZUR, REORG, PPPK = (
    "bup", "aps", "janda_duda", "tewas", "udzur", "reorganisasi", "pppk_kontrak",
)  # fmt: skip
LIVING = [BUP, APS, UDZUR, REORG]
DEATHS = [DEATH, KILLED]
PNS = LIVING + DEATHS

# code, name, required, kinds ([] = every kind), condition
DOCUMENTS = [
    ("surat-pengantar", "Surat pengantar usul pensiun dari OPD", True, [], "always"),
    ("surat-permohonan-aps", "Surat permohonan berhenti atas permintaan sendiri", True, [APS], "always"),
    ("dpcp", "Data Perorangan Calon Penerima Pensiun (DPCP) yang ditandatangani", True, PNS, "always"),
    ("sk-cpns", "SK CPNS", True, PNS, "always"),
    ("sk-pns", "SK PNS", True, PNS, "always"),
    ("sk-pangkat-terakhir", "SK pangkat terakhir", True, PNS, "always"),
    ("sk-jabatan-terakhir", "SK jabatan terakhir", True, LIVING, "always"),
    ("sk-kgb-terakhir", "SK kenaikan gaji berkala (KGB) terakhir", True, PNS, "always"),
    ("sk-pmk", "SK peninjauan masa kerja (PMK)", True, PNS, "has_prior_service"),
    ("skp", "SKP 1-2 tahun terakhir", True, LIVING, "always"),
    ("pernyataan-disiplin", "Surat pernyataan tidak sedang menjalani hukuman disiplin / proses pidana", True,
     LIVING, "always"),
    ("pernyataan-bmn", "Surat pernyataan telah mengembalikan barang milik negara", True, LIVING, "always"),
    ("karpeg", "KARPEG", True, PNS, "always"),
    ("karis-karsu", "KARIS / KARSU", True, PNS, "has_spouse"),
    ("kartu-taspen", "Kartu Taspen", False, PNS, "always"),
    ("ktp", "KTP", True, LIVING + [PPPK], "always"),
    ("npwp", "NPWP", False, [], "always"),
    ("rekening", "Buku rekening bank", True, [], "always"),
    ("surat-nikah", "Surat nikah / akta perkawinan", True, PNS, "has_spouse"),
    ("kartu-keluarga", "Kartu keluarga (KK)", True, [], "always"),
    ("akta-anak", "Akta kelahiran anak yang masih menjadi tanggungan", True, PNS, "has_children"),
    ("keterangan-sekolah-anak", "Surat keterangan masih sekolah / kuliah untuk anak berusia 21-25 tahun", True,
     PNS, "child_over_21_in_school"),
    ("pas-foto", "Pas foto terbaru", True, PNS, "always"),
    # A death (janda/duda, tewas): Peraturan BKN 2/2018 and agency lists.
    ("akta-kematian", "Akta kematian / surat keterangan kematian", True, DEATHS, "always"),
    ("keterangan-ahli-waris", "Surat keterangan ahli waris", True, DEATHS, "always"),
    ("keterangan-janda-duda", "Surat keterangan janda / duda dari kelurahan", True, DEATHS, "has_spouse"),
    ("ktp-ahli-waris", "KTP janda / duda atau ahli waris", True, DEATHS, "always"),
    ("pas-foto-ahli-waris", "Pas foto janda / duda", True, DEATHS, "has_spouse"),
    ("keterangan-orang-tua", "Surat keterangan orang tua kandung (KTP dan KK orang tua)", True, [KILLED],
     "no_spouse_or_children"),
    ("keterangan-tewas", "Surat keterangan / keputusan tewas dari pejabat yang berwenang", True, [KILLED], "always"),
    ("visum-et-repertum", "Visum et repertum", True, [KILLED], "always"),
    ("kronologi-kejadian", "Laporan kronologis kejadian dari pimpinan", True, [KILLED], "always"),
    ("berita-acara-kepolisian", "Berita acara / laporan kepolisian (kecelakaan)", False, [KILLED], "always"),
    # Udzur (unfit for service): the doctors' panel; reorganisation: the decree.
    ("keterangan-tim-penguji-kesehatan", "Surat keterangan Tim Penguji Kesehatan (tidak cakap jasmani / rohani)",
     True, [UDZUR], "always"),
    ("keterangan-akibat-dinas", "Surat keterangan bahwa sakit / cacat disebabkan karena dinas", True, [UDZUR],
     "caused_by_duty"),
    ("keputusan-reorganisasi", "Keputusan perampingan organisasi / penataan kelembagaan", True, [REORG], "always"),
    ("usul-kpp", "Usul kenaikan pangkat pengabdian (KPP)", True, PNS, "kpp_requested"),
    # PPPK contract end (Perpres 98/2020: no pension; the agency closes the contract).
    ("sk-pengangkatan-pppk", "SK pengangkatan PPPK", True, [PPPK], "always"),
    ("perjanjian-kerja-pppk", "Perjanjian kerja PPPK", True, [PPPK], "always"),
    ("keputusan-pemberhentian-pppk", "Keputusan pemberhentian PPPK karena berakhirnya perjanjian kerja", True,
     [PPPK], "always"),
]  # fmt: skip


def seed(apps, schema_editor):
    DocumentType = apps.get_model("employees", "DocumentType")
    for order, (code, name, required, kinds, condition) in enumerate(DOCUMENTS, start=1):
        DocumentType.objects.update_or_create(
            code=code,
            defaults={"name": name, "is_required": required, "kinds": kinds, "condition": condition, "order": order},
        )


def unseed(apps, schema_editor):
    DocumentType = apps.get_model("employees", "DocumentType")
    DocumentType.objects.update(kinds=[], condition="always")
    old = {"surat-pengantar", "dpcp", "sk-cpns", "sk-pns", "sk-pangkat-terakhir", "sk-jabatan-terakhir",
           "sk-kgb-terakhir", "sk-pmk", "skp", "pernyataan-disiplin", "pernyataan-bmn", "karpeg", "karis-karsu",
           "kartu-taspen", "ktp", "npwp", "rekening", "surat-nikah", "kartu-keluarga", "akta-anak", "pas-foto"}  # fmt: skip
    CaseDocument = apps.get_model("employees", "CaseDocument")
    used = set(CaseDocument.objects.values_list("document_type__code", flat=True))
    DocumentType.objects.exclude(code__in=old | used).delete()


class Migration(migrations.Migration):
    dependencies = [("employees", "0022_checklist_per_kind_bkn_answers")]
    operations = [migrations.RunPython(seed, unseed)]
