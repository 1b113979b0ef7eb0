"""Model fields for UK identifiers that normalise what people type before validating it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db import models

from widen.core.identifiers import normalise_postcode, normalise_upn

# What a person may type into a form before it is normalised (spaces, lower case).
TYPED_LENGTH = 20


class TypedIdentifierFormField(forms.CharField):
    """Accepts an identifier as typed; the model checks the normalised value and its length."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(max_length=TYPED_LENGTH, **kwargs)


class _NormalisedIdentifierField(models.CharField):
    """An identifier stored as `normalise` makes it, typed in any spacing or case; blank
    allowed."""

    default_max_length: int
    normalise: Callable[[str], str]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", self.default_max_length)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return type(self).normalise(value) if value else value

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return super().formfield(form_class=TypedIdentifierFormField, **kwargs)


class PostcodeField(_NormalisedIdentifierField):
    """A UK postcode stored in the single-space published form ('E1 6AN'); blank allowed."""

    default_max_length = 8
    normalise = staticmethod(normalise_postcode)


class UpnField(_NormalisedIdentifierField):
    """A Unique Pupil Number, upper-cased, check letter validated; blank allowed."""

    default_max_length = 13
    normalise = staticmethod(normalise_upn)


class DatePickerInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO 8601 (yyyy-mm-dd), whatever the
    language: a date in any other format leaves the picker empty, and the saved date is lost."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
