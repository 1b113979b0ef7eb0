"""Survey pages: the partnership's surveys, building one, opening and closing it, sending its
links, its response rates and responses, and marking written answers for publication."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.models import Session
from widen.core.details import details_given
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import Refused, carried_out, form_page
from widen.core.forms import add_service_error
from widen.evaluation.forms import (
    QuestionForm,
    SurveyForm,
    SurveyScaleForm,
)
from widen.evaluation.models import (
    QuestionKind,
    Survey,
)
from widen.evaluation.permissions import MANAGE, SEND, runs_surveys_in, survey_policy
from widen.evaluation.selectors import (
    answer_get_to_publish,
    response_rates,
    responses_to_read,
    scale_list,
    sessions_to_survey,
    survey_get,
    survey_get_to_manage,
    survey_list,
    survey_question_find,
)
from widen.evaluation.services import (
    QuestionDetails,
    SurveyDetails,
    answer_publication_mark,
    invitations_send_for_event,
    invitations_send_for_session,
    question_add,
    question_remove,
    survey_after_make,
    survey_close,
    survey_create,
    survey_open,
    survey_organisations,
    survey_scale_add,
)
from widen.evaluation.views.common import link_base, partnership_for
from widen.events.models import BookingStatus, Event
from widen.organisations.permissions import organisation_policy

# --- Surveys ----------------------------------------------------------------------------------


@require_GET
def survey_list_view(request: AuthenticatedRequest) -> HttpResponse:
    surveys = survey_list(actor=request.user).order_by("partnership__name", "-created_at")
    running = organisation_policy.partnerships_where(request.user, runs_surveys_in)
    return render(
        request,
        "evaluation/survey_list.html",
        {"surveys": surveys, "running": running},
    )


@require_http_methods(["GET", "POST"])
def survey_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = partnership_for(request, partnership_id)
    organisations = survey_organisations(request.user, partnership)
    if not organisations.exists():
        raise NotFound
    form = SurveyForm(request.POST or None, partnership=partnership, organisations=organisations)

    def save(data: dict[str, Any]) -> HttpResponse:
        survey = survey_create(
            actor=request.user, partnership=partnership, details=details_given(SurveyDetails, data)
        )
        messages.success(request, f"Survey “{survey.title}” added. Now add its questions.")
        return redirect("evaluation:questions", survey_id=survey.pk)

    return form_page(
        request, form, save, "evaluation/survey_form.html", {"partnership": partnership}
    )


@require_GET
def survey_detail_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    survey = survey_get(actor=request.user, survey_id=survey_id)
    questions = survey.questions.select_related("scale", "scale_item")
    return render(
        request,
        "evaluation/survey_detail.html",
        {
            "survey": survey,
            "questions": questions,
            "rates": response_rates(actor=request.user, survey=survey),
            "manages": survey_policy.may(request.user, MANAGE, survey),
            "sends": survey_policy.may(request.user, SEND, survey),
            "responses": survey.responses.count(),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_questions_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    survey = survey_get_to_manage(actor=request.user, survey_id=survey_id)
    scales = scale_list(actor=request.user).filter(
        Q(partnership=None) | Q(partnership=survey.partnership), status="published"
    )
    action = request.POST.get("action", "")
    question_form = QuestionForm(request.POST if action == "question" else None)
    scale_form = SurveyScaleForm(request.POST if action == "scale" else None, scales=scales)
    if request.method == "POST":
        try:
            if action == "question" and question_form.is_valid():
                data = question_form.cleaned_data
                low, high = question_form.bounds()
                question_add(
                    actor=request.user,
                    survey=survey,
                    details=details_given(
                        QuestionDetails,
                        data,
                        choices=question_form.choice_list(),
                        min_value=low,
                        max_value=high,
                    ),
                )
                messages.success(request, "Question added.")
                return redirect("evaluation:questions", survey_id=survey.pk)
            if action == "scale" and scale_form.is_valid():
                scale = scale_form.cleaned_data["scale"]
                survey_scale_add(actor=request.user, survey=survey, scale=scale)
                messages.success(request, f"“{scale.name}” added with its items.")
                return redirect("evaluation:questions", survey_id=survey.pk)
            if action == "remove":
                found = survey_question_find(
                    survey=survey, question_id=request.POST.get("question")
                )
                if found is None:
                    raise ApplicationError("That question is not in this survey.")
                question_remove(actor=request.user, question=found)
                messages.success(request, "Question removed.")
                return redirect("evaluation:questions", survey_id=survey.pk)
        except ApplicationError as error:
            if action in ("question", "scale"):
                add_service_error(question_form if action == "question" else scale_form, error)
            else:
                messages.error(request, error.message)
    return render(
        request,
        "evaluation/survey_questions.html",
        {
            "survey": survey,
            "questions": survey.questions.select_related("scale", "scale_item"),
            "question_form": question_form,
            "scale_form": scale_form,
            "editable": survey.is_draft,
        },
    )


@require_POST
def survey_status_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    survey = survey_get_to_manage(actor=request.user, survey_id=survey_id)
    try:
        if request.POST.get("action") == "close":
            survey_close(actor=request.user, survey=survey)
            messages.success(request, "The survey is closed: its links no longer work.")
        else:
            survey_open(actor=request.user, survey=survey)
            messages.success(request, "The survey is open for answers.")
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("evaluation:survey", survey_id=survey.pk)


@require_POST
def survey_after_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    survey = survey_get_to_manage(actor=request.user, survey_id=survey_id)
    after = carried_out(
        request,
        lambda: survey_after_make(actor=request.user, survey=survey),
        lambda after: (
            f"“{after.title}” drafted with the same questions and scales. Change the title or "
            "add questions, then open it after the activity."
        ),
    )
    if after is Refused.REFUSED:
        return redirect("evaluation:survey", survey_id=survey.pk)
    return redirect("evaluation:questions", survey_id=after.pk)


def _send_targets(actor: Any, survey: Survey) -> tuple[list[Session], list[Event]]:
    """The sessions whose registers `actor` takes (so the learners' names are theirs to see) and
    the events of the survey's organisation, each with how many people would get a link."""
    sessions = sessions_to_survey(actor=actor, survey=survey)
    if survey.event is not None:
        events = Event.objects.filter(pk=survey.event.pk)
    elif survey.session is not None:
        events = Event.objects.none()
    else:
        events = Event.objects.filter(partnership=survey.partnership, organiser=survey.organisation)
    events = events.annotate(
        booked=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED))
    ).order_by("-starts_at")[:100]
    return list(sessions), list(events)


