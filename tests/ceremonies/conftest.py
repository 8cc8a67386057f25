"""Fixtures of the ceremonies' tests: the outbox's real SMTP sink (aiosmtpd) and private email queue,
and a temporary folder for the files the outbox stores (the invitations' .ics attachments)."""

import pytest

from tests.purna.notifications.conftest import private_email_queue, smtp_settings, smtp_sink  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Attachments (the .ics files) are stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
