"""Factories of events, officials, agenda items and participants for the document tests (saved directly,
for reads: real events go through ceremonies/services.py)."""

import datetime as dt
import zoneinfo

import factory
from django.conf import settings

from ceremonies.models import Event, EventKind, Instructor, Official, Participant, ParticipantStatus, Session
from tests.factories import EmployeeFactory, UnitKerjaFactory


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    """An aware datetime in the site's time zone (events are stored aware)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = "Drs. H. Rahmat Hidayat, M.Si."
    nip = "196805121990031004"
    title = "Sekretaris Daerah Kabupaten Contoh"


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"Narasumber {n}")
    institution = "PT Taspen (Persero) KC Contoh"


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.FAREWELL
    title = "Pelepasan ASN Purna Tugas Periode I Tahun 2027"
    # Wednesday 20 January 2027, 08.00-12.00 in the site's zone.
    starts_at = factory.LazyFunction(lambda: local(2027, 1, 20, 8))
    ends_at = factory.LazyFunction(lambda: local(2027, 1, 20, 12))
    venue = "Pendopo Rumah Jabatan Bupati Contoh"
    organizer = factory.SubFactory(UnitKerjaFactory)
    presiding_official = factory.SubFactory(OfficialFactory)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.event.starts_at + dt.timedelta(hours=1))
    topic = "Hak-hak peserta Taspen"
    instructor = factory.SubFactory(InstructorFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    employee = factory.SubFactory(EmployeeFactory, tmt_pensiun=dt.date(2027, 2, 1))
    status = ParticipantStatus.INVITED
