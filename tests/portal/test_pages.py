"""The retiree's own page and downloads: what it shows (and what it keeps back), a fixed number of
queries, and that nobody reaches another person's rows or files: guessed ids, other people's file
URLs, the staff download URLs, revoked papers, staff accounts, anonymous visitors."""

import pytest
from django.urls import reverse

from benefits.models import Receipt
from ceremonies.models import Certificate, CertificateStatus
from ceremonies.services.certificates import certificate_revoke
from employees.services.accounts import employee_portal_account_ensure
from purna import roles
from tests.factories import EventFactory, ParticipantFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(client, employee):
    client.force_login(employee_portal_account_ensure(employee=employee))
    return client


def papers(employee) -> tuple[Certificate, Receipt]:
    return (
        Certificate.objects.get(participant__employee=employee),
        Receipt.objects.get(payout__employee=employee),
    )


def test_the_page_shows_the_retirees_own_retirement_benefits_events_and_papers(client, ahmad, siti):
    page = signed_in(client, ahmad).get(reverse("portal:home"))

    assert page.status_code == 200
    html = page.content.decode()
    certificate, receipt = papers(ahmad)
    assert "Ahmad Yani" in html and "19650512 199003 1 004" in html
    assert "1 November 2025" in html and "35 tahun 2 bulan" in html
    assert "Rp 2.500.000" in html and "Sudah dibayar" not in html and "Dibayar pada 21 Oktober 2025" in html
    assert "Sedang disiapkan" in html  # the THT payout in draft
    assert "Diterima pada 10 Juli 2025" in html and "Rp 25.000.000" in html  # the Taspen claim
    assert certificate.number in html
    assert reverse("portal:certificate_download", args=[certificate.pk]) in html
    assert reverse("portal:receipt_download", args=[receipt.pk]) in html
    assert "Jawab undangan" in html
    # Internal notes stay with the staff; nothing of the other retiree shows.
    assert "catatan internal" not in html
    assert "Siti Aminah" not in html and papers(siti)[0].number not in html


def test_the_rsvp_button_opens_the_invitation_answer_page(client, ahmad):
    html = signed_in(client, ahmad).get(reverse("portal:home")).content.decode()
    [rsvp] = [part.split('"')[0] for part in html.split('href="')[1:] if part.startswith("/acara/undangan/")]

    assert client.get(rsvp).status_code == 200


def test_the_downloads_are_the_retirees_own_pdfs(client, ahmad):
    certificate, receipt = papers(ahmad)
    signed_in(client, ahmad)

    for url, name in [
        (reverse("portal:certificate_download", args=[certificate.pk]), "sertifikat-"),
        (reverse("portal:receipt_download", args=[receipt.pk]), "kuitansi-"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == "application/pdf"
        assert f'filename="{name}' in response["Content-Disposition"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_retiree_never_reaches_another_persons_papers(client, ahmad, siti):
    her_certificate, her_receipt = papers(siti)
    signed_in(client, ahmad)

    refused = [
        reverse("portal:certificate_download", args=[her_certificate.pk]),
        reverse("portal:receipt_download", args=[her_receipt.pk]),
        reverse("portal:certificate_download", args=[999999]),
        reverse("portal:receipt_download", args=[999999]),
    ]
    for url in refused:
        assert client.get(url).status_code == 404, url
    # The staff pages and their downloads are not for retirees.
    for url in [
        reverse("ceremonies:certificate_pdf", args=[her_certificate.pk]),
        reverse("benefits:receipt_pdf", args=[her_receipt.payout_id]),
        reverse("employees:detail", args=[siti.pk]),
        reverse("ceremonies:list"),
    ]:
        assert client.get(url).status_code == 403, url
    # Stored files have no public address.
    assert client.get(f"/media/{her_certificate.file.name}").status_code == 404
    assert client.get(f"/{her_certificate.file.name}").status_code == 404


def test_a_revoked_certificate_is_no_longer_offered(client, ahmad, staff_actor):
    certificate, _receipt = papers(ahmad)
    certificate_revoke(certificate=certificate, actor=staff_actor, reason="Salah nama")
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.REVOKED
    signed_in(client, ahmad)

    assert certificate.number not in client.get(reverse("portal:home")).content.decode()
    assert client.get(reverse("portal:certificate_download", args=[certificate.pk])).status_code == 404


def test_anonymous_visitors_go_to_the_portal_sign_in(client, ahmad):
    certificate, receipt = papers(ahmad)
    for url in [
        reverse("portal:home"),
        reverse("portal:certificate_download", args=[certificate.pk]),
        reverse("portal:receipt_download", args=[receipt.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal:sign_in") + "?next="), url


def test_staff_are_refused_the_portal_and_retirees_land_on_it(client, ahmad):
    client.force_login(UserFactory(username="operator-portal", roles=[roles.OPERATOR]))
    assert client.get(reverse("portal:home")).status_code == 403

    signed_in(client, ahmad)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url == reverse("portal:home")
    client.force_login(UserFactory(username="tanpa-peran"))
    assert client.get(reverse("dashboard")).status_code == 403


def test_signing_out(client, ahmad):
    signed_in(client, ahmad)
    response = client.post(reverse("portal:sign_out"))

    assert response.status_code == 302 and response.url == reverse("portal:sign_in")
    assert client.get(reverse("portal:home")).status_code == 302


def test_the_page_runs_a_fixed_number_of_queries(client, ahmad, django_assert_max_num_queries):
    signed_in(client, ahmad)
    client.get(reverse("portal:home"))  # warm the session and content types
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("portal:home"))
    for _ in range(12):
        ParticipantFactory(event=EventFactory(organizer=ahmad.unit), employee=ahmad, status="diundang", rsvp_version=1)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("portal:home")).status_code == 200
