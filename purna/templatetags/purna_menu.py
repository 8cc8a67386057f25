"""{% main_menu %}: the staff menu of base.html, rendered once per language, page and set of permissions.

Every staff page drew the same menu through the template language: 18 permission checks and 20 URL
reversals, about 2 ms of CPU, a tenth of the employee list's (docs/benchmarks.md). What it shows depends
only on the account's permissions, the page it is on (the active item) and the language, so each process
keeps the HTML under those three. A role changed shows on the account's next page: its permissions are
read again on every request (purna/auth_backends.py), and they are part of the key. URLs and translations
change only with a deploy, which starts new processes.
"""

from django import template
from django.contrib.auth.context_processors import PermWrapper
from django.template.loader import get_template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

# Language x URL name x distinct role mix: a few thousand at most. Emptied when full, not evicted one by
# one: a rebuild costs one menu per key.
MENUS_KEPT = 2000
_menus: dict[tuple, SafeString] = {}


def menus_forget() -> None:
    """Drop every kept menu (tests that change a template or a URL in the same process)."""
    _menus.clear()


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    request = context["request"]
    match = request.resolver_match
    user = request.user
    key = (
        get_language(),
        match.app_name if match else "",
        match.url_name if match else "",
        user.is_superuser,
        frozenset(user.get_all_permissions()),
    )
    menu = _menus.get(key)
    if menu is None:
        # Already safe: the template language escapes what it renders and returns a SafeString.
        menu = get_template("purna/_main_menu.html").render({"perms": PermWrapper(user), "match": match})
        if len(_menus) >= MENUS_KEPT:
            _menus.clear()
        _menus[key] = menu
    return menu
