"""How a message reaches its person: the outbox's channels.

A channel is a backend the outbox can name on each Message (`Message.channel`):

- "email": the outbox sends it itself (purna/notifications/delivery.py, over SMTP);
- "whatsapp_link": staff send it from their own phone through a wa.me link (whatsapp.py); the outbox
  only records that they opened or copied it, with the text, as "sent by staff".

A WhatsApp gateway (a paid API) would be one more backend whose `deliver` sends the rendered text
and returns the provider's id: register it with `channel_register` and queue messages with its name;
nothing else in the outbox changes. None is built: `delivers` says whether the outbox sends a
channel's messages itself, and only email does.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    WHATSAPP_LINK = "whatsapp_link", _("WhatsApp link (sent by staff)")


@dataclass(frozen=True)
class ChannelBackend:
    """One way out. `deliver(message)` sends a rendered Message and returns a provider id; None for a
    channel that staff carry by hand (the outbox never sends those)."""

    name: str
    label: object
    deliver: Callable[[object], str] | None = None

    @property
    def delivers(self) -> bool:
        return self.deliver is not None


_backends: dict[str, ChannelBackend] = {}


def channel_register(backend: ChannelBackend) -> ChannelBackend:
    _backends[backend.name] = backend
    return backend


def channel_get(name: str) -> ChannelBackend | None:
    return _backends.get(name)


def channels() -> list[ChannelBackend]:
    return list(_backends.values())


# Email's delivery is the outbox's own sender (delivery.py): it claims queued messages of this channel.
def _email_deliver(message) -> str:
    from purna.notifications.delivery import messages_send

    messages_send(message_ids=[message.pk])
    message.refresh_from_db(fields=["message_id"])
    return message.message_id


channel_register(ChannelBackend(Channel.EMAIL, Channel.EMAIL.label, deliver=_email_deliver))
channel_register(ChannelBackend(Channel.WHATSAPP_LINK, Channel.WHATSAPP_LINK.label))


def delivered_channels() -> list[str]:
    """The channels whose queued messages the outbox sends itself."""
    return [backend.name for backend in _backends.values() if backend.delivers]
