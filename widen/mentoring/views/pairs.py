"""Each mentoring pair's space, for its two sides and its programme's coordinators: goals,
meetings, check-ins, messages (the sides', and a coordinator's only after a concern), raising a
concern, ending it and each side's feedback; a person's own pairs; and a programme's pairs for
its coordinators, the ones going quiet marked. A pair one does not see answers 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import form_page
from widen.core.forms import add_service_error
from widen.mentoring.models import GOAL_WORKFLOW, CheckIn, Goal, LivedExperience, Relationship, Side
from widen.mentoring.pair_forms import (
    CheckInForm,
    ConcernForm,
    EndForm,
    FeedbackForm,
    GoalForm,
    GoalReviewForm,
    MeetingForm,
    MessageForm,
)
from widen.mentoring.permissions import (
    MANAGE,
    may_read_messages,
    mentee_shared_profile,
    relationship_policy,
    side_of,
)
from widen.mentoring.selectors.pairs import (
    my_pairs,
    my_sides,
    pair_began_on,
    pair_check_ins,
    pair_get,
    pair_goals,
    pair_meetings,
    pair_messages,
    pair_messages_read_record,
    programme_get,
    programme_pairs,
    quiet_since,
    relationships_going_quiet,
)
from widen.mentoring.services.matching_runs import under_18
from widen.mentoring.services.pairs import (
    check_in_answer,
    concern_raise,
    feedback_give,
    feedback_side,
    goal_agree,
    goal_review,
    meeting_log,
    message_send,
    relationship_end,
)


def mentee_name(relationship: Relationship) -> str:
    """The mentee's name as a coordinator reads it (a mentor reads only the shared profile)."""
    mentee = relationship.mentee
    if mentee.student_id and mentee.student is not None:
        return str(mentee.student.display_name)
    if mentee.learner is not None:
        return f"{mentee.learner.first_name} {mentee.learner.last_name}"
    return "The mentee"


def mentor_name(relationship: Relationship) -> str:
    user = relationship.mentor.user
    return str(user.get_full_name() or user.username)


def _profile(relationship: Relationship) -> dict[str, Any]:
    shared = mentee_shared_profile(relationship)
    labels = dict(LivedExperience.choices)
    return {**shared, "shared": [labels.get(code, code) for code in shared["shared"]]}


def _forms() -> dict[str, Any]:
    return {
        "goal": GoalForm(),
        "meeting": MeetingForm(initial={"held_on": timezone.localdate()}),
        "message": MessageForm(),
        "feedback": FeedbackForm(),
    }


def _mentee_under_18(pair: Relationship, today: date) -> bool:
    """Whether the mentee is under 18 (or their date of birth is not recorded)."""
    person: Any = pair.mentee.student or pair.mentee.learner
    return under_18(getattr(person, "date_of_birth", None), today)


