"""The Indonesian catalogue's entries that only retirees and the public read (the portal, the RSVP pages,
the invitation letters, the emails sent to a retiree, the public certificate check and the error pages
anyone may meet): used by the wording test, which wants "Bapak/Ibu" there, never "Anda"."""

import re
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "id" / "LC_MESSAGES" / "django.po"

RETIREE_SOURCES = (
    "portal/",
    "templates/portal/",
    "templates/ceremonies/rsvp",
    "ceremonies/rsvp.py",
    "templates/ceremonies/pdf/letters.html",
    "templates/ceremonies/certificate_verify",
    "templates/403.html",
    "templates/404.html",
    "templates/500.html",
    "templates/503.html",
    "templates/ceremonies/emails/",
    "templates/benefits/emails/payout_paid",
    "templates/benefits/emails/receipt_ready",
    "templates/benefits/emails/_payout_facts",
    "templates/employees/emails/retirement_approaching_body",
    "templates/employees/emails/retirement_approaching_subject",
)


def retiree_entries(text: str) -> list[tuple[str, str]]:
    """(references, msgstr) of each entry whose every reference is a retiree-facing source."""
    found = []
    for block in text.split("\n\n"):
        references = [ref.rsplit(":", 1)[0] for line in re.findall(r"^#: (.*)$", block, re.M) for ref in line.split()]
        if not references or "msgstr" not in block:
            continue
        if all(ref.startswith(RETIREE_SOURCES) for ref in references):
            found.append((" ".join(references), block.split("\nmsgstr", 1)[1]))
    return found
