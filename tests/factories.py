"""factory_boy factories for the whole project (Faker with the id_ID locale)."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from faker import Faker

from benefits.models import BenefitType, Payout, RateBasis, TaliAsihRate, TaliAsihRateBand, ThtClaim
from ceremonies.models import Event, EventKind, EventStatus, Instructor, Official, Participant, Session
from employees.choices import AsnType, CaseStatus, Gender, JenisJabatan, RetirementKind
from employees.models import (
    CaseDocument,
    DocumentType,
    Employee,
    RetirementCase,
    RetirementRule,
    StaffScope,
    UnitKerja,
)
from employees.retirement import add_months
from employees.services.cases import retirement_worklist_sync
from employees.services.register import CASE_COPY_FIELDS

fake = Faker("id_ID")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.first_name)
    password = factory.django.Password("rahasia-uji-123")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        """The staff scope (employees/scope.py): `units=[unit, ...]` for those units, `units="all"` for
        every unit; a user made with roles sees every unit unless told otherwise, as central BKD staff."""
        if not create:
            return
        if extracted is None and Group.objects.filter(user=self).exists():
            extracted = "all"
        if extracted is None:
            return
        scope, _created = StaffScope.objects.update_or_create(user=self, defaults={"all_units": extracted == "all"})
        if extracted != "all":
            scope.units.set(extracted)


class UnitKerjaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitKerja
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Contoh {n}")


def nip_for(birth_date: dt.date, tmt_cpns: dt.date, gender: str, sequence: int) -> str:
    """A NIP consistent with the record (DESIGN.md: YYYYMMDD YYYYMM G NNN)."""
    return f"{birth_date:%Y%m%d}{tmt_cpns:%Y%m}{gender}{sequence:03d}"


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    asn_type = AsnType.PNS
    name = factory.LazyFunction(lambda: fake.name().replace("Dr. ", "").replace("Ir. ", ""))
    birth_place = factory.LazyFunction(fake.city_name)
    birth_date = factory.LazyFunction(lambda: fake.date_between(dt.date(1966, 1, 1), dt.date(1995, 12, 31)))
    gender = Gender.MALE
    tmt_cpns = factory.LazyAttribute(lambda o: dt.date(o.birth_date.year + 25, 3, 1))
    nip = factory.LazyAttributeSequence(lambda o, n: nip_for(o.birth_date, o.tmt_cpns, o.gender, n % 999 + 1))
    golongan = "III/c"
    jabatan = "Penata Kelola Sistem"
    jenis_jabatan = JenisJabatan.PELAKSANA
    unit = factory.SubFactory(UnitKerjaFactory)
    # The work list's TMT when no record decides it (the services compute it with tmt_pensiun).
    tmt_effective = factory.LazyAttribute(lambda o: getattr(o, "tmt_pensiun", None))


class RetirementRuleFactory(factory.django.DjangoModelFactory):
    """A BUP table row; blank criteria match anyone. Save real rules through retirement_rule_save."""

    class Meta:
        model = RetirementRule

    jenis_jabatan = JenisJabatan.PELAKSANA
    bup = 58
    valid_from = dt.date(2014, 1, 15)
    legal_basis = "PP 11/2017 Pasal 239"


# A minimal, valid one-page PDF (what a hand-written test document needs, no renderer).
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)


class RetirementCaseFactory(factory.django.DjangoModelFactory):
    """A retirement record saved directly, for reads; open real ones with retirement_case_open."""

    class Meta:
        model = RetirementCase
        skip_postgeneration_save = True

    employee = factory.SubFactory(EmployeeFactory)
    kind = RetirementKind.BUP
    tmt = factory.LazyAttribute(lambda o: o.employee.tmt_pensiun or dt.date(2030, 7, 1))
    proposal_due = factory.LazyAttribute(lambda o: add_months(o.tmt, -12))
    status = CaseStatus.PREPARING

    @factory.post_generation
    def worklist_copy(self, create, extracted, **kwargs):
        # Saved around the services: copy it to the employee's row for the work list, as they do.
        if create:
            retirement_worklist_sync(employee_ids=[self.employee_id])
            self.employee.refresh_from_db(fields=CASE_COPY_FIELDS)


class CaseDocumentFactory(factory.django.DjangoModelFactory):
    """An uploaded document saved directly (a small PDF in private storage); real uploads go through
    case_document_upload. Use with the private_media fixture so files land in a temporary folder."""

    class Meta:
        model = CaseDocument

    case = factory.SubFactory(RetirementCaseFactory)
    document_type = factory.LazyFunction(lambda: DocumentType.objects.filter(is_active=True).order_by("order").first())
    file = factory.django.FileField(filename="dokumen.pdf", data=MINIMAL_PDF)
    original_name = "dokumen.pdf"
    content_type = "application/pdf"
    size = len(MINIMAL_PDF)


def in_days(days: int, hour: int = 9) -> dt.datetime:
    """An aware datetime `days` from today at `hour`:00, in the site's time zone."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class OfficialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Official

    name = factory.LazyFunction(lambda: fake.name())
    title = "Sekretaris Daerah Kabupaten Sukamaju"


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Sequence(lambda n: f"Narasumber {n}")
    institution = "PT Taspen (Persero) KC Contoh"


