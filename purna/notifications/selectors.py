"""Reads of the outbox for the staff pages and the person pages. Fixed query counts whatever the size."""

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from purna.notifications import registry
from purna.notifications.models import Message, MessageAttachment, MessageEvent, MessageStatus

# The list shows none of the message bodies: they are read on the detail page only.
LIST_DEFERRED = ["body_text", "body_html", "context"]


def messages_visible(*, user: Any) -> QuerySet[Message]:
    """The messages `user` may read: every one when the registered scopes (registry.about_scope_register)
    all allow every object; otherwise those to the user and those about the objects of their scope."""
    scopes = {model: scope(user) for model, scope in registry.about_scopes().items()}
    if all(ids is None for ids in scopes.values()):
        return Message.objects.all()
    visible = Q(recipient_key=registry.recipient_key("user", user.pk))
    for model, ids in scopes.items():
        content_type = ContentType.objects.get_by_natural_key(*model.split("."))
        visible |= Q(content_type=content_type) if ids is None else Q(content_type=content_type, object_id__in=ids)
    return Message.objects.filter(visible)


def message_list(*, user: Any) -> QuerySet[Message]:
    """The messages `user` may read, newest plan first (then id, so pages are stable), without the bodies."""
    return messages_visible(user=user).defer(*LIST_DEFERRED).order_by("-planned_at", "-pk")


def message_get(*, pk: int, user: Any) -> Message:
    """One message `user` may read, with who queued it. Raises Message.DoesNotExist."""
    return messages_visible(user=user).select_related("created_by").get(pk=pk)


def message_events(*, message: Message) -> list[MessageEvent]:
    return list(message.events.select_related("actor").order_by("at", "pk"))


def message_attachments(*, message: Message) -> list[MessageAttachment]:
    return list(message.attachments.order_by("pk"))


def kind_label(kind: str) -> str:
    found = registry.kind_get(kind)
    return str(found.label) if found else kind


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, str(kind.label)) for kind in registry.kinds()]


def about_url(message: Message) -> str:
    """The staff page of the object the message is about, or "" (no query: content types are cached)."""
    if not message.content_type_id or not message.object_id:
        return ""
    model = ContentType.objects.get_for_id(message.content_type_id)
    url_name = registry.about_url_name(f"{model.app_label}.{model.model}")
    if not url_name:
        return ""
    try:
        return reverse(url_name, kwargs={"pk": message.object_id})
    except NoReverseMatch:
        return ""


@dataclass(frozen=True)
class MessageRow:
    message: Message
    kind_label: str
    about_url: str


def message_rows(messages) -> list[MessageRow]:
    """Messages with what a row shows besides their fields: the kind's name, the link to their subject."""
    return [MessageRow(message, kind_label(message.kind), about_url(message)) for message in messages]


def message_status_counts(*, user: Any) -> dict[str, int]:
    """How many of the messages `user` may read are in each status (one query), for the outbox's summary."""
    counts = dict.fromkeys(MessageStatus.values, 0)
    for row in messages_visible(user=user).order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def message_list_about(*, obj: Model, limit: int = 20) -> list[MessageRow]:
    """The last `limit` messages about an object (an employee): to them and to staff about them. One query."""
    content_type = ContentType.objects.get_for_model(obj)
    messages = (
        Message.objects.defer(*LIST_DEFERRED)
        .filter(content_type=content_type, object_id=obj.pk)
        .order_by("-planned_at", "-pk")[:limit]
    )
    return message_rows(messages)
