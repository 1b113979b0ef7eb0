"""Student support: a provider's schemes for its own students (bursaries, mentoring, priority for
events), who is eligible for each and why.

A scheme belongs to the HE provider that runs it and reads only that provider's students. Its
eligibility is a definition over `widen.support.criteria.STUDENT_CRITERIA`, saved as versions
that never change; each student's result is worked out again (never edited) from the current
version, their declared facts and their home area (`StudentAreaProfile`).

A student found eligible is invited and may join or decline, and a member may leave; a student
the records do not find may apply with evidence, and a scheme manager accepts or refuses them
(`SchemeMembership`, `MEMBERSHIP_WORKFLOW`).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import Student
from widen.targeting.models import AreaMeasures


class Scheme(AuditedModel, TimestampedModel):
    """A provider's support scheme: what it is for and who it is for."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="support_schemes",
        help_text="The HE provider that runs the scheme for its own students.",
    )
    name = models.CharField(max_length=120)
    purpose = models.TextField(
        blank=True,
        help_text="What the scheme is for (needed to use care experience or disability).",
    )
    special_category_condition = models.CharField(
        "Condition for special category data",
        max_length=30,
        choices=SpecialCategoryCondition.choices,
        blank=True,
        help_text="The UK GDPR Article 9 condition under which care experience or disability "
        "may decide who is eligible.",
    )
    period_starts = models.DateField("Membership from", null=True, blank=True)
    period_ends = models.DateField("Membership until", null=True, blank=True)
    is_active = models.BooleanField("Active", default=True)

    audit_attnames = (NO_LEARNER, "organisation_id")

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="scheme_name_once"),
            models.CheckConstraint(
                condition=Q(period_starts__isnull=True)
                | Q(period_ends__isnull=True)
                | Q(period_ends__gte=F("period_starts")),
                name="scheme_period_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> SchemeRuleVersion | None:
        return self.versions.order_by("-number").first()


class SchemeRuleVersion(AuditedModel):
    """One saved eligibility definition of a scheme; never changed once saved."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    description = models.TextField(blank=True)  # the definition in words, as saved
    uses_special_category = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["scheme", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "number"], name="scheme_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.scheme}, version {self.number}"

    def audit_organisation_id(self) -> Any:
        return (
            Scheme.objects.filter(pk=self.scheme_id)
            .values_list("organisation_id", flat=True)
            .first()
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("A scheme's rule version is never changed: save a new one.")
        super().save(*args, **kwargs)


def _kept_by_cascade(to: Any, *, related_name: str) -> models.ForeignKey[Any, Any]:
    """A reference with no index of its own and no database constraint: Django's cascade keeps
    it consistent (results are written many thousands at a time)."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name=related_name,
        db_index=False,
        db_constraint=False,
    )


class StudentEligibility(models.Model):
    """Whether a student meets a scheme (at the version worked out) and why, in words.

    Written in batches by `scheme_eligibility_compute` (one audit event for each run that
    changed something); only the rows that changed are replaced."""

    pk = models.CompositePrimaryKey("scheme", "student")
    scheme = _kept_by_cascade(Scheme, related_name="results")
    student = _kept_by_cascade(Student, related_name="support_eligibility")
    version = _kept_by_cascade(SchemeRuleVersion, related_name="+")
    eligible = models.BooleanField()
    explanation = models.TextField()
    computed_at = models.DateTimeField(db_default=Now())

    class Meta:
        verbose_name_plural = "student eligibility"

    def __str__(self) -> str:
        return self.explanation


class StudentAreaProfile(AreaMeasures):
    """The area measures of a student's home postcode, each with the edition it came from.

    Worked out again (never edited) only when the student's home postcode or the loaded editions
    change (`editions` names the editions it was worked out with)."""

    student = models.OneToOneField(
        Student,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="area_profile",
        db_constraint=False,
    )
    editions = models.CharField(max_length=120, blank=True)


class MembershipStatus(models.TextChoices):
    INVITED = "invited", "Invited"
    MEMBER = "member", "Member"
    DECLINED = "declined", "Declined"
    LEFT = "left", "Left"
    APPLIED = "applied", "Applied, waiting for a decision"
    REFUSED = "refused", "Refused"


class MembershipSource(models.TextChoices):
    RECORDS = "records", "Found eligible from their records"
    APPLICATION = "application", "Applied with evidence"


MEMBERSHIP_WORKFLOW = Workflow(
    "status",
    [
        Transition("join", frozenset({MembershipStatus.INVITED}), MembershipStatus.MEMBER, "Join"),
        Transition(
            "decline", frozenset({MembershipStatus.INVITED}), MembershipStatus.DECLINED, "Decline"
        ),
        Transition("leave", frozenset({MembershipStatus.MEMBER}), MembershipStatus.LEFT, "Leave"),
        Transition(
            "accept", frozenset({MembershipStatus.APPLIED}), MembershipStatus.MEMBER, "Accept"
        ),
        Transition(
            "refuse", frozenset({MembershipStatus.APPLIED}), MembershipStatus.REFUSED, "Refuse"
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class SchemeMembership(AuditedModel, TimestampedModel):
    """A student's place in a scheme: invited because their records make them eligible (`reason`
    is why, as it read when they were invited), or asked for with evidence and decided by a
    scheme manager. A student has at most one in each scheme."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="support_memberships"
    )
    status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    source = models.CharField(max_length=12, choices=MembershipSource.choices)
    reason = models.TextField(blank=True, help_text="Why the student is eligible, as invited.")
    evidence = EncryptedTextField(
        blank=True, help_text="What the student told us when they applied."
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = done_by()
    applied_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # declined, left or refused
    decided_by = done_by()  # the manager who accepted or refused an application
    refusal_reason = models.TextField(blank=True, max_length=2000)
    may_contact = models.BooleanField(
        "May be told about the scheme's benefits",
        default=True,
        help_text="A member may ask not to be sent news of workshops, events and opportunities.",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["scheme", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "student"], name="scheme_membership_once"),
        ]
        indexes = [models.Index(fields=["scheme", "status"])]

    def __str__(self) -> str:
        return f"{self.scheme}: {self.get_status_display()}"

    def audit_organisation_id(self) -> Any:
        return self.scheme.organisation_id

    is_invited = StatusIs(MembershipStatus.INVITED)
    is_member = StatusIs(MembershipStatus.MEMBER)
    is_applied = StatusIs(MembershipStatus.APPLIED)
