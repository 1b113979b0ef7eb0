from __future__ import annotations

from django import forms

from widen.students.models import Student


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your e-mail address",
        help_text="The address your university or college has for you.",
        max_length=254,
        error_messages={
            "required": "Enter your e-mail address.",
            "invalid": "Enter an e-mail address like name@example.ac.uk.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class MyDetailsForm(forms.ModelForm):
    class Meta:
        model = Student
        fields = ["preferred_name", "phone", "term_postcode"]
        labels = {
            "preferred_name": "Preferred name",
            "phone": "Phone",
            "term_postcode": "Term-time postcode",
        }
        help_texts = {
            "preferred_name": "The name you go by, if not your first name.",
            "term_postcode": "Where you live during term, for example E1 4NS.",
        }
        widgets = {
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "term_postcode": forms.TextInput(attrs={"autocomplete": "postal-code"}),
        }
