"""Matching runs and the relationships they propose, and each pair's space.

* A **matching run** proposes pairs for a programme's cohort, with its total score, whether it
  was proven optimal and each mentee it left out with the reason; the coordinator publishes or
  discards it (`MATCHING_RUN_WORKFLOW`).
* A **relationship** is a mentor and a mentee: proposed (with its score and the reasons in
  words), introduced when published, active once both accept, ended by either with a reason; a
  proposed or introduced pair may be declined politely, by either side, with a reason
  (`RELATIONSHIP_WORKFLOW`). A mentee has at most one live relationship in a programme.
* In a pair's space: agreed **goals** (reviewed later), **meetings** logged by either side,
  **check-ins** at the programme's interval, **messages** (kept; for mentees under 18 the only
  way to be in touch), **concerns** raised (after which the coordinator may read the messages)
  and each side's **feedback**.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.mentoring.models.people import Mentee, Mentor, MentoringProgramme


class MatchingRunStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PUBLISHED = "published", "Published"
    DISCARDED = "discarded", "Discarded"


MATCHING_RUN_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "publish",
            frozenset({MatchingRunStatus.PROPOSED}),
            MatchingRunStatus.PUBLISHED,
            "Publish",
        ),
        Transition(
            "discard",
            frozenset({MatchingRunStatus.PROPOSED}),
            MatchingRunStatus.DISCARDED,
            "Discard",
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class MatchingRun(AuditedModel):
    """One run of the matching over a programme's cohort, as the coordinator reviews it."""

    programme = models.ForeignKey(
        MentoringProgramme, on_delete=models.CASCADE, related_name="matching_runs"
    )
    run_by = done_by()
    run_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=MatchingRunStatus.choices, default=MatchingRunStatus.PROPOSED
    )
    total_score = models.PositiveIntegerField(default=0)
    proven_optimal = models.BooleanField(
        default=False, help_text="No other way of pairing this cohort does better."
    )
    matched = models.PositiveIntegerField("Mentees matched", default=0)
    unmatched = models.JSONField(
        default=list, blank=True, help_text="Each mentee left out, with the reason in words."
    )
    weights = models.JSONField(help_text="The programme's weights as this run used them.")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["programme", "-run_at"]

    def __str__(self) -> str:
        return f"Matching of {self.programme} ({self.get_status_display().lower()})"

    def audit_organisation_id(self) -> Any:
        return self.programme.organisation_id

    is_proposed = StatusIs(MatchingRunStatus.PROPOSED)


class RelationshipStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    INTRODUCED = "introduced", "Introduced"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


LIVE = (RelationshipStatus.PROPOSED, RelationshipStatus.INTRODUCED, RelationshipStatus.ACTIVE)


class Side(models.TextChoices):
    MENTOR = "mentor", "Mentor"
    MENTEE = "mentee", "Mentee"


RELATIONSHIP_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "introduce",
            frozenset({RelationshipStatus.PROPOSED}),
            RelationshipStatus.INTRODUCED,
            "Introduce",
        ),
        Transition(
            "start",
            frozenset({RelationshipStatus.INTRODUCED}),
            RelationshipStatus.ACTIVE,
            "Start",
        ),
        Transition(
            "decline",
            frozenset({RelationshipStatus.PROPOSED, RelationshipStatus.INTRODUCED}),
            RelationshipStatus.DECLINED,
            "Decline",
        ),
        Transition("end", frozenset({RelationshipStatus.ACTIVE}), RelationshipStatus.ENDED, "End"),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Relationship(AuditedModel, TimestampedModel):
    """A mentor and a mentee in a programme, from the proposed pair to its end."""

    programme = models.ForeignKey(
        MentoringProgramme, on_delete=models.PROTECT, related_name="relationships"
    )
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="relationships")
    mentee = models.ForeignKey(Mentee, on_delete=models.PROTECT, related_name="relationships")
    run = models.ForeignKey(
        MatchingRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relationships",
        help_text="The matching run that proposed the pair (none when the coordinator made it).",
    )
    score = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(
        default=list,
        blank=True,
        help_text="Why the pair was made: each criterion's points and its words.",
    )
    locked = models.BooleanField(
        default=False, help_text="The coordinator kept this pair when the matching is run again."
    )
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.PROPOSED
    )
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    declined_by_side = models.CharField(
        "Declined by", max_length=6, choices=Side.choices, blank=True
    )
    decline_reason = models.TextField(
        blank=True, max_length=2000, help_text="Why, in a sentence the other side may read."
    )
    ended_on = models.DateField(null=True, blank=True)
    ended_by = done_by()
    end_reason = models.TextField(blank=True, max_length=2000)
    last_meeting_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["programme", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee"],
                condition=Q(status__in=LIVE),
                name="mentoring_one_live_relationship_a_mentee",
            ),
            models.CheckConstraint(
                condition=~Q(status=RelationshipStatus.DECLINED)
                | (~Q(declined_by_side="") & ~Q(decline_reason="")),
                name="mentoring_declined_says_by_whom_and_why",
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status", "last_meeting_on"]),
            models.Index(fields=["mentor", "status"]),
        ]

    def __str__(self) -> str:
        return f"Mentoring pair in {self.programme} ({self.get_status_display().lower()})"

    def audit_organisation_id(self) -> Any:
        return self.programme.organisation_id

    is_proposed = StatusIs(RelationshipStatus.PROPOSED)
    is_introduced = StatusIs(RelationshipStatus.INTRODUCED)
    is_active = StatusIs(RelationshipStatus.ACTIVE)
    is_declined = StatusIs(RelationshipStatus.DECLINED)
    is_live = StatusIs(*LIVE)


