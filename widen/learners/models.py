"""Learners, their parents and carers, and the lawful basis for holding their data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from widen.audit.models import AuditedModel, AuditedQuerySet
from widen.core.academic_years import AcademicYear, age_on
from widen.core.fields import PostcodeField, UpnField
from widen.core.identifiers import validate_uln
from widen.core.models import TimestampedModel, done_by
from widen.core.uploads import StagedUpload, UploadStatus
from widen.core.validators import name_problem
from widen.organisations.models import (
    DataCategory,
    LawfulBasis,
    Organisation,
    SpecialCategoryCondition,
)


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"


class Ethnicity(models.TextChoices):
    """The ONS 2021 Census ethnic groups (England and Wales), 19 categories plus two answers."""

    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian, Asian British or Asian Welsh: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian, Asian British or Asian Welsh: Chinese"
    ASIAN_INDIAN = "asian_indian", "Asian, Asian British or Asian Welsh: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian, Asian British or Asian Welsh: Pakistani"
    ASIAN_OTHER = "asian_other", "Asian, Asian British or Asian Welsh: Other Asian"
    BLACK_AFRICAN = (
        "black_african",
        "Black, Black British, Black Welsh, Caribbean or African: African",
    )
    BLACK_CARIBBEAN = (
        "black_caribbean",
        "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    )
    BLACK_OTHER = (
        "black_other",
        "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    )
    MIXED_WHITE_ASIAN = "mixed_white_asian", "Mixed or Multiple ethnic groups: White and Asian"
    MIXED_WHITE_BLACK_AFRICAN = (
        "mixed_white_black_african",
        "Mixed or Multiple ethnic groups: White and Black African",
    )
    MIXED_WHITE_BLACK_CARIBBEAN = (
        "mixed_white_black_caribbean",
        "Mixed or Multiple ethnic groups: White and Black Caribbean",
    )
    MIXED_OTHER = (
        "mixed_other",
        "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    )
    WHITE_BRITISH = (
        "white_british",
        "White: English, Welsh, Scottish, Northern Irish or British",
    )
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY_IRISH_TRAVELLER = "white_gypsy_irish_traveller", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: Other White"
    OTHER_ARAB = "other_arab", "Other ethnic group: Arab"
    OTHER_ANY = "other_any", "Other ethnic group: Any other ethnic group"
    PREFER_NOT_TO_SAY = "prefer_not_to_say", "Prefers not to say"
    NOT_KNOWN = "not_known", "Not known"


# Which learner fields belong to which category of data. Every field a page, export or API
# shows is in exactly one category; the field-level sharing rules read this table.
IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "home_postcode",
    "upn",
    "uln",
    "reference",
)
CHARACTERISTIC_FIELDS = (
    "sex",
    "free_school_meals",
    "ever_6_free_school_meals",
    "young_carer",
    "estranged",
    "first_in_family",
)
SPECIAL_CATEGORY_FIELDS = ("care_experienced", "disability", "ethnicity")
FIELDS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    DataCategory.IDENTITY: IDENTITY_FIELDS,
    DataCategory.CHARACTERISTICS: CHARACTERISTIC_FIELDS,
    DataCategory.SPECIAL_CATEGORY: SPECIAL_CATEGORY_FIELDS,
}
# Yes/no facts a list can be filtered on, with the category each belongs to.
FILTERABLE_CHARACTERISTICS: dict[str, str] = {
    "free_school_meals": DataCategory.CHARACTERISTICS,
    "ever_6_free_school_meals": DataCategory.CHARACTERISTICS,
    "young_carer": DataCategory.CHARACTERISTICS,
    "estranged": DataCategory.CHARACTERISTICS,
    "first_in_family": DataCategory.CHARACTERISTICS,
    "care_experienced": DataCategory.SPECIAL_CATEGORY,
    "disability": DataCategory.SPECIAL_CATEGORY,
}

EARLIEST_DATE_OF_BIRTH = date(1900, 1, 1)

# Data rights, in one place for every processing path (README, "Restriction and objection"):
#   identifiable  not anonymised: learner lists, searches, pickers, targeting, duplicate finding;
#   processable   identifiable and not restricted: everything done to or with a learner
#                 (targeting, enrolment, bookings, survey links, exports of individuals,
#                 duplicate finding);
#   in equality monitoring  processable and not objecting: breakdowns of learners by the groups
#                 a rule set is for (the targets report, target flags in exports).
# Statistics of what happened (learners reached, attendance, hours) count everyone.
PROCESSING_RESTRICTED = "Processing restricted"
NOT_IN_EQUALITY_MONITORING = "Left out of equality monitoring"


def _prefixed(via: str, **conditions: Any) -> Q:
    prefix = f"{via}__" if via else ""
    return Q(**{f"{prefix}{name}": value for name, value in conditions.items()})


def identifiable_condition(via: str = "") -> Q:
    """Learners (through the relation `via`, say "learner") not anonymised."""
    return _prefixed(via, anonymised_at__isnull=True)


def processable_condition(via: str = "") -> Q:
    """Learners (through `via`) neither anonymised nor restricted: the ones to process."""
    return _prefixed(via, anonymised_at__isnull=True, restricted_at__isnull=True)


def equality_monitoring_condition(via: str = "") -> Q:
    """Processable learners (through `via`) who have not objected to equality monitoring."""
    return processable_condition(via) & _prefixed(via, objects_to_equality_monitoring=False)


class LearnerQuerySet(AuditedQuerySet):
    """Learners, with the data-rights conditions every processing path calls."""

    def identifiable(self) -> LearnerQuerySet:
        return self.filter(identifiable_condition())

    def processable(self) -> LearnerQuerySet:
        return self.filter(processable_condition())

    def in_equality_monitoring(self) -> LearnerQuerySet:
        return self.filter(equality_monitoring_condition())


class Learner(AuditedModel, TimestampedModel):
    """A young person a partnership works with. Held by one organisation (its controller)."""

    audit_attnames = ("id", "organisation_id")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="learners",
        help_text="The organisation that holds this learner's record.",
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupils",
        null=True,
        blank=True,
        limit_choices_to={"organisation_type": "school"},
    )
    first_name = models.CharField("Legal first name", max_length=100)
    last_name = models.CharField("Legal last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    home_postcode = PostcodeField(blank=True)
    upn = UpnField("UPN", blank=True)
    uln = models.CharField("ULN", max_length=10, blank=True, validators=[validate_uln])
    reference = models.CharField(
        max_length=50,
        blank=True,
        help_text="The pupil's own reference in the holding organisation's system.",
    )

    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    free_school_meals = models.BooleanField("Free school meals (now)", null=True, blank=True)
    ever_6_free_school_meals = models.BooleanField("Ever-6 FSM", null=True, blank=True)
    young_carer = models.BooleanField(null=True, blank=True)
    estranged = models.BooleanField(null=True, blank=True)
    first_in_family = models.BooleanField("First in family to go to HE", null=True, blank=True)

    care_experienced = models.BooleanField(null=True, blank=True)
    disability = models.BooleanField("Disabled", null=True, blank=True)
    ethnicity = models.CharField(max_length=40, choices=Ethnicity.choices, blank=True)

    # Data rights (widen.rights): a record anonymised by erasure or retention keeps only what no
    # longer identifies anyone; a restricted record is left out of every processing path until
    # the restriction is lifted; an objection keeps the learner out of equality monitoring.
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    restricted_at = models.DateTimeField(null=True, blank=True, editable=False)
    restriction_reason = models.CharField(max_length=300, blank=True, editable=False)
    objects_to_equality_monitoring = models.BooleanField(default=False, editable=False)

    objects = LearnerQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(fields=["organisation", "last_name", "first_name"]),
            models.Index(fields=["school", "date_of_birth"]),
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["upn"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "upn"],
                condition=~Q(upn=""),
                name="learner_upn_once_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def processing_restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def processable(self) -> bool:
        return self.restricted_at is None and self.anonymised_at is None

    @property
    def data_rights_notes(self) -> list[str]:
        """What a page says about this record's data rights ("Processing restricted")."""
        notes = [PROCESSING_RESTRICTED] if self.processing_restricted else []
        if self.objects_to_equality_monitoring:
            notes.append(NOT_IN_EQUALITY_MONITORING)
        return notes

    def year_group(self, academic_year: AcademicYear | None = None) -> int:
        return (academic_year or AcademicYear.current()).year_group_of(self.date_of_birth)

    def year_group_label(self, academic_year: AcademicYear | None = None) -> str:
        group = self.year_group(academic_year)
        if group == 0:
            return "Reception"
        if group < 0:
            return "Below school age"
        if group > 13:
            return "Left school"
        return f"Year {group}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.date_of_birth and not (
            EARLIEST_DATE_OF_BIRTH <= self.date_of_birth <= timezone.localdate()
        ):
            errors["date_of_birth"] = ["The date of birth must be in the past."]
        # The same rule as the pupil-list import, for the pages and the API alike.
        for name_field in ("first_name", "last_name", "preferred_name"):
            problem = name_problem(getattr(self, name_field))
            if problem:
                errors[name_field] = [problem]
        if self.school_id and self.school and not self.school.is_school:
            errors["school"] = ["Choose a school or college."]
        if errors:
            raise ValidationError(errors)

    def audit_learner_id(self) -> Any:
        return self.pk

    def audit_organisation_id(self) -> Any:
        return self.organisation_id