def _pair_page(
    request: AuthenticatedRequest,
    pair: Relationship,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    side = side_of(actor, pair)
    manages = relationship_policy.may(actor, MANAGE, pair)
    keeps = pair.is_active and (side is not None or manages)
    reads_messages = may_read_messages(actor, pair)
    if reads_messages:
        pair_messages_read_record(actor=actor, relationship=pair, purpose="a mentoring pair's page")
    today = timezone.localdate()
    check_ins = pair_check_ins(pair)
    quiet = (
        pair.is_active
        and relationships_going_quiet(actor=actor, today=today).filter(pk=pair.pk).exists()
    )
    return render(
        request,
        "mentoring/pairs/pair.html",
        {
            "pair": pair,
            "side": side,
            "is_mentor": side == Side.MENTOR,
            "is_mentee": side == Side.MENTEE,
            "manages": manages,
            "keeps": keeps,
            "profile": _profile(pair) if side == Side.MENTOR else None,
            "mentor_name": mentor_name(pair),
            "mentee_name": mentee_name(pair) if manages else "",
            "began_on": pair_began_on(pair),
            "under_18": _mentee_under_18(pair, today),
            "goals": [
                (
                    goal,
                    GoalReviewForm(auto_id=f"review_{goal.pk}_%s")
                    if keeps and GOAL_WORKFLOW.can(goal, "achieve")
                    else None,
                )
                for goal in pair_goals(pair)
            ],
            "meetings": pair_meetings(pair),
            "check_ins_due": [
                (c, CheckInForm(auto_id=f"check_in_{c.pk}_%s"))
                for c in check_ins
                if c.answered_on is None and c.due_on <= today
            ],
            "check_ins_answered": [c for c in check_ins if c.answered_on is not None],
            "next_check_in": next(
                (c for c in check_ins if c.answered_on is None and c.due_on > today), None
            ),
            "reads_messages": reads_messages,
            "pair_messages": list(pair_messages(actor=actor, relationship=pair))
            if reads_messages
            else [],
            "sends_messages": keeps and side is not None,
            "concerns": list(pair.concerns.select_related("raised_by")) if manages else [],
            "flagged_count": pair.messages.filter(flagged=True).count() if manages else 0,
            "may_step_in": side is not None or manages,
            "gives_feedback": feedback_side(actor, pair) is not None,
            "feedback": list(pair.feedback.all()) if manages or side is not None else [],
            "quiet": quiet,
            "quiet_since": quiet_since(pair) if quiet else None,
            "forms": {**_forms(), **(failed or {})},
            "page_errors": bool(failed),
            "today": today,
        },
        status=status,
    )


@never_cache
@require_GET
def my_pairs_view(request: AuthenticatedRequest) -> HttpResponse:
    """The pairs one is a side of (as a mentor or a student mentee); nobody else's."""
    pairs = list(my_pairs(actor=request.user))
    if not pairs:
        raise NotFound
    sides = my_sides(request.user)
    rows = [
        {
            "pair": pair,
            "side": sides.side_in(pair),
            "mentor_name": mentor_name(pair),
            "mentee_first_name": mentee_shared_profile(pair)["first_name"],
        }
        for pair in pairs
    ]
    return render(request, "mentoring/pairs/mine.html", {"rows": rows})


@never_cache
@require_GET
def pair_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    return _pair_page(request, pair_get(actor=request.user, relationship_id=relationship_id))


def _act(
    request: AuthenticatedRequest,
    relationship_id: UUID,
    name: str,
    form: Any,
    save: Callable[[Relationship, dict[str, Any]], str],
) -> HttpResponse:
    """A form on the pair's page: saved (back to the page, saying so), or the page again with
    the form's problems on it."""
    pair = pair_get(actor=request.user, relationship_id=relationship_id)
    if form.is_valid():
        try:
            done = save(pair, form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("mentoring:pair", relationship_id=pair.pk)
    return _pair_page(request, pair, {name: form})


@require_POST
def pair_goal_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    def save(pair: Relationship, data: dict[str, Any]) -> str:
        goal_agree(actor=request.user, relationship=pair, text=data["text"])
        return "Added the goal."

    return _act(request, relationship_id, "goal", GoalForm(request.POST), save)


def _one_of(pair: Relationship, model: type[Goal] | type[CheckIn], pk: int) -> Any:
    found = model.objects.filter(pk=pk, relationship=pair).first()
    if found is None:
        raise NotFound
    return found


def _little_form(
    request: AuthenticatedRequest,
    relationship_id: UUID,
    form: Any,
    save: Callable[[Relationship, dict[str, Any]], str],
) -> HttpResponse:
    """A form of one row on the pair's page (a goal's review, a check-in's answer): saved or
    refused, saying so, and back to the page."""
    pair = pair_get(actor=request.user, relationship_id=relationship_id)
    if form.is_valid():
        try:
            messages.success(request, save(pair, form.cleaned_data))
        except ApplicationError as error:
            messages.error(request, error.message)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("mentoring:pair", relationship_id=pair.pk)


@require_POST
def pair_goal_review_view(
    request: AuthenticatedRequest, relationship_id: UUID, goal_id: int
) -> HttpResponse:
    def save(pair: Relationship, data: dict[str, Any]) -> str:
        goal = _one_of(pair, Goal, goal_id)
        reviewed = goal_review(
            actor=request.user, goal=goal, outcome=data["outcome"], note=data["note"]
        )
        return f"The goal is marked {reviewed.get_status_display().lower()}."

    form = GoalReviewForm(request.POST, auto_id=f"review_{goal_id}_%s")
    return _little_form(request, relationship_id, form, save)


@require_POST
def pair_meeting_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    def save(pair: Relationship, data: dict[str, Any]) -> str:
        meeting = meeting_log(actor=request.user, relationship=pair, **data)
        return f"Logged your meeting on {meeting.held_on:%-d %B %Y}."

    return _act(request, relationship_id, "meeting", MeetingForm(request.POST), save)


@require_POST
def pair_check_in_view(
    request: AuthenticatedRequest, relationship_id: UUID, check_in_id: int
) -> HttpResponse:
    def save(pair: Relationship, data: dict[str, Any]) -> str:
        check_in = _one_of(pair, CheckIn, check_in_id)
        check_in_answer(actor=request.user, check_in=check_in, **data)
        return "Thank you: your check-in is saved."

    form = CheckInForm(request.POST, auto_id=f"check_in_{check_in_id}_%s")
    return _little_form(request, relationship_id, form, save)


@require_POST
def pair_message_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    pair = pair_get(actor=request.user, relationship_id=relationship_id)
    if side_of(request.user, pair) is None:
        raise NotFound  # the sides' alone: a coordinator reads them after a concern, never sends

    def save(pair: Relationship, data: dict[str, Any]) -> str:
        message_send(actor=request.user, relationship=pair, body=data["body"])
        return "Your message is sent."

    return _act(request, relationship_id, "message", MessageForm(request.POST), save)


@require_POST
def pair_feedback_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    pair = pair_get(actor=request.user, relationship_id=relationship_id)
    if side_of(request.user, pair) is None:
        raise NotFound

    def save(pair: Relationship, data: dict[str, Any]) -> str:
        feedback_give(actor=request.user, relationship=pair, **data)
        return "Thank you for your feedback."

    return _act(request, relationship_id, "feedback", FeedbackForm(request.POST), save)


def _step_in_pair(request: AuthenticatedRequest, relationship_id: UUID) -> Relationship:
    pair = pair_get(actor=request.user, relationship_id=relationship_id)
    if side_of(request.user, pair) is None and not relationship_policy.may(
        request.user, MANAGE, pair
    ):
        raise NotFound
    return pair


@never_cache
@require_http_methods(["GET", "POST"])
def pair_concern_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    """Raise a concern about the pair: the coordinators are told and may read its messages."""
    pair = _step_in_pair(request, relationship_id)

    def save(data: dict[str, Any]) -> HttpResponse:
        concern_raise(actor=request.user, relationship=pair, reason=data["reason"])
        messages.success(
            request, "Your concern is raised. The programme's coordinators have been told."
        )
        return redirect("mentoring:pair", relationship_id=pair.pk)

    return form_page(
        request,
        ConcernForm(request.POST or None),
        save,
        "mentoring/pairs/concern.html",
        {"pair": pair, "manages": relationship_policy.may(request.user, MANAGE, pair)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def pair_end_view(request: AuthenticatedRequest, relationship_id: UUID) -> HttpResponse:
    """End the relationship, after saying why."""
    pair = _step_in_pair(request, relationship_id)

    def save(data: dict[str, Any]) -> HttpResponse:
        relationship_end(actor=request.user, relationship=pair, reason=data["reason"])
        messages.success(request, "The relationship has ended. Thank you.")
        return redirect("mentoring:pair", relationship_id=pair.pk)

    return form_page(
        request, EndForm(request.POST or None), save, "mentoring/pairs/end.html", {"pair": pair}
    )


@never_cache
@require_GET
def programme_pairs_view(request: AuthenticatedRequest, programme_id: UUID) -> HttpResponse:
    """A programme's pairs for its coordinators: the ones going quiet first and marked."""
    programme = programme_get(actor=request.user, programme_id=programme_id)
    today = timezone.localdate()
    quiet = set(
        relationships_going_quiet(actor=request.user, today=today)
        .filter(programme=programme)
        .values_list("pk", flat=True)
    )
    pairs = list(programme_pairs(actor=request.user, programme=programme))
    rows = [
        {
            "pair": pair,
            "mentor_name": mentor_name(pair),
            "mentee_name": mentee_name(pair),
            "quiet": pair.pk in quiet,
            "quiet_weeks": (today - quiet_since(pair)).days // 7 if pair.pk in quiet else 0,
        }
        for pair in pairs
    ]
    rows.sort(key=lambda row: not row["quiet"])
    return render(
        request,
        "mentoring/pairs/programme_pairs.html",
        {"programme": programme, "rows": rows, "quiet_count": len(quiet)},
    )
