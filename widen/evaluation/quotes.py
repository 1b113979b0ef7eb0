"""Whether a written answer can be quoted without identifying its author: it must not contain
their name (legal, preferred, or the name their link was sent to), their school's name, an
e-mail address, a phone number or a postcode. Consent is checked separately; this is the
other half of publishing a quote."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# UK numbers: 07700 900123, 020 7946 0018, +44 7700 900123 (spaces, dots or dashes between).
PHONE = re.compile(r"(?<!\d)(?:\+44[\s.-]?|0)(?:\d[\s.-]?){9,10}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
# Names this short (initials) would match too much ordinary text.
NAME_MIN = 2

IDENTIFYING = (
    "This answer contains {what}, which could identify the person who wrote it, so it cannot "
    "be published."
)

# What a quote needs loaded to be checked.
QUOTE_RELATED = ("response__learner", "response__invitation", "response__school")


def _names(answer: Any) -> list[tuple[str, str]]:
    response = answer.response
    found: list[tuple[str, str]] = []
    learner = response.learner
    if learner is not None:
        for value in (learner.first_name, learner.preferred_name, learner.last_name):
            found.append(("the person's name", value))
    invitation = response.invitation
    if invitation is not None and invitation.name:
        found.extend(("the person's name", part) for part in invitation.name.split())
    if response.school is not None:
        found.append(("the name of their school", response.school.name))
    return [(what, value.strip()) for what, value in found if len(value.strip()) >= NAME_MIN]


def identifying_details(answer: Any) -> str:
    """What in the answer's text could identify its author ("" when nothing): the caller has
    loaded `QUOTE_RELATED`."""
    text = answer.value_text or ""
    for what, name in _names(answer):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            return what
    if EMAIL.search(text):
        return "an e-mail address"
    if PHONE.search(text):
        return "a phone number"
    if POSTCODE.search(text):
        return "a postcode"
    return ""


def without_identifying(answers: QuerySet[Any]) -> list[Any]:
    """The answers that identify nobody, in their order."""
    return [
        answer
        for answer in answers.select_related(*QUOTE_RELATED)
        if not identifying_details(answer)
    ]
