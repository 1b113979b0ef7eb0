"""Notifications in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.audit import registry
from widen.notifications.models import Notification, Preference

NOTIFICATIONS_KEPT_DAYS = 365

registry.declare(
    model=Notification,
    subjects={registry.Subject.USER: "user", registry.Subject.EMAIL: "email"},
    categories=frozenset({registry.Category.CONTACT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.Retention(
        f"{NOTIFICATIONS_KEPT_DAYS} days after it was made",
        registry.Action.DELETE,
        registry.older_than("created_at", days=NOTIFICATIONS_KEPT_DAYS),
    ),
    erasure=registry.Erasure.DELETE,
    not_exported=frozenset({"secret", "body_html"}),
    title="Messages sent to you",
)
registry.declare(
    model=Preference,
    subjects={registry.Subject.USER: "user", registry.Subject.EMAIL: "email"},
    categories=frozenset({registry.Category.CONTACT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("until you change it or your account goes"),
    erasure=registry.Erasure.DELETE,
    title="Your notification preferences",
)
