"""Every read of the question bank, surveys and responses, scoped to the person asking. A missing
row and one of another partnership's answer the same (NotFound).

Anyone in a partnership sees its surveys and its question bank (they hold no personal data).
Responses are seen only by those who run the survey (`permissions.survey_policy`), never by name: a
response shows the learner's school and the session or event, not who the learner is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet

from widen.activities.models import AttendanceStatus, Session
from widen.core.exceptions import NotFound
from widen.core.small_numbers import suppressed
from widen.evaluation.models import (
    Answer,
    Question,
    QuestionKind,
    Scale,
    ScaleImport,
    Survey,
    SurveyInvitation,
    SurveyResponse,
)
from widen.evaluation.permissions import (
    MANAGE,
    answer_policy,
    delivering_organisations,
    scale_import_policy,
    scale_policy,
    survey_policy,
)
from widen.events.models import Event
from widen.organisations.models import Organisation


def sessions_to_survey(*, actor: Any, survey: Survey) -> QuerySet[Session]:
    """Sessions whose learners `actor` may send this survey to: sessions of the survey's
    activity (or its one session) that `actor`'s organisation delivers, or delivers jointly,
    each with `learners`, how many on its register were not marked absent."""
    delivering = delivering_organisations(actor).values("pk")
    sessions = Session.objects.filter(activity__partnership=survey.partnership).filter(
        Q(activity__delivered_by__in=delivering) | Q(joint_partners__in=delivering)
    )
    if survey.session_id:
        sessions = sessions.filter(pk=survey.session_id)
    elif survey.activity_id:
        sessions = sessions.filter(activity_id=survey.activity_id)
    ids = sessions.values("pk")
    return (
        Session.objects.filter(pk__in=ids)
        .select_related("activity")
        .annotate(learners=Count("register", filter=~Q(register__status=AttendanceStatus.ABSENT)))
        .order_by("-date", "-starts_at")[:200]
    )


def survey_list(*, actor: Any) -> QuerySet[Survey]:
    return survey_policy.visible_to(actor).select_related(
        "partnership", "organisation", "activity", "session__activity", "event"
    )


def survey_get(*, actor: Any, survey_id: UUID | str) -> Survey:
    return survey_policy.get(actor, survey_id)


def survey_get_to_manage(*, actor: Any, survey_id: UUID | str) -> Survey:
    """A survey `actor` runs; another's (or a missing one) is NotFound."""
    return survey_policy.get(actor, survey_id, action=MANAGE)


def survey_question_find(*, survey: Survey, question_id: Any) -> Question | None:
    """The survey's question with this id, or None (a malformed id included)."""
    try:
        return survey.questions.filter(pk=question_id).first()
    except (ValidationError, ValueError, TypeError):
        return None


def scale_list(*, actor: Any) -> QuerySet[Scale]:
    """The scales Widen ships and those of the partnerships `actor` is in."""
    return (
        scale_policy.visible_to(actor)
        .select_related("partnership")
        .annotate(item_count=Count("items"))
    )


def scale_get(*, actor: Any, scale_id: UUID | str) -> Scale:
    return scale_policy.get(actor, scale_id)


def scale_import_get(*, actor: Any, import_id: UUID | str) -> ScaleImport:
    """A scale spreadsheet `actor` uploaded; another person's, or a missing one, is NotFound."""
    return scale_import_policy.get(actor, import_id)


def response_list(*, actor: Any, survey: Survey) -> QuerySet[SurveyResponse]:
    """The survey's responses, latest first, for those who run it."""
    survey_policy.require(actor, MANAGE, survey)
    return (
        survey.responses.select_related("school", "session__activity", "event")
        .prefetch_related("answers__question__scale_item", "scale_scores__scale")
        .order_by("-submitted_at", "pk")
    )


def responses_to_read(
    *, actor: Any, survey: Survey, limit: int, offset: int = 0
) -> list[SurveyResponse]:
    """The survey's `limit` responses from `offset`, each with `place_shown`: whether its school,
    session and event may be shown. They are not when fewer than `SMALL_COUNT` of the survey's
    responses share them, since with a register or a school's roll they could say whose
    answers these are."""
    small = {
        (row["school_id"], row["session_id"], row["event_id"])
        for row in survey.responses.values("school_id", "session_id", "event_id").annotate(
            n=Count("pk")
        )
        if suppressed(row["n"])
    }
    responses = list(response_list(actor=actor, survey=survey)[offset : offset + limit])
    for response in responses:
        place = (response.school_id, response.session_id, response.event_id)
        response.place_shown = place not in small  # type: ignore[attr-defined]
    return responses


def answer_get_to_publish(*, actor: Any, answer_id: UUID | str) -> Answer:
    """A written answer to a survey `actor` runs; any other (or a missing one) is NotFound."""
    answer = answer_policy.get(actor, answer_id)
    if answer.question.kind != QuestionKind.FREE_TEXT:
        raise NotFound
    return answer


def published_quotes(*, actor: Any, survey: Survey) -> QuerySet[Answer]:
    """Written answers marked for publication (their authors consented)."""
    survey_get(actor=actor, survey_id=survey.pk)
    return Answer.objects.filter(
        response__survey=survey,
        published_at__isnull=False,
        response__publication_consent=True,
        question__kind=QuestionKind.FREE_TEXT,
    ).select_related("question")


@dataclass(frozen=True)
class RateRow:
    label: str
    sent: int
    answered: int

    @property
    def rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None


@dataclass(frozen=True)
class ResponseRates:
    total: RateRow
    by_place: list[RateRow]  # by session or event
    by_school: list[RateRow]
    at_event: int  # responses filled in at the event (no link sent)


def _rows(invitations: QuerySet[SurveyInvitation], group: str, label_of: Any) -> list[RateRow]:
    grouped = (
        invitations.values(group)
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by(group)
    )
    rows = [RateRow(label_of(row[group]), row["sent"], row["answered"]) for row in grouped]
    return sorted(rows, key=lambda row: row.label)


def response_rates(*, actor: Any, survey: Survey) -> ResponseRates:
    """Links sent and answered, in all, by session or event, and by school."""
    survey_get(actor=actor, survey_id=survey.pk)
    invitations = survey.invitations.all()
    session_ids = set(invitations.values_list("session_id", flat=True)) - {None}
    event_ids = set(invitations.values_list("event_id", flat=True)) - {None}
    school_ids = set(invitations.values_list("school_id", flat=True)) - {None}
    sessions = {
        s.pk: str(s) for s in Session.objects.filter(pk__in=session_ids).select_related("activity")
    }
    events = {
        e.pk: f"{e.title}, {e.starts_at:%d %b %Y}" for e in Event.objects.filter(pk__in=event_ids)
    }
    schools = dict(Organisation.objects.filter(pk__in=school_ids).values_list("pk", "name"))
    by_place = [
        *_rows(invitations.filter(session__isnull=False), "session_id", lambda pk: sessions[pk]),
        *_rows(invitations.filter(event__isnull=False), "event_id", lambda pk: events[pk]),
    ]
    by_school = _rows(
        invitations,
        "school_id",
        lambda pk: schools.get(pk, "No school recorded"),
    )
    sent = invitations.count()
    answered = invitations.filter(answered_at__isnull=False).count()
    return ResponseRates(
        total=RateRow("All links", sent, answered),
        by_place=by_place,
        by_school=by_school,
        at_event=survey.responses.filter(invitation__isnull=True).count(),
    )
