"""The staff menu (purna/templatetags/purna_menu.py) is rendered once per language, page and permissions,
and is never another account's: a role changed shows on the next page, each account sees its own name."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from purna import roles
from tests.factories import UserFactory

MENU = "purna/_main_menu.html"


def menu_of(response) -> str:
    """The menu and the account's dropdown, without the logout form's CSRF token (masked anew each time)."""
    html = response.content.decode()
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', "", html[html.index('id="mainnav"') : html.index("</nav>")]
    )


def active_links(response) -> list[str]:
    return re.findall(r'class="nav-link[^"]* active"[^>]*>([^<]+)<', menu_of(response))


def test_the_menu_is_rendered_once_then_kept(operator_client):
    url = reverse("employees:list")
    first = operator_client.get(url)
    again = operator_client.get(url)
    assert MENU in [template.name for template in first.templates]
    assert MENU not in [template.name for template in again.templates]
    assert menu_of(again) == menu_of(first)


def test_a_permission_given_or_taken_shows_on_the_next_page(operator_client):
    url, create = reverse("employees:list"), reverse("employees:create")
    assert f'href="{create}"' in menu_of(operator_client.get(url))

    role = Group.objects.get(name=roles.OPERATOR)
    role.permissions.remove(Permission.objects.get(codename="add_employee"))
    assert f'href="{create}"' not in menu_of(operator_client.get(url))

    role.permissions.add(Permission.objects.get(codename="add_employee"))
    assert f'href="{create}"' in menu_of(operator_client.get(url))


def test_accounts_with_other_roles_see_their_own_menus(client, operator, pimpinan):
    url, create = reverse("dashboard"), reverse("employees:create")
    client.force_login(operator)
    assert f'href="{create}"' in menu_of(client.get(url))
    client.force_login(pimpinan)
    assert f'href="{create}"' not in menu_of(client.get(url))


def test_each_account_sees_its_own_name(db, client):
    first = UserFactory(roles=[roles.OPERATOR], username="satu", first_name="Siti", last_name="Aminah")
    second = UserFactory(roles=[roles.OPERATOR], username="dua", first_name="Budi", last_name="Santoso")
    url = reverse("employees:list")
    client.force_login(first)
    assert "Siti Aminah" in menu_of(client.get(url))
    client.force_login(second)
    page = menu_of(client.get(url))
    assert "Budi Santoso" in page
    assert "Siti Aminah" not in page


@pytest.mark.parametrize(
    "url_name, active",
    [("dashboard", ["Beranda"]), ("employees:list", ["Pegawai"]), ("employees:retiring", ["Purna tugas"])],
)
def test_the_active_item_is_the_pages_own(operator_client, url_name, active):
    operator_client.get(reverse("dashboard"))  # another page's menu kept first
    assert active_links(operator_client.get(reverse(url_name))) == active


def test_the_menu_is_in_the_pages_language(operator_client):
    url = reverse("employees:list")
    assert "Daftar pegawai" in menu_of(operator_client.get(url))
    operator_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = menu_of(operator_client.get(url))
    assert "Employee register" in english
    assert "Daftar pegawai" not in english
