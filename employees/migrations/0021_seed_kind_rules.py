"""The rules of the retirement kinds in force, as DESIGN.md section 5 gives them (employees/pension_kinds.py).

Valid from 1 January 2014 (UU 5/2014; the pension rules of UU 11/1969 are older and unchanged). Values
that are unsure are marked so; an admin changes them by adding a row from a later date.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FROM = dt.date(2014, 1, 1)
LEAD = "Tenggang usul: kantor regional BKN meminta usul 12 sampai 15 bulan sebelum TMT"

# The legal basis is data shown as it is on the staff pages, in Indonesian like the BUP table's (0003).
RULES = [
    {
        "kind": "bup",
        "legal_basis": f"PP 11/2017 Pasal 239; Peraturan BKN 2/2018. {LEAD}.",
    },
    {
        "kind": "pppk_kontrak",
        "legal_basis": f"PP 49/2018 (PPPK: perjanjian kerja berakhir, tanpa pensiun). {LEAD}.",
    },
    {
        "kind": "aps",
        "min_age": 45,
        "min_service_years": 20,
        "legal_basis": "PP 11/2017 (pemberhentian atas permintaan sendiri): pensiun bila pada TMT berusia "
        "paling rendah 45 tahun dengan masa kerja pensiun paling rendah 20 tahun, sebagaimana diterapkan "
        "instansi; selain itu diberhentikan dengan hormat tanpa hak pensiun.",
    },
    {
        "kind": "udzur",
        "min_service_years": 4,
        "legal_basis": "UU 11/1969 Pasal 9 ayat (1) huruf b dan c: karena dinas, pensiun tanpa memandang masa "
        "kerja; bukan karena dinas, masa kerja pensiun paling rendah 4 tahun.",
    },
    {
        "kind": "reorganisasi",
        "min_age": 50,
        "min_service_years": 10,
        "legal_basis": "PP 11/2017 (pemberhentian karena perampingan organisasi): usia 50 tahun dengan masa "
        "kerja 10 tahun; masa kerja 10 tahun tetapi belum 50 tahun: pensiun mulai bulan berikutnya setelah "
        "berusia 50 tahun.",
    },
    {
        "kind": "janda_duda",
        "uang_duka_multiplier": Decimal("3"),
        "gaji_terusan_months": 4,
        "pension_tmt_after_months": 1,
        "first_payment_after_months": 5,
        "legal_basis": "UU 11/1969 Pasal 24 (pensiun janda/duda mulai bulan berikutnya setelah meninggal); "
        "gaji terusan 4 bulan dan uang duka wafat 3 kali penghasilan terakhir sebagaimana dikutip instansi; "
        "pembayaran pertama pada bulan ke-5 setelah meninggal: praktik instansi.",
    },
    {
        "kind": "tewas",
        "uang_duka_multiplier": Decimal("6"),
        "gaji_terusan_months": 4,
        "pension_tmt_after_months": 1,
        "first_payment_after_months": 5,
        "unsure": True,
        "legal_basis": "UU 11/1969 Pasal 24 (pensiun janda/duda mulai bulan berikutnya setelah meninggal); "
        "uang duka tewas 6 kali penghasilan terakhir sebagaimana dilaporkan instansi (belum pasti: periksa "
        "ke kantor regional BKN); pembayaran pertama pada bulan ke-5: praktik instansi.",
    },
]


def seed(apps, schema_editor):
    KindRule = apps.get_model("employees", "KindRule")
    for values in RULES:
        KindRule.objects.get_or_create(kind=values["kind"], valid_from=FROM, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("employees", "0020_kind_rules_discipline_case_outcome")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
