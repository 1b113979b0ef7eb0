"""Surveys, the scales in the question bank, one-time survey links, responses and theories of
change.

A `Scale` (for example "Sense of belonging") has items in order, response options and a scoring
rule. Once published, its name, items, their order and wording, options and scoring are locked —
the rule TASO sets for its Access and Success Questionnaire: the model refuses changes in `clean`,
`save`, `QuerySet.update` and `delete`, and the only way forward is a new version.

A `Survey` belongs to a partnership and optionally an activity, one of its sessions, or an event,
and has a timing (before, after, or standalone) so that a learner's answers before and after an
activity pair up. `SurveyInvitation` is one person's one-time link (only the SHA-256 of its token
is kept, see `widen.core.links`); `SurveyResponse` is one submitted form with its `Answer` rows and
a `ScaleScore` per scale. `TheoryOfChange` is TASO's core theory of change for an activity or a
programme, linked to the MOAT outcomes of its activity types.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from widen.activities.models import Activity, Session
from widen.audit.models import AuditedModel
from widen.core.exceptions import ApplicationError
from widen.core.models import TimestampedModel
from widen.core.uploads import StagedUpload, UploadStatus
from widen.events.models import Booking, Event
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.programmes.models import Programme

# The 5-point agreement options every Likert question uses.
AGREEMENT_OPTIONS: tuple[tuple[int, str], ...] = (
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
)


class ScaleLockedError(ApplicationError):
    """A published scale's wording, order, options or scoring was about to change."""

    def __init__(self, scale_name: str = "") -> None:
        name = f"“{scale_name}”" if scale_name else "This scale"
        super().__init__(
            f"{name} is published: its items, their order and wording, its response options and "
            "its scoring cannot be changed. Make a new version instead."
        )


# --- Scales and the question bank -------------------------------------------------------------


class ScaleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ScaleScoring(models.TextChoices):
    MEAN = "mean", "Mean of the items"
    SUM = "sum", "Sum of the items"


class ScaleSource(models.TextChoices):
    WIDEN = "widen", "Shipped with Widen (our own wording)"
    TASO_ASQ = "taso_asq", "TASO Access and Success Questionnaire (imported by the partnership)"
    PARTNERSHIP = "partnership", "The partnership's own"


class ScaleQuerySet(models.QuerySet["Scale"]):
    def published(self) -> ScaleQuerySet:
        return self.filter(status=ScaleStatus.PUBLISHED)

    def update(self, **kwargs: Any) -> int:
        locked = set(kwargs) & set(Scale.LOCKED_FIELDS)
        if "status" in kwargs and kwargs["status"] != ScaleStatus.PUBLISHED:
            locked.add("status")
        if locked:
            published = self.filter(status=ScaleStatus.PUBLISHED).first()
            if published is not None:
                raise ScaleLockedError(published.name)
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        published = self.filter(status=ScaleStatus.PUBLISHED).first()
        if published is not None:
            raise ScaleLockedError(published.name)
        return super().delete()

    def delete_unasked(self) -> tuple[int, dict[str, int]]:
        """Delete these scales, published or not, when no survey has asked them (no question and
        no score holds them): how an import of scale items is rolled back. A scale a survey has
        asked stays locked."""
        asked = self.filter(
            models.Q(questions__isnull=False) | models.Q(scores__isnull=False)
        ).first()
        if asked is not None:
            raise ScaleLockedError(asked.name)
        return super().delete()

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        """Like `update`: a published scale's locked fields, or its status, are refused."""
        objs = list(objs)
        names = {getattr(Scale._meta.get_field(name), "attname", name) for name in fields}
        if names & {*Scale.LOCKED_FIELDS, "status"}:
            published = self.filter(
                pk__in=[obj.pk for obj in objs], status=ScaleStatus.PUBLISHED
            ).first()
            if published is not None:
                raise ScaleLockedError(published.name)
        return super().bulk_update(objs, fields, *args, **kwargs)


