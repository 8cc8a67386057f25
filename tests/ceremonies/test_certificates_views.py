"""The certificates' pages: permissions and scope (anonymous -> login, no role -> 403, another unit ->
404), issuing and its progress, the list's fixed query count, downloads (one, combined, ZIP), revoking,
and the public verification page (valid, revoked, unknown, masked NIP, counted, rate-limited)."""

import datetime as dt
import io
import zipfile

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from ceremonies.models import BatchStatus, Certificate, CertificateBatch, CertificateStatus, ParticipantStatus
from ceremonies.services import certificates as services
from ceremonies.services.certificates import certificate_revoke, certificates_issue, certificates_render
from purna import roles
from purna.formatting import tanggal
from tests.ceremonies.test_certificates import held_event
from tests.factories import ParticipantFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import fetch_document, is_progress_page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def certificate_settings(settings, private_media):
    settings.PURNA_SITE_URL = "https://purna.contoh.go.id"
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="BKPSDM", name="BKPSDM")


@pytest.fixture
def operator(unit):
    return UserFactory(username="operator-bkd", roles=[roles.OPERATOR], units=[unit])


@pytest.fixture
def operator_client(client, operator):
    client.cookies["django_language"] = "en"
    client.force_login(operator)
    return client


def event_with_certificates(unit, operator, attended: int = 2, render: bool = True):
    event = held_event(attended=0, absent=0, organizer=unit)
    for n in range(attended):
        ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__unit=unit, employee__name=f"P {n}")
    batch = certificates_issue(event=event, actor=operator)
    if render:
        certificates_render(batch_id=batch.pk)
    return event, batch


def staff_urls(event, certificate, batch) -> list[tuple[str, str]]:
    return [
        ("get", reverse("ceremonies:certificates", args=[event.pk])),
        ("get", reverse("ceremonies:certificate_batch", args=[batch.pk])),
        ("get", reverse("ceremonies:certificate_batch_progress", args=[batch.pk])),
        ("get", reverse("ceremonies:certificate_pdf", args=[certificate.pk])),
        ("get", reverse("ceremonies:certificates_print", args=[event.pk])),
        ("get", reverse("ceremonies:certificates_zip", args=[event.pk])),
        ("post", reverse("ceremonies:certificates_issue", args=[event.pk])),
        ("post", reverse("ceremonies:certificate_revoke", args=[certificate.pk])),
        ("post", reverse("ceremonies:certificate_reissue", args=[certificate.pk])),
        ("post", reverse("ceremonies:certificate_batch_retry", args=[batch.pk])),
    ]


def test_anonymous_roleless_and_other_units_are_refused(client, unit, operator, no_role_user):
    event, batch = event_with_certificates(unit, operator)
    certificate = Certificate.objects.first()
    urls = staff_urls(event, certificate, batch)

    for method, url in urls:
        response = getattr(client, method)(url, {"reason": "x"} if method == "post" else None)
        assert response.status_code == 302 and "/akun/masuk/" in response["Location"], url
    client.force_login(no_role_user)
    for method, url in urls:
        assert getattr(client, method)(url, {"reason": "x"} if method == "post" else None).status_code == 403, url
    client.force_login(UserFactory(username="other-unit", roles=[roles.OPERATOR], units=[UnitKerjaFactory()]))
    for method, url in urls:
        assert getattr(client, method)(url, {"reason": "x"} if method == "post" else None).status_code == 404, url
    assert Certificate.objects.filter(status=CertificateStatus.VALID, version=1).count() == 2


def test_a_viewer_sees_and_downloads_but_cannot_issue(client, unit, operator):
    event, _batch = event_with_certificates(unit, operator)
    client.force_login(UserFactory(username="pimpinan", roles=[roles.PIMPINAN], units=[unit]))

    assert client.get(reverse("ceremonies:certificates", args=[event.pk])).status_code == 200
    assert client.post(reverse("ceremonies:certificates_issue", args=[event.pk])).status_code == 403


def test_issue_redirects_to_the_progress_page(operator_client, unit, operator, monkeypatch):
    monkeypatch.setattr(services, "task_dispatch", lambda task, args, queue: True)
    event = held_event(attended=0, absent=0, organizer=unit)
    ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__unit=unit)

    response = operator_client.post(reverse("ceremonies:certificates_issue", args=[event.pk]), follow=True)

    batch = CertificateBatch.objects.get()
    assert response.redirect_chain[-1][0] == reverse("ceremonies:certificate_batch", args=[batch.pk])
    page = response.content.decode()
    assert "1 certificate numbered" in page
    assert 'hx-trigger="every 1s"' in page and "Waiting for its turn" in page