class EventFactory(factory.django.DjangoModelFactory):
    """A published farewell a month from now, 09.00-12.00 local time; create real ones with event_create."""

    class Meta:
        model = Event
        skip_postgeneration_save = True

    kind = EventKind.FAREWELL
    title = factory.Sequence(lambda n: f"Pelepasan ASN Purna Tugas Angkatan {n}")
    starts_at = factory.LazyFunction(lambda: in_days(30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    venue = "Pendopo Kabupaten Sukamaju"
    organizer = factory.SubFactory(UnitKerjaFactory)
    status = EventStatus.PUBLISHED


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    event = factory.SubFactory(EventFactory)
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.event.starts_at + dt.timedelta(hours=1))
    topic = "Hak-hak peserta Taspen"
    instructor = factory.SubFactory(InstructorFactory)


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant not invited yet; the employee has an email address unless told otherwise."""

    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    employee = factory.SubFactory(EmployeeFactory, email=factory.Sequence(lambda n: f"peserta{n}@sukamaju.go.id"))


# --- Benefits ---------------------------------------------------------------------------------------------


class TaliAsihRateFactory(factory.django.DjangoModelFactory):
    """A flat tali asih rate in force since 2020 (Batang's amount); bands through TaliAsihRateBandFactory."""

    class Meta:
        model = TaliAsihRate

    name = factory.Sequence(lambda n: f"Tali asih purna tugas {n}")
    decision_number = factory.Sequence(lambda n: f"800/{n}/KORPRI/2020")
    decision_date = dt.date(2019, 12, 16)
    effective_from = dt.date(2020, 1, 1)
    basis = RateBasis.FLAT
    amount = Decimal("1250000")


class TaliAsihRateBandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaliAsihRateBand

    rate = factory.SubFactory(TaliAsihRateFactory, basis=RateBasis.SERVICE_YEARS, amount=None)
    min_years = 5
    max_years = 10
    amount = Decimal("1000000")


class ThtClaimFactory(factory.django.DjangoModelFactory):
    """A THT claim saved directly, for reads; real ones go through tht_claim_save."""

    class Meta:
        model = ThtClaim

    employee = factory.SubFactory(EmployeeFactory)
    claim_filed_on = dt.date(2025, 5, 2)
    taspen_reference = factory.Sequence(lambda n: f"TSP-{n:06d}")
    amount_received = Decimal("25000000")
    received_on = dt.date(2025, 7, 10)


class PayoutFactory(factory.django.DjangoModelFactory):
    """A draft tali asih payout saved directly, for reads (selectors, admin lists); real ones go through
    payout_prepare and the other services."""

    class Meta:
        model = Payout

    employee = factory.SubFactory(EmployeeFactory, tmt_pensiun=dt.date(2025, 7, 1))
    benefit_type = BenefitType.TALI_ASIH
    tmt = factory.LazyAttribute(lambda o: o.employee.tmt_pensiun or dt.date(2025, 7, 1))
    amount = Decimal("1250000")
    computed_amount = factory.LazyAttribute(lambda o: o.amount)
