"""The kinds and recipients the outbox knows by itself: staff users, plain addresses, the test email,
and the weekly digest for the head of the agency (Pimpinan), whose sections the other apps register."""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from purna import roles
from purna.notifications import conf, registry
from purna.notifications.models import Message

USER = "user"
EMAIL = "email"
TEST_KIND = "notifications.test"
DIGEST_KIND = "notifications.digest"


def users_resolve(ids: Collection[str]) -> Mapping[str, registry.Recipient]:
    """Staff users by id: their email and name; a deactivated account receives nothing."""
    pks = [int(value) for value in ids if value.isdigit()]
    found = {}
    for user in (
        get_user_model().objects.filter(pk__in=pks).only("email", "first_name", "last_name", "username", "is_active")
    ):
        found[str(user.pk)] = registry.Recipient(
            email=user.email,
            name=user.get_full_name() or user.get_username(),
            reachable=user.is_active,
            reason="" if user.is_active else _("The user account is deactivated."),
        )
    return found


def emails_resolve(ids: Collection[str]) -> Mapping[str, registry.Recipient]:
    return {value: registry.Recipient(email=value) for value in ids}


def staff_with_role(role: str) -> list[Any]:
    """Active users of a role group who have an email address, by name (one query)."""
    return list(
        get_user_model()
        .objects.filter(groups__name=role, is_active=True)
        .exclude(email="")
        .order_by("first_name", "username", "pk")
        .distinct()
    )


def user_draft(user: Any, *, kind: str, occasion: str, **fields: Any) -> registry.Draft:
    return registry.Draft(
        kind=kind,
        recipient_key=registry.recipient_key(USER, user.pk),
        occasion=occasion,
        to_email=user.email,
        to_name=user.get_full_name() or user.get_username(),
        **fields,
    )


# --- Weekly digest -----------------------------------------------------------------------------------


def _week_occasion(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"week-{year}-W{week:02d}"


def digest_plan(request: registry.PlanRequest) -> Iterable[registry.Draft]:
    """One digest a week to each Pimpinan, from the configured weekday on (a late plan still sends it)."""
    if request.object_ids is not None or request.today.weekday() < conf.get("PURNA_DIGEST_WEEKDAY"):
        return []
    occasion = _week_occasion(request.today)
    week_start = request.today - dt.timedelta(days=request.today.weekday())
    return [
        user_draft(user, kind=DIGEST_KIND, occasion=occasion, context={"week_start": week_start.isoformat()})
        for user in staff_with_role(roles.PIMPINAN)
    ]


def digest_still_due(messages: Sequence[Message]) -> Mapping[int, str]:
    # A digest held up past its week (SMTP down for days) is replaced by the next one, not sent late.
    current = _week_occasion(timezone.localdate())
    return {m.pk: _("Replaced by a newer weekly digest.") for m in messages if m.occasion != current}


def digest_context(messages: Sequence[Message]) -> Mapping[int, Mapping[str, Any]]:
    """The sections as they stand when sending, for each reader: a Pimpinan of one perangkat daerah
    reads the figures of their own units (the sections apply the reader's scope)."""
    today = timezone.localdate()
    readers = {
        str(user.pk): user
        for user in get_user_model().objects.filter(
            pk__in=[int(key) for key in (_user_id(m) for m in messages) if key.isdigit()]
        )
    }
    contexts: dict[str, Mapping[str, Any]] = {}
    result = {}
    for message in messages:
        user_id = _user_id(message)
        if user_id not in contexts:
            sections = []
            for section in registry.digest_sections():
                data = section.build(today, readers.get(user_id))
                if data is not None:
                    sections.append(
                        {
                            "name": section.name,
                            "template_text": f"{section.template}.txt",
                            "template_html": f"{section.template}.html",
                            "data": data,
                        }
                    )
            contexts[user_id] = {"today": today, "sections": sections}
        result[message.pk] = contexts[user_id]
    return result


def _user_id(message: Message) -> str:
    prefix, value = registry.recipient_key_split(message.recipient_key)
    return value if prefix == USER else ""


registry.recipient_resolver_register(USER, users_resolve)
registry.recipient_resolver_register(EMAIL, emails_resolve)
registry.kind_register(
    registry.Kind(
        name=TEST_KIND,
        label=gettext_lazy("Test email"),
        template_prefix="notifications/emails/test",
    )
)
registry.kind_register(
    registry.Kind(
        name=DIGEST_KIND,
        label=gettext_lazy("Weekly digest for the head of the agency"),
        template_prefix="notifications/emails/digest",
        plan=digest_plan,
        still_due=digest_still_due,
        context=digest_context,
    )
)
