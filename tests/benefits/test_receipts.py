"""Receipts (kuitansi): issuing (who, which payouts, the number kept on a second issue), the PDF's text,
the render task (idempotent, no stray file, on a real worker) and the download and issue views."""

import datetime as dt
import subprocess
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from benefits.exceptions import PayoutError
from benefits.models import BenefitType, PayoutStatus, Receipt, ReceiptStatus
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from employees.choices import EmployeeStatus
from purna import formatting, roles
from purna.models import Instansi
from purna.notifications.models import Message
from tests.benefits.documents_helpers import payout_in, pdf_text
from tests.factories import EmployeeFactory, UnitKerjaFactory, UserFactory
from tests.purna.notifications.conftest import BrokerSwitch
from tests.workers import instead_of_broker

SCREENSHOT = Path(django_settings.BASE_DIR) / "var" / "screenshots" / "benefits_receipt.png"


@pytest.fixture(autouse=True)
def receipts_setup(settings, private_media):
    settings.PURNA_RECEIPT_NUMBER_PATTERN = "900/{seq}/BKPSDM/{year}"
    settings.PURNA_INSTANSI_CITY = "Balikpapan"
    settings.PURNA_RECEIPT_TREASURER_NAME = "Siti Rahmawati, S.E."
    settings.PURNA_RECEIPT_TREASURER_NIP = "197803152005012003"
    settings.PURNA_RECEIPT_HEAD_NAME = "Dr. Budi Santoso, M.M."


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def treasurer(db):
    return UserFactory(username="bendahara", roles=[roles.BENDAHARA])


@pytest.fixture
def retiree(unit):
    return EmployeeFactory(
        unit=unit,
        name="Ahmad Yani",
        front_title="Drs. H.",
        back_title="M.Si.",
        nip="196505121990031004",
        email="ahmad.yani@example.id",
    )


@pytest.fixture
def no_render(monkeypatch):
    """The task is run by the test itself (or a worker), not handed to a broker after the commit."""
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)


# --- The words of the amount (purna.formatting.terbilang, hand-checked) -------------------------------------


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1001000", "satu juta seribu rupiah"),
        ("20000000", "dua puluh juta rupiah"),
        ("2500000", "dua juta lima ratus ribu rupiah"),
        ("1250000", "satu juta dua ratus lima puluh ribu rupiah"),
        ("3500000", "tiga juta lima ratus ribu rupiah"),
        ("11000", "sebelas ribu rupiah"),
        ("100000000", "seratus juta rupiah"),
    ],
)
def test_amounts_in_words_as_a_kuitansi_writes_them(amount, words):
    assert formatting.terbilang(Decimal(amount)) == words


# --- Issuing ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [PayoutStatus.DRAFT, PayoutStatus.VERIFIED, PayoutStatus.CANCELLED])
def test_no_receipt_for_a_payout_not_approved(status, treasurer, english, no_render):
    payout = payout_in(status)
    with pytest.raises(PayoutError, match="approved or paid"):
        services_receipts.receipt_issue(payout=payout, actor=treasurer)
    assert not Receipt.objects.exists()


def test_who_may_issue_a_receipt(unit, english, no_render):
    payout = payout_in(PayoutStatus.APPROVED, employee=EmployeeFactory(unit=unit))
    for role in (roles.VERIFIKATOR, roles.PIMPINAN):
        with pytest.raises(PayoutError, match="may not issue receipts"):
            services_receipts.receipt_issue(payout=payout, actor=UserFactory(roles=[role]))
    elsewhere = UserFactory(roles=[roles.BENDAHARA], units=[UnitKerjaFactory(code="DISDIK")])
    with pytest.raises(PayoutError, match="not an employee of your work units"):
        services_receipts.receipt_issue(payout=payout, actor=elsewhere)
    assert services_receipts.receipt_issue(payout=payout, actor=UserFactory(roles=[roles.OPERATOR])).seq == 1


