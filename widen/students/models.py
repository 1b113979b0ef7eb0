"""Students: records held by the HE provider a person studies at (that provider's data), with the
history of their status and of the characteristics they declared, and the provider's term dates.

A student is not a learner: a learner is a pre-entry record held by whoever recorded them. The
two are linked where an agreement allows, never merged (see DESIGN, "Learners and students").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from widen.audit.models import NO_LEARNER, AuditedModel
from widen.core.fields import PostcodeField
from widen.core.identifiers import validate_uln
from widen.core.models import TimestampedModel, done_by
from widen.core.uploads import StagedUpload
from widen.learners.models import Ethnicity, Sex
from widen.organisations.models import DataCategory


class StudyLevel(models.TextChoices):
    FOUNDATION = "foundation", "Foundation year"
    UNDERGRADUATE = "undergraduate", "Undergraduate"
    POSTGRADUATE = "postgraduate", "Postgraduate"
    DEGREE_APPRENTICESHIP = "degree_apprenticeship", "Degree apprenticeship"


class StudyMode(models.TextChoices):
    FULL_TIME = "full_time", "Full-time"
    PART_TIME = "part_time", "Part-time"
    SANDWICH = "sandwich", "Sandwich (with a placement year)"


class EntryRoute(models.TextChoices):
    """How the student came to their course: what they studied before (as admissions teams and
    access and participation plans name it)."""

    A_LEVELS = "a_levels", "A levels"
    VOCATIONAL = "vocational", "BTEC or other vocational qualification"
    ACCESS_TO_HE = "access_to_he", "Access to HE Diploma"
    FOUNDATION_YEAR = "foundation_year", "Foundation year"
    DEGREE_APPRENTICESHIP = "degree_apprenticeship", "Degree apprenticeship"
    INTERNATIONAL = "international", "International qualification"
    OTHER = "other", "Other route"


class StudentStatus(models.TextChoices):
    APPLICANT = "applicant", "Applicant"
    OFFER_HOLDER = "offer_holder", "Offer holder"
    ENROLLED = "enrolled", "Enrolled"
    INTERRUPTED = "interrupted", "Interrupted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    COMPLETED = "completed", "Completed"
    GRADUATED = "graduated", "Graduated"


class IncomeBand(models.TextChoices):
    """Household income as assessed for student finance (England's thresholds)."""

    UP_TO_25000 = "up_to_25000", "Up to £25,000"
    UP_TO_42875 = "up_to_42875", "£25,001 to £42,875"
    ABOVE_42875 = "above_42875", "Above £42,875"
    NOT_ASSESSED = "not_assessed", "Not assessed"


# Which student fields belong to which category of data (as for learners: pages, exports and the
# API show a field only to a person whose role, and agreement, include its category).
IDENTITY_FIELDS = (
    "student_number",
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "home_postcode",
    "term_postcode",
    "uln",
)
CHARACTERISTIC_FIELDS = (
    "sex",
    "first_in_family",
    "household_income_band",
    "free_school_meals",
    "young_adult_carer",
    "estranged",
    "student_visa",
)
SPECIAL_CATEGORY_FIELDS = ("care_experienced", "disabled", "ethnicity")
FIELDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    DataCategory.IDENTITY: IDENTITY_FIELDS,
    DataCategory.CHARACTERISTICS: CHARACTERISTIC_FIELDS,
    DataCategory.SPECIAL_CATEGORY: SPECIAL_CATEGORY_FIELDS,
}
# The characteristics a student declares; each change is kept with who recorded it and when.
DECLARED_FIELDS = (*CHARACTERISTIC_FIELDS, *SPECIAL_CATEGORY_FIELDS)


