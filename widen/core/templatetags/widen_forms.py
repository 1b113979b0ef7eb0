"""How every form field is shown: `{% include "includes/field.html" %}` uses these.

- `{% field_control field %}`: the control, described by its hint and error, marked invalid when
  it has an error. A list never opens on Django's "---------": a required list says "Choose the
  school", an optional one "No school"; a required list with a single choice has it chosen.
- `{% field_errors field as errors %}`: the field's errors, "This field is required." said as what
  to do ("Enter the date of birth", "Choose the school").
- `field|field_kind`: "group" (radios or checkboxes, shown in a fieldset), "checkbox" (a single
  tick box, label beside it), "hidden" or "input".
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

DJANGO_EMPTY_LABEL = "---------"
DJANGO_REQUIRED = "This field is required."


@register.filter
def field_kind(field: BoundField) -> str:
    widget = field.field.widget
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "group"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def _phrase(label: Any) -> str:
    """'Date of birth' → 'date of birth'; 'UPN' and 'IMD quintile' keep their capitals."""
    text = str(label).strip().rstrip(":")
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


OWN_DETERMINERS = ("your ", "the ", "a ", "an ", "their ", "its ")


def _the(phrase: str) -> str:
    """'date of birth' → 'the date of birth'; 'your name' stays 'your name'."""
    return phrase if phrase.lower().startswith(OWN_DETERMINERS) else f"the {phrase}"


def instruction(field: BoundField) -> str:
    """What to do when a required field was left empty."""
    widget = field.field.widget
    phrase = _phrase(field.label or field.name.replace("_", " "))
    if isinstance(widget, forms.CheckboxInput):
        return f"Tick “{field.label}” to go on"
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.SelectMultiple):
        return f"Choose at least one: {phrase}"
    if isinstance(widget, forms.Select | forms.RadioSelect):
        return f"Choose {_the(phrase)}"
    if isinstance(widget, forms.FileInput):
        return f"Choose {_the(phrase)} to upload"
    return f"Enter {_the(phrase)}"


@register.simple_tag
def field_errors(field: BoundField) -> list[str]:
    return [
        instruction(field) if error == DJANGO_REQUIRED else str(error) for error in field.errors
    ]


@register.simple_tag
def summary_errors(field: BoundField) -> list[str]:
    """The field's errors for the error summary: each names the field it is about (a message
    written for the field, such as "Choose at least one year group value.", names it already)."""
    defaults: dict[str, Any] = {}
    for klass in reversed(type(field.field).__mro__):
        defaults.update(getattr(klass, "default_error_messages", {}))
    written = {
        str(message)
        for key, message in field.field.error_messages.items()
        if str(message) != str(defaults.get(key))
    }
    return [
        instruction(field)
        if error == DJANGO_REQUIRED
        else str(error)
        if str(error) in written
        else f"{field.label}: {error}"
        for error in field.errors
    ]


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


def _choices_without_dashes(field: BoundField) -> list[Any] | None:
    """The list's choices with Django's "---------" said in words, or None to leave them."""
    widget = field.field.widget
    if not isinstance(widget, forms.Select) or isinstance(widget, forms.SelectMultiple):
        return None
    choices = list(widget.choices)
    if not choices or str(choices[0][1]) != DJANGO_EMPTY_LABEL:
        return None
    phrase = _phrase(field.label or field.name.replace("_", " "))
    empty = f"Choose the {phrase}" if field.field.required else f"No {phrase}"
    return [(choices[0][0], empty), *choices[1:]]


@register.simple_tag
def field_control(field: BoundField) -> SafeString:
    attrs: dict[str, Any] = {}
    if field_kind(field) != "group":
        described = _described_by(field)
        if described:
            attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    widget = field.field.widget
    choices = _choices_without_dashes(field)
    value = field.value()
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        real = [choice for choice in widget.choices if str(choice[0]) != ""]
        if field.field.required and len(real) == 1 and value in (None, ""):
            # The one school, organisation or partnership there is to choose.
            attrs["data-only-choice"] = "true"
            choices = [real[0]]
    if choices is None:
        return field.as_widget(attrs=attrs)
    original = widget.choices
    widget.choices = choices
    try:
        if attrs.get("data-only-choice"):
            return widget.render(
                field.html_name,
                choices[0][0],
                attrs=field.build_widget_attrs({"id": field.auto_id, **attrs}),
                renderer=field.form.renderer,
            )
        return field.as_widget(attrs=attrs)
    finally:
        widget.choices = original


@register.simple_tag(takes_context=True)
def page_has_errors(context: template.Context) -> bool:
    """Whether the page shows an error summary: its title then starts "Error: ".

    A page's form is found under any name (`form`, `booking_form`…); a page with an error found
    without a bound form sets `problem` or `page_errors`.
    """
    if context.get("problem") or context.get("add_problem") or context.get("page_errors"):
        return True
    for layer in context.dicts:
        for value in layer.values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors:
                return True
    return False
