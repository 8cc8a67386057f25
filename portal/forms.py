from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from ceremonies.feedback import COMMENT_MAX_LENGTH, RATINGS, FeedbackAnswer, answer_field
from employees.nip import NIP_LENGTH, normalize_nip
from employees.sign_in_codes import code_clean
from purna.forms import ServiceErrorsMixin


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


class FeedbackForm(ServiceErrorsMixin, forms.Form):
    """The training rating form: for each session a rating (1-5), an optional usefulness rating and an
    optional comment, as radio buttons and a text box (no JavaScript). What may be saved is the service's
    decision (ceremonies.feedback.answers_errors); the fields only check the shape."""

    def __init__(self, *args, sessions, answers: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        choices = [(str(value), str(value)) for value in RATINGS]
        for session in sessions:
            before = answers.get(session.pk)
            rating = answer_field(session.pk, "rating")
            usefulness = answer_field(session.pk, "usefulness")
            comment = answer_field(session.pk, "comment")
            self.fields[rating] = forms.TypedChoiceField(
                label=_("Rating of the session and its speaker"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=str(before.rating) if before else None,
                error_messages={"invalid_choice": _("Choose a rating from 1 to 5.")},
            )
            self.fields[usefulness] = forms.TypedChoiceField(
                label=_("How useful is it for Bapak/Ibu? (optional)"),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                initial=str(before.usefulness) if before and before.usefulness else None,
                error_messages={"invalid_choice": _("Choose a rating from 1 to 5.")},
            )
            self.fields[comment] = forms.CharField(
                label=_("Comment (optional)"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=before.comment if before else "",
                error_messages={
                    "max_length": _("The comment is too long: at most %(limit_value)d characters (now %(show_value)d).")
                },
            )

    def cards(self) -> list[dict]:
        """The fields of each session, for the template: one card per session."""
        return [
            {
                "session": session,
                "rating": self[answer_field(session.pk, "rating")],
                "usefulness": self[answer_field(session.pk, "usefulness")],
                "comment": self[answer_field(session.pk, "comment")],
            }
            for session in self.sessions
        ]

    def answers(self) -> list[FeedbackAnswer]:
        data = self.cleaned_data
        return [
            FeedbackAnswer(
                session_id=session.pk,
                rating=data.get(answer_field(session.pk, "rating")),
                usefulness=data.get(answer_field(session.pk, "usefulness")),
                comment=data.get(answer_field(session.pk, "comment")) or "",
            )
            for session in self.sessions
        ]