def test_the_progress_partial_counts_and_stops_polling_when_done(operator_client, unit, operator):
    _event, batch = event_with_certificates(unit, operator, attended=3, render=False)
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, done=2)
    url = reverse("ceremonies:certificate_batch_progress", args=[batch.pk])

    running = operator_client.get(url).content.decode()
    certificates_render(batch_id=batch.pk)
    done = operator_client.get(url).content.decode()

    assert "Printing certificate 2 of 3" in running and 'aria-valuenow="66"' in running and "every 1s" in running
    assert "All 3 certificates printed" in done and "hx-get" not in done


def test_issuing_with_nobody_left_says_so(operator_client, unit, operator):
    event, _batch = event_with_certificates(unit, operator)

    response = operator_client.post(reverse("ceremonies:certificates_issue", args=[event.pk]), follow=True)

    assert "Every attended participant already has a certificate." in response.content.decode()
    assert CertificateBatch.objects.count() == 1


def list_queries(client, event) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("ceremonies:certificates", args=[event.pk]))
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_a_fixed_number_of_queries(operator_client, unit, operator, instansi_cache_warm):
    small, _ = event_with_certificates(unit, operator, attended=5, render=False)
    large, _ = event_with_certificates(unit, operator, attended=60, render=False)

    assert list_queries(operator_client, small) == list_queries(operator_client, large)
    page = operator_client.get(reverse("ceremonies:certificates", args=[large.pk])).content.decode()
    assert page.count('data-testid="certificate-row"') == 50 and "page=2" in page
    second = operator_client.get(reverse("ceremonies:certificates", args=[large.pk]), {"page": 2}).content.decode()
    assert second.count('data-testid="certificate-row"') == 10


def test_downloads_one_combined_and_zip(operator_client, unit, operator):
    event, _batch = event_with_certificates(unit, operator, attended=3)
    first = Certificate.objects.order_by("participant__employee__name").first()

    one = operator_client.get(reverse("ceremonies:certificate_pdf", args=[first.pk]))
    # Merged in the background (600 files take seconds): the request answers the progress page.
    for name in ("ceremonies:certificates_print", "ceremonies:certificates_zip"):
        assert is_progress_page(operator_client.get(reverse(name, args=[event.pk]))), name
    combined = fetch_document(operator_client, reverse("ceremonies:certificates_print", args=[event.pk]))
    archive = fetch_document(operator_client, reverse("ceremonies:certificates_zip", args=[event.pk]))

    assert one["Content-Type"] == "application/pdf" and b"".join(one.streaming_content).startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(combined.content))
    assert len(reader.pages) == 3
    # Participant order: by name, as the list shows them.
    assert "P 0" in reader.pages[0].extract_text() and "P 2" in reader.pages[2].extract_text()
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert len(names) == 3 and all(name.endswith(".pdf") for name in names)


def test_the_combined_files_are_made_again_once_a_certificate_is_printed_again(operator_client, unit, operator):
    event, _batch = event_with_certificates(unit, operator, attended=2)
    url = reverse("ceremonies:certificates_print", args=[event.pk])
    assert len(PdfReader(io.BytesIO(fetch_document(operator_client, url).content)).pages) == 2
    assert not is_progress_page(operator_client.get(url))  # made: served as it is

    services.certificate_reissue(certificate=Certificate.objects.first(), actor=operator)

    # Not printed again yet: the one left printed; once printed, both again.
    assert len(PdfReader(io.BytesIO(fetch_document(operator_client, url).content)).pages) == 1
    certificates_render(batch_id=CertificateBatch.objects.latest("pk").pk)
    assert is_progress_page(operator_client.get(url))
    assert len(PdfReader(io.BytesIO(fetch_document(operator_client, url).content)).pages) == 2


def test_nothing_printed_yet_is_not_found(operator_client, unit, operator):
    event, _batch = event_with_certificates(unit, operator, attended=2, render=False)

    for name in ("ceremonies:certificates_print", "ceremonies:certificates_zip"):
        assert operator_client.get(reverse(name, args=[event.pk])).status_code == 404


