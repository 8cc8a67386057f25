"""The registry: which kinds of email exist, who plans them, who their recipients are.

This app imports none of the apps that send email. Each of them registers, in a `notifications.py`
module of its own (imported at start-up like `admin.py`):

- its **kinds**: a name, a template prefix (`<prefix>_subject.txt`, `<prefix>_body.txt`,
  `<prefix>_body.html`), and optionally a planning function (called by the daily plan and by a replan),
  a `still_due` check (run when planning and again just before sending: a message that is no longer due
  is cancelled, never sent) and a `context` function (what the templates show, read when sending);
- its **recipient resolvers**: for a recipient-key prefix ("employee"), the current address of each
  recipient, and whether they can still receive mail (the dead cannot);
- the **URL** of the objects its messages are about (for links in the outbox);
- **sections of the weekly digest** for the head of the agency.

Adding a kind is then a template triplet and one planning function.
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules

if TYPE_CHECKING:
    from purna.notifications.models import Message


@dataclass(frozen=True)
class Draft:
    """A message a planning function wants to exist. Queued once: a second draft with the same kind,
    recipient key and occasion is ignored."""

    kind: str
    recipient_key: str
    occasion: str
    to_email: str = ""
    to_name: str = ""
    about_model: str = ""  # "employees.employee"
    about_id: int | None = None
    about_label: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    planned_at: dt.datetime | None = None  # None: now


@dataclass(frozen=True)
class PlanRequest:
    """What a planning function is asked: the drafts due on `today` (for `object_ids` only, on a replan)."""

    today: dt.date
    now: dt.datetime
    object_ids: frozenset[int] | None = None


@dataclass(frozen=True)
class Recipient:
    """A recipient as their app knows them now. `reachable` is False for the dead or a closed account."""

    email: str
    name: str = ""
    reachable: bool = True
    reason: str = ""


Planner = Callable[[PlanRequest], Iterable[Draft]]
# Given messages of the kind, the ids of those no longer due, each with the reason (shown to staff).
StillDue = Callable[[Sequence["Message"]], Mapping[int, str]]
# Given messages of the kind, the template context of each (plain values, model instances allowed).
ContextFor = Callable[[Sequence["Message"]], Mapping[int, Mapping[str, Any]]]
Resolver = Callable[[Collection[str]], Mapping[str, Recipient]]


@dataclass(frozen=True)
class Kind:
    name: str
    label: Any  # a lazy translated string
    template_prefix: str
    model: str = ""  # the model its messages are about ("employees.employee"), for replans
    plan: Planner | None = None
    still_due: StillDue | None = None
    context: ContextFor | None = None
    # Context keys holding secrets (a sign-in link): the email carries them, the copy the outbox keeps
    # and shows to staff has them replaced by REDACTED.
    secret: tuple[str, ...] = ()


@dataclass(frozen=True)
class DigestSection:
    """A section of the weekly digest: `build(today, reader)` returns its data for the reader (a staff
    user: each sees what their scope shows), or None to leave it out.

    Rendered with `<template>.txt` and `<template>.html`, which receive the data as `section`.
    """

    name: str
    order: int
    template: str
    build: Callable[[dt.date, Any], Mapping[str, Any] | None]


REDACTED = "[…]"

_kinds: dict[str, Kind] = {}
_resolvers: dict[str, Resolver] = {}
_about_urls: dict[str, str] = {}
_digest_sections: dict[str, DigestSection] = {}
_about_scopes: dict[str, Callable[[Any], Any]] = {}


def kind_register(kind: Kind) -> Kind:
    """Make a kind known; registering the same name again replaces it (module reloads in tests)."""
    _kinds[kind.name] = kind
    return kind


def kind_get(name: str) -> Kind | None:
    return _kinds.get(name)


def kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)


def recipient_resolver_register(prefix: str, resolver: Resolver) -> None:
    """`resolver(ids)` gets the part after "<prefix>:" of recipient keys and returns their Recipients."""
    _resolvers[prefix] = resolver


def recipient_resolver(prefix: str) -> Resolver | None:
    return _resolvers.get(prefix)


def about_url_register(model: str, url_name: str) -> None:
    """Link messages about `model` ("employees.employee") to `reverse(url_name, kwargs={"pk": id})`."""
    _about_urls[model.lower()] = url_name


def about_url_name(model: str) -> str | None:
    return _about_urls.get(model.lower())


def about_scope_register(model: str, scope: Callable[[Any], Any]) -> None:
    """Staff with a limited view read only messages to themselves and about the objects of `model` that
    `scope(user)` selects (a queryset of primary keys); `scope(user)` returns None for a user who may
    read every message. The app that owns the scope decides it; the outbox never imports it."""
    _about_scopes[model.lower()] = scope


def about_scopes() -> dict[str, Callable[[Any], Any]]:
    return dict(_about_scopes)


def digest_section_register(section: DigestSection) -> None:
    _digest_sections[section.name] = section


def digest_sections() -> list[DigestSection]:
    return sorted(_digest_sections.values(), key=lambda section: (section.order, section.name))


def objects_about(messages: "Sequence[Message]", queryset: Any) -> dict[int, Any]:
    """The objects `messages` are about, read from `queryset` (the caller's joins) by id, in one query; a
    message whose object is gone has no entry."""
    ids = {message.object_id for message in messages if message.object_id}
    return {obj.pk: obj for obj in queryset.filter(pk__in=ids)}


def recipient_key(prefix: str, value: object) -> str:
    """ "employee:12", "user:3", "email:a@b.go.id"."""
    return f"{prefix}:{value}"


def recipient_key_split(key: str) -> tuple[str, str]:
    prefix, _, value = key.partition(":")
    return prefix, value


def autodiscover() -> None:
    # The built-in kinds (test email, weekly digest) and resolvers (user, email) first.
    from purna.notifications import builtin  # noqa: F401

    autodiscover_modules("notifications")
