"""System checks of the deployment's environment (registered in purna/apps.py)."""

from django.core import checks
from django.utils.translation import gettext_lazy as _

from purna import pdf

HARFBUZZ_SUBSET_MISSING = "purna.W001"


@checks.register(checks.Tags.compatibility)
def harfbuzz_subset_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn when WeasyPrint would subset fonts without HarfBuzz: every PDF would take about four times
    longer (DESIGN.md section 7 budgets a certificate at 40 ms, reachable only with HarfBuzz)."""
    if pdf.harfbuzz_subset_available():
        return []
    return [
        checks.Warning(
            _("HarfBuzz's font subsetting library (libharfbuzz-subset) is missing: PDFs are about 4x slower."),
            hint=_("Install the Debian package libharfbuzz-subset0 (apt-get install libharfbuzz-subset0)."),
            id=HARFBUZZ_SUBSET_MISSING,
        )
    ]


NUMBER_PATTERN_INVALID = "purna.E002"


@checks.register()
def number_patterns_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Every PURNA_*_NUMBER_PATTERN setting can number documents (purna/numbering.py): a typo found at
    start-up, not when the first certificate of the year is issued."""
    from django.conf import settings

    from purna.numbering import pattern_errors

    messages = []
    for name in sorted(set(dir(settings))):
        if name.startswith("PURNA_") and name.endswith("_NUMBER_PATTERN"):
            errors = pattern_errors(getattr(settings, name))
            if errors:
                messages.append(
                    checks.Error(
                        f"{name} = {getattr(settings, name)!r}: {'; '.join(errors)}",
                        hint="Use {seq} (or {seq:03d}), {year} and {month_roman}.",
                        id=NUMBER_PATTERN_INVALID,
                    )
                )
    return messages
