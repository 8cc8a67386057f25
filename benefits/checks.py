"""Start-up checks of the benefits' settings (registered in benefits/apps.py)."""

from django.conf import settings
from django.core import checks

from benefits import numbering


@checks.register()
def receipt_number_pattern_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A wrong PURNA_RECEIPT_NUMBER_PATTERN would only fail when the first receipt is issued, in front of
    the treasurer: stop at start-up instead, saying what to fix."""
    pattern = settings.PURNA_RECEIPT_NUMBER_PATTERN
    return [
        checks.Error(
            f"PURNA_RECEIPT_NUMBER_PATTERN {pattern!r}: {problem}",
            hint='For example "900/{seq}/BKPSDM/{year}" or "900/{seq:04d}/BKPSDM/{month_roman}/{year}".',
            id="benefits.E001",
        )
        for problem in numbering.pattern_problems(pattern)
    ]