class Scale(TimestampedModel):
    """A set of items scored together, in the partnership's question bank (or shipped)."""

    LOCKED_FIELDS: ClassVar[tuple[str, ...]] = (
        "partnership_id",
        "key",
        "name",
        "version",
        "response_options",
        "scoring",
        "source",
        "previous_version_id",
    )

    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scales",
        help_text="Empty for the scales Widen ships; set for a partnership's own or imported.",
    )
    key = models.SlugField(max_length=60, help_text="Stays the same across versions.")
    name = models.CharField(max_length=160)
    version = models.PositiveSmallIntegerField(default=1)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=12, choices=ScaleSource.choices)
    # [{"value": 1, "label": "Strongly disagree"}, …], in the order shown.
    response_options = models.JSONField(default=list)
    scoring = models.CharField(
        max_length=8, choices=ScaleScoring.choices, default=ScaleScoring.MEAN
    )
    status = models.CharField(
        max_length=10, choices=ScaleStatus.choices, default=ScaleStatus.DRAFT, db_index=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    previous_version = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_versions"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScaleQuerySet.as_manager()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "key", "version"], name="scale_version_once"
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(partnership=None),
                name="shipped_scale_version_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.version})"

    @property
    def is_published(self) -> bool:
        return self.status == ScaleStatus.PUBLISHED

    def option_values(self) -> list[int]:
        return [int(option["value"]) for option in self.response_options]

    def _stored(self) -> Scale | None:
        if self._state.adding or self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).first()

    def _locked_change(self) -> bool:
        stored = self._stored()
        if stored is None or stored.status != ScaleStatus.PUBLISHED:
            return False
        if self.status != ScaleStatus.PUBLISHED:
            return True
        return any(getattr(stored, name) != getattr(self, name) for name in self.LOCKED_FIELDS)

    def clean(self) -> None:
        if self._locked_change():
            raise ValidationError(ScaleLockedError(self.name).message)
        errors: dict[str, list[str]] = {}
        options = self.response_options
        problem = response_options_problem(options)
        if problem:
            errors["response_options"] = [problem]
        if self.source == ScaleSource.WIDEN and self.partnership_id is not None:
            errors["source"] = ["Only the scales Widen ships have Widen's wording."]
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            if self._locked_change():
                raise ScaleLockedError(self.name)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        stored = self._stored()
        if stored is not None and stored.is_published:
            raise ScaleLockedError(self.name)
        return super().delete(*args, **kwargs)

    def score(self, values_by_item: Mapping[Any, Decimal | int | None]) -> float | None:
        """The scale's score from its items' chosen option values (by item id): reverse-scored
        items are flipped within the options' range; unanswered items are left out of a mean,
        and a sum needs every item. None when nothing (or, for a sum, not everything) was
        answered."""
        values = self.option_values()
        low, high = min(values), max(values)
        scored: list[float] = []
        items = list(self.items.all())
        for item in items:
            value = values_by_item.get(item.pk)
            if value is None:
                continue
            number = float(value)
            scored.append(low + high - number if item.reverse_scored else number)
        if not scored:
            return None
        if self.scoring == ScaleScoring.SUM:
            return float(sum(scored)) if len(scored) == len(items) else None
        return sum(scored) / len(scored)


def response_options_problem(options: Any) -> str:
    """What is wrong with a scale's response options, or "" when nothing is."""
    if not isinstance(options, list) or not 2 <= len(options) <= 11:
        return "Give between 2 and 11 response options."
    seen: set[int] = set()
    for number, option in enumerate(options, start=1):
        if not isinstance(option, dict):
            return f"Option {number} needs a value and a label."
        value, label = option.get("value"), option.get("label")
        if isinstance(value, bool) or not isinstance(value, int):
            return f"Option {number}: the value must be a whole number."
        if not isinstance(label, str) or not label.strip():
            return f"Option {number} needs a label."
        if value in seen:
            return f"Option {number}: the value {value} is used twice."
        seen.add(value)
    return ""


