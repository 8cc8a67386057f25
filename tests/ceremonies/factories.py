"""factory_boy factories of the ceremonies' models (saved directly, for tests; real events and
participants are written through ceremonies/services.py)."""

import datetime as dt

import factory
from django.utils import timezone

from ceremonies.models import Event, EventKind, EventStatus, Official, Participant
from tests.factories import EmployeeFactory, UnitKerjaFactory, fake


def in_days(days: int, hour: int = 9) -> dt.datetime:
    """An aware datetime `days` from today at `hour`:00, in the site's time zone."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.LazyFunction(lambda: fake.name())
    title = "Sekretaris Daerah Kabupaten Sukamaju"


class EventFactory(factory.django.DjangoModelFactory):
    """A published farewell a month from now, 09.00-12.00 local time."""

    class Meta:
        model = Event

    kind = EventKind.FAREWELL
    title = factory.Sequence(lambda n: f"Pelepasan ASN Purna Tugas Angkatan {n}")
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    venue = "Pendopo Kabupaten Sukamaju"
    organizer = factory.SubFactory(UnitKerjaFactory)
    status = EventStatus.PUBLISHED


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant not invited yet; the employee has an email address unless told otherwise."""

    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    employee = factory.SubFactory(EmployeeFactory, email=factory.Sequence(lambda n: f"peserta{n}@sukamaju.go.id"))
