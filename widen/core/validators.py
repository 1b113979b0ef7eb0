"""The one check for a person's name and for a web link, whatever brings the value in.

Pages (through the models' `clean()`), the API, services and the pupil-list import all use these,
so each entry point refuses the same values with the same message. A name starts with a letter and
holds only letters, accents, spaces, hyphens, apostrophes and full stops, which also keeps out
spreadsheet formulae (`=cmd|' /C calc'!A0`), markup and control characters; a link is an http or
https web address, never `javascript:` or `data:`.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

# For the pupil-list import, which checks a whole column at once (Polars, Rust regex syntax).
NAME_PATTERN = r"^\p{L}[\p{L}\p{M} '’.\-]*$"
NAME_RULE = (
    "a name starts with a letter and holds only letters, spaces, hyphens, apostrophes and "
    "full stops"
)
NAME_PUNCTUATION = frozenset(" '’.-")
LINK_MESSAGE = "The link must be a web address starting https://, like https://example.org/meeting."
LINK_SCHEMES = ("https", "http")


def name_problem(value: str) -> str | None:
    """Why `value` is not a name (None when it is one); an empty value is for `required`."""
    if not value:
        return None
    if unicodedata.category(value[0]).startswith("L") and all(
        unicodedata.category(character)[0] in "LM" or character in NAME_PUNCTUATION
        for character in value[1:]
    ):
        return None
    return f"'{value}' is not a name: {NAME_RULE}."


def validate_person_name(value: str) -> None:
    problem = name_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_name")


def link_problem(value: str) -> str | None:
    """Why `value` is not a web link people may be sent to (None when it is one, or empty)."""
    if not value:
        return None
    try:
        URLValidator(schemes=list(LINK_SCHEMES))(value)
    except ValidationError:
        return LINK_MESSAGE
    return None


def validate_web_link(value: str) -> None:
    problem = link_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_link")
