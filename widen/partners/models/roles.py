"""Roles an HE provider pays students for, the applications to them, and the partners they
become with their onboarding checks.

* A **role** (student partner, ambassador, co-researcher, co-presenter) is offered by the provider
  that employs, at an hourly rate in pence, with a named coordinator who decides applications
  within the role's stated number of working days. A rate below the legal minimum for a
  student's age band on the day of the work is refused where a shift is offered and a timesheet
  approved (`widen.partners.wages`); a role is refused at a rate below the lowest band.
* An **application** is short and needs no CV: why the role, what they would bring, the
  adjustments that would help and the working patterns that suit. It is saved as a draft (and
  resumed on a phone) until submitted; the coordinator offers or declines it.
* A **partner** is a student who works for their provider; one record per student, with the
  roles they hold. **Onboarding checks** (right to work, DBS for work with under-18s, training)
  have expiry dates; a partner whose check has lapsed on a shift's day is not offered it.
* **Partner settings** are the provider's promises: how many working days a claim takes to repay.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow


class PartnerSettings(AuditedModel, TimestampedModel):
    """One HE provider's promises to its student partners."""

    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="partner_settings"
    )
    repayment_working_days = models.PositiveSmallIntegerField(
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Working days from a claim being submitted to the money arriving.",
    )
    subsistence_daily_limit_pence = models.PositiveIntegerField(
        default=1500, help_text="The most repaid for food and drink on one day, in pence."
    )

    def __str__(self) -> str:
        return f"Partner settings of {self.organisation_id}"


class RoleKind(models.TextChoices):
    STUDENT_PARTNER = "student_partner", "Student partner"
    AMBASSADOR = "ambassador", "Ambassador"
    CO_RESEARCHER = "co_researcher", "Co-researcher"
    CO_PRESENTER = "co_presenter", "Co-presenter"


class Role(AuditedModel, TimestampedModel):
    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="partner_roles",
        help_text="The HE provider that employs the students in this role.",
    )
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    title = models.CharField(max_length=200)
    work_involved = models.TextField(help_text="What the work involves, in plain words.")
    hourly_rate_pence = models.PositiveIntegerField(
        help_text="Pay per hour in pence; never below the legal minimum for the student's age."
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_roles_coordinated",
        help_text="The named person who decides applications and approves hours.",
    )
    decision_working_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Applicants hear within this many working days of applying.",
    )
    needs_training = models.BooleanField(
        default=True, help_text="Partners complete the role's training before working."
    )
    is_open = models.BooleanField(default=True, help_text="Taking applications.")
    created_by = done_by()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @property
    def hourly_rate_shown(self) -> str:
        return f"£{self.hourly_rate_pence / 100:.2f} an hour"


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    OFFERED = "offered", "Offered"
    DECLINED = "declined", "Not offered"
    WITHDRAWN = "withdrawn", "Withdrawn"


APPLICATION_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "submit", frozenset({ApplicationStatus.DRAFT}), ApplicationStatus.SUBMITTED, "Submit"
        ),
        Transition(
            "offer", frozenset({ApplicationStatus.SUBMITTED}), ApplicationStatus.OFFERED, "Offer"
        ),
        Transition(
            "decline",
            frozenset({ApplicationStatus.SUBMITTED}),
            ApplicationStatus.DECLINED,
            "Do not offer",
        ),
        Transition(
            "withdraw",
            frozenset({ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED}),
            ApplicationStatus.WITHDRAWN,
            "Withdraw",
        ),
    ],
)


class Application(AuditedModel, TimestampedModel):
    """A student's application to a role: short, no CV, resumable."""

    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="applications")
    student = models.ForeignKey(
        "students.Student", on_delete=models.CASCADE, related_name="partner_applications"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    why_this_role = models.TextField(blank=True, max_length=2000)
    what_you_bring = models.TextField(
        blank=True, max_length=2000, help_text="From study, caring, work or anything else."
    )
    adjustments = models.TextField(
        blank=True,
        max_length=2000,
        help_text="Adjustments that would help you apply or work. Seen by the coordinator only.",
    )
    working_patterns = models.TextField(
        blank=True, max_length=2000, help_text="The times and ways of working that suit you."
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decide_by = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = done_by()
    decision_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "student"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="partners_one_open_application_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"Application to {self.role_id}"

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.student.organisation_id

    is_draft = StatusIs(ApplicationStatus.DRAFT)
    is_submitted = StatusIs(ApplicationStatus.SUBMITTED)
    is_offered = StatusIs(ApplicationStatus.OFFERED)


class Partner(AuditedModel, TimestampedModel):
    """A student who works for their HE provider in one or more roles."""

    audit_attnames = (NO_LEARNER, "organisation_id")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="student_partners"
    )
    student = models.OneToOneField(
        "students.Student", on_delete=models.CASCADE, related_name="partner"
    )
    roles = models.ManyToManyField(Role, blank=True, related_name="partners")
    is_active = models.BooleanField(default=True)
    payee = models.ForeignKey(
        "payments.Payee",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student_partners",
        help_text="Where their expenses are repaid.",
    )

    class Meta:
        ordering = ["student__last_name", "student__first_name"]

    def __str__(self) -> str:
        return str(self.student)


class CheckKind(models.TextChoices):
    RIGHT_TO_WORK = "right_to_work", "Right to work"
    DBS = "dbs", "DBS check (work with under-18s)"
    TRAINING = "training", "Training"
    SAFEGUARDING = "safeguarding", "Safeguarding training"


class OnboardingCheck(AuditedModel, TimestampedModel):
    """One check a partner has passed, and when it lapses (None: never)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=CheckKind.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    checked_by = done_by()
    note = models.CharField(max_length=300, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True)

    audit_excluded_fields = frozenset({"created_at", "updated_at", "expiry_warned_at"})

    class Meta:
        ordering = ["kind", "-completed_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("completed_on")),
                name="partners_check_expires_after_completion",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    def audit_learner_id(self) -> Any:
        return None

    def audit_organisation_id(self) -> Any:
        return self.partner.organisation_id