def test_issuing_again_keeps_the_number_and_renders_anew(
    treasurer, django_capture_on_commit_callbacks, monkeypatch, english
):
    queued = []
    monkeypatch.setattr(services_receipts, "_render_later", queued.append)
    payout = payout_in(PayoutStatus.PAID)
    with django_capture_on_commit_callbacks(execute=True):
        first = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    assert (first.number, first.issued_on, first.status) == ("900/1/BKPSDM/2025", dt.date(2025, 10, 21), "menunggu")
    services_receipts.receipt_render(receipt_id=first.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    assert (again.pk, again.number, again.status) == (first.pk, first.number, ReceiptStatus.PENDING)
    assert queued == [first.pk, first.pk]
    assert Receipt.objects.count() == 1
    assert [h.history_change_reason for h in first.history.order_by("history_id")] == [
        "Receipt issued",
        "Receipt rendered",
        "Receipt issued again",
    ]


def test_an_approved_payout_is_dated_today(treasurer, no_render):
    receipt = services_receipts.receipt_issue(payout=payout_in(PayoutStatus.APPROVED), actor=treasurer)
    assert receipt.issued_on == timezone.localdate()
    assert receipt.number == f"900/1/BKPSDM/{timezone.localdate().year}"


# --- The PDF and the task --------------------------------------------------------------------------------------


def test_the_receipt_pdf_says_who_received_what(treasurer, retiree, tmp_path, no_render):
    payout = payout_in(PayoutStatus.PAID, employee=retiree, amount="1001000")
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)

    assert receipt_render_task(receipt.pk) == ReceiptStatus.DONE

    receipt.refresh_from_db()
    content = receipt.file.read()
    assert content.startswith(b"%PDF")
    text = " ".join(pdf_text(content, tmp_path).split())
    for expected in (
        "KUITANSI",
        "TANDA TERIMA",
        "Nomor: 900/1/BKPSDM/2025",
        "Sudah terima dari : Bendahara Dewan Pengurus KORPRI / BKPSDM",
        "Terbilang: satu juta seribu rupiah",
        "Rp 1.001.000",
        "Tali asih KORPRI purna tugas a.n. Drs. H. Ahmad Yani, M.Si.",
        "NIP 19650512 199003 1 004",
        "Balikpapan, 21 Oktober 2025",
        "Yang menerima",
        "Siti Rahmawati, S.E.",
        "NIP 19780315 200501 2 003",
        "Dr. Budi Santoso, M.M.",
    ):
        assert expected in text, expected
    assert "METERAI" not in text  # Rp 1.001.000 is below the stamp duty's threshold


def test_a_receipt_above_five_million_has_a_stamp_duty_box_and_is_looked_at(treasurer, retiree, tmp_path, no_render):
    Instansi.objects.create(
        name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        short_name="BKPSDM",
        region="Pemerintah Kota Balikpapan",
        address="Jl. Jenderal Sudirman No. 1, Balikpapan 76114",
        phone="(0542) 421234",
        email="bkpsdm@balikpapan.go.id",
    )
    payout = payout_in(PayoutStatus.PAID, employee=retiree, amount="20000000")
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    receipt_render_task(receipt.pk)
    receipt.refresh_from_db()
    content = receipt.file.read()
    text = " ".join(pdf_text(content, tmp_path).split())
    assert "Terbilang: dua puluh juta rupiah" in text
    assert "Rp 20.000.000" in text
    assert "METERAI Rp 10.000" in text
    assert "PEMERINTAH KOTA BALIKPAPAN" in text  # the letterhead
    # The picture looked at during review (DESIGN.md section 6): one A5 landscape page.
    (tmp_path / "receipt.pdf").write_bytes(content)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-singlefile", str(tmp_path / "receipt.pdf"), str(SCREENSHOT.with_suffix(""))],
        check=True,
    )
    info = subprocess.run(["pdfinfo", str(tmp_path / "receipt.pdf")], capture_output=True, text=True).stdout
    assert "Pages:           1" in info
    assert "595.276 x 419.528 pts" in info  # A5 landscape


def test_a_tht_receipt_names_taspen(treasurer, retiree, tmp_path, no_render):
    payout = payout_in(PayoutStatus.APPROVED, employee=retiree, amount="3500000", benefit=BenefitType.THT)
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    receipt_render_task(receipt.pk)
    receipt.refresh_from_db()
    text = " ".join(pdf_text(receipt.file.read(), tmp_path).split())
    assert "Tabungan Hari Tua (THT) PT Taspen (Persero) a.n. Drs. H. Ahmad Yani" in text
    assert "tiga juta lima ratus ribu rupiah" in text


