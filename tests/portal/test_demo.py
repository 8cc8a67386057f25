import pytest
from django.core.management import call_command
from django.utils import timezone

from benefits.models import TaliAsihRate, TaliAsihRateBand
from ceremonies.models import Event
from employees import nip
from employees.choices import AsnType, EmployeeStatus, RetirementKind
from employees.models import Child, Employee, RetirementCase, Spouse, UnitKerja


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


@pytest.mark.django_db
def test_seed_demo_gives_the_first_retirees_a_family_and_a_record_and_one_a_death_in_service(seeded_documents):
    call_command("seed_demo", count=120)
    call_command("seed_demo", count=120)

    cases = list(RetirementCase.objects.select_related("employee"))
    assert {case.kind for case in cases} == {RetirementKind.BUP, RetirementKind.DEATH}
    assert len(cases) == 9 and Spouse.objects.count() == 9 and Child.objects.count() >= 9
    for case in cases:
        assert case.employee.spouses.exists(), case
        assert all(child.birth_date > case.employee.birth_date for child in case.employee.children.all())
    death = next(case for case in cases if case.kind == RetirementKind.DEATH)
    assert death.died_on is not None and death.employee.status == EmployeeStatus.MENINGGAL
