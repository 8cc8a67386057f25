"""What the benefits hand over at a ceremony, for the ceremony's report (ceremonies/documents.py prints
the rows its registered providers give; ceremonies does not import benefits, DESIGN.md "Dependencies")."""

from django.utils.translation import gettext as _

from benefits.models import BenefitType, Payout
from benefits.selectors import payouts_handed_over
from ceremonies.models import Event, Participant
from employees.nip import format_nip


def handover_report_rows(event: Event, participants: list[Participant]) -> list[dict]:
    """The THT and tali asih paid in cash at `event` to these participants: name (with the heir who
    received it, if one did), NIP, label, amount."""
    payouts = payouts_handed_over(event=event, employee_ids=[p.employee_id for p in participants])
    labels: dict[str, str] = {BenefitType.THT: _("THT"), BenefitType.TALI_ASIH: _("KORPRI tali asih")}
    return [
        {
            # Handed to an heir for an employee who died: the report says who received it.
            "name": payout.employee.display_name
            + (f" (diterima oleh ahli waris: {payout.payee_line})" if payout.payee is not None else ""),
            "nip": format_nip(payout.employee.nip),
            "label": labels[payout.benefit_type],
            "amount": payout.amount,
        }
        for payout in payouts
    ]


def handover_report_version(event: Event) -> list[tuple]:
    """What the report's handover rows are made of, for its cache (ceremonies/document_kinds.py): one
    small row per payout of the event, so any change of one makes the stored report stale."""
    return list(
        Payout.objects.filter(event=event)
        .order_by("pk")
        .values_list(
            "pk",
            "status",
            "method",
            "benefit_type",
            "amount",
            "handed_over_at",
            "employee__updated_at",
            "payee_spouse_id",
            "payee_child_id",
        )
    )