def test_the_task_run_twice_gives_one_file_and_one_number(treasurer, retiree, private_media, no_render):
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    receipt_render_task(receipt.pk)
    receipt.refresh_from_db()
    rendered_at = receipt.rendered_at

    assert receipt_render_task(receipt.pk) == ReceiptStatus.DONE

    receipt.refresh_from_db()
    assert receipt.rendered_at == rendered_at
    assert [p.name for p in Path(private_media).rglob("*.pdf")] == ["kuitansi-2025-00001.pdf"]
    assert Receipt.objects.get().seq == 1
    assert Message.objects.filter(kind="benefits.receipt_ready").count() == 1


def test_a_render_cut_short_leaves_no_stray_file(treasurer, retiree, private_media, no_render):
    """A worker killed after writing the file and before its commit: the next run replaces that file."""
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    leftover = Path(private_media) / services_receipts.receipt_file_name(receipt)
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"half a PDF")

    receipt_render_task(receipt.pk)

    assert [p.name for p in Path(private_media).rglob("*.pdf")] == [leftover.name]
    assert leftover.read_bytes().startswith(b"%PDF")


def test_issuing_again_replaces_the_file_under_the_same_name(treasurer, retiree, private_media, no_render, settings):
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    receipt = services_receipts.receipt_issue(payout=payout, actor=treasurer)
    receipt_render_task(receipt.pk)
    settings.PURNA_RECEIPT_TREASURER_NAME = "Rina Marlina, S.Ak."
    services_receipts.receipt_issue(payout=payout, actor=treasurer)
    receipt_render_task(receipt.pk)
    receipt.refresh_from_db()
    files = list(Path(private_media).rglob("*.pdf"))
    assert len(files) == 1 and receipt.file.name.endswith(files[0].name)
    assert b"%PDF" in files[0].read_bytes()


def test_the_task_of_a_receipt_gone_does_nothing(db):
    assert receipt_render_task(987654) is None


@pytest.fixture
def worker_sees_private_media(private_media, monkeypatch):
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(private_media))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_a_receipt(worker_sees_private_media, worker_queue, no_render):
    treasurer = UserFactory(username="bendahara", roles=[roles.BENDAHARA])
    employee = EmployeeFactory(name="Siti Aminah", nip="196805102000032001", email="")
    receipt = services_receipts.receipt_issue(payout=payout_in(PayoutStatus.PAID, employee=employee), actor=treasurer)

    assert receipt_render_task.apply_async(args=[receipt.pk], queue=worker_queue).get(timeout=120) == "selesai"
    # Twice: the stored status answers, nothing is rendered again.
    assert receipt_render_task.apply_async(args=[receipt.pk], queue=worker_queue).get(timeout=120) == "selesai"

    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.DONE
    assert receipt.file.read().startswith(b"%PDF")
    assert Receipt.objects.count() == 1


def test_the_render_task_goes_to_the_pdf_queue(settings):
    from celery import current_app

    route = current_app.amqp.router.route({}, "benefits.tasks.receipt_render_task")
    assert route["queue"].name == settings.PURNA_PDF_QUEUE == "pdf"


# --- Views ---------------------------------------------------------------------------------------------------


@pytest.fixture
def payout_detail_url():
    return lambda pk: reverse("benefits:payout_detail", args=[pk])


