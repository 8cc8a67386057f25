"""/healthz answers 200 only when the database and the Celery broker both really answer."""

import sqlite3
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from purna import health

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


@pytest.fixture
def healthz(client):
    def get():
        started = time.monotonic()
        response = client.get(reverse("healthz"))
        return response, time.monotonic() - started

    return get


def test_healthz_is_ok_when_database_and_broker_answer(db, healthz):
    response, _ = healthz()

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "broker": True}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: the suite runs on the embedded broker")
def test_healthz_checks_the_real_redis(db, healthz):
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL

    response, _ = healthz()

    assert response.status_code == 200


def test_healthz_fails_quickly_when_broker_is_unreachable(db, settings, healthz):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.CELERY_BROKER_TRANSPORT = None
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response, seconds = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": True, "broker": False}
    assert seconds < health.BROKER_TIMEOUT + 1


def embedded_broker(settings, path):
    settings.CELERY_BROKER_URL = f"sqlite:///{path}"
    settings.CELERY_BROKER_TRANSPORT = "purna.broker:Transport"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}


def test_embedded_broker_is_up_when_its_file_can_be_written(settings, tmp_path):
    embedded_broker(settings, tmp_path / "broker.sqlite3")

    assert health.broker_ok()
    assert (tmp_path / "broker.sqlite3").is_file()


def test_embedded_broker_is_down_when_its_folder_is_missing(settings, tmp_path):
    embedded_broker(settings, tmp_path / "missing" / "broker.sqlite3")

    assert not health.broker_ok()


def test_embedded_broker_is_down_quickly_while_another_writer_holds_its_lock(settings, tmp_path):
    path = tmp_path / "broker.sqlite3"
    embedded_broker(settings, path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        assert not health.broker_ok(timeout=0.5)
        assert time.monotonic() - started < 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert health.broker_ok()


@pytest.fixture
def unreachable_database(transactional_db):
    """Point the default connection at a database that cannot be opened, for the test's duration.

    transactional_db (not db): the connection must be closed, which a test inside a transaction cannot do.
    """
    unreachable = {"NAME": "/nonexistent-purna-dir/missing.sqlite3"}
    if connection.vendor != "sqlite":
        unreachable = {"HOST": "127.0.0.1", "PORT": "1"}
    saved = {key: connection.settings_dict[key] for key in unreachable}
    connection.close()
    connection.settings_dict.update(unreachable)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_healthz_fails_when_database_is_unreachable(unreachable_database, healthz):
    response, _ = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": False, "broker": True}
