"""Documents and exports made in the background (purna/generated.py): every converted view queues instead
of rendering, a real worker makes the file, the second request serves it, a change of the data makes it
stale, another unit's staff meet 404, two requests at once make one job, a failure can be tried again."""

import datetime as dt
import errno
import os
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.http import FileResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ceremonies import documents as ceremony_documents
from ceremonies.models import ParticipantStatus
from portal.demo import instansi_ensure
from purna import generated, roles
from purna.models import GeneratedDocument
from purna.models import GeneratedDocumentStatus as Status
from purna.tasks import generated_document_render_task
from tests.ceremonies.factories_documents import DocumentEventFactory, DocumentParticipantFactory
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory
from tests.generated_documents import as_plain_response, is_progress_page, render_queued
from tests.purna.test_csp import Watch, sign_in
from tests.workers import instead_of_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The ids of the documents handed to the worker (nothing reaches a broker)."""
    ids: list[int] = []
    instead_of_broker(monkeypatch, generated_document_render_task, lambda document_id: ids.append(document_id))
    return ids


@pytest.fixture
def world(db, private_media):
    instansi_ensure()
    unit_a = UnitKerjaFactory(code="GEN-A", name="Dinas A")
    unit_b = UnitKerjaFactory(code="GEN-B", name="Dinas B")
    event = DocumentEventFactory(organizer=unit_a)
    for name in ("Ahmad", "Bambang", "Cahya"):
        DocumentParticipantFactory(event=event, employee__name=name, employee__unit=unit_a)
    operator_a = UserFactory(username="op-a", roles=[roles.OPERATOR], units=[unit_a])
    operator_b = UserFactory(username="op-b", roles=[roles.OPERATOR], units=[unit_b])
    return {"unit_a": unit_a, "unit_b": unit_b, "event": event, "a": operator_a, "b": operator_b}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _views(world) -> list[tuple[str, dict]]:
    event = world["event"].pk
    return [
        (reverse("ceremonies:attendance_pdf", args=[event]), {}),
        (reverse("ceremonies:report_pdf", args=[event]), {}),
        (reverse("ceremonies:letters_pdf", args=[event]), {"semua": "1"}),
        (reverse("ceremonies:participants_xlsx", args=[event]), {}),
        (reverse("benefits:recap_pdf"), {"tahun": "2027"}),
        (reverse("benefits:recap_xlsx"), {"tahun": "2027"}),
        (
            reverse("benefits:prepare_preview_xlsx"),
            {"benefit_type": "tali_asih", "tmt_from": "2027-01", "tmt_until": "2027-12"},
        ),
        (reverse("employees:projection_xlsx"), {}),
        (reverse("employees:export", args=["xlsx"]), {}),
        (reverse("employees:export", args=["csv"]), {"q": "Ahmad"}),
    ]


def test_every_document_view_queues_instead_of_rendering(world, sent, django_capture_on_commit_callbacks):
    client = _signed_in(world["a"])
    for url, data in _views(world):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(url, data)
        assert is_progress_page(response), url
        assert b"%PDF" not in response.content and b"PK\x03\x04" not in response.content
        document = response.context["document"]
        assert document.status == Status.PENDING and not document.file
        # Queued once, after the commit; asking again while it is made queues nothing more.
        assert sent[-1] == document.pk
        with django_capture_on_commit_callbacks(execute=True):
            again = client.get(url, data)
        assert again.context["document"].pk == document.pk
    assert len(sent) == len(_views(world)) == GeneratedDocument.objects.count()


def test_made_once_then_served_until_the_data_changes(world, sent, django_capture_on_commit_callbacks):
    client = _signed_in(world["a"])
    url = reverse("ceremonies:attendance_pdf", args=[world["event"].pk])
    first = client.get(url)
    document = render_queued(first)
    first_file = document.file.name

    served = client.get(url)
    assert isinstance(served, FileResponse)
    assert as_plain_response(served).content.startswith(b"%PDF")
    assert GeneratedDocument.objects.count() == 1

    # A new participant: the stored sheet no longer says what is true, a new one is queued.
    DocumentParticipantFactory(event=world["event"], employee__name="Dewi", employee__unit=world["unit_a"])
    stale = client.get(url)
    assert is_progress_page(stale)
    with django_capture_on_commit_callbacks(execute=True):
        newer = render_queued(stale)
    assert newer.pk != document.pk
    # Once the new one is made, the old one and its file are gone.
    assert list(GeneratedDocument.objects.values_list("pk", flat=True)) == [newer.pk]
    assert not newer.file.storage.exists(first_file)


def test_a_status_change_of_a_participant_makes_it_stale_too(world, sent):
    client = _signed_in(world["a"])
    url = reverse("ceremonies:report_pdf", args=[world["event"].pk])
    render_queued(client.get(url))
    participant = world["event"].participants.first()
    participant.status = ParticipantStatus.ATTENDED
    participant.save()
    assert is_progress_page(client.get(url))


def test_the_status_tells_the_progress_then_the_download(world, sent):
    client = _signed_in(world["a"])
    document = client.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk])).context["document"]
    status_url = reverse("documents:status", args=[document.pk])

    waiting = client.get(status_url).json()
    assert (waiting["status"], waiting["ready"], waiting["failed"], waiting["download_url"]) == (
        Status.PENDING,
        False,
        False,
        "",
    )
    generated.generated_document_render(document_id=document.pk)
    done = client.get(status_url).json()
    assert done["ready"] and done["percent"] == 100
    assert done["download_url"] == reverse("documents:file", args=[document.pk])
    response = client.get(done["download_url"])
    assert response["Content-Disposition"].startswith('attachment; filename="daftar-hadir-')
    assert as_plain_response(response).content.startswith(b"%PDF")
    page = client.get(reverse("documents:page", args=[document.pk])).content.decode()
    assert f'href="{done["download_url"]}"' in page


def test_another_units_staff_meet_404_for_the_page_and_the_file(world, sent):
    client_a, client_b = _signed_in(world["a"]), _signed_in(world["b"])
    document = render_queued(client_a.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk])))

    assert client_b.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk])).status_code == 404
    for name in ("documents:page", "documents:status", "documents:file"):
        assert client_b.get(reverse(name, args=[document.pk])).status_code == 404, name
        assert client_a.get(reverse(name, args=[document.pk])).status_code == 200, name
    assert client_b.post(reverse("documents:retry", args=[document.pk])).status_code == 404
    # Signed in without the permission: refused.
    no_role = _signed_in(UserFactory(username="tanpa-peran"))
    assert no_role.get(reverse("documents:file", args=[document.pk])).status_code == 403


def test_a_document_made_for_a_wider_scope_is_not_served_to_a_narrower_one(world, sent):
    everyone = _signed_in(UserFactory(username="bkd", roles=[roles.OPERATOR], units="all"))
    document = render_queued(everyone.get(reverse("employees:export", args=["csv"])))

    assert _signed_in(world["a"]).get(reverse("documents:file", args=[document.pk])).status_code == 404


def test_a_failure_says_so_in_indonesian_and_can_be_tried_again(world, sent, monkeypatch):
    client = _signed_in(world["a"])
    url = reverse("ceremonies:attendance_pdf", args=[world["event"].pk])
    document = client.get(url).context["document"]

    def broken(**kwargs):
        raise RuntimeError("WeasyPrint broke")

    monkeypatch.setattr(ceremony_documents, "attendance_pdf", broken)
    assert generated.generated_document_render(document_id=document.pk) == Status.FAILED
    document.refresh_from_db()
    assert document.status == Status.FAILED and "WeasyPrint broke" in document.error

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Dokumen tidak dapat dibuat" in page
    assert reverse("documents:retry", args=[document.pk]) in page
    assert client.get(reverse("documents:status", args=[document.pk])).json()["failed"] is True

    monkeypatch.undo()
    instead_of_broker(monkeypatch, generated_document_render_task, lambda document_id: sent.append(document_id))
    sent.clear()
    response = client.post(reverse("documents:retry", args=[document.pk]))
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.status == Status.PENDING
    generated.generated_document_render(document_id=document.pk)
    assert isinstance(client.get(url), FileResponse)


class FullDiskContent(ContentFile):
    """What the storage writes, a third of it before the disk is full (as a real one fails part-way)."""

    def chunks(self, chunk_size=None):
        content = self.read()
        yield content[: len(content) // 3]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_disk_fails_the_document_with_a_clear_message_and_leaves_no_part(world, sent, monkeypatch):
    client = _signed_in(world["a"])
    url = reverse("ceremonies:attendance_pdf", args=[world["event"].pk])
    document = client.get(url).context["document"]
    monkeypatch.setattr(generated, "ContentFile", FullDiskContent)

    assert generated.generated_document_render(document_id=document.pk) == Status.FAILED

    document.refresh_from_db()
    assert document.failed_for_full_disk and "No space left on device" in document.error
    # The part written before the disk filled up is gone: nothing partial stays, nothing is served.
    folder = Path(generated.file_storage().path(f"dokumen/{document.pk}"))
    assert list(folder.iterdir()) == []
    assert client.get(reverse("documents:file", args=[document.pk])).status_code == 404
    status = client.get(reverse("documents:status", args=[document.pk]), HTTP_ACCEPT_LANGUAGE="id").json()
    assert status["failed"] and status["message"].startswith("Disk server penuh")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Disk server penuh" in page and reverse("documents:retry", args=[document.pk]) in page

    # Space freed, tried again: made whole, under its own name.
    monkeypatch.undo()
    instead_of_broker(monkeypatch, generated_document_render_task, sent.append)
    client.post(reverse("documents:retry", args=[document.pk]))
    assert generated.generated_document_render(document_id=document.pk) == Status.DONE
    document.refresh_from_db()
    assert document.file.name == f"dokumen/{document.pk}/{document.filename}"
    assert [path.name for path in folder.iterdir()] == [document.filename]
    assert document.file.read().startswith(b"%PDF-")


def test_rendering_twice_keeps_one_file(world, sent):
    client = _signed_in(world["a"])
    document = render_queued(client.get(reverse("ceremonies:participants_xlsx", args=[world["event"].pk])))
    name = document.file.name

    assert generated.generated_document_render(document_id=document.pk) == Status.DONE
    document.refresh_from_db()
    assert document.file.name == name
    stored = Path(document.file.storage.location) / "dokumen"
    assert len([path for path in stored.rglob("*") if path.is_file()]) == 1


def test_documents_nobody_asked_for_again_are_deleted(world, sent, django_capture_on_commit_callbacks):
    client = _signed_in(world["a"])
    old = render_queued(client.get(reverse("ceremonies:participants_xlsx", args=[world["event"].pk])))
    GeneratedDocument.objects.filter(pk=old.pk).update(
        changed_at=timezone.now() - dt.timedelta(days=generated.KEEP_DAYS + 1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        fresh = render_queued(client.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk])))

    assert list(GeneratedDocument.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not old.file.storage.exists(old.file.name)


def test_a_queued_document_lost_by_the_broker_can_be_tried_again(world, sent):
    client = _signed_in(world["a"])
    document = client.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk])).context["document"]
    GeneratedDocument.objects.filter(pk=document.pk).update(changed_at=timezone.now() - dt.timedelta(hours=2))

    assert client.get(reverse("documents:status", args=[document.pk])).json()["failed"] is True
    client.post(reverse("documents:retry", args=[document.pk]))
    document.refresh_from_db()
    assert document.status == Status.PENDING and not document.is_stuck


def test_the_query_count_of_the_page_does_not_grow_with_the_event(world, sent):
    client = _signed_in(world["a"])
    small, large = DocumentEventFactory(organizer=world["unit_a"]), DocumentEventFactory(organizer=world["unit_a"])
    DocumentParticipantFactory(event=small, employee__unit=world["unit_a"])
    for _n in range(40):
        DocumentParticipantFactory(event=large, employee=EmployeeFactory(unit=world["unit_a"]))
    client.get(reverse("ceremonies:attendance_pdf", args=[world["event"].pk]))  # warm-up

    counts = []
    for event in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("ceremonies:attendance_pdf", args=[event.pk]))
        assert is_progress_page(response)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_make_one_job(private_media, monkeypatch):
    instansi_ensure()
    unit = UnitKerjaFactory(code="GEN-C", name="Dinas C")
    event = DocumentEventFactory(organizer=unit)
    DocumentParticipantFactory(event=event, employee__unit=unit)
    user = UserFactory(username="op-c", roles=[roles.OPERATOR], units=[unit])
    sent: list[int] = []
    lock = threading.Lock()

    def delay(document_id):
        with lock:
            sent.append(document_id)

    instead_of_broker(monkeypatch, generated_document_render_task, delay)
    url = reverse("ceremonies:attendance_pdf", args=[event.pk])
    start = threading.Barrier(2)
    answers: list[int] = []

    def ask() -> None:
        try:
            client = _signed_in(user)
            start.wait(timeout=10)
            response = client.get(url)
            answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == [200, 200]
    assert GeneratedDocument.objects.count() == 1
    assert sent == [GeneratedDocument.objects.get().pk]


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    """The worker process stores the files in the test's private folder."""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_makes_the_document_and_the_page_serves_it(worker_sees_private_media, worker_queue, monkeypatch):
    instansi_ensure()
    unit = UnitKerjaFactory(code="GEN-W", name="Dinas W")
    event = DocumentEventFactory(organizer=unit)
    for _n in range(3):
        DocumentParticipantFactory(event=event, employee__unit=unit)
    client = _signed_in(UserFactory(username="op-w", roles=[roles.OPERATOR], units=[unit]))
    results = []
    # The task goes to this test's own worker (its private queue), as the pdf queue's worker would take it.
    send = generated_document_render_task.apply_async
    instead_of_broker(
        monkeypatch,
        generated_document_render_task,
        lambda document_id: results.append(send(args=[document_id], queue=worker_queue)),
    )
    url = reverse("ceremonies:attendance_pdf", args=[event.pk])

    page = client.get(url)
    assert is_progress_page(page)
    assert results[0].get(timeout=120) == Status.DONE

    status = client.get(reverse("documents:status", args=[page.context["document"].pk])).json()
    assert status["ready"] and status["percent"] == 100
    served = client.get(url)
    assert isinstance(served, FileResponse)
    assert as_plain_response(served).content.startswith(b"%PDF")
    assert len(results) == 1


@pytest.mark.browser
def test_the_progress_page_becomes_the_download_link_under_the_policy(page, live_server, private_media, sent):
    instansi_ensure()
    unit = UnitKerjaFactory(code="GEN-P", name="Dinas P")
    event = DocumentEventFactory(organizer=unit)
    DocumentParticipantFactory(event=event, employee__unit=unit)
    watch = Watch(page)
    sign_in(page.context, UserFactory(username="op-p", roles=[roles.OPERATOR], units=[unit]), live_server)

    watch.visit(reverse("ceremonies:attendance_pdf", args=[event.pk]))
    link = page.get_by_test_id("document-download")
    assert not link.is_visible()
    assert page.get_by_test_id("document-progress").is_visible()
    # The worker's part, here in the test's process: the page's polling then shows the link.
    generated.generated_document_render(document_id=sent[0])
    link.wait_for(state="visible", timeout=10_000)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("daftar-hadir-")
    watch.collect()
    assert not watch.problems, "\n".join(watch.problems)
