"""Survey pages: the partnership's surveys and question bank, building and sending a survey, its
response rates and responses, filling it in at an event, and the public answering page reached
by a one-time link."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.models import Session
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.forms import (
    QuestionForm,
    ScaleForm,
    ScaleUploadForm,
    SurveyForm,
    SurveyScaleForm,
)
from widen.evaluation.imports import (
    MAX_BYTES,
    scale_import_commit,
    scale_import_plan,
    scale_import_start,
)
from widen.evaluation.models import (
    Question,
    QuestionKind,
    Scale,
    ScaleImportStatus,
    Survey,
    SurveyInvitation,
    SurveyStatus,
)
from widen.evaluation.permissions import KEEP, MANAGE, SEND, scale_policy, survey_policy
from widen.evaluation.selectors import (
    answer_get_to_publish,
    response_rates,
    responses_to_read,
    scale_get,
    scale_import_get,
    scale_list,
    sessions_to_survey,
    survey_get,
    survey_get_to_manage,
    survey_list,
    survey_question_find,
)
from widen.evaluation.services import (
    SURVEY_LINK_PATH,
    AnswersInvalidError,
    QuestionDetails,
    SurveyDetails,
    answer_publication_mark,
    invitation_for_link,
    invitations_send_for_event,
    invitations_send_for_session,
    may_keep_bank,
    question_add,
    question_remove,
    response_submit,
    scale_create,
    scale_draft_update,
    scale_new_version,
    scale_publish,
    survey_after_make,
    survey_close,
    survey_create,
    survey_open,
    survey_organisations,
    survey_scale_add,
)
from widen.events.models import BookingStatus, Event
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy

T = TypeVar("T")

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


def _partnership(request: HttpRequest, partnership_id: UUID) -> Partnership:
    partnership = organisation_policy.partnership_visible_to(request.user, partnership_id)
    if partnership is None:
        raise NotFound
    return partnership


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(SURVEY_LINK_PATH)


# --- Surveys ----------------------------------------------------------------------------------


@require_GET
def survey_list_view(request: AuthenticatedRequest) -> HttpResponse:
    surveys = survey_list(actor=request.user).order_by("partnership__name", "-created_at")
    partnerships = list(organisation_policy.partnerships_visible_to(request.user))
    running = [p for p in partnerships if survey_organisations(request.user, p).exists()]
    return render(
        request,
        "evaluation/survey_list.html",
        {"surveys": surveys, "running": running},
    )


@require_http_methods(["GET", "POST"])
def survey_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    organisations = survey_organisations(request.user, partnership)
    if not organisations.exists():
        raise NotFound
    form = SurveyForm(request.POST or None, partnership=partnership, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = survey_create(
                actor=request.user,
                partnership=partnership,
                details=SurveyDetails(
                    organisation=data["organisation"],
                    title=data["title"],
                    introduction=data["introduction"],
                    timing=data["timing"],
                    activity=data["activity"],
                    session=data["session"],
                    event=data["event"],
                    pre_survey=data["pre_survey"],
                    asks_publication_consent=data["asks_publication_consent"],
                ),
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"Survey “{survey.title}” added. Now add its questions.")
            return redirect("evaluation:questions", survey_id=survey.pk)
    return render(
        request, "evaluation/survey_form.html", {"form": form, "partnership": partnership}
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
                    details=QuestionDetails(
                        kind=data["kind"],
                        text=data["text"],
                        help_text=data["help_text"],
                        required=data["required"],
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
            target = question_form if action == "question" else scale_form
            if action in ("question", "scale"):
                name = error.field if error.field in target.fields else None
                target.add_error(name, error.message)
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
            "editable": survey.status == SurveyStatus.DRAFT,
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
    try:
        after = survey_after_make(actor=request.user, survey=survey)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("evaluation:survey", survey_id=survey.pk)
    messages.success(
        request,
        f"“{after.title}” drafted with the same questions and scales. Change the title or add "
        "questions, then open it after the activity.",
    )
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
                    link_base=_link_base(request),
                    renew=request.POST.get("renew") == "yes",
                )
                given = [GivenLink(link.name, link.link) for link in links]
                sent_to = str(session)
            elif kind == "event" and (
                event := next((e for e in events if str(e.pk) == target_id), None)
            ):
                links = invitations_send_for_event(
                    actor=request.user, survey=survey, event=event, link_base=_link_base(request)
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
    try:
        answer_publication_mark(actor=request.user, answer=answer, publish=publish)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "The answer is marked for publication."
            if publish
            else "The answer is no longer marked for publication.",
        )
    return redirect("evaluation:responses", survey_id=answer.response.survey_id)


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
        questions = list(survey.questions.all())
        try:
            response_submit(
                survey=survey,
                raw_answers=_raw_answers(questions, request.POST),
                invitation=invitation,
                publication_consent=request.POST.get("publication_consent") == "yes",
            )
        except AnswersInvalidError as error:
            errors = error.errors
        except NotFound:
            # Answered a moment ago (another tab), or the survey has just closed.
            invitation.refresh_from_db()
            if invitation.answered_at is not None:
                return render(request, "evaluation/answer_thanks.html", {"survey": survey})
            raise
        else:
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
    if survey.status != SurveyStatus.OPEN:
        messages.error(request, "Open the survey before people fill it in.")
        return redirect("evaluation:survey", survey_id=survey.pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        questions = list(survey.questions.all())
        try:
            response_submit(
                survey=survey,
                raw_answers=_raw_answers(questions, request.POST),
                actor=request.user,
                publication_consent=request.POST.get("publication_consent") == "yes",
            )
        except AnswersInvalidError as error:
            errors = error.errors
        else:
            messages.success(
                request, "Thank you: the answers are saved. Ready for the next person."
            )
            return redirect("evaluation:fill_in", survey_id=survey.pk)
    context = _answering_context(survey, request.POST if errors else None, errors)
    context["action"] = request.path
    context["at_event"] = True
    return render(request, "evaluation/answer.html", context, status=400 if errors else 200)


# --- Question bank ----------------------------------------------------------------------------


@require_GET
def scale_list_view(request: AuthenticatedRequest) -> HttpResponse:
    scales = scale_list(actor=request.user).order_by("name", "-version")
    partnerships = list(organisation_policy.partnerships_visible_to(request.user))
    keeping = [p for p in partnerships if may_keep_bank(request.user, p)]
    return render(request, "evaluation/scale_list.html", {"scales": scales, "keeping": keeping})


@require_GET
def scale_detail_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = scale_get(actor=request.user, scale_id=scale_id)
    keeps = scale_policy.may(request.user, KEEP, scale)
    return render(
        request,
        "evaluation/scale_detail.html",
        {"scale": scale, "items": scale.items.all(), "keeps": keeps},
    )


def _scale_to_keep(request: AuthenticatedRequest, scale_id: UUID) -> Scale:
    return scale_policy.get(request.user, scale_id, action=KEEP)


@require_http_methods(["GET", "POST"])
def scale_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    if not may_keep_bank(request.user, partnership):
        raise NotFound
    form = ScaleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scale = scale_create(
                actor=request.user,
                partnership=partnership,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                scoring=form.cleaned_data["scoring"],
                items=form.item_specs(),
                response_options=form.cleaned_data["options"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, f"“{scale.name}” saved as a draft. Check it, then publish.")
            return redirect("evaluation:scale", scale_id=scale.pk)
    return render(
        request,
        "evaluation/scale_form.html",
        {"form": form, "partnership": partnership, "scale": None},
    )


@require_http_methods(["GET", "POST"])
def scale_edit_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    if scale.is_published:
        messages.error(
            request,
            "This scale is published: its wording cannot be changed. Make a new version instead.",
        )
        return redirect("evaluation:scale", scale_id=scale.pk)
    initial = {
        "name": scale.name,
        "description": scale.description,
        "scoring": scale.scoring,
        "items": "\n".join(
            f"{item.text} (R)" if item.reverse_scored else item.text for item in scale.items.all()
        ),
        "options": "\n".join(f"{o['value']}={o['label']}" for o in scale.response_options),
    }
    form = ScaleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scale_draft_update(
                actor=request.user,
                scale=scale,
                items=form.item_specs(),
                name=form.cleaned_data["name"],
                response_options=form.cleaned_data["options"],
                scoring=form.cleaned_data["scoring"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, "Draft saved.")
            return redirect("evaluation:scale", scale_id=scale.pk)
    return render(
        request,
        "evaluation/scale_form.html",
        {"form": form, "partnership": scale.partnership, "scale": scale},
    )


@require_POST
def scale_publish_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    try:
        scale_publish(actor=request.user, scale=scale)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"“{scale.name}” is published: its wording is now locked.")
    return redirect("evaluation:scale", scale_id=scale.pk)


@require_POST
def scale_new_version_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    if not scale.is_published:
        return redirect("evaluation:scale_edit", scale_id=scale.pk)
    new = scale_new_version(actor=request.user, scale=scale)
    messages.success(request, f"Version {new.version} drafted: change its wording, then publish.")
    return redirect("evaluation:scale_edit", scale_id=new.pk)


@require_http_methods(["GET", "POST"])
def scale_import_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = _partnership(request, partnership_id)
    if not may_keep_bank(request.user, partnership):
        raise NotFound
    form = ScaleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["items_file"]
        if upload_file.size > MAX_BYTES:
            form.add_error("items_file", f"Files of up to {MAX_BYTES // 1_048_576} MB only.")
        else:
            try:
                upload = scale_import_start(
                    actor=request.user,
                    partnership=partnership,
                    file_name=upload_file.name or "",
                    content=upload_file.read(),
                    source=form.cleaned_data["source"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("evaluation:scale_import_detail", import_id=upload.pk)
    return render(
        request, "evaluation/scale_import.html", {"form": form, "partnership": partnership}
    )


@require_GET
def scale_import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = scale_import_get(actor=request.user, import_id=import_id)
    plan = scale_import_plan(upload) if upload.status == ScaleImportStatus.CHECKED else None
    return render(
        request,
        "evaluation/scale_import_check.html",
        {
            "upload": upload,
            "plan": plan,
            "problems": plan.problems if plan is not None else [],
        },
    )


@require_POST
def scale_import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = scale_import_get(actor=request.user, import_id=import_id)
    try:
        upload = scale_import_commit(actor=request.user, upload=upload)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("evaluation:scale_import_detail", import_id=upload.pk)
    messages.success(
        request,
        f"Imported {upload.scales_created} scale{'' if upload.scales_created == 1 else 's'} "
        f"({upload.items_created} items), published: their wording is locked.",
    )
    return redirect("evaluation:scales")


def answer_link_path(token: str) -> str:
    return reverse("evaluation:answer", kwargs={"token": token})
