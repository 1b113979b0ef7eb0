"""The support record of a care-experienced or estranged student, from application to graduation.

* A **support record** (one per student) holds who their named contact is; whether they are a
  care leaver (the statutory definition: looked after for at least 13 weeks after the age of 14,
  including some time after 16), otherwise care experienced, and/or estranged; their local
  authority and personal adviser (contact details only with the student's consent); when their
  pathway plan is next reviewed (at least every six months); their guaranteed year-round place
  in halls; and the support plan agreed with them. The personal adviser's details and the plan
  are encrypted at rest.
* An **identification** says when, at which stage and from what source a characteristic became
  known (on application, at enrolment, or later to an adviser).
* A **local authority bursary** is the authority's £2,000 higher education bursary for care
  leavers: paid by the authority, not the provider, so it is recorded as expected and received
  and advisers can chase it (`BURSARY_WORKFLOW`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.crypto import EncryptedTextField
from widen.core.models import StatusIs, TimestampedModel, done_by
from widen.core.workflows import Transition, Workflow
from widen.students.models import Student


class CareStatus(models.TextChoices):
    NONE = "", "Not care experienced"
    CARE_EXPERIENCED = "care_experienced", "Care experienced"
    CARE_LEAVER = "care_leaver", "Care leaver (the statutory definition)"


class SupportRecord(AuditedModel, TimestampedModel):
    """What the provider's advisers hold to support one care-experienced or estranged student."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="support_records"
    )
    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="support_record")
    named_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_records_named",
        help_text="The adviser the student goes to first.",
    )
    care_status = models.CharField(
        "Care", max_length=20, choices=CareStatus.choices, blank=True, default=CareStatus.NONE
    )
    estranged = models.BooleanField(
        default=False, help_text="Studying without the support of a family network."
    )
    local_authority = models.CharField(
        max_length=120, blank=True, help_text="The authority that looked after the student."
    )
    personal_adviser = EncryptedTextField(
        blank=True, help_text="The personal adviser's name and contact details."
    )
    personal_adviser_consent = models.BooleanField(
        "The student agrees we may contact their personal adviser", default=False
    )
    personal_adviser_consent_on = models.DateField(null=True, blank=True)
    pathway_review_due = models.DateField("Next pathway plan review", null=True, blank=True)
    pathway_review_reminded_on = models.DateField(null=True, blank=True)
    halls_from = models.DateField("Halls contract from", null=True, blank=True)
    halls_until = models.DateField("Halls contract until", null=True, blank=True)
    halls_year_round = models.BooleanField("A 365-day place", default=False)
    summer_arrangements = models.TextField(blank=True, max_length=2000)
    support_plan = EncryptedTextField(blank=True, help_text="The plan agreed with the student.")
    do_not_contact = models.BooleanField(
        "Asked not to be contacted about it",
        default=False,
        help_text="The student asked not to be contacted about being care experienced or "
        "estranged: nothing is sent to them about it.",
    )

    audit_attnames = (NO_LEARNER, "organisation_id")
    audit_excluded_fields = frozenset(
        {"created_at", "updated_at", "personal_adviser", "support_plan"}
    )

    class Meta:
        ordering = ["organisation", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(halls_from__isnull=True)
                | Q(halls_until__isnull=True)
                | Q(halls_until__gte=F("halls_from")),
                name="support_halls_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"Support record, {self.student}"


class IdentifiedCharacteristic(models.TextChoices):
    CARE_LEAVER = "care_leaver", "Care leaver"
    CARE_EXPERIENCED = "care_experienced", "Care experienced"
    ESTRANGED = "estranged", "Estranged"


class IdentificationStage(models.TextChoices):
    APPLICATION = "application", "Declared on application"
    ENROLMENT = "enrolment", "Declared at enrolment"
    ADVISER = "adviser", "Told an adviser later"


class Identification(AuditedModel):
    """When and how a characteristic became known, from what source."""

    record = models.ForeignKey(
        SupportRecord, on_delete=models.CASCADE, related_name="identifications"
    )
    characteristic = models.CharField(max_length=20, choices=IdentifiedCharacteristic.choices)
    stage = models.CharField(max_length=12, choices=IdentificationStage.choices)
    identified_on = models.DateField()
    source = models.CharField(
        max_length=200, blank=True, help_text='For example "UCAS application" or "enrolment form".'
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["record", "identified_on"]

    def __str__(self) -> str:
        return f"{self.get_characteristic_display()}: {self.get_stage_display()}"

    def audit_organisation_id(self) -> Any:
        return self.record.organisation_id


class BursaryStatus(models.TextChoices):
    EXPECTED = "expected", "Expected"
    RECEIVED = "received", "Received"


BURSARY_WORKFLOW = Workflow(
    "status",
    [
        Transition(
            "receive", frozenset({BursaryStatus.EXPECTED}), BursaryStatus.RECEIVED, "Received"
        ),
    ],
    stamp_at="status_changed_at",
    stamp_by="status_changed_by",
)


class LocalAuthorityBursary(AuditedModel, TimestampedModel):
    """The local authority's higher education bursary: expected, chased, received."""

    record = models.ForeignKey(
        SupportRecord, on_delete=models.CASCADE, related_name="local_authority_bursaries"
    )
    local_authority = models.CharField(max_length=120)
    amount_pence = models.PositiveIntegerField("Amount (pence)", default=200_000)
    expected_on = models.DateField("Expected by")
    status = models.CharField(
        max_length=10, choices=BursaryStatus.choices, default=BursaryStatus.EXPECTED
    )
    received_on = models.DateField(null=True, blank=True)
    chased_on = models.DateField("Last chased", null=True, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = done_by()

    audit_attnames = (NO_LEARNER, "")

    class Meta:
        ordering = ["record", "expected_on"]

    def __str__(self) -> str:
        return f"{self.local_authority} bursary: {self.get_status_display()}"

    def audit_organisation_id(self) -> Any:
        return self.record.organisation_id

    is_expected = StatusIs(BursaryStatus.EXPECTED)
