"""People who use Widen, the roles they hold in organisations, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from widen.core.models import TimestampedModel
from widen.organisations.models import DataCategory, Organisation


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    PARTNERSHIP_ADMIN = "partnership_admin", "Partnership admin"
    ORGANISATION_ADMIN = "organisation_admin", "Organisation admin"
    OUTREACH_OFFICER = "outreach_officer", "Outreach officer"
    SCHOOL_STAFF = "school_staff", "School staff"
    EVALUATOR = "evaluator", "Evaluator"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data-protection officer"
    READ_ONLY = "read_only", "Read-only"
    STUDENT_SUPPORT_ADVISER = "student_support_adviser", "Student support adviser"


@dataclass(frozen=True)
class RoleCapabilities:
    """What a role may do with the learners its organisation may see."""

    categories: frozenset[str]
    edits_learners: bool = False
    sees_audit: bool = False
    manages_partnership: bool = False

    @property
    def pseudonymised(self) -> bool:
        return DataCategory.IDENTITY not in self.categories


_ALL = frozenset(
    {DataCategory.IDENTITY, DataCategory.CHARACTERISTICS, DataCategory.SPECIAL_CATEGORY}
)
_NOT_SPECIAL = frozenset({DataCategory.IDENTITY, DataCategory.CHARACTERISTICS})

ROLE_CAPABILITIES: dict[str, RoleCapabilities] = {
    Role.PARTNERSHIP_ADMIN: RoleCapabilities(
        _ALL, edits_learners=True, sees_audit=True, manages_partnership=True
    ),
    Role.ORGANISATION_ADMIN: RoleCapabilities(_ALL, edits_learners=True, sees_audit=True),
    Role.OUTREACH_OFFICER: RoleCapabilities(_ALL, edits_learners=True),
    Role.SCHOOL_STAFF: RoleCapabilities(_NOT_SPECIAL, edits_learners=True),
    Role.EVALUATOR: RoleCapabilities(
        frozenset({DataCategory.CHARACTERISTICS, DataCategory.SPECIAL_CATEGORY})
    ),
    # Answers requests about people's data: sees everything held, changes learners only
    # through those requests (erasure, restriction).
    Role.DATA_PROTECTION_OFFICER: RoleCapabilities(_ALL, sees_audit=True),
    Role.READ_ONLY: RoleCapabilities(_NOT_SPECIAL),
    # Supports a provider's own students (schemes, awards, casework): sees what they declared,
    # care experience and disability included, and the outreach journey of a linked learner;
    # changes no learner.
    Role.STUDENT_SUPPORT_ADVISER: RoleCapabilities(_ALL),
}


class Membership(TimestampedModel):
    """A user's role in one organisation. Every permission in Widen starts here."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} at {self.organisation}"

    @property
    def capabilities(self) -> RoleCapabilities:
        return ROLE_CAPABILITIES[self.role]


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=timezone.now())
        )

    def matching(self, raw: str) -> ApiTokenQuerySet:
        return self.usable().filter(key_hash=_hash_token(raw))


class ApiToken(TimestampedModel):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token is shown once."""

    PREFIX = "widen_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Tokens made before expiry existed have none; every new token has one.
    expires_at = models.DateTimeField(null=True, blank=True)
    read_only = models.BooleanField(
        default=False, help_text="A read-only token may only read: anything else answers 403."
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"

    @property
    def scope(self) -> str:
        return "Read only" if self.read_only else "Read and write"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    @property
    def is_active(self) -> bool:
        return self.state == "Active"

    @classmethod
    def new_key(cls) -> tuple[str, str]:
        raw = cls.PREFIX + secrets.token_urlsafe(32)
        return raw, _hash_token(raw)


class SignInLink(TimestampedModel):
    """A one-time link e-mailed to someone without a staff role, signing them in once.

    Only the token's SHA-256 is kept (`widen.core.links`); the address it was asked for is kept
    so the account it signs in can be found again when it is opened. A staff role's account
    never signs in by link: it keeps its password and authenticator app.
    """

    LIFETIME_MINUTES = 15

    token_digest = models.CharField(max_length=64, unique=True)
    email = models.EmailField(help_text="The address the link was asked for and sent to.")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sign_in_links",
        help_text="The account the link signed in, once it was used.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Sign-in link for {self.email} ({self.state})"

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "Used"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"
