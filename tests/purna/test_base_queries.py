"""What every staff page reads before its own work: the permissions in one query, the header's agency from
the cache, and neither ever stale (a role taken away or an agency edited shows on the next request)."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from purna import roles
from purna.auth_backends import PermissionsInOneQueryBackend
from purna.models import Instansi
from tests.factories import UserFactory


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("kind", ["role", "own", "both", "superuser", "none"])
def test_the_permissions_are_modelbackends_in_one_query(db, kind, django_assert_num_queries):
    user = UserFactory(roles=[roles.OPERATOR] if kind in ("role", "both") else [], is_superuser=kind == "superuser")
    if kind in ("own", "both"):
        user.user_permissions.add(Permission.objects.get(codename="view_accountchange"))

    user = fresh(user)
    with django_assert_num_queries(1):
        granted = PermissionsInOneQueryBackend().get_all_permissions(user)
    assert granted == ModelBackend().get_all_permissions(fresh(user))
    assert (kind in ("own", "both", "superuser")) == ("purna.view_accountchange" in granted)


def test_a_role_taken_away_closes_the_pages_on_the_next_request(client, operator):
    client.force_login(operator)
    url = reverse("employees:list")
    assert client.get(url).status_code == 200

    operator.groups.remove(Group.objects.get(name=roles.OPERATOR))
    assert client.get(url).status_code == 403

    operator.groups.add(Group.objects.get(name=roles.OPERATOR))
    assert client.get(url).status_code == 200


def test_a_permission_taken_from_a_role_applies_on_the_next_request(client, operator):
    client.force_login(operator)
    url = reverse("employees:list")
    assert client.get(url).status_code == 200
    Group.objects.get(name=roles.OPERATOR).permissions.remove(Permission.objects.get(codename="view_employee"))
    assert client.get(url).status_code == 403


def test_the_headers_agency_is_read_once_and_an_edit_shows_at_once(operator_client):
    url = reverse("employees:list")
    Instansi.objects.create(name="BKPSDM Kabupaten Lama")
    assert "BKPSDM Kabupaten Lama" in operator_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as read:
        assert "BKPSDM Kabupaten Lama" in operator_client.get(url).content.decode()
    assert not [query for query in read.captured_queries if "purna_instansi" in query["sql"]]

    agency = Instansi.objects.get()
    agency.name = "BKPSDM Kabupaten Baru"
    agency.save()
    assert "BKPSDM Kabupaten Baru" in operator_client.get(url).content.decode()

    Instansi.objects.all().delete()
    assert "BKPSDM Kabupaten Baru" not in operator_client.get(url).content.decode()
