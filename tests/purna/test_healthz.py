"""/healthz answers 200 only when the database and the Celery broker both really answer."""

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


@pytest.mark.skipif(not settings.REDIS_URL, reason="REDIS_URL is not set: the suite runs on the filesystem broker")
def test_healthz_checks_the_real_redis(db, healthz):
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL

    response, _ = healthz()

    assert response.status_code == 200


def test_healthz_fails_quickly_when_broker_is_unreachable(db, settings, healthz):
    settings.CELERY_BROKER_URL = CLOSED_PORT_BROKER
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}

    response, seconds = healthz()

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": True, "broker": False}
    assert seconds < health.BROKER_TIMEOUT + 1


def test_filesystem_broker_is_up_when_its_folder_can_be_made(settings, tmp_path):
    folder = tmp_path / "broker" / "queue"
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(folder), "data_folder_out": str(folder)}

    assert health.broker_ok()
    assert folder.is_dir()


def test_filesystem_broker_is_down_when_its_folder_cannot_be_made(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(blocker / "queue")}

    assert not health.broker_ok()


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