class Student(AuditedModel, TimestampedModel):
    """One person's record at the HE provider that holds it."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="students",
        help_text="The HE provider the student studies at, which holds the record.",
    )
    student_number = models.CharField("Student number", max_length=20)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField("Contact e-mail", blank=True)
    phone = models.CharField(max_length=30, blank=True)
    home_postcode = PostcodeField(blank=True)
    term_postcode = PostcodeField("Term-time postcode", blank=True)
    uln = models.CharField("ULN", max_length=10, blank=True, validators=[validate_uln])

    course = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=30, choices=StudyLevel.choices, blank=True)
    mode = models.CharField(max_length=20, choices=StudyMode.choices, blank=True)
    entry_route = models.CharField(max_length=30, choices=EntryRoute.choices, blank=True)
    year_of_study = models.PositiveSmallIntegerField(null=True, blank=True)
    starts_on = models.DateField("Course start", null=True, blank=True)
    expected_end_on = models.DateField("Expected end", null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=StudentStatus.choices, default=StudentStatus.ENROLLED
    )
    status_since = models.DateField(null=True, blank=True)

    # What the student declared (None: not declared, or not known).
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)
    care_experienced = models.BooleanField(null=True, blank=True)
    estranged = models.BooleanField(null=True, blank=True)
    young_adult_carer = models.BooleanField(null=True, blank=True)
    disabled = models.BooleanField(null=True, blank=True)
    first_in_family = models.BooleanField(null=True, blank=True)
    household_income_band = models.CharField(max_length=20, choices=IncomeBand.choices, blank=True)
    free_school_meals = models.BooleanField("Free school meals at school", null=True, blank=True)
    student_visa = models.BooleanField(
        "Holds a Student visa",
        default=False,
        help_text="Work in term time is then capped at 20 hours in any week (Monday to Sunday).",
    )

    # The pre-entry learner record this student was, once a person has confirmed the match.
    linked_learner = models.ForeignKey(
        "learners.Learner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="students",
    )

    # The student's own account, once they have signed in (students sign in with a link).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="student_record",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    audit_attnames = (NO_LEARNER, "organisation_id")

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "student_number"],
                name="student_number_unique_in_provider",
            ),
            models.CheckConstraint(
                condition=Q(year_of_study__isnull=True) | Q(year_of_study__gte=1),
                name="student_year_of_study_from_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.student_number})"

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    def clean(self) -> None:
        if self.starts_on and self.expected_end_on and self.expected_end_on < self.starts_on:
            raise ValidationError(
                {"expected_end_on": "The expected end must be on or after the course start."}
            )


class StudentStatusChange(TimestampedModel):
    """One change of a student's status: to what, from when, and where it was recorded."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=20, choices=StudentStatus.choices)
    previous_status = models.CharField(max_length=20, choices=StudentStatus.choices, blank=True)
    changed_on = models.DateField()
    recorded_by = done_by()
    source = models.CharField(max_length=200, help_text="Where it came from: a page, an import.")

    class Meta:
        ordering = ["student", "changed_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.status} from {self.changed_on}"


class Declaration(TimestampedModel):
    """One characteristic a student declared, as recorded: which, what, by whom and when."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="declarations")
    characteristic = models.CharField(max_length=40)
    value = models.CharField(max_length=60, blank=True)
    recorded_by = done_by()
    source = models.CharField(max_length=200)

    class Meta:
        ordering = ["student", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(characteristic__in=DECLARED_FIELDS),
                name="declaration_of_a_declared_characteristic",
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id}: {self.characteristic}={self.value}"


class TermDates(TimestampedModel):
    """A provider's term for an academic year ("2026/27", "Autumn term", 21 Sep to 11 Dec).
    Days in no term of the provider are vacation."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="terms"
    )
    academic_year = models.CharField(max_length=7, help_text='As "2026/27".')
    name = models.CharField(max_length=100)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["organisation", "starts_on"]
        verbose_name = "term dates"
        verbose_name_plural = "term dates"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="term_ends_after_it_starts"
            ),
            models.UniqueConstraint(
                fields=["organisation", "academic_year", "name"], name="term_name_unique_in_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}: {self.starts_on} to {self.ends_on}"

    def includes(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class StudentImport(StagedUpload):
    """A file of students from the provider's student record system (SITS- or HESA-style
    headings), kept between the preview and the person's confirmation. `changes` holds what the
    commit did (students added, fields changed), to roll it back."""

    students_added = models.PositiveIntegerField(default=0)
    students_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)

    noun = "student list"

    class Meta(StagedUpload.Meta):
        verbose_name = "student list upload"


class LinkStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Not the same person"


class LearnerLink(TimestampedModel):
    """A proposed (then confirmed or rejected) match between a student and a learner record of
    their outreach past: how it was found (the ULN, or the duplicate finder's linkage and its
    score), and who decided. Only a confirmed link sets `Student.linked_learner`."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="learner_links")
    learner = models.ForeignKey(
        "learners.Learner", on_delete=models.CASCADE, related_name="student_links"
    )
    found_by = models.CharField(max_length=20, help_text='"uln" or "linkage".')
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=LinkStatus.choices, default=LinkStatus.PROPOSED
    )
    decided_by = done_by()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["student", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "learner"], name="learner_link_once_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.student_id} ~ {self.learner_id} ({self.status})"


def in_term_time(organisation: Any, day: date) -> bool:
    """Whether `day` falls in one of `organisation`'s terms."""
    return TermDates.objects.filter(
        organisation=organisation, starts_on__lte=day, ends_on__gte=day
    ).exists()
