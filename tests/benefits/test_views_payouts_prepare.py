"""Preparing payouts from the pages (benefits/views/payouts.py): counted then prepared inline, for a
ceremony's participants, or as a batch in Celery that continues where it stopped."""

import datetime as dt
from pathlib import Path

from django.conf import settings as django_settings
from django.urls import reverse

from benefits.models import BatchStatus, BenefitType, Payout, PayoutBatch
from benefits.tasks import payouts_prepare_batch_task
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
from tests.workers import instead_of_broker

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


def test_indonesian_texts_say_kesalahan_not_galat():
    po = (Path(django_settings.BASE_DIR) / "locale" / "id" / "LC_MESSAGES" / "django.po").read_text()
    msgstrs = [line for line in po.splitlines() if not line.startswith(("msgid", "#"))]
    assert not [line for line in msgstrs if "galat" in line.lower()]
