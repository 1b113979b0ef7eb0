"""`{{ minutes|worked_hours }}`: minutes of work as people say them ("3 hours 30 minutes")."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter(name="worked_hours")
def worked_hours(minutes: int | None) -> str:
    if not minutes:
        return "none"
    whole, rest = divmod(int(minutes), 60)
    parts = []
    if whole:
        parts.append(f"{whole} hour{'s' if whole != 1 else ''}")
    if rest:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
