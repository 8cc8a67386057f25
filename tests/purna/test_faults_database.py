"""PostgreSQL restarted while the application runs, simulated without touching the shared server: every
connection to this test's database (and only to it) is ended with pg_terminate_backend, as a restart
does. The web server (gunicorn, as deployed) answers the next requests (CONN_HEALTH_CHECKS), the worker
reconnects, and a certificate batch cut off in the middle finishes with nothing half-written."""

import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.db import connection

from ceremonies.models import BatchStatus, Certificate, CertificateBatch, ParticipantStatus
from ceremonies.services.certificates import certificate_file_name, certificates_issue
from purna.tasks import ping_task
from tests.ceremonies.test_certificates import held_event
from tests.factories import ParticipantFactory
from tests.purna.notifications.conftest import free_port, queue_purge, wait_until
from tests.workers import WorkerProcess, worker_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL restart needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def other_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sorted(pid for (pid,) in cursor.fetchall())


def terminate_other_backends() -> list[int]:
    """End every other connection to this test database, as a restart of the server would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        ended = sorted(pid for pid, _ok in cursor.fetchall())
    wait_until(lambda: not set(ended) & set(other_backends()), timeout=10)
    return ended


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - our own server on loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def web(tmp_path):
    """gunicorn as the Dockerfile starts it (one worker, so every request shares its connection)."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "purna.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
            "--timeout=30",
        ],
        cwd=settings.BASE_DIR,
        env=worker_env(CONN_MAX_AGE="600"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                get(f"{base}/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        print((tmp_path / "gunicorn.log").read_text())


def test_the_web_server_answers_the_next_requests_after_a_restart(web, actor):
    batch = certificates_issue(event=held_event(attended=1, absent=0), actor=actor)
    certificate = Certificate.objects.get(batch=batch)
    verify = f"{web}/verifikasi/{certificate.verification_code}/"
    assert get(f"{web}/healthz")[0] == 200
    assert get(verify)[0] == 200
    assert other_backends(), "gunicorn keeps its connection (CONN_MAX_AGE)"

    ended = terminate_other_backends()

    assert ended
    # Without the health check, the kept connection would be used as it is and fail: 503 from /healthz,
    # a 500 from the page. With it, Django sees the connection is gone and opens a new one.
    status, body = get(f"{web}/healthz")
    assert (status, '"database": true' in body) == (200, True), body
    assert get(verify)[0] == 200
    certificate.refresh_from_db()
    assert certificate.verification_count == 2  # each request's write went in once
    assert set(other_backends()).isdisjoint(ended)


@pytest.mark.worker
def test_the_worker_reconnects_and_a_batch_cut_off_finishes_whole(settings, actor, private_media, tmp_path):
    queue = f"test-pdf-{uuid.uuid4().hex[:12]}"
    settings.PURNA_PDF_QUEUE = queue
    env = worker_env(PRIVATE_MEDIA_ROOT=str(private_media), PURNA_PDF_QUEUE=queue, CONN_MAX_AGE="600")
    worker = WorkerProcess(queue, env, tmp_path)
    worker.start()
    try:
        assert ping_task.apply_async(queue=queue).get(timeout=60) == "pong"
        terminate_other_backends()
        # The next task works on a connection of its own (Celery closes the worker's connections around
        # each task; CONN_HEALTH_CHECKS checks a kept one before its first query).
        assert ping_task.apply_async(queue=queue).get(timeout=60) == "pong"

        event = held_event(attended=0, absent=0)
        for n in range(40):
            ParticipantFactory(event=event, status=ParticipantStatus.ATTENDED, employee__name=f"Peserta {n:03d}")
        batch = certificates_issue(event=event, actor=actor)
        wait_until(lambda: CertificateBatch.objects.get(pk=batch.pk).done >= 5, timeout=120, interval=0.05)
        # The server "restarts" in the middle of the batch: the task meets a lost connection, which is
        # transient (purna/db.py), and runs again (purna.tasks.TransientRetryTask) under the same id.
        assert terminate_other_backends()
        wait_until(
            lambda: CertificateBatch.objects.get(pk=batch.pk).status == BatchStatus.DONE,
            timeout=180,
            interval=0.2,
            message=worker.logs(),
        )
    finally:
        worker.stop()
        print(worker.logs())
        queue_purge(queue)

    assert "Retry in" in worker.logs(), "the batch was cut off by the restart and retried"
    done = CertificateBatch.objects.get(pk=batch.pk)
    assert (done.done, done.total, done.error) == (40, 40, "")
    certificates = list(Certificate.objects.filter(batch=batch).order_by("seq"))
    assert [c.seq for c in certificates] == list(range(certificates[0].seq, certificates[0].seq + 40))
    assert all(c.is_rendered for c in certificates)
    stored = sorted(str(p.relative_to(private_media)) for p in private_media.rglob("*") if p.is_file())
    assert stored == sorted(certificate_file_name(c) for c in certificates)
