from django.urls import reverse


def test_dashboard_shows_counts_to_operator(operator_client):
    response = operator_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"stat-active" in response.content


def test_dashboard_refuses_user_without_role(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("dashboard")).status_code == 403


def test_header_logo_is_the_agencys_own_when_set(client, db, tmp_path, settings):
    from django.core.files.base import ContentFile

    from purna.models import Instansi

    settings.MEDIA_ROOT = tmp_path
    assert client.get(reverse("instansi_logo"))["Location"].endswith("img/logo.svg")
    instansi = Instansi(name="BKPSDM Kota Balikpapan")
    instansi.logo.save("logo.png", ContentFile(b"\x89PNG\r\n\x1a\nfake"), save=True)
    response = client.get(reverse("instansi_logo"))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"\x89PNG")
