"""Model fields for UK identifiers that normalise what people type before validating it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from widen.core.identifiers import normalise_postcode, normalise_upn

# What a person may type into a form before it is normalised (spaces, lower case).
TYPED_LENGTH = 20


class PostcodeField(models.CharField):
    """A UK postcode stored in the single-space published form ('E1 6AN'); blank allowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 8)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_postcode(value) if value else value

    def formfield(self, **kwargs: Any) -> Any:
        kwargs.setdefault("max_length", TYPED_LENGTH)
        field = super().formfield(**kwargs)
        field.max_length = TYPED_LENGTH
        field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
        return field


class UpnField(models.CharField):
    """A Unique Pupil Number, upper-cased, check letter validated; blank allowed."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 13)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_upn(value) if value else value

    def formfield(self, **kwargs: Any) -> forms.Field:
        field = super().formfield(**kwargs)
        field.max_length = TYPED_LENGTH  # type: ignore[attr-defined]
        field.validators = [v for v in field.validators if not hasattr(v, "limit_value")]
        return field
