from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OtpForm(forms.Form):
    otp_token = forms.RegexField(
        label="6-digit code from your authenticator app",
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )

    def clean_otp_token(self) -> str:
        return str(self.cleaned_data["otp_token"]).strip()


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use it, for example 'School MIS sync'.",
        error_messages={"required": "Give the token a name, so you know later what uses it."},
    )
    scope = forms.ChoiceField(
        label="What the token may do",
        choices=[
            ("read", "Read only: anything else answers 403"),
            ("write", "Read and change data, as you may"),
        ],
        initial="read",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the token may only read."},
    )
    expires_in_days = forms.TypedChoiceField(
        label="Stops working after",
        choices=[(30, "30 days"), (90, "90 days"), (180, "180 days"), (366, "a year")],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the token stops working."},
    )
