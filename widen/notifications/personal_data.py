"""Notifications in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit.registry import (
    Action,
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Retention,
    Subject,
    declare,
    older_than,
)
from widen.notifications.models import Notification, Preference

NOTIFICATIONS_KEPT_DAYS = 365

declare(
    model=Notification,
    subjects={Subject.USER: "user", Subject.EMAIL: "email"},
    categories=frozenset({Category.CONTACT}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=Retention(
        f"{NOTIFICATIONS_KEPT_DAYS} days after it was made",
        Action.DELETE,
        older_than("created_at", days=NOTIFICATIONS_KEPT_DAYS),
    ),
    erasure=Erasure.DELETE,
    not_exported=frozenset({"secret", "body_html"}),
    title="Messages sent to you",
)
declare(
    model=Preference,
    subjects={Subject.USER: "user", Subject.EMAIL: "email"},
    categories=frozenset({Category.CONTACT}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=KeptWhileParent("until you change it or your account goes"),
    erasure=Erasure.DELETE,
    title="Your notification preferences",
)
