"""Seed the BUP table with the rules in force (DESIGN.md section 5).

UU 5/2014 (in force 15 January 2014) set the BUP by position category and PP 11/2017 art. 239-240 kept
and detailed it; PP 17/2020 and UU 20/2023 art. 55 left it unchanged. Every rule therefore starts on
2014-01-15 and is open-ended. The data is written out here (not imported from the app) so that this
migration keeps doing the same thing whatever the code becomes.
"""

import datetime as dt

from django.db import migrations

VALID_FROM = dt.date(2014, 1, 15)

PP_239_A = "PP 11/2017 Pasal 239 ayat (2) huruf a (UU 5/2014 Pasal 90; UU 20/2023 Pasal 55)"
PP_239_B = "PP 11/2017 Pasal 239 ayat (2) huruf b (UU 5/2014 Pasal 90; UU 20/2023 Pasal 55)"
PP_239_C = "PP 11/2017 Pasal 239 ayat (2) huruf c (UU 20/2023 Pasal 55)"
GURU = "UU 14/2005 Pasal 30; PP 11/2017 Pasal 240"
DOSEN = "UU 14/2005 Pasal 67; PP 11/2017 Pasal 240"
PROFESOR = "UU 14/2005 Pasal 67 (profesor); PP 11/2017 Pasal 240"
IPTEK = "UU 11/2019 Pasal 53; PP 11/2017 Pasal 240"
TRANSITION = (
    "PP 11/2017 ketentuan peralihan: JF ahli madya yang sebelumnya ber-BUP 65 dan lahir sebelum "
    "7 April 1957 tetap 65 (Surat Kepala BKN tentang BUP JF)"
)

# (jenis_jabatan, jenjang, rumpun, born_before, bup, legal_basis); blank criteria match anyone.
RULES = [
    ("administrator", "", "", None, 58, PP_239_A),
    ("pengawas", "", "", None, 58, PP_239_A),
    ("pelaksana", "", "", None, 58, PP_239_A),
    ("fungsional", "ahli_pertama", "", None, 58, PP_239_A),
    ("fungsional", "ahli_muda", "", None, 58, PP_239_A),
    ("fungsional", "penyelia", "", None, 58, PP_239_A),
    ("fungsional", "mahir", "", None, 58, PP_239_A),
    ("fungsional", "terampil", "", None, 58, PP_239_A),
    ("fungsional", "pemula", "", None, 58, PP_239_A),
    ("jpt_utama", "", "", None, 60, PP_239_B),
    ("jpt_madya", "", "", None, 60, PP_239_B),
    ("jpt_pratama", "", "", None, 60, PP_239_B),
    ("fungsional", "ahli_madya", "", None, 60, PP_239_B),
    ("fungsional", "ahli_utama", "", None, 65, PP_239_C),
    ("fungsional", "ahli_madya", "", dt.date(1957, 4, 7), 65, TRANSITION),
    ("fungsional", "", "guru", None, 60, GURU),
    ("fungsional", "", "dosen", None, 65, DOSEN),
    ("fungsional", "", "profesor", None, 70, PROFESOR),
    ("fungsional", "ahli_pertama", "peneliti", None, 58, IPTEK),
    ("fungsional", "ahli_muda", "peneliti", None, 58, IPTEK),
    ("fungsional", "ahli_madya", "peneliti", None, 65, IPTEK),
    ("fungsional", "ahli_utama", "peneliti", None, 70, IPTEK),
    ("fungsional", "ahli_pertama", "perekayasa", None, 58, IPTEK),
    ("fungsional", "ahli_muda", "perekayasa", None, 58, IPTEK),
    ("fungsional", "ahli_madya", "perekayasa", None, 65, IPTEK),
    ("fungsional", "ahli_utama", "perekayasa", None, 70, IPTEK),
]


def _criteria(row):
    jenis_jabatan, jenjang, rumpun, born_before, bup, legal_basis = row
    return {
        "asn_type": "",  # PNS and PPPK alike: PPPK follow the same BUP by position
        "jenis_jabatan": jenis_jabatan,
        "jenjang": jenjang,
        "rumpun": rumpun,
        "born_before": born_before,
        "bup": bup,
        "valid_from": VALID_FROM,
        "valid_until": None,
        "legal_basis": legal_basis,
    }


def seed_rules(apps, schema_editor):
    RetirementRule = apps.get_model("employees", "RetirementRule")
    for row in RULES:
        criteria = _criteria(row)
        if not RetirementRule.objects.filter(**criteria).exists():
            RetirementRule.objects.create(**criteria)


def unseed_rules(apps, schema_editor):
    RetirementRule = apps.get_model("employees", "RetirementRule")
    for row in RULES:
        RetirementRule.objects.filter(**_criteria(row)).delete()


class Migration(migrations.Migration):
    dependencies = [("employees", "0002_initial")]

    operations = [migrations.RunPython(seed_rules, unseed_rules)]
