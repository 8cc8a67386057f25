"""Instructors and speakers of trainings (ceremonies.models.Instructor): the one write path of the staff
pages and the admin. Reference data of the whole agency (an instructor has no unit, so no scope): who
may add or change them is the permission's decision alone. Every change is in the history with its
author."""

from django.core.exceptions import ValidationError
from django.db import transaction

from ceremonies.exceptions import CeremonyError
from ceremonies.models import Instructor
from purna.history import history_note
from purna.types import User

FIELDS = ("name", "institution", "expertise", "email", "phone")


def _save(instructor: Instructor, *, actor: User, reason: str) -> Instructor:
    try:
        instructor.full_clean()
    except ValidationError as error:
        raise CeremonyError(errors=error.message_dict) from error
    with transaction.atomic():
        history_note(instructor, actor=actor, reason=reason)
        instructor.save()
    return instructor


def instructor_create(
    *, actor: User, name: str, institution: str, expertise: str = "", email: str = "", phone: str = ""
) -> Instructor:
    """Record a new instructor. Raises CeremonyError (nothing saved) on bad input."""
    instructor = Instructor(name=name, institution=institution, expertise=expertise, email=email, phone=phone)
    return _save(instructor, actor=actor, reason="instructor created")


def instructor_update(
    *,
    instructor: Instructor,
    actor: User,
    name: str,
    institution: str,
    expertise: str = "",
    email: str = "",
    phone: str = "",
) -> Instructor:
    """Change an instructor's details. Raises CeremonyError (nothing saved) on bad input."""
    changed = Instructor.objects.get(pk=instructor.pk)
    changed.name, changed.institution, changed.expertise = name, institution, expertise
    changed.email, changed.phone = email, phone
    return _save(changed, actor=actor, reason="instructor changed")
