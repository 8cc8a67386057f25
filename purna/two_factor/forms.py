from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (at sign-in) a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, digits_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if digits_only:
            self.fields["code"].widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
            self.fields["code"].help_text = _("The six digits your authenticator app shows for Purna.")
        else:
            self.fields["code"].help_text = _(
                "The six digits your authenticator app shows for Purna, or one of your recovery codes."
            )

    def clean_code(self) -> str:
        # People copy codes with spaces ("123 456") or in capitals; recovery codes are stored in lower case.
        return "".join(self.cleaned_data["code"].split()).lower()
