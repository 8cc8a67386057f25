"""Writes behind the pension proposal's papers: the hand-over of the SK pensiun (tanda terima) and the
address after retirement the DPCP prints. Each change is recorded in the record's history with who made
it; bad input raises CaseError and changes nothing."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from employees.choices import SkHandoverPlace
from employees.exceptions import CaseError
from employees.models import RetirementCase
from purna.history import history_note
from purna.types import User


def retirement_case_sk_receipt_record(
    *,
    case: RetirementCase,
    actor: User,
    received_on: dt.date,
    received_by: str,
    relation: str,
    where: str,
    place: str = "",
    today: dt.date | None = None,
) -> RetirementCase:
    """Record who received the SK pensiun (the retiree, or the heir after a death), on which day and where
    (at a ceremony or at the desk). The SK must be recorded on the record first; the day is not before the
    SK's date nor after `today`."""
    today = today or timezone.localdate()
    received_by, relation, place = received_by.strip(), relation.strip(), place.strip()
    errors: dict[str, list[str]] = {}
    if not received_by:
        errors["received_by"] = [_("Enter who received the SK pensiun.")]
    if where not in SkHandoverPlace.values:
        errors["where"] = [_("Choose where the SK pensiun was handed over.")]
    if received_on > today:
        errors["received_on"] = [_("The day of the hand-over cannot be in the future.")]
    with transaction.atomic():
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        if not locked.sk_number or locked.sk_date is None:
            errors.setdefault("__all__", []).append(_("Record the SK pensiun's number and date first."))
        elif received_on < locked.sk_date:
            errors.setdefault("received_on", []).append(_("The SK pensiun cannot be received before its date."))
        if errors:
            raise CaseError(errors=errors)
        locked.sk_received_on, locked.sk_received_by = received_on, received_by
        locked.sk_receiver_relation, locked.sk_received_where, locked.sk_received_place = relation, where, place
        history_note(locked, actor=actor, reason="SK pensiun diterima")
        locked.save(
            update_fields=[
                "sk_received_on",
                "sk_received_by",
                "sk_receiver_relation",
                "sk_received_where",
                "sk_received_place",
            ]
        )
    return locked


def retirement_case_address_after_set(*, case: RetirementCase, actor: User, address: str) -> RetirementCase:
    """The address the retiree lives at after retirement (printed on the DPCP)."""
    with transaction.atomic():
        locked = RetirementCase.objects.select_for_update().get(pk=case.pk)
        locked.address_after_retirement = address.strip()
        history_note(locked, actor=actor)
        locked.save(update_fields=["address_after_retirement"])
    return locked
