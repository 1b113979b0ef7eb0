"""Activities partners deliver, their sessions, and who attended them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from widen.audit.models import AuditedModel
from widen.core.models import TimestampedModel, done_by
from widen.core.uploads import StagedUpload, UploadStatus
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership
from widen.programmes.models import ActivitySubType


class Activity(TimestampedModel):
    """Something a member organisation delivers, classified by its MOAT sub-type."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="activities"
    )
    delivered_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="activities_delivered"
    )
    name = models.CharField(max_length=160)
    sub_type = models.ForeignKey(
        ActivitySubType, on_delete=models.PROTECT, related_name="activities"
    )
    description = models.TextField(blank=True)
    created_by = done_by()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Session(TimestampedModel):
    """One occasion of an activity: when, where, for whom, and its contact hours."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(db_index=True)
    starts_at = models.TimeField()
    ends_at = models.TimeField()
    contact_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
        help_text="Hours each learner who attends is credited with.",
    )
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    year_groups = models.JSONField(default=list, blank=True)
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions_held",
        help_text="The school the session is for, when it is for one school.",
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    joint_partners = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="sessions_co_delivered",
        help_text="Other member organisations delivering this session together.",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sessions_delivered"
    )
    student_ambassadors = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "starts_at"]

    def __str__(self) -> str:
        return f"{self.activity.name}, {self.date:%d %b %Y} {self.starts_at:%H:%M}"

    @property
    def online(self) -> bool:
        return bool(self.online_link)


class AttendanceStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"
    ATTENDED = "attended", "Attended"
    ABSENT = "absent", "Absent"


class Attendance(AuditedModel, TimestampedModel):
    """A learner on a session's register, and whether they came. One row per learner and
    session, whichever partner marks it: a joint session's hours count once."""

    audit_attnames = ("learner_id", "organisation_id")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="register")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="attendance")
    # The learner's controller at the time, for scoping and the audit trail.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=12, choices=AttendanceStatus.choices, default=AttendanceStatus.REGISTERED
    )
    marked_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner whose staff last marked this learner.",
    )
    marked_before_start = models.BooleanField(
        default=False,
        help_text=(
            "Last marked before the session's planned start, by someone who said it had "
            "started early (each such mark is in the audit trail)."
        ),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "learner"], name="on_register_once")
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.learner_id} at {self.session_id}: {self.status}"


# A register upload's statuses are the staged upload's (`widen.core.uploads`).
RegisterImportStatus = UploadStatus


class RegisterImport(StagedUpload):
    """A register uploaded as a spreadsheet for one session: kept between the preview and the
    person's confirmation, so that what is imported is exactly the file they checked. `changes`
    holds the learners it put on the register and the marks it changed, to roll it back."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="register_imports")
    learners_added = models.PositiveIntegerField(default=0)
    learners_marked = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)

    noun = "register"

    class Meta(StagedUpload.Meta):
        verbose_name = "register upload"
