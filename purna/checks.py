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