def _published_scale_ids(scale_ids: set[Any]) -> list[Any]:
    return list(
        Scale.objects.filter(pk__in=scale_ids, status=ScaleStatus.PUBLISHED).values_list(
            "name", flat=True
        )
    )


class ScaleItemQuerySet(models.QuerySet["ScaleItem"]):
    def _refuse_if_published(self) -> None:
        names = _published_scale_ids(set(self.values_list("scale_id", flat=True)))
        if names:
            raise ScaleLockedError(names[0])

    def update(self, **kwargs: Any) -> int:
        with transaction.atomic(using=self.db):
            self._refuse_if_published()
            target = kwargs.get("scale", kwargs.get("scale_id"))
            if target is not None:  # moving items into a published scale adds to it
                names = _published_scale_ids({getattr(target, "pk", target)})
                if names:
                    raise ScaleLockedError(names[0])
            return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            self._refuse_if_published()
            return super().delete()

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[ScaleItem]:
        objs = list(objs)
        names = _published_scale_ids({obj.scale_id for obj in objs})
        if names:
            raise ScaleLockedError(names[0])
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        # The scales the items are in now, and those they would move to.
        stored = set(
            ScaleItem.objects.filter(pk__in=[obj.pk for obj in objs]).values_list(
                "scale_id", flat=True
            )
        )
        names = _published_scale_ids({obj.scale_id for obj in objs} | stored)
        if names:
            raise ScaleLockedError(names[0])
        return super().bulk_update(objs, *args, **kwargs)


class ScaleItem(TimestampedModel):
    """One statement of a scale, in its place; locked with its scale."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=20, blank=True, help_text='For example "SB3".')
    text = models.CharField(max_length=500)
    reverse_scored = models.BooleanField(default=False)

    objects = ScaleItemQuerySet.as_manager()

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "position"], name="scale_item_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    def _scale_is_published(self) -> bool:
        scale_ids = {self.scale_id}
        if not self._state.adding and self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("scale_id", flat=True)
            scale_ids.update(stored)
        return Scale.objects.filter(pk__in=scale_ids, status=ScaleStatus.PUBLISHED).exists()

    def clean(self) -> None:
        if self.scale_id and self._scale_is_published():
            raise ValidationError(ScaleLockedError(self.scale.name).message)

    def save(self, *args: Any, **kwargs: Any) -> None:
        with transaction.atomic():
            if self._scale_is_published():
                raise ScaleLockedError(self.scale.name)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._scale_is_published():
            raise ScaleLockedError(self.scale.name)
        return super().delete(*args, **kwargs)


# A scale file's statuses are the staged upload's (`widen.core.uploads`).
ScaleImportStatus = UploadStatus


class ScaleImport(StagedUpload):
    """A spreadsheet of scale items (for example TASO's published ASQ items) uploaded by a
    partnership: kept between the check and the person's confirmation, so that what is imported
    is exactly the file they checked. `changes` holds the scales it created and the drafts it
    published, to roll it back."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="scale_imports"
    )
    source = models.CharField(
        max_length=12, choices=ScaleSource.choices, default=ScaleSource.TASO_ASQ
    )
    scales_created = models.PositiveIntegerField(default=0)
    items_created = models.PositiveIntegerField(default=0)

    noun = "file"

    class Meta(StagedUpload.Meta):
        verbose_name = "scale items upload"


# --- Surveys ----------------------------------------------------------------------------------