@dataclass(frozen=True)
class GivenLink:
    name: str
    link: str


@never_cache
@require_http_methods(["GET", "POST"])
def survey_send_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    # Links go to named people: not for roles that see learners pseudonymised.
    survey = survey_policy.get(request.user, survey_id, action=SEND)
    sessions, events = _send_targets(request.user, survey)
    given: list[GivenLink] = []
    sent_to = ""
    error = ""
    if request.method == "POST":
        target = str(request.POST.get("target", ""))
        kind, _, target_id = target.partition(":")
        try:
            if kind == "session" and (
                session := next((s for s in sessions if str(s.pk) == target_id), None)
            ):
                links = invitations_send_for_session(
                    actor=request.user,
                    survey=survey,
                    session=session,
                    link_base=link_base(request),
                    renew=request.POST.get("renew") == "yes",
                )
                given = [GivenLink(link.name, link.link) for link in links]
                sent_to = str(session)
            elif kind == "event" and (
                event := next((e for e in events if str(e.pk) == target_id), None)
            ):
                links = invitations_send_for_event(
                    actor=request.user, survey=survey, event=event, link_base=link_base(request)
                )
                sent_to = event.title
                messages.success(
                    request,
                    f"E-mailed a link to {len(links)} "
                    f"{'person' if len(links) == 1 else 'people'} with a place at {event.title}.",
                )
                return redirect("evaluation:send", survey_id=survey.pk)
            else:
                error = "Choose a session or an event to send the survey to."
        except ApplicationError as problem:
            error = problem.message
    return render(
        request,
        "evaluation/survey_send.html",
        {
            "survey": survey,
            "sessions": sessions,
            "events": events,
            "given": given,
            "sent_to": sent_to,
            "error": error,
            "invitations": survey.invitations.count(),
        },
    )


RESPONSES_SHOWN = 500


@never_cache
@require_GET
def survey_responses_view(request: AuthenticatedRequest, survey_id: UUID) -> HttpResponse:
    survey = survey_get_to_manage(actor=request.user, survey_id=survey_id)
    responses = responses_to_read(actor=request.user, survey=survey, limit=RESPONSES_SHOWN)
    return render(
        request,
        "evaluation/survey_responses.html",
        {"survey": survey, "responses": responses, "free_text": QuestionKind.FREE_TEXT},
    )


@require_POST
def answer_publish_view(request: AuthenticatedRequest, answer_id: UUID) -> HttpResponse:
    answer = answer_get_to_publish(actor=request.user, answer_id=answer_id)
    publish = request.POST.get("publish") == "yes"
    carried_out(
        request,
        lambda: answer_publication_mark(actor=request.user, answer=answer, publish=publish),
        "The answer is marked for publication."
        if publish
        else "The answer is no longer marked for publication.",
    )
    return redirect("evaluation:responses", survey_id=answer.response.survey_id)
