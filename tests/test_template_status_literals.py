"""A page shows a record's status from the record's own properties (`booking.is_cancelled`,
`question.is_numeric`), never by comparing its status with a word in the template, so that a
renamed or added status cannot leave a page quietly showing the wrong thing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template.base import Lexer, TokenType

TEMPLATES = Path(__file__).resolve().parent.parent / "widen" / "templates"

# The attributes that hold where a record stands.
STATE_WORDS = ("status", "state", "kind", "outcome", "mark", "previous")
_LITERAL = r"""(?:"[^"]*"|'[^']*')"""
_VALUE = r"""[\w.]+(?:\|[\w]+(?::(?:"[^"]*"|'[^']*'|[\w.]+))?)*"""
_OPERATOR = r"(?:==|!=|\bnot in\b|\bin\b)"
COMPARISON = re.compile(
    rf"(?P<left>{_VALUE}|{_LITERAL})\s*{_OPERATOR}\s*(?P<right>{_VALUE}|{_LITERAL})"
)


def _state_attribute(value: str) -> bool:
    """`booking.status`, `run.state|lower`: a record's state read in the template."""
    name = value.split("|", 1)[0]
    return "." in name and name.rsplit(".", 1)[1].endswith(STATE_WORDS)


def status_literals(source: str) -> list[str]:
    """The `{% if %}` conditions in `source` that compare a record's state with a word."""
    found = []
    for token in Lexer(source).tokenize():
        if token.token_type != TokenType.BLOCK:
            continue
        tag, _, condition = token.contents.partition(" ")
        if tag not in ("if", "elif"):
            continue
        for match in COMPARISON.finditer(condition):
            left, right = match["left"], match["right"]
            literal = re.fullmatch(_LITERAL, left) or re.fullmatch(_LITERAL, right)
            if literal and (_state_attribute(left) or _state_attribute(right)):
                found.append(match.group(0))
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{% if booking.status == "booked" %}x{% endif %}', ['booking.status == "booked"']),
        ("{% if a %}{% elif run.state != 'paid' %}y{% endif %}", ["run.state != 'paid'"]),
        ('{% if "cpd" == event.kind %}z{% endif %}', ['"cpd" == event.kind']),
        ('{% if row.outcome in "new publish" %}z{% endif %}', ['row.outcome in "new publish"']),
        ("{% if booking.is_booked and event.is_cpd %}z{% endif %}", []),
        ('{% if tab == "reach" %}z{% endif %}', []),  # the page's own choice, not a record's
        ('<p>{{ booking.status }} == "booked"</p>', []),
    ],
)
def test_a_status_compared_with_a_word_is_found(source: str, expected: list[str]) -> None:
    assert status_literals(source) == expected


def test_no_page_compares_a_status_with_a_word() -> None:
    offending = {
        str(path.relative_to(TEMPLATES)): found
        for path in sorted(TEMPLATES.rglob("*.html"))
        if (found := status_literals(path.read_text(encoding="utf-8")))
    }
    assert offending == {}, (
        "Show a status from a property of the model (booking.is_cancelled), not a string: "
        f"{offending}"
    )
