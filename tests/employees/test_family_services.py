"""The family's write path (employees/services/family.py): rules applied before any write, the database's
one-marriage constraint behind the service's check, history with the actor, the actor's scope."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from employees.choices import CorrectionStatus, MarriageEnd
from employees.models import Child, FamilyCorrection, Parent, Spouse
from employees.services.family import (
    FamilyError,
    child_add,
    child_remove,
    child_update,
    family_correction_apply,
    family_correction_reject,
    family_correction_request,
    parent_add,
    spouse_add,
    spouse_remove,
    spouse_update,
)
from tests.factories import EmployeeFactory, RetirementCaseFactory, UnitKerjaFactory, UserFactory

D = dt.date
NIK = "6471051270010003"
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def employee(db):
    return EmployeeFactory(name="Budi Santoso", birth_date=D(1970, 5, 12))


def test_a_spouse_is_recorded_with_its_history_and_actor(employee, actor):
    spouse = spouse_add(
        employee=employee, actor=actor, name="Siti Aminah", nik="6471 0512 7001 0003", marriage_date=D(1995, 2, 14)
    )

    assert spouse.nik == NIK
    record = spouse.history.get()
    assert (record.history_type, record.history_user) == ("+", actor)


def test_a_spouse_current_on_another_employee_is_refused_and_nothing_is_written(employee, actor):
    other = EmployeeFactory(name="Joko", birth_date=D(1965, 1, 1))
    spouse_add(employee=other, actor=actor, name="Siti Aminah", nik=NIK)

    with pytest.raises(FamilyError) as error:
        spouse_add(employee=employee, actor=actor, name="Siti Aminah", nik=NIK)

    assert error.value.errors["nik"] == [f"This NIK is already the current spouse of another employee ({other.nip})."]
    assert Spouse.objects.filter(employee=employee).count() == 0


def test_a_spouse_whose_earlier_marriage_ended_may_marry_again(employee, actor):
    other = EmployeeFactory(name="Joko", birth_date=D(1965, 1, 1))
    first = spouse_add(employee=other, actor=actor, name="Siti Aminah", nik=NIK, marriage_date=D(1990, 1, 1))
    spouse_update(spouse=first, actor=actor, ended_on=D(1994, 1, 1), end_reason=MarriageEnd.DIVORCE)

    spouse_add(employee=employee, actor=actor, name="Siti Aminah", nik=NIK, marriage_date=D(1995, 2, 14))

    assert Spouse.objects.filter(nik=NIK).count() == 2


def test_the_database_holds_one_current_marriage_per_nik(employee, actor):
    spouse_add(employee=employee, actor=actor, name="Siti Aminah", nik=NIK)
    with pytest.raises(IntegrityError), transaction.atomic():
        Spouse.objects.create(employee=EmployeeFactory(), name="Siti Aminah", nik=NIK)


def test_a_marriage_after_the_employees_death_is_refused(employee, actor):
    RetirementCaseFactory(employee=employee, died_on=D(2024, 3, 10))

    with pytest.raises(FamilyError) as error:
        spouse_add(employee=employee, actor=actor, name="Siti", marriage_date=D(2024, 3, 11))

    assert error.value.errors == {"marriage_date": ["The marriage date is after the employee's death."]}
    assert not Spouse.objects.exists()


def test_an_update_that_breaks_a_rule_changes_nothing(employee, actor):
    spouse = spouse_add(employee=employee, actor=actor, name="Siti", marriage_date=D(1995, 2, 14))

    with pytest.raises(FamilyError) as error:
        spouse_update(spouse=spouse, actor=actor, ended_on=D(1990, 1, 1), end_reason=MarriageEnd.DIVORCE)

    assert error.value.errors == {"ended_on": ["The marriage cannot end before it began."]}
    spouse.refresh_from_db()
    assert spouse.ended_on is None and spouse.history.count() == 1


def test_an_ended_marriage_needs_how_it_ended(employee, actor):
    spouse = spouse_add(employee=employee, actor=actor, name="Siti", marriage_date=D(1995, 2, 14))

    with pytest.raises(FamilyError) as error:
        spouse_update(spouse=spouse, actor=actor, ended_on=D(2000, 1, 1))

    assert error.value.errors == {"end_reason": ["Say how the marriage ended (divorce or death)."]}


def test_a_child_born_before_the_other_parent_is_refused(employee, actor):
    mother = spouse_add(employee=employee, actor=actor, name="Siti", birth_date=D(2000, 1, 1))

    with pytest.raises(FamilyError) as error:
        child_add(employee=employee, actor=actor, name="Anak", birth_date=D(1999, 1, 1), other_parent=mother)

    assert error.value.errors == {"birth_date": ["The child is born before the other parent."]}
    assert not Child.objects.exists()


def test_the_other_parent_is_a_spouse_of_the_same_employee(employee, actor):
    strangers_wife = spouse_add(employee=EmployeeFactory(), actor=actor, name="Rina")

    with pytest.raises(FamilyError) as error:
        child_add(employee=employee, actor=actor, name="Anak", other_parent=strangers_wife)

    assert error.value.errors == {"other_parent": ["The other parent must be a spouse of this employee."]}


def test_a_child_is_changed_and_removed_with_history(employee, actor):
    child = child_add(employee=employee, actor=actor, name="Anak", birth_date=D(2000, 1, 1))
    child = child_update(child=child, actor=actor, is_married=True, reason="akta nikah 2024")
    child_remove(child=child, actor=actor, reason="salah input")

    assert not Child.objects.exists()
    kinds = list(Child.history.order_by("history_id").values_list("history_type", "history_change_reason"))
    assert kinds == [("+", None), ("~", "akta nikah 2024"), ("-", "salah input")]


def test_one_father_and_one_mother(employee, actor):
    parent_add(employee=employee, actor=actor, name="Ayah", relation="ayah", birth_date=D(1940, 1, 1))

    with pytest.raises(FamilyError) as error:
        parent_add(employee=employee, actor=actor, name="Ayah lain", relation="ayah")

    assert "relation" in error.value.errors
    assert Parent.objects.count() == 1


def test_a_bad_nik_is_refused(employee, actor):
    with pytest.raises(FamilyError) as error:
        child_add(employee=employee, actor=actor, name="Anak", nik="12345")
    assert error.value.errors == {"nik": ["A NIK has 16 digits (from the KTP or the family card)."]}


def test_staff_of_another_unit_change_nothing(employee, actor):
    outsider = UserFactory(units=[UnitKerjaFactory()])
    spouse = spouse_add(employee=employee, actor=actor, name="Siti")

    with pytest.raises(FamilyError):
        spouse_add(employee=employee, actor=outsider, name="Rina")
    with pytest.raises(FamilyError):
        spouse_update(spouse=spouse, actor=outsider, name="Rina")
    with pytest.raises(FamilyError):
        spouse_remove(spouse=spouse, actor=outsider)

    assert list(Spouse.objects.values_list("name", flat=True)) == ["Siti"]


def test_a_correction_request_is_decided_once_by_staff(employee, actor):
    retiree = UserFactory()
    correction = family_correction_request(employee=employee, actor=retiree, text="  Nama anak kedua salah.  ")
    assert (correction.text, correction.status, correction.requested_by) == (
        "Nama anak kedua salah.",
        CorrectionStatus.PENDING,
        retiree,
    )

    applied = family_correction_apply(correction=correction, actor=actor)
    assert (applied.status, applied.decided_by) == (CorrectionStatus.APPLIED, actor)
    with pytest.raises(FamilyError):
        family_correction_reject(correction=correction, actor=actor, reason="terlambat")
    assert FamilyCorrection.objects.get().status == CorrectionStatus.APPLIED


def test_a_rejection_needs_a_reason_and_an_empty_request_is_refused(employee, actor):
    correction = family_correction_request(employee=employee, actor=None, text="Tambah anak")
    with pytest.raises(FamilyError) as error:
        family_correction_reject(correction=correction, actor=actor, reason="  ")
    assert error.value.errors == {"decision_reason": ["Give the reason for the rejection."]}

    rejected = family_correction_reject(correction=correction, actor=actor, reason="Tanpa akta kelahiran")
    assert (rejected.status, rejected.decision_reason) == (CorrectionStatus.REJECTED, "Tanpa akta kelahiran")

    with pytest.raises(FamilyError):
        family_correction_request(employee=employee, actor=None, text=" ")
    assert FamilyCorrection.objects.count() == 1
