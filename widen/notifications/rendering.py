"""A notification's subject, plain text and HTML, from the templates that write it.

A notification named `events/booking_confirmed` is written by three templates under
`widen/templates/notifications/`:

* `events/booking_confirmed.subject.txt`: one line (line breaks and runs of spaces are folded);
* `events/booking_confirmed.txt`: the plain-text body, rendered without HTML escaping;
* `events/booking_confirmed.html`: the HTML body, escaped as every Django template is. It may
  extend `notifications/email_base.html`. Without it, the HTML part is the plain text, escaped,
  in paragraphs, inside that same base.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string

TEMPLATE_ROOT = "notifications"
BASE_HTML = "notifications/email_base.html"
SUBJECT_MAX_LENGTH = 300
_NAME = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)+$")


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def template_paths(name: str) -> tuple[str, str, str]:
    """The subject, text and HTML templates of the notification called `name`."""
    if not _NAME.match(name):
        raise ValueError(f"A notification's name is '<app>/<name>' in lower case, not {name!r}.")
    base = f"{TEMPLATE_ROOT}/{name}"
    return f"{base}.subject.txt", f"{base}.txt", f"{base}.html"


def _render_plain(template_name: str, context: Mapping[str, Any]) -> str:
    """A template rendered as plain text: nothing escaped (it is never read as HTML)."""
    template = get_template(template_name)
    return str(template.template.render(Context(dict(context), autoescape=False)))  # type: ignore[attr-defined]


def _subject_line(text: str) -> str:
    line = " ".join(text.split())
    if len(line) > SUBJECT_MAX_LENGTH:
        line = line[: SUBJECT_MAX_LENGTH - 1].rstrip() + "…"
    return line


def notification_render(name: str, context: Mapping[str, Any]) -> RenderedMessage:
    """The subject and both bodies of the notification `name`, with `context`."""
    subject_path, text_path, html_path = template_paths(name)
    subject = _subject_line(_render_plain(subject_path, context))
    if not subject:
        raise ValueError(f"The notification {name!r} rendered an empty subject.")
    text = _render_plain(text_path, context).strip() + "\n"
    try:
        html_template = get_template(html_path)
    except TemplateDoesNotExist:
        html = str(render_to_string(BASE_HTML, {**context, "subject": subject, "plain_text": text}))
    else:
        html = str(html_template.render(dict(context)))
    return RenderedMessage(subject=subject, text=text, html=html)
