from django.urls import reverse


def test_dashboard_shows_counts_to_operator(operator_client):
    response = operator_client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert b"stat-active" in response.content


def test_dashboard_refuses_user_without_role(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("dashboard")).status_code == 403
