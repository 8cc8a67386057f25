"""The rule of the pensiun terusan kind: a pensioner who dies (employees/pension_kinds.py).

The deceased's pension goes on to the widow(er) for four months from the month after the death, then the
widow(er)'s pension starts, in the fifth month; there is no uang duka wafat (that is for a death in
service). Taspen pays both; the numbers are marked unsure until the regional office confirms the article
agencies cite. Valid from the date the other kinds' rules are (0021); an admin changes it by adding a
row from a later date.
"""

import datetime as dt

from django.db import migrations

FROM = dt.date(2014, 1, 1)

RULE = {
    "kind": "pensiun_terusan",
    "gaji_terusan_months": 4,
    "pension_tmt_after_months": 5,
    "first_payment_after_months": 5,
    "unsure": True,
    "legal_basis": "UU 11/1969 Pasal 16-20 dan 24; pensiun terusan 4 bulan mulai bulan berikutnya setelah "
    "pensiunan meninggal, lalu pensiun janda/duda mulai bulan ke-5, dibayar PT Taspen, sebagaimana diterapkan "
    "instansi (periksa ke kantor regional BKN).",
}


def seed(apps, schema_editor):
    KindRule = apps.get_model("employees", "KindRule")
    KindRule.objects.get_or_create(kind=RULE["kind"], valid_from=FROM, defaults=RULE)


def unseed(apps, schema_editor):
    apps.get_model("employees", "KindRule").objects.filter(kind=RULE["kind"], valid_from=FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("employees", "0029_pensiun_terusan")]

    operations = [migrations.RunPython(seed, unseed)]
