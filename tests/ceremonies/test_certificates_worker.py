"""A real Celery worker renders a batch of certificates (tests/conftest.py: worker_queue)."""

import pytest

from ceremonies.models import BatchStatus, Certificate, CertificateBatch
from ceremonies.services.certificates import certificates_issue
from ceremonies.tasks import certificates_render_task
from tests.ceremonies.test_certificates import held_event


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    """The worker process stores the files in the test's private folder."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_batch_once(worker_sees_private_media, worker_queue, actor, private_media):
    batch = certificates_issue(event=held_event(attended=3), actor=actor)

    first = certificates_render_task.apply_async(args=[batch.pk], queue=worker_queue).get(timeout=120)
    again = certificates_render_task.apply_async(args=[batch.pk], queue=worker_queue).get(timeout=120)

    batch.refresh_from_db()
    assert first == again == BatchStatus.DONE
    assert (batch.done, batch.total) == (3, 3)
    certificates = list(Certificate.objects.order_by("seq"))
    assert [c.seq for c in certificates] == [1, 2, 3]
    assert all(c.is_rendered for c in certificates)
    assert len(list(private_media.rglob("*.pdf"))) == 3
    assert not list(private_media.rglob("*.part"))
    assert CertificateBatch.objects.count() == 1
