"""The question bank: scales with their items in order, response options and a scoring rule.
Once published, a scale's name, items, their order and wording, options and scoring are locked —
the rule TASO sets for its Access and Success Questionnaire: the model refuses changes in `clean`,
`save`, `QuerySet.update` and `delete`, and the only way forward is a new version. Scale items
uploaded from a spreadsheet arrive through a `ScaleImport`."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from widen.core.exceptions import ApplicationError
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.uploads import StagedUpload, UploadStatus
from widen.organisations.models import Partnership

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
    created_by = done_by()

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

    is_published = StatusIs(ScaleStatus.PUBLISHED)

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
