"""What Widen tells people: the outbox of e-mails, each person's own list, and their choices.

A `Notification` is one message to one person: a signed-in user (it is also in their list of
notifications in Widen) or an e-mail address with no account behind it (a parent who booked a
place, a learner sent a survey link). It is written only once the change it tells of is
committed, holds its subject and bodies as rendered then, and records each attempt to e-mail it.

A `Preference` is a person's choice to stop one category of notifications; absent, they are on.
Essential categories (signing in, confirmations of what someone booked or that was booked for
them) cannot be turned off.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from widen.core.models import StatusIs, once_when_set

MAX_ATTEMPTS = 5


class Category(models.TextChoices):
    """Kinds of notification, as a person chooses which to receive."""

    ACCOUNT = "account", "Your account and signing in"
    BOOKINGS = "bookings", "Bookings: confirmations, changes and cancellations"
    REMINDERS = "reminders", "Reminders before events"
    SURVEYS = "surveys", "Requests for feedback"
    UPDATES = "updates", "Updates about your work in Widen"
    DATA_PROTECTION = "data_protection", "Data protection: unusual access to learners' records"
    SAFEGUARDING = "safeguarding", "Safeguarding: concerns and flagged messages in mentoring"

    @property
    def essential(self) -> bool:
        return self in ESSENTIAL_CATEGORIES


# Data-protection alerts cannot be switched off: the officers must hear of possible misuse; nor
# can safeguarding alerts: a coordinator must hear of a concern about a pair.
ESSENTIAL_CATEGORIES = frozenset(
    {Category.ACCOUNT, Category.BOOKINGS, Category.DATA_PROTECTION, Category.SAFEGUARDING}
)
OPTIONAL_CATEGORIES = tuple(
    category for category in Category if category not in ESSENTIAL_CATEGORIES
)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"
    NO_ADDRESS = "no_address", "Not e-mailed: no e-mail address"
    GIVEN_UP = "given_up", "Not sent: given up, and the message forgotten"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    email = models.EmailField(max_length=254, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    template = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True)
    # The body carries a one-time link or code: wiped once e-mailed (as it is for every
    # notification to an address without an account, which has no list in Widen to show it).
    secret = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    attempt_limit = models.PositiveSmallIntegerField(default=MAX_ATTEMPTS)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(email=""),
                name="notification_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    is_sent = StatusIs(DeliveryStatus.SENT)
    has_failed = StatusIs(DeliveryStatus.FAILED)
    is_given_up = StatusIs(DeliveryStatus.GIVEN_UP)

    @property
    def essential(self) -> bool:
        return self.category in ESSENTIAL_CATEGORIES


class Preference(models.Model):
    """One person's choice about one optional category: a user's, or an e-mail address's (a
    person without an account, who stopped it from the link in an e-mail)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    email = models.EmailField(max_length=254, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            once_when_set(
                "user", "category", when_set="user", name="preference_one_per_user_category"
            ),
            models.UniqueConstraint(
                fields=["email", "category"],
                condition=Q(user__isnull=True),
                name="preference_one_per_address_category",
            ),
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(email=""))
                | (Q(user__isnull=True) & ~Q(email="")),
                name="preference_user_or_address",
            ),
        ]

    def __str__(self) -> str:
        state = "on" if self.enabled else "off"
        return f"{self.user or self.email}: {self.category} {state}"
