"""Organisations, the partnerships they form, and the data-sharing agreements between them."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from widen.core.fields import PostcodeField
from widen.core.identifiers import validate_ukprn, validate_urn
from widen.core.models import TimestampedModel


class OrganisationType(models.TextChoices):
    HE_PROVIDER = "he_provider", "HE provider"
    SCHOOL = "school", "School or college"
    CHARITY = "charity", "Charity or third sector"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    EMPLOYER = "employer", "Employer"


class Organisation(TimestampedModel):
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    ukprn = models.CharField("UKPRN", max_length=8, blank=True, validators=[validate_ukprn])
    urn = models.CharField("DfE URN", max_length=6, blank=True, validators=[validate_urn])
    phase = models.CharField(max_length=60, blank=True, help_text="Education phase, from GIAS.")
    establishment_type = models.CharField(max_length=100, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)
    postcode = PostcodeField(blank=True)
    percentage_fsm = models.DecimalField(
        "% FSM (GIAS)", max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["ukprn"], condition=~Q(ukprn=""), name="organisation_ukprn_unique"
            ),
            models.UniqueConstraint(
                fields=["urn"], condition=~Q(urn=""), name="organisation_urn_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.organisation_type == OrganisationType.HE_PROVIDER and not self.ukprn:
            errors["ukprn"] = "An HE provider needs its UKPRN."
        if self.organisation_type == OrganisationType.SCHOOL and not self.urn:
            errors["urn"] = "A school or college needs its DfE URN."
        if self.ukprn and self.organisation_type != OrganisationType.HE_PROVIDER:
            errors["ukprn"] = "Only HE providers have a UKPRN here."
        if self.urn and self.organisation_type != OrganisationType.SCHOOL:
            errors["urn"] = "Only schools and colleges have a DfE URN."
        if errors:
            raise ValidationError(errors)

    @property
    def is_school(self) -> bool:
        return self.organisation_type == OrganisationType.SCHOOL


class Partnership(TimestampedModel):
    name = models.CharField(max_length=200, unique=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships_led"
    )
    members: models.ManyToManyField[Organisation, PartnershipMember] = models.ManyToManyField(
        Organisation, through="PartnershipMember", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnershipMember(TimestampedModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    joined_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"], name="partnership_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.partnership}"


class DataCategory(models.TextChoices):
    """What a data-sharing agreement may share, and what a role may see."""

    IDENTITY = "identity", "Identity and contact"
    CHARACTERISTICS = "characteristics", "Characteristics"
    SPECIAL_CATEGORY = "special_category", "Special category"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6(1)."""

    CONSENT = "consent", "Art 6(1)(a) consent"
    CONTRACT = "contract", "Art 6(1)(b) contract"
    LEGAL_OBLIGATION = "legal_obligation", "Art 6(1)(c) legal obligation"
    VITAL_INTERESTS = "vital_interests", "Art 6(1)(d) vital interests"
    PUBLIC_TASK = "public_task", "Art 6(1)(e) public task"
    LEGITIMATE_INTERESTS = "legitimate_interests", "Art 6(1)(f) legitimate interests"


class SpecialCategoryCondition(models.TextChoices):
    """UK GDPR Article 9(2), with the DPA 2018 Schedule 1 conditions most used in WP."""

    EXPLICIT_CONSENT = "explicit_consent", "Art 9(2)(a) explicit consent"
    SUBSTANTIAL_PUBLIC_INTEREST_EQUALITY = (
        "spi_equality",
        "Art 9(2)(g) substantial public interest - equality of opportunity (DPA 2018 Sch 1 para 8)",
    )
    SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY = (
        "spi_statutory",
        "Art 9(2)(g) substantial public interest - statutory purposes (DPA 2018 Sch 1 para 6)",
    )
    SUBSTANTIAL_PUBLIC_INTEREST_SAFEGUARDING = (
        "spi_safeguarding",
        "Art 9(2)(g) substantial public interest - safeguarding (DPA 2018 Sch 1 para 18)",
    )
    ARCHIVING_RESEARCH_STATISTICS = (
        "research",
        "Art 9(2)(j) archiving, research or statistics (DPA 2018 Sch 1 para 4)",
    )


class DataSharingAgreementQuerySet(models.QuerySet["DataSharingAgreement"]):
    def in_force(self, on: date | None = None) -> DataSharingAgreementQuerySet:
        day = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True, starts_on__lte=day).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )


class DataSharingAgreement(TimestampedModel):
    """Signed terms under which members of a partnership share learners' personal data.

    Every party may see the learners held by every other party, limited to the categories named;
    and, when it covers students, the students they hold, in the same categories.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.PROTECT, related_name="agreements"
    )
    title = models.CharField(max_length=200)
    parties = models.ManyToManyField(Organisation, related_name="data_sharing_agreements")
    shares_identity = models.BooleanField("Identity and contact", default=True)
    shares_characteristics = models.BooleanField("Characteristics", default=False)
    shares_special_category = models.BooleanField("Special category", default=False)
    covers_students = models.BooleanField(
        "Also covers students",
        default=False,
        help_text="Whether the parties also share the records of their students (held by HE "
        "providers), in the same categories. Learners' records are always covered.",
    )
    purpose = models.TextField()
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    special_category_condition = models.CharField(
        "Article 9 condition", max_length=30, choices=SpecialCategoryCondition.choices, blank=True
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = DataSharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "title"]
        verbose_name = "data-sharing agreement"

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (
            self.shares_identity or self.shares_characteristics or self.shares_special_category
        ):
            errors["shares_identity"] = "An agreement must share at least one category of data."
        if self.shares_special_category and not self.special_category_condition:
            errors["special_category_condition"] = (
                "Sharing special category data needs an Article 9 condition."
            )
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "The end date must be on or after the start date."
        if errors:
            raise ValidationError(errors)

    @property
    def categories(self) -> frozenset[str]:
        shared = {
            DataCategory.IDENTITY: self.shares_identity,
            DataCategory.CHARACTERISTICS: self.shares_characteristics,
            DataCategory.SPECIAL_CATEGORY: self.shares_special_category,
        }
        return frozenset(str(category) for category, on in shared.items() if on)

    def is_in_force(self, on: date | None = None) -> bool:
        day = on or timezone.localdate()
        return (
            self.revoked_at is None
            and self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
        )
