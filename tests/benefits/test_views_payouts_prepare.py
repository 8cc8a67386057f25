"""Preparing payouts from the pages (benefits/views/payouts.py): counted then prepared inline, for a
ceremony's participants, or as a batch in Celery that continues where it stopped."""

import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.http import FileResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from benefits.documents import HEADER_ROW
from benefits.models import BatchStatus, BenefitType, Payout, PayoutBatch
from benefits.tasks import payouts_prepare_batch_task
from purna.tasks import generated_document_render_task
from tests.benefits.payout_page_fixtures import (
    TMT,
    en_fixture,  # noqa: F401 (a fixture)
    flat_rate_fixture,  # noqa: F401 (a fixture)
    messages_of,
    other_unit_fixture,  # noqa: F401 (a fixture)
    prepare,
    retiree,
    staff_fixture,  # noqa: F401 (a fixture)
    unit_fixture,  # noqa: F401 (a fixture)
)
from tests.factories import EventFactory, ParticipantFactory
from tests.generated_documents import is_progress_page, render_queued
from tests.workers import instead_of_broker


@pytest.fixture
def sent_documents(monkeypatch, private_media):
    """The ids of the documents handed to the worker (nothing reaches a broker)."""
    ids: list[int] = []
    instead_of_broker(monkeypatch, generated_document_render_task, ids.append)
    return ids


# --- Preparing -------------------------------------------------------------------------------------------


def test_prepare_counts_then_prepares_inline(en, staff, unit, other_unit, flat_rate):
    retiree(unit, name="Juli Satu")
    retiree(unit, name="Juli Dua", tmt_pensiun=dt.date(2025, 7, 1))
    having = retiree(unit, name="Sudah Ada")
    prepare(having, staff)
    retiree(unit, name="Agustus", tmt_pensiun=dt.date(2025, 9, 1))
    retiree(other_unit, name="Unit Lain")
    en.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-06", "tmt_until": "2025-07"}

    preview = en.get(reverse("benefits:prepare"), choice)
    assert (preview.context["total"], preview.context["having"], preview.context["to_prepare"]) == (3, 1, 2)

    response = en.post(reverse("benefits:prepare"), choice, follow=True)

    assert set(Payout.objects.values_list("employee__name", flat=True)) == {"Juli Satu", "Juli Dua", "Sudah Ada"}
    assert "Payouts prepared: 2; skipped (already had one): 1; errors: 0." in messages_of(response)


def test_prepare_for_a_ceremonys_participants(client, staff, unit, flat_rate):
    event = EventFactory(organizer=unit)
    ParticipantFactory(event=event, employee=retiree(unit, name="Peserta", tmt_pensiun=dt.date(2024, 1, 1)))
    retiree(unit, name="Bukan Peserta")
    client.force_login(staff["operator"])

    client.post(reverse("benefits:prepare"), {"benefit_type": BenefitType.TALI_ASIH, "event": event.pk})

    payout = Payout.objects.get()
    assert (payout.employee.name, payout.event) == ("Peserta", event)


