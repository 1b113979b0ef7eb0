"""A `Survey` belongs to a partnership and optionally an activity, one of its sessions, or an
event, and has a timing (before, after, or standalone) so that a learner's answers before and
after an activity pair up; its `Question`s are asked in order."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from widen.activities.models import Activity, Session
from widen.core.models import StatusIs, TimestampedModel, done_by, once_when_set
from widen.core.workflows import Transition, Workflow
from widen.evaluation.models.scales import AGREEMENT_OPTIONS, Scale, ScaleItem
from widen.events.models import Event
from widen.organisations.models import Organisation, Partnership


class SurveyTiming(models.TextChoices):
    PRE = "pre", "Before the activity (pre)"
    POST = "post", "After the activity (post)"
    STANDALONE = "standalone", "Standalone"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


# How a survey's status moves: a draft (whose questions can still change) is opened for answers,
# and an open survey is closed (its links stop working); a closed survey never opens again, so
# every answer was given to the same questions in the same period.
SURVEY_WORKFLOW = Workflow(
    "status",
    [
        Transition("open", frozenset({SurveyStatus.DRAFT}), SurveyStatus.OPEN, "Open"),
        Transition("close", frozenset({SurveyStatus.OPEN}), SurveyStatus.CLOSED, "Close"),
    ],
)


class Survey(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="surveys")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="surveys",
        help_text="The member organisation running the survey.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    timing = models.CharField(
        max_length=12, choices=SurveyTiming.choices, default=SurveyTiming.STANDALONE
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    event = models.ForeignKey(
        Event, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    pre_survey = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post_surveys",
        help_text="For a survey after an activity: the survey before it whose answers pair up.",
    )
    status = models.CharField(
        max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT, db_index=True
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    asks_publication_consent = models.BooleanField(
        default=True,
        help_text="Ask whether written answers may be quoted (without the person's name).",
    )
    created_by = done_by()

    class Meta:
        ordering = ["-created_at", "title"]

    def __str__(self) -> str:
        return self.title

    is_draft = StatusIs(
        SurveyStatus.DRAFT, doc="Its questions can still be changed; it takes no answers yet."
    )
    is_open = StatusIs(SurveyStatus.OPEN, doc="It takes answers, by link or filled in at an event.")

    @property
    def is_before_activity(self) -> bool:
        """Taken before an activity, so a survey for after it can be made to pair with it."""
        return self.timing == SurveyTiming.PRE

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if (
            self.session is not None
            and self.activity_id
            and self.session.activity_id != self.activity_id
        ):
            errors["session"] = ["Choose a session of the survey's activity."]
        if self.activity is not None and self.activity.partnership_id != self.partnership_id:
            errors["activity"] = ["Choose an activity of this partnership."]
        if self.event is not None and self.event.partnership_id != self.partnership_id:
            errors["event"] = ["Choose an event of this partnership."]
        if self.pre_survey_id:
            pre = self.pre_survey
            if self.timing != SurveyTiming.POST:
                errors["pre_survey"] = ["Only a survey after the activity pairs with one before."]
            elif pre is None or pre.timing != SurveyTiming.PRE:
                errors["pre_survey"] = ["Choose a survey taken before the activity."]
            elif pre.partnership_id != self.partnership_id or pre.pk == self.pk:
                errors["pre_survey"] = ["Choose another survey of this partnership."]
        if self.timing in (SurveyTiming.PRE, SurveyTiming.POST) and not (
            self.activity_id or self.event_id
        ):
            errors["timing"] = [
                "A survey before or after an activity needs the activity or event it is for."
            ]
        if errors:
            raise ValidationError(errors)


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", "Single choice"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    LIKERT = "likert", "Agreement (5-point Likert)"
    FREE_TEXT = "free_text", "Free text"
    NUMERIC = "numeric", "Number"
    SCALE_ITEM = "scale_item", "Item of a scale"


class Question(TimestampedModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=QuestionKind.choices)
    text = models.CharField(
        max_length=500, blank=True, help_text="Empty for a scale's item: its wording is used."
    )
    help_text = models.CharField(max_length=300, blank=True)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text="For choice questions.")
    min_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    scale = models.ForeignKey(
        Scale, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    scale_item = models.ForeignKey(
        ScaleItem, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_once"),
            once_when_set(
                "survey", "scale_item", when_set="scale_item", name="scale_item_once_per_survey"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.wording}"

    @property
    def wording(self) -> str:
        if self.scale_item is not None:
            return self.scale_item.text
        return self.text

    @property
    def is_multiple_choice(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE_CHOICE

    @property
    def is_numeric(self) -> bool:
        return self.kind == QuestionKind.NUMERIC

    def options(self) -> list[tuple[str, str]]:
        """The (value, label) pairs a person chooses from, in order."""
        if self.kind == QuestionKind.LIKERT:
            return [(str(value), label) for value, label in AGREEMENT_OPTIONS]
        if self.kind == QuestionKind.SCALE_ITEM and self.scale is not None:
            return [
                (str(option["value"]), str(option["label"]))
                for option in self.scale.response_options
            ]
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            return [(str(choice), str(choice)) for choice in self.choices]
        return []

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            choices = self.choices
            if (
                not isinstance(choices, list)
                or len(choices) < 2
                or not all(isinstance(c, str) and c.strip() for c in choices)
            ):
                errors["choices"] = ["Give at least two choices, each with some words."]
            elif len({c.strip().casefold() for c in choices}) != len(choices):
                errors["choices"] = ["Each choice must be different."]
            elif any(len(c) > 200 for c in choices):
                errors["choices"] = ["Keep each choice under 200 characters."]
        elif self.choices:
            errors["choices"] = ["Only choice questions have choices."]
        if self.kind == QuestionKind.SCALE_ITEM:
            if self.scale_item is None:
                errors["scale_item"] = ["Choose the scale's item."]
            else:
                item = self.scale_item
                if self.scale_id != item.scale_id:
                    errors["scale"] = ["The item belongs to another scale."]
                elif not item.scale.is_published:
                    errors["scale"] = ["Only a published scale can be used in a survey."]
        else:
            if self.scale_id or self.scale_item_id:
                errors["scale_item"] = ["Only a scale's item belongs to a scale."]
            if not self.text.strip():
                errors["text"] = ["Write the question."]
        if self.kind != QuestionKind.NUMERIC and (
            self.min_value is not None or self.max_value is not None
        ):
            errors["min_value"] = ["Only number questions have bounds."]
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            errors["max_value"] = ["The highest number must not be below the lowest."]
        if errors:
            raise ValidationError(errors)
