"""The rules of the retirement kinds in force, as DESIGN.md section 5 gives them (employees/pension_kinds.py).

Valid from 1 January 2014 (UU 5/2014; the pension rules of UU 11/1969 are older and unchanged). Values
that are unsure are marked so; an admin changes them by adding a row from a later date.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FROM = dt.date(2014, 1, 1)
LEAD = "Lead time: BKN regional offices ask for the proposal 12 to 15 months before the TMT"

RULES = [
    {
        "kind": "bup",
        "legal_basis": f"PP 11/2017 art. 239; Peraturan BKN 2/2018. {LEAD}.",
    },
    {
        "kind": "pppk_kontrak",
        "legal_basis": f"PP 49/2018 (PPPK: the contract ends, no pension). {LEAD}.",
    },
    {
        "kind": "aps",
        "min_age": 45,
        "min_service_years": 20,
        "legal_basis": "PP 11/2017 (discharge at one's own request): a pension from age 45 with 20 years of "
        "masa kerja pensiun on the TMT, as agencies apply it; otherwise discharged honourably without pension.",
    },
    {
        "kind": "udzur",
        "min_service_years": 4,
        "legal_basis": "UU 11/1969 art. 9(1) b and c: caused by duty, a pension whatever the service; "
        "otherwise at least 4 years of masa kerja pensiun.",
    },
    {
        "kind": "reorganisasi",
        "min_age": 50,
        "min_service_years": 10,
        "legal_basis": "PP 11/2017 (discharge for a reorganisation): age 50 with 10 years of service; with 10 "
        "years but under 50 the pension starts the month after turning 50.",
    },
    {
        "kind": "janda_duda",
        "uang_duka_multiplier": Decimal("3"),
        "gaji_terusan_months": 4,
        "pension_tmt_after_months": 1,
        "first_payment_after_months": 5,
        "legal_basis": "UU 11/1969 art. 24 (pensiun janda/duda from the month after the death); gaji terusan "
        "4 months and uang duka wafat 3x the last income as agencies cite them; first payment in the 5th "
        "month after the death: agency practice.",
    },
    {
        "kind": "tewas",
        "uang_duka_multiplier": Decimal("6"),
        "gaji_terusan_months": 4,
        "pension_tmt_after_months": 1,
        "first_payment_after_months": 5,
        "unsure": True,
        "legal_basis": "UU 11/1969 art. 24 (pensiun janda/duda from the month after the death); uang duka "
        "tewas 6x the last income as agencies report it (unsure: check with the BKN regional office); "
        "first payment in the 5th month: agency practice.",
    },
]


def seed(apps, schema_editor):
    KindRule = apps.get_model("employees", "KindRule")
    for values in RULES:
        KindRule.objects.get_or_create(kind=values["kind"], valid_from=FROM, defaults=values)


class Migration(migrations.Migration):
    dependencies = [("employees", "0019_kind_rules_discipline_case_outcome")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
