"""factory_boy factories for the whole project (Faker with the id_ID locale)."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from faker import Faker

from employees.choices import AsnType, Gender, JenisJabatan
from employees.models import Employee, RetirementRule, UnitKerja

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


class RetirementRuleFactory(factory.django.DjangoModelFactory):
    """A BUP table row; blank criteria match anyone. Save real rules through retirement_rule_save."""

    class Meta:
        model = RetirementRule

    jenis_jabatan = JenisJabatan.PELAKSANA
    bup = 58
    valid_from = dt.date(2014, 1, 15)
    legal_basis = "PP 11/2017 Pasal 239"