class SurveyTiming(models.TextChoices):
    PRE = "pre", "Before the activity (pre)"
    POST = "post", "After the activity (post)"
    STANDALONE = "standalone", "Standalone"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for answers"
    CLOSED = "closed", "Closed"


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "title"]

    def __str__(self) -> str:
        return self.title

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
            models.UniqueConstraint(
                fields=["survey", "scale_item"],
                condition=models.Q(scale_item__isnull=False),
                name="scale_item_once_per_survey",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.wording}"

    @property
    def wording(self) -> str:
        if self.scale_item is not None:
            return self.scale_item.text
        return self.text

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


# --- Sending and answering --------------------------------------------------------------------


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "learner"],
                condition=models.Q(learner__isnull=False),
                name="survey_invitation_per_learner_once",
            ),
            models.UniqueConstraint(
                fields=["survey", "booking"],
                condition=models.Q(booking__isnull=False),
                name="survey_invitation_per_booking_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation to {self.survey_id}"

    def audit_learner_id(self) -> Any:
        return self.learner_id

    def audit_organisation_id(self) -> Any:
        return self.organisation_id


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

    def audit_learner_id(self) -> Any:
        return self.learner_id

    def audit_organisation_id(self) -> Any:
        return self.organisation_id


class Answer(AuditedModel, TimestampedModel):
    """One question's answer: chosen options, a number (Likert, scale item or numeric) or text.
    Written text may be marked for publication by staff only if the person consented."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value_choices = models.JSONField(default=list, blank=True)
    value_number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

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


# --- Theory of change -------------------------------------------------------------------------


class TheoryOfChange(TimestampedModel):
    """TASO's core theory of change for one activity or one programme."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="theories_of_change"
    )
    activity = models.OneToOneField(
        Activity,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theory_of_change",
    )
    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="theory_of_change",
    )
    problem = models.TextField(help_text="The problem the work addresses, and for whom.")
    inputs = models.TextField(help_text="Staff, money, time, partners and materials it needs.")
    activities = models.TextField(help_text="What is done with the learners.")
    outcomes = models.TextField(help_text="The short- and medium-term changes it aims for.")
    impacts = models.TextField(help_text="The long-term change it contributes to.")
    assumptions = models.TextField(help_text="What must hold true for each step to lead on.")
    # The MOAT intended outcomes (of the activity types involved) this theory aims at.
    moat_outcomes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name_plural = "theories of change"
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(activity__isnull=False, programme__isnull=True)
                    | models.Q(activity__isnull=True, programme__isnull=False)
                ),
                name="theory_of_change_for_activity_or_programme",
            )
        ]

    def __str__(self) -> str:
        subject = self.activity or self.programme
        return f"Theory of change: {subject}"

    def available_moat_outcomes(self) -> list[str]:
        """The intended outcomes of the MOAT activity types this theory covers, in order."""
        outcomes: list[str] = []
        if self.activity is not None:
            outcomes.extend(self.activity.sub_type.activity_type.intended_outcomes)
        elif self.programme is not None:
            for stage in self.programme.stages.prefetch_related("required_types", "optional_types"):
                for activity_type in [*stage.required_types.all(), *stage.optional_types.all()]:
                    outcomes.extend(activity_type.intended_outcomes)
        return list(dict.fromkeys(outcomes))

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if bool(self.activity_id) == bool(self.programme_id):
            errors["activity"] = ["Choose either an activity or a programme."]
        elif self.activity is not None and self.activity.partnership_id != self.partnership_id:
            errors["activity"] = ["Choose an activity of this partnership."]
        elif self.programme is not None and self.programme.partnership_id != self.partnership_id:
            errors["programme"] = ["Choose a programme of this partnership."]
        elif not isinstance(self.moat_outcomes, list):
            errors["moat_outcomes"] = ["Choose outcomes from the list."]
        else:
            unknown = set(self.moat_outcomes) - set(self.available_moat_outcomes())
            if unknown:
                errors["moat_outcomes"] = [
                    "Choose outcomes the activity types intend: "
                    + ", ".join(sorted(str(item) for item in unknown))
                    + " is not one of them."
                ]
        if errors:
            raise ValidationError(errors)
