"""Seeing it run: one log line per event with the request or task id (purna/logs.py), and Sentry only
when SENTRY_DSN is set."""

import io
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from purna.logs import ContextFilter, OneLineFormatter
from purna.tasks import ping_task

FORMAT = settings.LOGGING["formatters"]["line"]["format"]


@pytest.fixture
def log_lines():
    """What the configured handler writes, for the loggers a test names."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(OneLineFormatter(FORMAT))
    attached = []

    def attach(*names: str) -> io.StringIO:
        for name in names:
            logger = logging.getLogger(name)
            logger.addHandler(handler)
            attached.append(logger)
        return stream

    yield attach
    for logger in attached:
        logger.removeHandler(handler)


def test_the_configured_handler_uses_the_filter_and_the_one_line_format():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["context"] and handler["formatter"] == "line"
    assert "request=%(request_id)s task=%(task_id)s" in FORMAT
    assert settings.MIDDLEWARE[0] == "purna.logs.RequestIdMiddleware"
    root = logging.getLogger()
    assert any(isinstance(h.formatter, OneLineFormatter) for h in root.handlers)


@pytest.mark.django_db
def test_a_request_logs_with_its_id_and_returns_it(client, log_lines):
    stream = log_lines("django.request")

    given = client.get("/tidak-ada/", headers={"X-Request-ID": "proxy-id-12345678"})
    made = client.get("/tidak-ada-juga/")

    assert given.status_code == made.status_code == 404
    assert given["X-Request-ID"] == "proxy-id-12345678"
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != given["X-Request-ID"]
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "request=proxy-id-12345678 task=- Not Found: /tidak-ada/" in lines[0]
    assert f"request={made['X-Request-ID']} task=- Not Found: /tidak-ada-juga/" in lines[1]


@pytest.mark.django_db
def test_an_unusable_request_id_from_outside_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id\nforged line"})
    assert len(response["X-Request-ID"]) == 32 and "\n" not in response["X-Request-ID"]


@pytest.mark.django_db
def test_a_task_logs_with_its_id(log_lines):
    stream = log_lines("purna.tasks")

    result = ping_task.apply()

    assert result.get() == "pong"
    assert f"request=- task={result.id} ping" in stream.getvalue()


def test_a_traceback_stays_on_one_line(log_lines):
    stream = log_lines("purna.tests.observability")
    try:
        raise ValueError("rusak\nbaris kedua")
    except ValueError:
        logging.getLogger("purna.tests.observability").exception("Gagal")

    [line] = stream.getvalue().splitlines()
    assert "Gagal\\nTraceback (most recent call last):" in line and "ValueError: rusak\\nbaris kedua" in line


def _sentry_in_a_fresh_process(**env: str) -> str:
    code = (
        "import sys, django; django.setup(); "
        "print('sentry_sdk' in sys.modules, end=' '); "
        "import sentry_sdk; c = sentry_sdk.get_client(); print(c.is_active(), c.options.get('send_default_pii'))"
    )
    environment = {k: v for k, v in os.environ.items() if k != "SENTRY_DSN"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "purna.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_sentry_is_off_without_a_dsn():
    # Not even imported: nothing is sent anywhere.
    assert _sentry_in_a_fresh_process() == "False False None"


def test_sentry_reports_when_a_dsn_is_set():
    # A DSN on a closed local port: initialised, and nothing leaves the machine.
    assert _sentry_in_a_fresh_process(SENTRY_DSN="http://kunci@127.0.0.1:9/1") == "True True False"
