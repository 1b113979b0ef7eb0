"""A page with a form that a service saves: the form again with the service's refusal on its
field, or where the page goes once saved.

    def thing_create_view(request, partnership_id):
        partnership = organisation_policy.partnership_for(request.user, partnership_id, may=...)
        form = ThingForm(request.POST or None)

        def save(data):
            thing = thing_create(actor=request.user, partnership=partnership, name=data["name"])
            messages.success(request, f"Added {thing.name}.")
            return redirect("things:detail", thing_id=thing.pk)

        return form_page(
            request, form, save, "things/thing_form.html", {"partnership": partnership}
        )

`save` runs only when the form was sent and is valid; an `ApplicationError` (or a Django
`ValidationError`) it raises is shown on the field it names (`add_service_error`) and the form is
shown again, with what was typed.

A button that runs one service and goes back to a page says how it went in a message:

    done = carried_out(request, lambda: thing_publish(actor=request.user, thing=thing),
                       lambda thing: f"{thing.name} is published.")
    if done is Refused.REFUSED:
        return redirect("things:detail", thing_id=thing.pk)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from widen.core.exceptions import ApplicationError
from widen.core.forms import add_service_error


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], HttpResponse],
    template: str,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Save a sent, valid `form` with `save` and answer what it answers; otherwise (not sent,
    not valid, or refused by the service) render `template` with the form and `context`."""
    if form.is_bound and form.is_valid():
        try:
            return save(form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_error(form, error)
    return render(request, template, {"form": form, **(context or {})})


T = TypeVar("T")


class Refused(Enum):
    """What `carried_out` answers when the service refused."""

    REFUSED = "refused"


def carried_out(
    request: HttpRequest, call: Callable[[], T], success: str | Callable[[T], str]
) -> T | Refused:
    """Run the service `call`. Its refusal (`ApplicationError`) is shown as an error message and
    answers `Refused.REFUSED`; otherwise `success` (the message, or a function making it from
    what the service answered) is shown and what the service answered is returned."""
    try:
        result = call()
    except ApplicationError as error:
        messages.error(request, error.message)
        return Refused.REFUSED
    messages.success(request, success if isinstance(success, str) else success(result))
    return result
