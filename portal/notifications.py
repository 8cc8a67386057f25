"""The portal's email, on the outbox of purna.notifications (found at start-up like admin.py).

- "portal.sign_in": a one-time sign-in link, queued by portal.services.sign_in_link_request. The
  link is made when the email is sent (django-sesame, scope "portal", single use, valid for
  PURNA_PORTAL_LINK_MINUTES): a message that waited in the outbox still carries a fresh link, and the
  queued row holds nothing secret. The kind marks the link secret, so the copy the outbox keeps and
  shows to staff has it blanked out.

Messages are about the employee ("employees.employee"): the outbox links and scopes them as the
employees' own reminders.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from sesame.utils import get_query_string

from employees.models import Child, Employee, Spouse
from portal.services import HEIR_KIND, KIND
from purna.notifications import registry
from purna.notifications.models import Message
from purna.notifications.rendering import site_url

SCOPE = "portal"


def _employees(messages: Sequence[Message]) -> dict[int, Employee]:
    return registry.objects_about(messages, Employee.objects.select_related("user"))


def sign_in_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel a link for an employee who is gone or whose portal account was removed."""
    employees = _employees(messages)
    reasons = {}
    for message in messages:
        employee = employees.get(message.object_id)
        if employee is None or employee.user is None or not employee.user.is_active:
            reasons[message.pk] = _("The employee no longer has a portal account.")
    return reasons


def sign_in_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The sign-in link of each message, made now, and how long it works. One query."""
    employees = _employees(messages)
    contexts = {}
    for message in messages:
        employee = employees.get(message.object_id)
        if employee is None or employee.user is None:
            continue  # still_due cancels it on the next attempt
        link = site_url(reverse("portal:sign_in_link")) + get_query_string(employee.user, scope=SCOPE)
        contexts[message.pk] = {
            "employee": employee,
            "sign_in_url": link,
            "minutes": settings.PURNA_PORTAL_LINK_MINUTES,
            "portal_url": site_url(reverse("portal:sign_in")),
        }
    return contexts


registry.kind_register(
    registry.Kind(
        name=KIND,
        label=gettext_lazy("Portal sign-in link (to the retiree)"),
        template_prefix="portal/emails/sign_in",
        model="employees.employee",
        still_due=sign_in_still_due,
        context=sign_in_context,
        secret=("sign_in_url",),
    )
)


# --- Heirs: a spouse or child of an employee who died signs in with their own email ---------------------

_HEIR_MODELS = {"spouse": Spouse, "child": Child}


def _heirs(messages: Sequence[Message]) -> dict[str, Spouse | Child]:
    """The heir each message is addressed to, by recipient key; one query per kind of heir."""
    ids: dict[str, set[int]] = {}
    for message in messages:
        prefix, value = registry.recipient_key_split(message.recipient_key)
        if prefix in _HEIR_MODELS and value.isdigit():
            ids.setdefault(prefix, set()).add(int(value))
    found: dict[str, Spouse | Child] = {}
    for prefix, pks in ids.items():
        for heir in _HEIR_MODELS[prefix].objects.filter(pk__in=pks).select_related("user", "employee"):
            found[registry.recipient_key(prefix, heir.pk)] = heir
    return found


def heir_sign_in_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    """Cancel a link for an heir who is gone or whose portal account was removed."""
    heirs = _heirs(messages)
    reasons = {}
    for message in messages:
        heir = heirs.get(message.recipient_key)
        if heir is None or heir.user is None or not heir.user.is_active:
            reasons[message.pk] = _("The heir no longer has a portal account.")
    return reasons


def heir_sign_in_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The heir's sign-in link, made now, and how long it works."""
    heirs = _heirs(messages)
    contexts = {}
    for message in messages:
        heir = heirs.get(message.recipient_key)
        if heir is None or heir.user is None:
            continue
        link = site_url(reverse("portal:sign_in_link")) + get_query_string(heir.user, scope=SCOPE)
        contexts[message.pk] = {
            "heir": heir,
            "employee": heir.employee,
            "sign_in_url": link,
            "minutes": settings.PURNA_PORTAL_LINK_MINUTES,
            "portal_url": site_url(reverse("portal:sign_in")),
        }
    return contexts


registry.kind_register(
    registry.Kind(
        name=HEIR_KIND,
        label=gettext_lazy("Portal sign-in link (to an heir)"),
        template_prefix="portal/emails/sign_in",
        model="employees.employee",
        still_due=heir_sign_in_still_due,
        context=heir_sign_in_context,
        secret=("sign_in_url",),
    )
)