class _InRelationship(AuditedModel):
    """A row of one pair's space: the programme's organisation holds it."""

    relationship: models.ForeignKey[Any, Any]
    relationship_id: Any

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        abstract = True

    def audit_organisation_id(self) -> Any:
        return (
            Relationship.objects.filter(pk=self.relationship_id)
            .values_list("programme__organisation_id", flat=True)
            .first()
        )


class GoalStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACHIEVED = "achieved", "Achieved"
    CHANGED = "changed", "Changed"


GOAL_WORKFLOW = Workflow(
    "status",
    [
        Transition("achieve", frozenset({GoalStatus.OPEN}), GoalStatus.ACHIEVED, "Achieved"),
        Transition("change", frozenset({GoalStatus.OPEN}), GoalStatus.CHANGED, "Changed"),
    ],
)


class Goal(_InRelationship):
    """A goal the pair agreed, reviewed later."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(max_length=1000, help_text="What the mentee wants to achieve.")
    agreed_on = models.DateField()
    status = models.CharField(max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    reviewed_on = models.DateField(null=True, blank=True)
    review_note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["relationship", "agreed_on"]

    def __str__(self) -> str:
        return self.text


class MeetingMode(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"


class Meeting(_InRelationship):
    """A meeting logged by either side: when, how, how long, a short note."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField()
    mode = models.CharField(max_length=10, choices=MeetingMode.choices)
    minutes = models.PositiveSmallIntegerField(help_text="How long it lasted, in minutes.")
    note = models.CharField(max_length=500, blank=True)
    logged_by = done_by()
    logged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["relationship", "-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1) & Q(minutes__lte=600),
                name="mentoring_meeting_lasts_a_minute_to_ten_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.held_on.isoformat()}"


class HowItIsGoing(models.TextChoices):
    GOING_WELL = "going_well", "Going well"
    OK = "ok", "OK"
    STRUGGLING = "struggling", "Struggling"


class CheckIn(_InRelationship):
    """A check-in due at the programme's interval, and its answer."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="check_ins"
    )
    due_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)
    answered_by = done_by()
    how_it_is_going = models.CharField(max_length=10, choices=HowItIsGoing.choices, blank=True)
    note = models.TextField(blank=True, max_length=1000)

    class Meta:
        ordering = ["relationship", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "due_on"], name="mentoring_one_check_in_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in due {self.due_on.isoformat()}"


class Message(_InRelationship):
    """A message between the pair: encrypted at rest and kept as sent (never changed)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    sent_at = models.DateTimeField(default=timezone.now)
    flagged = models.BooleanField(
        default=False, help_text="It holds words the coordinator checks for safeguarding."
    )
    flagged_words = models.JSONField(default=list, blank=True)

    audit_excluded_fields = frozenset({"body"})

    class Meta:
        ordering = ["relationship", "sent_at"]

    def __str__(self) -> str:
        return f"Message of {self.sent_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A message is kept as it was sent: it is never changed.")
        super().save(*args, **kwargs)


class Concern(_InRelationship):
    """A concern about a pair: once raised, the coordinator may read the pair's messages."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="concerns"
    )
    raised_by = done_by()
    raised_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(max_length=2000, help_text="What worries you.")

    class Meta:
        ordering = ["relationship", "raised_at"]

    def __str__(self) -> str:
        return f"Concern raised {self.raised_at:%Y-%m-%d}"


class Feedback(_InRelationship):
    """One side's feedback on the relationship (one from each side)."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="feedback"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    given_by = done_by()
    given_at = models.DateTimeField(auto_now_add=True)
    rating = models.PositiveSmallIntegerField(help_text="From 1 (poor) to 5 (excellent).")
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["relationship", "side"]
        verbose_name_plural = "feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "side"], name="mentoring_feedback_once_a_side"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="mentoring_rating_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback from the {self.get_side_display().lower()}"
