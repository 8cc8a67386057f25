"""Factories of events, officials, agenda items and participants for the document tests (saved directly,
for reads: real events go through ceremonies/services/events.py)."""

import datetime as dt
import zoneinfo

import factory
from django.conf import settings

from ceremonies.models import EventStatus, ParticipantStatus
from tests.factories import EmployeeFactory, EventFactory, OfficialFactory, ParticipantFactory


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    """An aware datetime in the site's time zone (events are stored aware)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class DocumentOfficialFactory(OfficialFactory):
    name = "Drs. H. Rahmat Hidayat, M.Si."
    nip = "196805121990031004"
    title = "Sekretaris Daerah Kabupaten Contoh"


class DocumentEventFactory(EventFactory):
    """An event on a fixed day, so documents can be checked word for word."""

    title = "Pelepasan ASN Purna Tugas Periode I Tahun 2027"
    # Wednesday 20 January 2027, 08.00-12.00 in the site's zone.
    starts_at = factory.LazyFunction(lambda: local(2027, 1, 20, 8))
    ends_at = factory.LazyFunction(lambda: local(2027, 1, 20, 12))
    venue = "Pendopo Rumah Jabatan Bupati Contoh"
    status = EventStatus.DRAFT
    presiding_official = factory.SubFactory(DocumentOfficialFactory)


class DocumentParticipantFactory(ParticipantFactory):
    event = factory.SubFactory(DocumentEventFactory)
    employee = factory.SubFactory(EmployeeFactory, tmt_pensiun=dt.date(2027, 2, 1))
    status = ParticipantStatus.INVITED
