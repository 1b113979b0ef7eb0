"""`SurveyInvitation` is one person's one-time link (only the SHA-256 of its token is kept, see
`widen.core.links`); `SurveyResponse` is one submitted form with its `Answer` rows and a
`ScaleScore` per scale."""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.activities.models import Activity, Session
from widen.audit.models import AuditedModel
from widen.core.models import TimestampedModel, done_by, once_when_set
from widen.evaluation.models.scales import Scale
from widen.evaluation.models.surveys import Question, Survey, SurveyTiming
from widen.events.models import Booking, Event
from widen.learners.models import Learner
from widen.organisations.models import Organisation


class SurveyInvitation(AuditedModel, TimestampedModel):
    """One person's one-time link to a survey: a learner on a session's register, or someone
    booked onto an event (by their booking e-mail). Answers once."""

    audit_attnames = ("learner_id", "organisation_id")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    # The learner's controller, or the event's organiser, for scoping and the audit trail.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        Learner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    booking = models.ForeignKey(
        Booking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_invitations",
    )
    name = models.CharField(max_length=160, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The learner's school, for response rates by school.",
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_by = done_by()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            once_when_set(
                "survey", "learner", when_set="learner", name="survey_invitation_per_learner_once"
            ),
            once_when_set(
                "survey", "booking", when_set="booking", name="survey_invitation_per_booking_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.survey_id}"


class ResponseChannel(models.TextChoices):
    LINK = "link", "By one-time link"
    AT_EVENT = "at_event", "Filled in at the event"


class SurveyResponse(AuditedModel, TimestampedModel):
    """One submitted form. `activity` and `timing` are copied from the survey so that a
    learner's answers before and after an activity pair up."""

    audit_attnames = ("learner_id", "organisation_id")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    invitation = models.OneToOneField(
        SurveyInvitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="response",
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(
        Learner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    session = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    timing = models.CharField(max_length=12, choices=SurveyTiming.choices)
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices)
    submitted_at = models.DateTimeField(db_index=True)
    publication_consent = models.BooleanField(
        default=False, help_text="The person agreed that written answers may be quoted."
    )

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["learner", "activity", "timing"])]

    def __str__(self) -> str:
        return f"Response to {self.survey_id} at {self.submitted_at:%Y-%m-%d %H:%M}"


class Answer(AuditedModel, TimestampedModel):
    """One question's answer: chosen options, a number (Likert, scale item or numeric) or text.
    Written text may be marked for publication by staff only if the person consented."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_choices = models.JSONField(default=list, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = done_by()

    class Meta:
        ordering = ["response", "question__position"]
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_once")]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

    def audit_learner_id(self) -> Any:
        return self.response.learner_id

    def audit_organisation_id(self) -> Any:
        return self.response.organisation_id


class ScaleScore(TimestampedModel):
    """A response's score on one scale, worked out when it was submitted."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="scale_scores"
    )
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, related_name="scores")
    score = models.FloatField(null=True, blank=True)
    items_answered = models.PositiveSmallIntegerField(default=0)
    items_total = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["scale__name"]
        constraints = [
            models.UniqueConstraint(fields=["response", "scale"], name="scale_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.scale_id}: {self.score}"