def test_the_receipt_downloads_through_its_view(client, treasurer, retiree, no_render):
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    url = reverse("benefits:receipt_pdf", args=[payout.pk])
    assert url == f"/tht-tali-asih/pembayaran/{payout.pk}/kuitansi.pdf"
    client.force_login(treasurer)
    response = client.get(url)  # a paid payout has its receipt: issued now, shown while it renders
    assert response.status_code == 200 and b'data-testid="receipt-progress"' in response.content
    receipt = Receipt.objects.get(payout=payout)
    assert client.get(url).status_code == 200  # still being rendered: the same page
    receipt_render_task(receipt.pk)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="kuitansi-900-1-bkpsdm-2025.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_receipt_views_refuse_the_wrong_people(client, retiree, no_render):
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    urls = [
        ("get", reverse("benefits:receipt_pdf", args=[payout.pk])),
        ("get", reverse("benefits:receipt_status", args=[payout.pk])),
        ("post", reverse("benefits:receipt_issue", args=[payout.pk])),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    client.force_login(UserFactory(username="tanpa-peran"))
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    client.force_login(UserFactory(roles=[roles.BENDAHARA], units=[UnitKerjaFactory(code="DISDIK")]))
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 404, url
    assert not Receipt.objects.exists()


def test_issuing_from_the_payout_page(client, treasurer, retiree, payout_detail_url, no_render):
    payout = payout_in(PayoutStatus.PAID, employee=retiree)
    client.force_login(treasurer)

    response = client.post(reverse("benefits:receipt_issue", args=[payout.pk]))

    assert response.status_code == 302 and response.url == payout_detail_url(payout.pk)
    receipt = Receipt.objects.get(payout=payout)
    status = client.get(reverse("benefits:receipt_status", args=[payout.pk]))
    assert status.status_code == 200
    assert 'data-status="menunggu"' in status.text and receipt.number in status.text
    assert "hx-trigger" in status.text  # polls until it is ready
    receipt_render_task(receipt.pk)
    status = client.get(reverse("benefits:receipt_status", args=[payout.pk]))
    assert 'data-status="selesai"' in status.text and "hx-trigger" not in status.text
    assert reverse("benefits:receipt_pdf", args=[payout.pk]) in status.text


def test_a_refused_issue_says_why(client, retiree, payout_detail_url, english, no_render):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    payout = payout_in(PayoutStatus.DRAFT, employee=retiree)
    client.force_login(UserFactory(roles=[roles.BENDAHARA]))
    response = client.post(reverse("benefits:receipt_issue", args=[payout.pk]), follow=False)
    assert response.status_code == 302
    from django.contrib.messages import get_messages

    assert any("approved or paid" in str(m) for m in get_messages(response.wsgi_request))
    assert not Receipt.objects.exists()


def test_the_dead_receive_no_receipt_email(treasurer, unit, no_render):
    employee = EmployeeFactory(unit=unit, email="alm@example.id", status=EmployeeStatus.MENINGGAL)
    receipt = services_receipts.receipt_issue(payout=payout_in(PayoutStatus.PAID, employee=employee), actor=treasurer)
    receipt_render_task(receipt.pk)
    assert not Message.objects.filter(kind="benefits.receipt_ready").exists()


# --- Broker down: the receipts wait in the database, and the sweep hands them over once it is back -----------


def test_receipts_issued_while_the_broker_is_down_are_handed_over_by_the_sweep_once(
    treasurer, unit, django_capture_on_commit_callbacks, monkeypatch
):
    payouts = [payout_in(PayoutStatus.PAID, employee=EmployeeFactory(unit=unit)) for _ in range(3)]
    switch = BrokerSwitch()
    switch.break_()
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            for payout in payouts:
                services_receipts.receipt_issue(payout=payout, actor=treasurer)
        assert time.monotonic() - started < 2 * 3
        assert services_receipts.receipts_sweep() == 0  # still down: nothing handed over, nothing lost
    finally:
        switch.restore()
    waiting = Receipt.objects.filter(status=ReceiptStatus.PENDING, queued_at__isnull=True)
    assert waiting.count() == 3

    sent: list[int] = []
    instead_of_broker(monkeypatch, receipt_render_task, sent.append)
    assert services_receipts.receipts_sweep() == 3
    assert services_receipts.receipts_sweep() == 0  # handed over once
    assert sorted(sent) == sorted(Receipt.objects.values_list("pk", flat=True))
    for receipt_id in sent:
        receipt_render_task(receipt_id)
    assert set(Receipt.objects.values_list("status", flat=True)) == {ReceiptStatus.DONE}


def test_the_receipts_sweep_runs_every_minute(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "benefits.tasks.receipts_sweep_task")
    assert entry["schedule"] <= 60
