"""One way of writing things across pages, documents and emails (issue 18, item 13): the agency's phone
is never wrapped in a second pair of brackets, a degree's stop is not doubled, the verification page
labels place and date, money carries "Rp" once, and texts for retirees say "Bapak/Ibu"."""

import re

import pytest
from django.urls import reverse

from portal.demo import instansi_ensure
from tests.factories import ParticipantFactory
from tests.purna.retiree_texts import CATALOGUE, retiree_entries

pytestmark = pytest.mark.django_db


def test_a_refused_rsvp_link_shows_the_agency_phone_in_one_pair_of_brackets(client):
    instansi = instansi_ensure()
    assert instansi.phone == "(0542) 123456"
    participant = ParticipantFactory()

    response = client.get(reverse("ceremonies:rsvp", kwargs={"pk": participant.pk, "token": "sampah"}))

    page = response.content.decode()
    assert response.status_code == 400
    assert "(0542) 123456" in page
    assert "((0542)" not in page and "123456)" not in page


def test_texts_for_retirees_say_bapak_ibu_never_anda():
    entries = retiree_entries(CATALOGUE.read_text())

    assert len(entries) > 30  # the portal, the RSVP pages and the retirees' emails are all found
    assert [references for references, msgstr in entries if re.search(r"\bAnda\b", msgstr)] == []


def test_the_portal_sign_in_page_speaks_to_the_retiree_as_bapak_ibu(client):
    client.cookies["django_language"] = "id"

    page = client.get(reverse("portal:sign_in")).content.decode()

    assert "Bapak/Ibu" in page
    assert not re.search(r"\bAnda\b", page)


def test_the_public_certificate_checks_rate_limit_page_says_bapak_ibu(client, settings):
    settings.PURNA_VERIFY_RATE_PER_MINUTE = 0
    client.cookies["django_language"] = "id"

    response = client.get(reverse("certificate_verify", args=["kode-apa-saja"]))

    page = response.content.decode()
    assert response.status_code == 429
    assert "Bapak/Ibu" in page
    assert not re.search(r"\bAnda\b", page)
