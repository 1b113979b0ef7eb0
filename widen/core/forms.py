"""Form pieces every app shares: a choice from a list that refuses anything else plainly, a
spreadsheet to upload and the sheet to read, and putting what a service refused onto the form
the person filled in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from widen.core.exceptions import ApplicationError


class ListChoiceField(forms.ModelChoiceField):
    """A choice from a list: any value not on it, a malformed one included, is refused with the
    field's own "invalid_choice" message (never Django's "'x' is not a valid UUID")."""

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


def spreadsheet_field(*, label: str, help_text: str) -> forms.FileField:
    """A .csv or .xlsx file to upload (the file picker offers only those)."""
    return forms.FileField(
        label=label,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


def sheet_field(*, looks_like: str) -> forms.CharField:
    """Which sheet of an Excel workbook to read; empty for the first one that `looks_like` what
    the import wants."""
    return forms.CharField(
        required=False,
        max_length=100,
        label="Sheet (Excel only)",
        help_text=f"Leave empty to use the first sheet that {looks_like}.",
    )


def add_service_error(
    form: forms.BaseForm,
    error: ApplicationError | ValidationError,
    *,
    fields: Mapping[str, str] | None = None,
) -> None:
    """Show `error` on `form`: beside the field it names when the form has that field (the
    error summary links to it), otherwise at the top of the form.

    `fields` maps a service's field names to the form's where they differ (say
    `{"starts_at": "start_time"}`). A Django `ValidationError` with a message per field puts
    each message on its field the same way.
    """
    renamed = dict(fields or {})

    def place(field: str | None, messages: str | Iterable[str]) -> None:
        name = renamed.get(field, field) if field else None
        form.add_error(name if name in form.fields else None, messages)  # type: ignore[arg-type]

    if isinstance(error, ApplicationError):
        place(error.field, error.message)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            place(
                None if field == "__all__" else field,
                [message for item in errors for message in item.messages],
            )
        return
    place(None, list(error.messages))