def test_prepare_beyond_the_inline_maximum_runs_as_a_batch(
    client, staff, unit, flat_rate, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PURNA_PAYOUT_PREPARE_INLINE_MAX = 2
    for n in range(4):
        retiree(unit, name=f"Pensiun {n}")
    retiree(unit, name="Tanpa TMT", tmt_pensiun=None, tmt_effective=TMT)
    queued = []
    instead_of_broker(monkeypatch, payouts_prepare_batch_task, lambda batch_id: queued.append(batch_id))
    client.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-07", "tmt_until": "2025-07"}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("benefits:prepare"), choice)

    batch = PayoutBatch.objects.get()
    assert response["Location"] == reverse("benefits:batch_detail", args=[batch.pk])
    assert queued == [batch.pk] and batch.total == 5 and not Payout.objects.exists()
    progress = client.get(reverse("benefits:batch_progress", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in progress

    assert payouts_prepare_batch_task(batch.pk) == BatchStatus.DONE
    assert payouts_prepare_batch_task(batch.pk) == BatchStatus.DONE  # a second run changes nothing

    batch.refresh_from_db()
    assert (batch.done, batch.created, batch.skipped, len(batch.errors)) == (5, 4, 0, 1)
    assert batch.errors[0]["name"] == "Tanpa TMT"
    assert Payout.objects.count() == 4
    page = client.get(reverse("benefits:batch_detail", args=[batch.pk])).content.decode()
    assert 'hx-trigger="every 1s"' not in page and "Tanpa TMT" in page


def test_a_batch_stopped_half_way_continues_where_it_stopped(staff, unit, flat_rate):
    from benefits.services.batches import payout_batch_run

    people = [retiree(unit, name=f"Orang {n}") for n in range(5)]
    batch = PayoutBatch.objects.create(
        benefit_type=BenefitType.TALI_ASIH,
        employee_ids=[p.pk for p in people],
        total=5,
        done=2,
        requested_by=staff["operator"],
        status=BatchStatus.RUNNING,
    )

    payout_batch_run(batch_id=batch.pk, chunk_size=2)

    batch.refresh_from_db()
    assert (batch.status, batch.done, batch.created) == (BatchStatus.DONE, 5, 3)
    assert set(Payout.objects.values_list("employee_id", flat=True)) == {p.pk for p in people[2:]}


# --- The preview: each person, the amount, the rule and the total -------------------------------------------


def test_the_preview_shows_each_person_amount_rule_and_total(client, staff, unit, flat_rate):
    retiree(unit, name="Juli Satu", nip="196505121990031004")
    retiree(unit, name="Juli Dua", tmt_pensiun=dt.date(2025, 7, 1))
    prepare(retiree(unit, name="Sudah Ada"), staff)
    retiree(unit, name="Tanpa TMT", tmt_pensiun=None)
    client.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-06", "tmt_until": "2025-07"}

    response = client.get(reverse("benefits:prepare"), choice)

    html = response.content.decode()
    assert html.count('data-testid="prepare-row"') == 3
    for expected in (
        "Juli Satu",
        "19650512 199003 1 004",
        "Juli Dua",
        "Sudah Ada",
        "Rp 20.000.000",
        flat_rate.name,
        flat_rate.decision_number,
    ):
        assert expected in html, expected
    assert 'data-testid="prepare-total">Rp 40.000.000<' in html
    preview = response.context["preview"]
    assert [row.employee.name for row in preview.rows if row.prepared] == ["Juli Dua", "Juli Satu"]
    assert [row.employee.name for row in preview.rows if row.skipped] == ["Sudah Ada"]


def test_the_preview_says_why_a_person_cannot_be_prepared(client, staff, unit, flat_rate):
    retiree(unit, name="Tanpa Klaim")
    client.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.THT, "tmt_from": "2025-07", "tmt_until": "2025-07"}

    response = client.get(reverse("benefits:prepare"), choice)

    html = " ".join(response.content.decode().split())
    assert "Tanpa Klaim" in html
    assert "Jumlah THT yang dibayar PT Taspen belum dicatat" in html
    assert response.context["preview"].errors == 1
    assert 'data-testid="prepare-total">Rp 0<' in html


def test_a_large_selection_is_counted_whole_and_previewed_in_a_workbook_made_in_the_background(
    en, staff, unit, flat_rate, settings, sent_documents, django_capture_on_commit_callbacks, instansi_cache_warm
):
    """Past PURNA_PAYOUT_PREVIEW_ROWS the page computes only the rows it shows, in the same number of
    queries whatever the selection's size; every retiree and the total are in the workbook, made by the
    worker (queued, never rendered in the request)."""
    settings.PURNA_PAYOUT_PREVIEW_ROWS = 3
    client = en
    client.force_login(staff["operator"])
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-07", "tmt_until": "2025-07"}
    prepare(retiree(unit, name="A Sudah Ada"), staff)
    for n in range(4):
        retiree(unit, name=f"Pensiun {n:02d}")
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("benefits:prepare"), choice)
    for n in range(4, 12):
        retiree(unit, name=f"Pensiun {n:02d}")

    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse("benefits:prepare"), choice)

    assert len(large) == len(small)
    context = response.context
    assert (context["total"], context["having"], context["to_prepare"]) == (13, 1, 12)
    assert [row.employee.name for row in context["preview"].rows] == ["A Sudah Ada", "Pensiun 00", "Pensiun 01"]
    html = " ".join(response.content.decode().split())
    assert "The first 3 of 13 retirees are shown here." in html
    assert 'data-testid="prepare-total">Rp 40.000.000<' in html  # the two shown that would be prepared
    link = reverse("benefits:prepare_preview_xlsx") + "?" + urlencode(choice)
    assert f'href="{link}"'.replace("&", "&amp;") in html

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.get(link)
    assert is_progress_page(queued) and sent_documents == [queued.context["document"].pk]
    render_queued(queued)
    workbook = client.get(link)
    assert isinstance(workbook, FileResponse)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(workbook.streaming_content)))
    cells = sheet.get_sheet_by_index(0).to_python()
    rows = cells[HEADER_ROW + 1 : -1]
    assert [row[1] for row in rows][:3] == ["A Sudah Ada", "Pensiun 00", "Pensiun 01"]
    assert len(rows) == 13 and rows[0][5] == "Skipped: already has a payout of this benefit."
    assert cells[-1][5:] == ["Total to prepare", 12 * 20_000_000]


def test_the_preview_workbook_is_refused_without_the_permission_and_outside_the_scope(
    client, staff, unit, other_unit, flat_rate, sent_documents
):
    event = EventFactory(organizer=other_unit)
    choice = {"benefit_type": BenefitType.TALI_ASIH, "tmt_from": "2025-07", "tmt_until": "2025-07"}
    url = reverse("benefits:prepare_preview_xlsx")
    assert client.get(url, choice).status_code == 302  # to the sign-in page
    client.force_login(staff["pimpinan"])
    assert client.get(url, choice).status_code == 403
    client.force_login(staff["operator"])
    # A ceremony of another unit is not among the choices: the form refuses it, nothing is queued.
    refused = client.get(url, {"benefit_type": BenefitType.TALI_ASIH, "event": event.pk})
    assert refused.status_code == 302 and sent_documents == []


def test_indonesian_texts_say_kesalahan_not_galat():
    po = (Path(django_settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po").read_text()
    msgstrs = [line for line in po.splitlines() if not line.startswith(("msgid", "#"))]
    assert not [line for line in msgstrs if "galat" in line.lower()]
