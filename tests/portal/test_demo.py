import pytest
from django.core.management import call_command
from django.utils import timezone

from benefits.models import TaliAsihRate, TaliAsihRateBand
from ceremonies.models import Event
from employees import nip
from employees.choices import AsnType
from employees.models import Employee, UnitKerja


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_every_nip_agrees_with_its_record():
    call_command("seed_demo", count=120)
    call_command("seed_demo", count=120)
    call_command("seed_demo", count=120, if_empty=True)

    assert Employee.objects.count() == 120
    assert UnitKerja.objects.filter(name="Dinas Pendidikan").count() == 1
    assert Event.objects.count() == 2 and TaliAsihRate.objects.count() == 3 and TaliAsihRateBand.objects.count() == 3
    today = timezone.localdate()
    for employee in Employee.objects.all():
        assert not nip.nip_mismatches(
            employee.nip,
            asn_type=employee.asn_type,
            birth_date=employee.birth_date,
            gender=employee.gender,
            tmt_cpns=employee.tmt_cpns,
            today=today,
        ), employee
        assert employee.tmt_pensiun is not None and employee.bup in (58, 60, 65)
        if employee.asn_type == AsnType.PPPK:
            assert employee.golongan in {"IX", "X", "XI"}
