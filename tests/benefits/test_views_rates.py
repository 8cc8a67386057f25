"""Tali asih rates managed from the staff pages (benefits/views/rates.py, benefits/services/rates.py):
bands typed as the KORPRI decision writes them, the table checked by benefits/tali_asih.py (gaps and
overlaps refused in Indonesian, nothing saved), the history, and who may do it."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from benefits.models import TaliAsihRate, TaliAsihRateBand
from purna import roles
from tests.factories import TaliAsihRateFactory, UserFactory

pytestmark = pytest.mark.django_db
RP = Decimal

CREATE = "/tht-tali-asih/tarif/tambah/"


def signed_in(*role_names) -> tuple[Client, object]:
    user = UserFactory(roles=list(role_names))
    client = Client()
    client.force_login(user)
    return client, user


def form(bands: list[tuple[str, str, str, str]], **fields) -> dict:
    """The page's POST: the rate's fields and one row per band (group, from, up to, amount)."""
    data = {
        "name": "Tali asih menurut masa kerja 2025",
        "decision_number": "KEP-05/DP/KORPRI/2025",
        "decision_date": "2025-01-10",
        "effective_from": "2025-01-01",
        "effective_until": "",
        "basis": "masa_kerja",
        "amount": "",
        "cap": "",
        "retirement_kind": "",
        "asn_type": "",
        "notes": "",
        "band-TOTAL_FORMS": str(len(bands) + 1),  # and one row left empty, as the page offers
        "band-INITIAL_FORMS": "0",
        "band-MIN_NUM_FORMS": "0",
        "band-MAX_NUM_FORMS": "1000",
        **fields,
    }
    for n, (group, first, last, amount) in enumerate(bands):
        data.update(
            {
                f"band-{n}-golongan_group": group,
                f"band-{n}-first_year": first,
                f"band-{n}-last_year": last,
                f"band-{n}-amount": amount,
            }
        )
    return data


AS_WRITTEN = [
    ("", "5", "10", "Rp 1.000.000"),
    ("", "11", "15", "1250000"),
    ("", "16", "20", "1.500.000"),
    ("", "21", "", "2000000"),
]


def test_the_urls():
    assert reverse("benefits:rate_create") == CREATE
    assert reverse("benefits:rate_update", args=[7]) == "/tht-tali-asih/tarif/7/ubah/"


def test_an_admin_adds_a_rate_with_its_bands_as_the_decision_writes_them():
    client, user = signed_in(roles.ADMIN)
    assert client.get(CREATE).status_code == 200

    response = client.post(CREATE, form(AS_WRITTEN))

    assert response.status_code == 302 and response.url == reverse("benefits:list")
    rate = TaliAsihRate.objects.get()
    # "5-10 tahun" is stored as 5 <= years < 11 (tali_asih.upper_end), so 10 years is in the first band.
    assert [(b.min_years, b.max_years, b.amount) for b in rate.bands.order_by("min_years")] == [
        (5, 11, RP("1000000")),
        (11, 16, RP("1250000")),
        (16, 21, RP("1500000")),
        (21, None, RP("2000000")),
    ]
    assert rate.history.get().history_user == user
    assert {h.history_user for h in TaliAsihRateBand.history.all()} == {user}
    listing = client.get(reverse("benefits:list")).content.decode()
    assert "5-10" in listing and "&gt;= 21" in listing
    assert reverse("benefits:rate_update", args=[rate.pk]) in listing


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        # 10 typed as "11-15"'s start would be 11: here 12, so 11 years falls in no band.
        (
            [("", "5", "10", "1000000"), ("", "12", "15", "1250000")],
            "Masa kerja 11 tahun tidak tercakup jenjang mana pun",
        ),
        ([("", "5", "10", "1000000"), ("", "10", "15", "1250000")], "Jenjang 5-10 dan 10-15 tumpang tindih."),
        ([("", "5", "10", "1000000"), ("", "8", "", "1250000")], "tumpang tindih"),
        ([("", "10", "5", "1000000")], "10"),  # the end before the start
        ([("", "5", "10", "0")], "lebih dari nol"),
    ],
)
def test_a_table_with_gaps_or_overlaps_is_refused_in_indonesian_and_nothing_is_saved(bands, message):
    client, _user = signed_in(roles.ADMIN)

    response = client.post(CREATE, form(bands))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaliAsihRate.objects.exists() and not TaliAsihRateBand.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"basis": "flat", "amount": "satu juta"}, "bukan besaran uang"),
        ({"basis": "flat", "amount": "9" * 40}, "Besaran lebih dari Rp 1.000.000.000"),  # once a server error
        ({"basis": "flat", "amount": "1250000", "cap": "0"}, "lebih dari nol"),
        ({"basis": "flat", "amount": "1250000", "effective_until": "2024-12-31"}, "tidak boleh sebelum awalnya"),
        ({"basis": "flat", "amount": ""}, "A flat or per-year rate needs its amount."),
    ],
)
def test_bad_rate_fields_are_refused_and_nothing_is_saved(fields, message, settings):
    client, _user = signed_in(roles.ADMIN)
    if message.startswith("A flat"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(CREATE, form([], **fields))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not TaliAsihRate.objects.exists()


def test_changing_a_rate_replaces_its_table_and_a_bad_table_leaves_the_old_one():
    client, _user = signed_in(roles.ADMIN)
    client.post(CREATE, form(AS_WRITTEN))
    rate = TaliAsihRate.objects.get()
    url = reverse("benefits:rate_update", args=[rate.pk])
    page = client.get(url).content.decode()
    assert 'value="10"' in page and 'value="1000000"' in page  # shown as written: 5 to 10, not 11

    refused = client.post(url, form([("", "5", "10", "1000000"), ("", "12", "", "2000000")], name="Diubah"))

    assert refused.status_code == 200
    rate.refresh_from_db()
    assert rate.name == "Tali asih menurut masa kerja 2025" and rate.bands.count() == 4

    changed = client.post(url, form([("", "0", "", "1750000")], basis="masa_kerja", name="Diubah"))

    assert changed.status_code == 302
    rate.refresh_from_db()
    assert rate.name == "Diubah"
    assert [(b.min_years, b.max_years, b.amount) for b in rate.bands.all()] == [(0, None, RP("1750000"))]
    assert [h.history_change_reason for h in rate.history.order_by("history_date")] == ["rate created", "rate changed"]
    assert "rate changed" in client.get(url).content.decode()


def test_who_may_manage_rates():
    rate = TaliAsihRateFactory()
    urls = [CREATE, reverse("benefits:rate_update", args=[rate.pk])]
    anonymous = Client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    # An operator reads the rates (benefits.view_*) but may not write them; nor may someone with no role.
    for role_names in [(roles.OPERATOR,), (roles.BENDAHARA,), ()]:
        client, _user = signed_in(*role_names)
        for url in urls:
            assert client.get(url).status_code == 403
            assert client.post(url, form(AS_WRITTEN)).status_code == 403
    assert TaliAsihRate.objects.count() == 1
    client, _user = signed_in(roles.OPERATOR)
    listing = client.get(reverse("benefits:list")).content.decode()
    assert CREATE not in listing and urls[1] not in listing
    client, _user = signed_in(roles.ADMIN)
    assert client.get(reverse("benefits:rate_update", args=[rate.pk + 100])).status_code == 404
    assert client.get(urls[1]).status_code == 200
