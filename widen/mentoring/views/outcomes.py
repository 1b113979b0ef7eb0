"""A mentoring programme's outcomes page: the activity whose surveys measure it, sending the
surveys before and after to its mentees, and where the evaluation report shows the change."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError
from widen.core.form_pages import form_page
from widen.evaluation.services.sending import LinkGiven
from widen.evaluation.views.common import link_base
from widen.mentoring.outcomes import (
    DESTINATIONS_NOTE,
    activities_for,
    outcome_survey_send,
    programme_activity_set,
    programme_outcome_surveys,
)
from widen.mentoring.permissions import programme_policy


class ProgrammeActivityForm(forms.Form):
    activity = forms.ChoiceField(
        label="The programme's activity",
        required=False,
        help_text="Its surveys before and after measure the programme's outcomes.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activity"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "None yet"), *choices]


@never_cache
@require_http_methods(["GET", "POST"])
def programme_outcomes_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    programme = programme_policy.get(request.user, programme_id)
    links: list[LinkGiven] = []
    sending = request.method == "POST" and "survey" in request.POST
    if sending:
        try:
            links = outcome_survey_send(
                actor=request.user,
                programme=programme,
                survey_id=request.POST["survey"],
                link_base=link_base(request),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("mentoring:programme_outcomes", programme_id=programme.pk)
        emailed = sum(1 for given in links if given.invitation.email)
        if not links:
            messages.info(request, "Every mentee this survey is for has a link already.")
        else:
            messages.success(
                request,
                f"{len(links)} new link{'s' if len(links) != 1 else ''}: {emailed} e-mailed"
                + (", the rest to hand out below." if emailed < len(links) else "."),
            )
        links = [given for given in links if not given.invitation.email]
    choices = [
        (str(activity.pk), activity.name)
        for activity in activities_for(request.user, programme).order_by("name")
    ]
    form = ProgrammeActivityForm(
        request.POST if request.method == "POST" and not sending else None,
        choices=choices,
        initial={"activity": str(programme.activity_id or "")},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        programme_activity_set(
            actor=request.user, programme=programme, activity_id=data["activity"] or None
        )
        messages.success(request, "The programme's activity is saved.")
        return redirect("mentoring:programme_outcomes", programme_id=programme.pk)

    return form_page(
        request,
        form,
        save,
        "mentoring/outcomes/programme_outcomes.html",
        {
            "programme": programme,
            "surveys": programme_outcome_surveys(request.user, programme),
            "links": links,
            "destinations_note": DESTINATIONS_NOTE,
        },
    )
