"""The benefits page (benefits:list): the tali asih rates with their bands, for staff roles only."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from purna import roles
from tests.factories import TaliAsihRateBandFactory, TaliAsihRateFactory


def test_the_rates_page_shows_each_rate_and_its_bands(client, role_user):
    TaliAsihRateFactory(name="Tali asih Batang", amount=Decimal("1250000"))
    band = TaliAsihRateBandFactory(rate__name="Tali asih menurut masa kerja")
    TaliAsihRateBandFactory(rate=band.rate, min_years=10, max_years=None, amount=Decimal("2000000"))
    client.force_login(role_user(roles.BENDAHARA))

    response = client.get(reverse("benefits:list"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Tali asih Batang" in page and "Rp 1.250.000" in page
    assert (
        "Rp 1.000.000" in page and "Rp 2.000.000" in page and "5-9" in page and "&gt;= 10" in page
    )  # the whole years each band covers


def queries_for_page(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("benefits:list")).status_code == 200
    return len(queries)


def test_the_rates_page_runs_a_fixed_number_of_queries(client, role_user):
    client.force_login(role_user(roles.OPERATOR))
    TaliAsihRateBandFactory()
    queries_for_page(client)  # the session and the user's permissions are cached from here on
    one = queries_for_page(client)
    for _ in range(10):
        TaliAsihRateBandFactory()

    assert queries_for_page(client) == one


def test_the_rates_page_refuses_a_user_without_a_role(client, no_role_user):
    client.force_login(no_role_user)

    assert client.get(reverse("benefits:list")).status_code == 403