class ParentCarer(AuditedModel, TimestampedModel):
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="parent_carers")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=60, help_text="For example mother, foster carer.")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "parent or carer"

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"

    def audit_learner_id(self) -> Any:
        return self.learner_id

    def audit_organisation_id(self) -> Any:
        return self.learner.organisation_id


class ConsentGivenBy(models.TextChoices):
    LEARNER = "learner", "The learner"
    PARENT_CARER = "parent_carer", "A parent or carer"
    NOT_APPLICABLE = "not_applicable", "Not applicable (not based on consent)"


PARENTAL_CONSENT_AGE = 13


class ConsentRecord(AuditedModel, TimestampedModel):
    """The lawful basis for holding a learner's data and, where it is consent, who gave it."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="consents")
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        "Article 9 condition", max_length=30, choices=SpecialCategoryCondition.choices, blank=True
    )
    given_by = models.CharField(max_length=20, choices=ConsentGivenBy.choices)
    given_by_name = models.CharField(max_length=200, blank=True)
    recorded_on = models.DateField()
    privacy_notice_version = models.CharField(max_length=40)
    withdrawn_on = models.DateField(null=True, blank=True)
    tracks_until = models.DateField(
        "Consent to tracking until",
        null=True,
        blank=True,
        help_text="Keep and follow the learner's record until this date (for example to see "
        "whether they reach university), even after the usual retention period.",
    )

    class Meta:
        ordering = ["-recorded_on"]

    def __str__(self) -> str:
        return f"{self.get_lawful_basis_display()} ({self.recorded_on})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.lawful_basis == LawfulBasis.CONSENT:
            if self.given_by == ConsentGivenBy.NOT_APPLICABLE:
                errors["given_by"] = "Say who gave consent."
            elif (
                self.given_by == ConsentGivenBy.LEARNER
                and self.learner_id
                and self.recorded_on
                and age_on(self.learner.date_of_birth, self.recorded_on) < PARENTAL_CONSENT_AGE
            ):
                errors["given_by"] = (
                    "This learner was under 13 when consent was given: a parent or carer must "
                    "give it."
                )
            if not self.given_by_name:
                errors["given_by_name"] = "Record the name of the person who gave consent."
        if self.withdrawn_on and self.recorded_on and self.withdrawn_on < self.recorded_on:
            errors["withdrawn_on"] = "Consent cannot be withdrawn before it was given."
        if errors:
            raise ValidationError(errors)

    def audit_learner_id(self) -> Any:
        return self.learner_id

    def audit_organisation_id(self) -> Any:
        return self.learner.organisation_id


# An import's statuses are the staged upload's (`widen.core.uploads`), shared by every import.
ImportStatus = UploadStatus


class ImportRun(StagedUpload):
    """One pupil list uploaded to an organisation: who, when, which file, and what it did.
    `changes` holds the learners created and the previous values of the fields changed on
    learners already held, so that the import can be rolled back."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="import_runs"
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="pupil_list_imports",
        null=True,
        blank=True,
    )
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="import_runs",
        null=True,
        blank=True,
        help_text="Empty when run from the command line on the server.",
    )
    column_mapping = models.JSONField(default=dict, blank=True)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_repeated = models.PositiveIntegerField(default=0)

    noun = "pupil list"

    class Meta(StagedUpload.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "file_sha256"],
                condition=Q(status="committed"),
                name="import_file_committed_once_per_organisation",
            )
        ]


