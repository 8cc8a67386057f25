"""Errors raised by the register's services and pure modules.

Each error carries its messages by field (`errors`, shaped like ValidationError.message_dict, with
"__all__" for the record as a whole) so a view can put them next to the form's fields.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS

if TYPE_CHECKING:
    from employees.nip import NipMismatch


class EmployeeError(Exception):
    """Base of the register's errors: bad input that changed nothing."""

    def __init__(self, message: str = "", *, errors: Mapping[str, Sequence[str]] | None = None) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in (errors or {}).items()}
        if message:
            self.errors.setdefault(NON_FIELD_ERRORS, []).insert(0, message)
        super().__init__(message or "; ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [str(msg) for msgs in self.errors.values() for msg in msgs]


class NipError(EmployeeError):
    """The NIP disagrees with the record (birth date, TMT CPNS, gender, appointment year)."""

    def __init__(self, mismatches: Iterable["NipMismatch"] = (), *, errors: Mapping[str, Sequence[str]] | None = None):
        self.mismatches: list[NipMismatch] = list(mismatches)
        if errors is None:
            errors = {"nip": [mismatch.message for mismatch in self.mismatches]}
        super().__init__(errors=errors)

    @property
    def parts(self) -> list[str]:
        return [str(mismatch.part) for mismatch in self.mismatches]


class NipFormatError(NipError, ValueError):
    """A NIP, NI PPPK or old NIP that cannot be read at all (length, digits, impossible dates)."""

    def __init__(self, message: str, *, field: str = "nip") -> None:
        self.field = field
        self.message = message
        super().__init__(errors={field: [message]})


class RetirementRuleError(EmployeeError):
    """A retirement rule (BUP table row) that cannot be saved."""


class CaseError(EmployeeError):
    """A retirement record (berkas purna tugas) action that is not allowed or has bad input: nothing changed."""


class SiasnError(EmployeeError):
    """A SIASN pension list that cannot be read or applied: nothing was stored or changed. `cells` lists
    the problems by row and column (purna.spreadsheets.CellError) when the file's rows are at fault."""

    def __init__(self, message: str = "", *, cells: Sequence = ()) -> None:
        self.cells = list(cells)
        super().__init__(message)
