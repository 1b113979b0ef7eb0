"""1-2-1 casework by a provider's student support advisers.

* A **case** is about funding, accommodation, academic work, wellbeing or something else: opened
  by an adviser, or from an appointment the student asked for; it has an assignee and a reviewer,
  a follow-up day, and an outcome when closed. Re-opening keeps everything (`CASE_WORKFLOW`).
* **Case notes** are encrypted at rest and read only by the provider's advisers (every read is in
  the access log). A note shared with the student ("what we agreed") is shown to them; the rest
  are advisers' private notes and never are.
* A **handover** passes a case to another adviser, who sees its whole history.
* A **referral** to an internal service or an external agency (local authority, personal
  adviser, health, a charity) is made only with the student's consent, recorded with it.
* An **appointment** is asked for by the student (or offered by an adviser), then booked, held or
  cancelled (`APPOINTMENT_WORKFLOW`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.students.models import Student


class CaseTopic(models.TextChoices):
    FUNDING = "funding", "Funding and money"
    ACCOMMODATION = "accommodation", "Accommodation"
    ACADEMIC = "academic", "Academic work"
    WELLBEING = "wellbeing", "Wellbeing"
    OTHER = "other", "Something else"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


CASE_WORKFLOW = Workflow(
    "status",
    [
        Transition("close", frozenset({CaseStatus.OPEN}), CaseStatus.CLOSED, "Close"),
        Transition("reopen", frozenset({CaseStatus.CLOSED}), CaseStatus.OPEN, "Re-open"),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Case(AuditedModel, TimestampedModel):
    """One matter an adviser works on with a student."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="support_cases"
    )
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="support_cases")
    topic = models.CharField(max_length=14, choices=CaseTopic.choices)
    summary = models.CharField(
        max_length=200, help_text="What the case is about, in words the student will see."
    )
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_cases_assigned",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_cases_reviewed",
    )
    follow_up_on = models.DateField("Follow up on", null=True, blank=True)
    outcome = models.TextField(
        blank=True, max_length=4000, help_text="How it ended, when closed (the student sees it)."
    )
    opened_by = done_by()
    closed_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "organisation_id")

    class Meta:
        ordering = ["organisation", "-created_at"]
        indexes = [
            models.Index(fields=["organisation", "status", "follow_up_on"]),
            models.Index(fields=["assignee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.summary}"

    is_open = StatusIs(CaseStatus.OPEN)
    is_closed = StatusIs(CaseStatus.CLOSED)


class CaseNote(AuditedModel):
    """A note on a case: encrypted; private to advisers unless shared with the student."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    body = EncryptedTextField()
    shared_with_student = models.BooleanField(
        "Shared with the student",
        default=False,
        help_text="What was agreed, for the student to see; other notes stay private.",
    )
    written_at = models.DateTimeField(auto_now_add=True)
    written_by = done_by()

    audit_attnames = (NO_LEARNER, "")
    audit_excluded_fields = frozenset({"body"})

    class Meta:
        ordering = ["case", "written_at"]

    def __str__(self) -> str:
        return f"Note on {self.case_id}"

    def audit_organisation_id(self) -> Any:
        return self.case.organisation_id


class Handover(AuditedModel):
    """A case passed from one adviser to another (the history stays with the case)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handovers")
    from_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    note = EncryptedTextField(blank=True)
    handed_over_at = models.DateTimeField(auto_now_add=True)
    handed_over_by = done_by()

    audit_attnames = (NO_LEARNER, "")
    audit_excluded_fields = frozenset({"note"})

    class Meta:
        ordering = ["case", "handed_over_at"]

    def __str__(self) -> str:
        return f"Handover of {self.case_id}"

    def audit_organisation_id(self) -> Any:
        return self.case.organisation_id


class ReferralService(models.TextChoices):
    DISABILITY = "disability", "Disability and dyslexia service"
    MENTAL_HEALTH = "mental_health", "Mental health and wellbeing service"
    MONEY_ADVICE = "money_advice", "Money advice"
    ACCOMMODATION = "accommodation", "Accommodation office"
    ACADEMIC_SKILLS = "academic_skills", "Academic skills"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    HEALTH = "health", "Health service"
    CHARITY = "charity", "Charity"
    OTHER = "other", "Other"


class Referral(AuditedModel):
    """A referral made, with the student's consent, to a service or agency."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    service = models.CharField(max_length=20, choices=ReferralService.choices)
    service_name = models.CharField(
        max_length=200, blank=True, help_text='Who exactly, for example "Camden leaving care team".'
    )
    consent_given_on = models.DateField("The student agreed on")
    consent_how = models.CharField(
        max_length=200, help_text='How they agreed, for example "in person at the appointment".'
    )
    details = EncryptedTextField(blank=True, help_text="What was shared and asked for.")
    referred_at = models.DateTimeField(auto_now_add=True)
    referred_by = done_by()
    outcome = models.TextField(blank=True, max_length=2000)
    closed_at = models.DateTimeField(null=True, blank=True)

    audit_attnames = (NO_LEARNER, "")
    audit_excluded_fields = frozenset({"details"})

    class Meta:
        ordering = ["case", "referred_at"]

    def __str__(self) -> str:
        return f"Referral to {self.get_service_display()}"

    def audit_organisation_id(self) -> Any:
        return self.case.organisation_id


class AppointmentMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", "Asked for"
    BOOKED = "booked", "Booked"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


APPOINTMENT_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "book", frozenset({AppointmentStatus.REQUESTED}), AppointmentStatus.BOOKED, "Book"
        ),
        Transition("hold", frozenset({AppointmentStatus.BOOKED}), AppointmentStatus.HELD, "Held"),
        Transition(
            "cancel",
            frozenset({AppointmentStatus.REQUESTED, AppointmentStatus.BOOKED}),
            AppointmentStatus.CANCELLED,
            "Cancel",
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class Appointment(AuditedModel, TimestampedModel):
    """A 1-2-1 appointment a student asked for or an adviser offered."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="support_appointments",
    )
    student = models.ForeignKey(
        Student, on_delete=models.PROTECT, related_name="support_appointments"
    )
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    topic = models.CharField(max_length=14, choices=CaseTopic.choices)
    request = EncryptedTextField(blank=True, help_text="What the student would like help with.")
    preferred_times = models.CharField(max_length=200, blank=True)
    mode = models.CharField(
        max_length=10, choices=AppointmentMode.choices, default=AppointmentMode.IN_PERSON
    )
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.REQUESTED
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_appointments",
    )
    where = models.CharField(max_length=200, blank=True, help_text="Room, or how to join.")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "organisation_id")
    audit_excluded_fields = frozenset({"created_at", "updated_at", "request"})

    class Meta:
        ordering = ["organisation", "starts_at", "created_at"]

    def __str__(self) -> str:
        return f"Appointment about {self.get_topic_display().lower()}"

    is_requested = StatusIs(AppointmentStatus.REQUESTED)
