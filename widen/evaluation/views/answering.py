"""Answering a survey: the public page reached by a one-time link (no sign-in; it answers once,
and is rate limited), and filling the survey in on a device held by staff at an event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.evaluation.models import (
    Question,
    QuestionKind,
    Survey,
    SurveyInvitation,
)
from widen.evaluation.selectors import (
    survey_get_to_manage,
)
from widen.evaluation.services import (
    AnswersInvalidError,
    invitation_for_link,
    response_submit,
)

# Public answering, per address (a whole class may answer at once from a school's network) and
# per link (someone trying answers over and over): beyond these, 429 until the minute is up.
ANSWER_RATE_PER_ADDRESS = "60/m"
ANSWER_RATE_PER_LINK = "10/m"


def _answer_limited(request: HttpRequest, token: str) -> bool:
    """Count this submission and say whether it is over either limit."""
    link_key = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
    by_address = is_ratelimited(
        request,
        group="evaluation.answer",
        key="ip",
        rate=getattr(settings, "WIDEN_SURVEY_ANSWER_RATE", ANSWER_RATE_PER_ADDRESS),
        method="POST",
        increment=True,
    )
    by_link = is_ratelimited(
        request,
        group="evaluation.answer.link",
        key=lambda group, request: link_key,
        rate=getattr(settings, "WIDEN_SURVEY_LINK_RATE", ANSWER_RATE_PER_LINK),
        method="POST",
        increment=True,
    )
    return bool(by_address or by_link)


# --- Answering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AskedQuestion:
    question: Question
    field_name: str
    options: list[tuple[str, str]]
    given: list[str]
    error: str

    @property
    def first_input_id(self) -> str:
        if self.options:
            return f"{self.field_name}-1"
        return self.field_name


def _asked(
    questions: list[Question], data: Any | None, errors: dict[str, str]
) -> list[AskedQuestion]:
    asked = []
    for question in questions:
        name = f"q-{question.pk}"
        given = [str(value) for value in data.getlist(name)] if data is not None else []
        asked.append(
            AskedQuestion(
                question=question,
                field_name=name,
                options=question.options(),
                given=given,
                error=errors.get(str(question.pk), ""),
            )
        )
    return asked


def _raw_answers(questions: list[Question], data: Any) -> dict[str, list[str]]:
    return {str(question.pk): data.getlist(f"q-{question.pk}") for question in questions}


def _answering_context(survey: Survey, data: Any | None, errors: dict[str, str]) -> dict[str, Any]:
    questions = list(survey.questions.select_related("scale", "scale_item"))
    asked = _asked(questions, data, errors)
    return {
        "survey": survey,
        "asked": asked,
        "errors": [item for item in asked if item.error],
        "asks_consent": survey.asks_publication_consent
        and any(q.kind == QuestionKind.FREE_TEXT for q in questions),
        "consent_given": data is not None and data.get("publication_consent") == "yes",
    }


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/too_many.html", status=429)


def _submit(survey: Survey, request: HttpRequest, **given_by: Any) -> dict[str, str]:
    """Save the answers posted as one response (`given_by`: the invitation, or the staff
    member at the event): the problems by question, none when it is saved."""
    try:
        response_submit(
            survey=survey,
            raw_answers=_raw_answers(list(survey.questions.all()), request.POST),
            publication_consent=request.POST.get("publication_consent") == "yes",
            **given_by,
        )
    except AnswersInvalidError as error:
        return error.errors
    return {}


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer_view(request: HttpRequest, token: str) -> HttpResponse:
    """The public answering page: no sign-in; the link answers once, then says thank you."""
    if request.method == "POST" and _answer_limited(request, token):
        return _limited(request)
    invitation: SurveyInvitation = invitation_for_link(token)
    survey = invitation.survey
    if invitation.answered_at is not None:
        return render(request, "evaluation/answer_thanks.html", {"survey": survey})
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            errors = _submit(survey, request, invitation=invitation)
        except NotFound:
            # Answered a moment ago (another tab), or the survey has just closed.
            invitation.refresh_from_db()
            if invitation.answered_at is not None:
                return render(request, "evaluation/answer_thanks.html", {"survey": survey})
            raise
        if not errors:
            return render(request, "evaluation/answer_thanks.html", {"survey": survey})
    context = _answering_context(survey, request.POST if errors else None, errors)
    context["action"] = request.path
    return render(request, "evaluation/answer.html", context, status=400 if errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def fill_in_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    """The survey on a tablet at the event, held by staff: each submission is one anonymous
    response, and the form is then ready for the next person."""
    survey = survey_get_to_manage(actor=request.user, survey_id=survey_id)
    if not survey.is_open:
        messages.error(request, "Open the survey before people fill it in.")
        return redirect("evaluation:survey", survey_id=survey.pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _submit(survey, request, actor=request.user)
        if not errors:
            messages.success(
                request, "Thank you: the answers are saved. Ready for the next person."
            )
            return redirect("evaluation:fill_in", survey_id=survey.pk)
    context = _answering_context(survey, request.POST if errors else None, errors)
    context["action"] = request.path
    context["at_event"] = True
    return render(request, "evaluation/answer.html", context, status=400 if errors else 200)


def answer_link_path(token: str) -> str:
    return reverse("evaluation:answer", kwargs={"token": token})
