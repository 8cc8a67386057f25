"""Fixtures of the outbox tests: a real SMTP server (aiosmtpd) on a free port that can be stopped,
restarted and slowed down, and a real Celery worker process on a queue of its own."""

import asyncio
import contextlib
import email
import email.policy
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from purna.celery import app as celery_app
from tests.workers import WorkerProcess, worker_env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: email.message.EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


@dataclass
class SinkHandler:
    """Collects what it accepts; `refuse` maps an address to the reply its RCPT gets."""

    received: list[Received] = field(default_factory=list)
    sessions: int = 0
    refuse: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    data_started: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.sessions += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        # The server has the message from here on: a client killed now has delivered it, or not, unknowingly.
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        self.data_started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 Message accepted for delivery"


class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = SinkHandler()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        assert self.controller is None
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, f"the sink got {len(self.received)} of {count} emails"
            time.sleep(0.05)
        return self.received

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def queue_purge(queue: str) -> None:
    """Drop the tasks a test left on its queue (they would wait in the broker forever)."""
    with contextlib.suppress(Exception), celery_app.connection_for_write(transport_options={"max_retries": 0}) as conn:
        conn.default_channel.queue_purge(queue)


@pytest.fixture(autouse=True)
def private_email_queue(settings):
    """Tasks handed over by a test go to a queue of its own (a developer's worker on "email" must not
    take them), emptied afterwards."""
    queue = f"test-discard-{uuid.uuid4().hex[:12]}"
    settings.PURNA_EMAIL_QUEUE = queue
    yield queue
    queue_purge(queue)


@pytest.fixture
def smtp_sink():
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def smtp_settings(settings, smtp_sink):
    """This process sends to the sink over real SMTP (pytest-django would otherwise keep mail in memory)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return smtp_sink


@pytest.fixture
def fast_retries(settings):
    settings.PURNA_EMAIL_RETRY_BASE_SECONDS = 1
    settings.PURNA_EMAIL_RETRY_MAX_SECONDS = 2


@pytest.fixture
def email_worker(transactional_db, settings, smtp_sink, tmp_path):
    """A worker that sends to the sink; this process hands it tasks on the same private queue."""
    queue = f"test-email-{uuid.uuid4().hex[:12]}"
    settings.PURNA_EMAIL_QUEUE = queue
    env = worker_env(
        EMAIL_URL=smtp_sink.url,
        EMAIL_TIMEOUT="5",
        PURNA_EMAIL_QUEUE=queue,
        PURNA_EMAIL_RETRY_BASE_SECONDS="1",
        PURNA_EMAIL_RETRY_MAX_SECONDS="2",
    )
    worker = WorkerProcess(queue, env, tmp_path)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        print(worker.logs())
        queue_purge(queue)


class BrokerSwitch:
    """This process's Celery pointed at a closed port (as when Redis is down), and back."""

    def __init__(self) -> None:
        self.closed_url = f"redis://127.0.0.1:{free_port()}/0"
        self.saved = celery_app.conf.broker_url, celery_app.conf.broker_write_url, celery_app.conf.broker_transport
        self.down = False

    def _reset_pools(self) -> None:
        celery_app.amqp._producer_pool = None
        celery_app._pool = None

    def break_(self) -> None:
        celery_app.conf.broker_url = celery_app.conf.broker_write_url = self.closed_url
        # The embedded broker names its transport class in a setting, which would win over the URL's scheme.
        celery_app.conf.broker_transport = None
        self._reset_pools()
        self.down = True

    def restore(self) -> None:
        if self.down:
            celery_app.conf.broker_url, celery_app.conf.broker_write_url, celery_app.conf.broker_transport = self.saved
            self._reset_pools()
            self.down = False


@pytest.fixture
def broker_down():
    switch = BrokerSwitch()
    switch.break_()
    try:
        yield switch
    finally:
        switch.restore()


def wait_until(predicate, timeout: float = 30, interval: float = 0.1, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, message or "timed out"
        time.sleep(interval)
