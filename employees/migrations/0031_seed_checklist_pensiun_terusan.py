"""The checklist of a pensiun terusan (the widow(er)'s pension after a pensioner's death), in the style
of 0023.

Sources: Peraturan BKN 2/2018 (the heir signs the DPCP); agency and Taspen lists for the pension of the
widow(er) of a pensioner (bkpsdm.mempawahkab.go.id/page/pensiun-jandaduda): the SK pensiun of the
deceased, the death certificate, the marriage certificate, the family card, the heir statements and the
children's birth certificates when there are children. Existing items that a death asks already (death
certificate, heirs, marriage, children) also ask it now; the new ones are added. Items an admin emptied
of kinds (every kind) are left so; every value stays editable in the admin.
"""

from django.db import migrations

TERUSAN = "pensiun_terusan"

# Items of 0023 that a pensiun terusan asks too (their condition stays theirs).
ALSO_ASKED = [
    "dpcp", "karis-karsu", "kartu-taspen", "surat-nikah", "akta-anak", "keterangan-sekolah-anak",
    "akta-kematian", "keterangan-ahli-waris", "keterangan-janda-duda", "ktp-ahli-waris", "pas-foto-ahli-waris",
]  # fmt: skip

# code, name, required, kinds, condition
DOCUMENTS = [
    ("sk-pensiun-almarhum", "SK pensiun pensiunan yang meninggal dunia", True, [TERUSAN], "always"),
    ("permohonan-janda-duda", "Surat permohonan pensiun janda / duda / anak dari ahli waris", True, [TERUSAN],
     "always"),
    ("karip-almarhum", "Kartu identitas pensiun (KARIP) pensiunan yang meninggal dunia", False, [TERUSAN],
     "always"),
    ("keterangan-belum-menikah-lagi", "Surat keterangan belum menikah lagi dari janda / duda", True, [TERUSAN],
     "has_spouse"),
]  # fmt: skip


def seed(apps, schema_editor):
    DocumentType = apps.get_model("employees", "DocumentType")
    for document_type in DocumentType.objects.filter(code__in=ALSO_ASKED):
        if document_type.kinds and TERUSAN not in document_type.kinds:
            document_type.kinds = [*document_type.kinds, TERUSAN]
            document_type.save(update_fields=["kinds"])
    last = DocumentType.objects.order_by("-order").values_list("order", flat=True).first() or 0
    for order, (code, name, required, kinds, condition) in enumerate(DOCUMENTS, start=last + 1):
        DocumentType.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_required": required, "kinds": kinds, "condition": condition, "order": order},
        )


def unseed(apps, schema_editor):
    DocumentType = apps.get_model("employees", "DocumentType")
    for document_type in DocumentType.objects.filter(code__in=ALSO_ASKED):
        if TERUSAN in document_type.kinds:
            document_type.kinds = [kind for kind in document_type.kinds if kind != TERUSAN]
            document_type.save(update_fields=["kinds"])
    CaseDocument = apps.get_model("employees", "CaseDocument")
    used = set(CaseDocument.objects.values_list("document_type__code", flat=True))
    DocumentType.objects.filter(code__in=[row[0] for row in DOCUMENTS]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("employees", "0030_seed_pensiun_terusan_rule")]

    operations = [migrations.RunPython(seed, unseed)]
