"""A mentoring programme's outcomes, measured the way the rest of Widen measures them.

A programme names its activity in the partnership's catalogue (a mentoring activity); the
surveys before and after that activity (career confidence, knowledge of routes: the survey's
scales) are sent to the programme's mentees from here, and the evaluation report of the activity
shows the change, paired before and after, with its standard of evidence.

* Before: every accepted mentee is asked. After: every mentee whose pair started (active or
  ended).
* A student's link is e-mailed to their contact address; their answers pair up before and after
  when their record is linked to a learner record (otherwise they count among those answering
  once). A pupil has no address here: their links are given back, once, to hand out.
* Graduate destinations: Widen keeps none yet (students' records hold no destination), so the
  page says so rather than showing a figure it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Count, Q, QuerySet

from widen.activities.models import Activity
from widen.activities.selectors import activity_list
from widen.core.exceptions import ApplicationError, NotFound
from widen.evaluation.models import Survey, SurveyTiming
from widen.evaluation.permissions import SEND, survey_policy
from widen.evaluation.services.sending import Invitee, LinkGiven, invitations_send_to_people
from widen.mentoring.models import (
    Mentee,
    MenteeStatus,
    MentoringProgramme,
    RelationshipStatus,
)
from widen.mentoring.permissions import MANAGE, programme_policy

STARTED = (RelationshipStatus.ACTIVE, RelationshipStatus.ENDED)
DESTINATIONS_NOTE = (
    "Graduate destinations are not recorded in Widen yet: students' records hold no "
    "destination, so none is shown here."
)


def activities_for(actor: Any, programme: MentoringProgramme) -> QuerySet[Activity]:
    """The activities `actor` sees that the programme may name: of its partnership (a pupils'
    programme), or of a partnership its organisation belongs to."""
    activities = activity_list(actor=actor)
    if programme.partnership_id:
        return activities.filter(partnership_id=programme.partnership_id)
    return activities.filter(partnership__members=programme.organisation_id).distinct()


@transaction.atomic
def programme_activity_set(
    *, actor: Any, programme: MentoringProgramme, activity_id: Any
) -> MentoringProgramme:
    """Name (or, with no id, stop naming) the programme's activity."""
    programme_policy.require(actor, MANAGE, programme)
    activity = None
    if activity_id:
        activity = activities_for(actor, programme).filter(pk=activity_id).first()
        if activity is None:
            raise ApplicationError(
                "Choose an activity of the programme's partnership.", field="activity"
            )
    programme.activity = activity
    programme.save(update_fields=["activity", "updated_at"])
    return programme


def outcome_surveys(programme: MentoringProgramme) -> QuerySet[Survey]:
    """The surveys before and after the programme's activity."""
    if programme.activity_id is None:
        return Survey.objects.none()
    return (
        Survey.objects.filter(
            activity_id=programme.activity_id,
            timing__in=(SurveyTiming.PRE, SurveyTiming.POST),
        )
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-timing", "created_at")  # "pre" before "post"
    )


def _asked(programme: MentoringProgramme, survey: Survey) -> QuerySet[Mentee]:
    mentees = programme.mentees.filter(status=MenteeStatus.ACCEPTED)
    if survey.timing == SurveyTiming.POST:
        mentees = programme.mentees.filter(relationships__status__in=STARTED).distinct()
    return mentees.select_related("student", "student__linked_learner", "learner")


def _invitee(mentee: Mentee) -> Invitee:
    if mentee.student is not None:
        student = mentee.student
        return Invitee(
            name=student.display_name,
            organisation_id=student.organisation_id,
            learner=student.linked_learner,
            email=student.email,
        )
    learner = mentee.learner
    assert learner is not None  # a mentee is a student or a pupil
    return Invitee(
        name=learner.display_name, organisation_id=learner.organisation_id, learner=learner
    )


def outcome_survey_send(
    *, actor: Any, programme: MentoringProgramme, survey_id: Any, link_base: str | None = None
) -> list[LinkGiven]:
    """Send the survey's links to the mentees it is for; the links given (a pupil's, to hand
    out, are shown only this once)."""
    programme_policy.require(actor, MANAGE, programme)
    try:
        survey = outcome_surveys(programme).filter(pk=UUID(str(survey_id))).first()
    except ValueError as error:  # not a survey's id at all
        raise NotFound from error
    if survey is None:
        raise NotFound
    survey_policy.require(actor, SEND, survey)
    invitees = [_invitee(mentee) for mentee in _asked(programme, survey)]
    return invitations_send_to_people(
        actor=actor,
        survey=survey,
        invitees=invitees,
        what_for=f"the {programme.name} programme",
        link_base=link_base,
    )


@dataclass(frozen=True)
class OutcomeSurvey:
    survey: Survey
    asked: int  # mentees it is for now
    invited: int
    answered: int
    may_send: bool


def programme_outcome_surveys(actor: Any, programme: MentoringProgramme) -> list[OutcomeSurvey]:
    return [
        OutcomeSurvey(
            survey=survey,
            asked=_asked(programme, survey).count(),
            invited=getattr(survey, "invited", 0),
            answered=getattr(survey, "answered", 0),
            may_send=survey.is_open and survey_policy.may(actor, SEND, survey),
        )
        for survey in outcome_surveys(programme)
    ]
