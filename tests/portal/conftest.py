"""Fixtures of the portal's tests: the outbox's real SMTP sink, a private email queue, private media, a
clean cache (the sign-in form is rate-limited), and two retirees with papers of their own."""

import datetime as dt

import pytest
from django.core.cache import cache

from benefits.models import BenefitType, PayoutStatus
from benefits.services import receipts as services_receipts
from benefits.tasks import receipt_render_task
from ceremonies.models import EventKind, EventStatus, ParticipantStatus
from ceremonies.services.certificates import certificates_issue, certificates_render
from purna import roles
from tests.benefits.documents_helpers import payout_in
from tests.factories import (
    EmployeeFactory,
    EventFactory,
    OfficialFactory,
    ParticipantFactory,
    ThtClaimFactory,
    UnitKerjaFactory,
    UserFactory,
)
from tests.purna.notifications.conftest import private_email_queue, smtp_settings, smtp_sink  # noqa: F401

SITE = "https://purna.contoh.go.id"


@pytest.fixture(autouse=True)
def portal_settings(settings, private_media):
    settings.PURNA_SITE_URL = SITE
    settings.PURNA_CERTIFICATE_PLACE = "Balikpapan"
    cache.clear()
    yield settings
    cache.clear()


@pytest.fixture
def unit(db):
    return UnitKerjaFactory(code="DINKES", name="Dinas Kesehatan")


def retiree_with_papers(unit, *, name: str, nip: str, email: str, actor):
    """A retiree with a rendered piagam, a paid tali asih with its rendered receipt, a THT claim and an
    invitation to a coming event."""
    employee = EmployeeFactory(
        unit=unit,
        name=name,
        nip=nip,
        email=email,
        birth_date=dt.date(int(nip[:4]), int(nip[4:6]), int(nip[6:8])),
        tmt_pensiun=dt.date(2025, 11, 1),
        service_years=35,
        service_months=2,
        bup=58,
    )
    farewell = EventFactory(kind=EventKind.FAREWELL, status=EventStatus.HELD, organizer=unit)
    farewell.signatories.set([OfficialFactory(name="Dr. H. Muhammad Sayid, M.Si.", nip="197001011990031001")])
    ParticipantFactory(event=farewell, employee=employee, status=ParticipantStatus.ATTENDED)
    certificates_render(batch_id=certificates_issue(event=farewell, actor=actor).pk)
    payout = payout_in(PayoutStatus.PAID, employee=employee, amount="2500000", override_reason="catatan internal")
    receipt_render_task(services_receipts.receipt_issue(payout=payout, actor=actor).pk)
    payout_in(PayoutStatus.DRAFT, employee=employee, benefit=BenefitType.THT, amount="25000000")
    ThtClaimFactory(employee=employee, notes="catatan internal Taspen")
    coming = EventFactory(kind=EventKind.TRAINING, status=EventStatus.PUBLISHED, organizer=unit)
    ParticipantFactory(event=coming, employee=employee, status=ParticipantStatus.INVITED, rsvp_version=1)
    return employee


@pytest.fixture
def staff_actor(db):
    return UserFactory(username="bendahara-uji", roles=[roles.ADMIN])


@pytest.fixture
def ahmad(unit, staff_actor, monkeypatch):
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    return retiree_with_papers(
        unit, name="Ahmad Yani", nip="196505121990031004", email="ahmad.yani@example.id", actor=staff_actor
    )


@pytest.fixture
def siti(unit, staff_actor, monkeypatch):
    monkeypatch.setattr(services_receipts, "_render_later", lambda receipt_id: None)
    return retiree_with_papers(
        unit, name="Siti Aminah", nip="196703142000122001", email="siti.aminah@example.id", actor=staff_actor
    )
