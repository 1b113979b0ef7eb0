"""Password rules beyond Django's own (SECURITY 6): no partnership or product words."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

CONTEXT_WORDS = ("widen", "aimhigher", "uniconnect", "outreach", "partnership", "password")


class ContextWordValidator:
    """Refuse passwords that are mostly a word anyone would guess for this service."""

    def validate(self, password: str, user: Any = None) -> None:
        squeezed = "".join(ch for ch in password.lower() if ch.isalnum())
        for word in CONTEXT_WORDS:
            if word in squeezed and len(squeezed) - len(word) < 8:
                raise ValidationError(
                    "This password is too close to the name of the service or partnership.",
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return "Your password cannot be built around the name of the service or partnership."
