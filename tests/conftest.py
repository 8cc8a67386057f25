import pytest

from purna import roles
from tests.factories import UserFactory


@pytest.fixture
def role_user(db):
    """Make a user holding one role group: role_user(roles.OPERATOR)."""

    def make(role: str, **kwargs):
        return UserFactory(roles=[role], **kwargs)

    return make


@pytest.fixture
def operator(role_user):
    return role_user(roles.OPERATOR, username="operator")


@pytest.fixture
def pimpinan(role_user):
    return role_user(roles.PIMPINAN, username="pimpinan")


@pytest.fixture
def no_role_user(db):
    """Signed in, but holding no role: every staff page must refuse them."""
    return UserFactory(username="tanpa-peran")


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client
