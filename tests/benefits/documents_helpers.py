"""Helpers of the benefits' document tests: payouts in each status, PDF text."""

import datetime as dt
import subprocess
from decimal import Decimal

from django.utils import timezone

from benefits.models import BenefitType, PaymentMethod, PayoutStatus
from tests.factories import EmployeeFactory, PayoutFactory


def payout_in(status: str, *, employee=None, amount="20000000", benefit=BenefitType.TALI_ASIH, **fields):
    """A payout saved directly in `status`, with the dates its constraints ask for."""
    now = timezone.now()
    steps = {
        PayoutStatus.DRAFT: {},
        PayoutStatus.VERIFIED: {"verified_at": now},
        PayoutStatus.APPROVED: {"verified_at": now, "approved_at": now},
        PayoutStatus.PAID: {
            "verified_at": now,
            "approved_at": now,
            "paid_at": now,
            "paid_on": dt.date(2025, 10, 21),
            "method": PaymentMethod.BANK_TRANSFER,
            "bank_name": "Bank Kaltimtara",
            "account_number": "0012345678",
            "account_holder": "Ahmad Yani",
        },
        PayoutStatus.CANCELLED: {"cancelled_at": now, "cancel_reason": "Salah orang"},
    }[status]
    employee = employee or EmployeeFactory()
    return PayoutFactory(
        employee=employee, benefit_type=benefit, status=status, amount=Decimal(amount), **{**steps, **fields}
    )


def pdf_text(content: bytes, tmp_path, name: str = "document.pdf") -> str:
    """The text of a PDF as pdftotext lays it out (-layout keeps a table's row on one line)."""
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