class ImportColumnMapping(TimestampedModel):
    """The columns of one school's pupil lists, as a person mapped them once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_column_mappings"
    )
    school = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    name = models.CharField(max_length=100)
    columns = models.JSONField(default=dict, help_text="File heading → learner field ('' = skip).")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="import_mapping_name_once_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SavedSearch(TimestampedModel):
    """A learner list's filters a person saved under a name, to use again (say, to fill a
    session's register). Only the allowlisted filters are kept (`LearnerFilters`); running it
    always goes through `learner_list`, so it finds what its owner may see at the time."""

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_learner_searches"
    )
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict, help_text="Query parameters of the learner list.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "saved searches"
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"], name="saved_search_name_once_per_owner"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    CONFIRMED = "confirmed", "The same learner: merged"
    REJECTED = "rejected", "Not the same learner"


class DuplicateCandidate(TimestampedModel):
    """Two learner records that are probably the same young person, and what an admin decided.

    The pair is kept by its two learners' ids (the smaller, as text, first) as well as by
    reference, so that a rejected pair is never proposed again and a merged pair keeps its
    history after the record merged away is gone.
    """

    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    learner_one = models.ForeignKey(
        Learner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicate_candidates_first",
    )
    learner_two = models.ForeignKey(
        Learner,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicate_candidates_second",
    )
    learner_one_key = models.UUIDField()
    learner_two_key = models.UUIDField()
    match_probability = models.FloatField()
    # Field by field, what agrees and what differs ("same", "similar", "different", "missing").
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING
    )
    decided_by = done_by(on_delete=models.PROTECT)
    decided_at = models.DateTimeField(null=True, blank=True)
    kept_learner_key = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-match_probability", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "learner_one_key", "learner_two_key"],
                name="duplicate_pair_once_per_partnership",
            )
        ]
        indexes = [models.Index(fields=["partnership", "status"])]

    def __str__(self) -> str:
        return f"{self.learner_one_key} and {self.learner_two_key} ({self.get_status_display()})"

    def clean(self) -> None:
        if self.learner_one_key and self.learner_one_key == self.learner_two_key:
            raise ValidationError("A learner cannot be a duplicate of themselves.")
