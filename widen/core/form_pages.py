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

`save` runs only when the form was sent and is valid; an `ApplicationError` it raises is shown on
the field it names (`add_service_error`) and the form is shown again, with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
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
        except ApplicationError as error:
            add_service_error(form, error)
    return render(request, template, {"form": form, **(context or {})})
