"""What every evaluation service shares: limits, tidying words, and model checks turned into
the `ApplicationError` a page or the API shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from widen.accounts.capabilities import is_person
from widen.core.exceptions import ApplicationError
from widen.evaluation.models import (
    AGREEMENT_OPTIONS,
)

SURVEY_LINK_PATH = "/evaluation/answer/"
TEXT_ANSWER_MAX = 2000
QUESTIONS_MAX = 100


def agreement_options() -> list[dict[str, Any]]:
    return [{"value": value, "label": label} for value, label in AGREEMENT_OPTIONS]


def full_clean(instance: Any, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = " ".join(m for e in errors for m in e.messages)
            raise ApplicationError(message, field=None if name == "__all__" else name) from error
        raise ApplicationError(" ".join(error.messages)) from error


def person_or_none(actor: Any) -> Any:
    """`actor` for a "made by" field: the person, or None for Widen itself."""
    return actor if is_person(actor) else None


def words(value: Any, *, maximum: int) -> str:
    return " ".join(str(value or "").split())[:maximum]
