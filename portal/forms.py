from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from employees.nip import NIP_LENGTH, normalize_nip
from employees.sign_in_codes import code_clean


class SignInForm(forms.Form):
    """The sign-in page's one field: an email address or an 18-digit NIP (spaces allowed)."""

    identifier = forms.CharField(
        label=_("Your email address or NIP"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email", "autofocus": True, "inputmode": "email"}),
    )

    def clean_identifier(self) -> str:
        value = self.cleaned_data["identifier"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(
                    _("This email address is not complete: check it, e.g. nama@contoh.com.")
                ) from None
            return value
        nip = normalize_nip(value)
        if not (nip.isdecimal() and len(nip) == NIP_LENGTH):
            raise ValidationError(_("Write your email address, or your NIP (18 digits)."))
        return nip

    def lookup(self) -> dict[str, str]:
        """The service's arguments: {"email": ...} or {"nip": ...}."""
        value = self.cleaned_data["identifier"]
        return {"email": value} if "@" in value else {"nip": value}


class CodeSignInForm(forms.Form):
    """Signing in with a one-time code from BKPSDM: the NIP (or NI PPPK) and the code."""

    nip = forms.CharField(
        label=_("Your NIP or NI PPPK"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def clean_nip(self) -> str:
        nip = normalize_nip(self.cleaned_data["nip"])
        if not (nip.isdecimal() and len(nip) == NIP_LENGTH):
            raise ValidationError(_("Write your NIP or NI PPPK: 18 digits."))
        return nip

    def clean_code(self) -> str:
        code = code_clean(self.cleaned_data["code"])
        if not code:
            raise ValidationError(_("The code has 8 digits, as printed on the slip from BKPSDM."))
        return code
