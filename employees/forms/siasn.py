"""The upload form of the SIASN reconciliation; the service judges the file."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SiasnUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Pension list exported from SIASN"),
        help_text=_("CSV or Excel (.xlsx): NIP, status usulan, pertek and SK numbers and dates, TMT pensiun."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