def test_revoke_from_the_list(operator_client, unit, operator):
    _event, _batch = event_with_certificates(unit, operator, attended=1)
    certificate = Certificate.objects.get()
    url = reverse("ceremonies:certificate_revoke", args=[certificate.pk])

    empty = operator_client.post(url, {"reason": ""}, follow=True)
    done = operator_client.post(url, {"reason": "Penerima salah"}, follow=True)

    assert "Give the reason for revoking the certificate." in empty.content.decode()
    assert f"Certificate {certificate.number} revoked." in done.content.decode()
    certificate.refresh_from_db()
    assert (certificate.status, certificate.revoked_reason) == (CertificateStatus.REVOKED, "Penerima salah")


# --- Public verification ---------------------------------------------------------------------------------


@pytest.fixture
def public(client):
    client.cookies["django_language"] = "en"
    return client


def verify(client, code: str):
    return client.get(reverse("certificate_verify", args=[code]))


def test_a_valid_certificate_is_confirmed_with_a_masked_nip(public, unit, operator):
    event_with_certificates(unit, operator, attended=1, render=False)
    certificate = Certificate.objects.select_related("participant__employee").get()
    nip = certificate.participant.employee.nip

    response = verify(public, certificate.verification_code)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Genuine and valid certificate" in page
    assert certificate.number in page and certificate.participant.employee.display_name in page
    assert f"{nip[:4]}***********{nip[-3:]}" in page
    assert nip not in page and nip[4:15] not in page
    certificate.refresh_from_db()
    assert certificate.verification_count == 1


def test_a_revoked_certificate_is_shown_as_revoked(public, unit, operator):
    event_with_certificates(unit, operator, attended=1, render=False)
    certificate = certificate_revoke(certificate=Certificate.objects.get(), actor=operator, reason="Salah")

    page = verify(public, certificate.verification_code).content.decode()

    assert "This certificate has been revoked" in page and "Genuine and valid" not in page


def test_an_unknown_code_is_a_friendly_404(public, unit, operator):
    event_with_certificates(unit, operator, attended=1, render=False)

    response = verify(public, "tidak-ada-kode-seperti-ini")

    assert response.status_code == 404
    assert "Certificate not found" in response.content.decode()


def test_verifications_are_rate_limited_per_address(public, unit, operator, settings):
    settings.PURNA_VERIFY_RATE_PER_MINUTE = 5
    event_with_certificates(unit, operator, attended=1, render=False)
    certificate = Certificate.objects.get()

    # Within one window of the counter (a minute turning over mid-test would reset it).
    with time_machine.travel(dt.datetime(2027, 1, 4, 9, 0, 10, tzinfo=dt.UTC), tick=False):
        answers = [verify(public, f"tebakan-{n}").status_code for n in range(5)]
        blocked = verify(public, certificate.verification_code)
        other_address = public.get(
            reverse("certificate_verify", args=[certificate.verification_code]), REMOTE_ADDR="10.0.0.9"
        )

    assert answers == [404] * 5
    assert blocked.status_code == 429 and "Too many verifications" in blocked.content.decode()
    assert other_address.status_code == 200
    certificate.refresh_from_db()
    assert certificate.verification_count == 1


def test_a_failed_batch_can_be_printed_again(
    operator_client, unit, operator, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(services, "task_dispatch", lambda task, args, queue: queued.append(*args) or True)
    _event, batch = event_with_certificates(unit, operator, attended=2, render=False)
    url = reverse("ceremonies:certificate_batch_retry", args=[batch.pk])

    refused = operator_client.post(url, follow=True)
    CertificateBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, done=1)
    page = operator_client.get(reverse("ceremonies:certificate_batch", args=[batch.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(url)

    assert "This batch has not stopped on an error." in refused.content.decode()
    assert "Printing stopped after 1 of 2 certificates." in page and 'data-testid="retry"' in page
    assert CertificateBatch.objects.get(pk=batch.pk).status == BatchStatus.PENDING
    assert queued == [batch.pk]


def test_the_verification_page_labels_the_place_and_the_date_apart(client, unit, operator):
    event_with_certificates(unit, operator, attended=1, render=False)
    certificate = Certificate.objects.get()
    client.cookies["django_language"] = "id"

    page = verify(client, certificate.verification_code).content.decode()

    assert f'>Tempat terbit</dt><dd class="col-sm-8" data-testid="place">{certificate.place}</dd>' in page
    issued_on = tanggal(certificate.issued_on)
    assert f'>Tanggal terbit</dt><dd class="col-sm-8" data-testid="issued-on">{issued_on}</dd>' in page
    assert f"{certificate.place}, {issued_on}" not in page
