"""Telling partners and coordinators about shifts (category "Updates about your work").

A partner is told at their account when they have signed in to Widen, else at their student
record's e-mail address; with neither, they see it on their "My work" page only. A shift's
coordinator is the named coordinator of its role.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.partners.hours import UK
from widen.partners.models import Partner, Shift

MY_WORK = "/partners/my-work/"


def shift_when(shift: Shift) -> str:
    """When a shift is, in words: "Monday 2 November 2026, 10:00 to 13:00"."""
    start = shift.starts_at.astimezone(UK)
    end = shift.ends_at.astimezone(UK)
    if end.date() == start.date():
        return f"{start:%A %-d %B %Y}, {start:%H:%M} to {end:%H:%M}"
    return f"{start:%A %-d %B %Y} {start:%H:%M} to {end:%A %-d %B %Y} {end:%H:%M}"


def shift_words(shift: Shift) -> dict[str, Any]:
    """What a message says about a shift."""
    return {
        "title": shift.title,
        "when": shift_when(shift),
        "where": shift.place or shift.get_mode_display(),
        "role": shift.role.title,
        "costs_covered": shift.costs_covered,
    }


def tell_partner(partner: Partner, template: str, context: Mapping[str, Any]) -> bool:
    """Tell one partner (`partner.student` loaded with its user); whether a message went."""
    student = partner.student
    name = student.display_name
    if student.user_id is not None:
        notify(
            template=template,
            category=Category.UPDATES,
            user=student.user,
            context={"partner_name": name, **context},
            link=MY_WORK,
        )
        return True
    if student.email:
        notify(
            template=template,
            category=Category.UPDATES,
            email=student.email,
            context={"partner_name": name, **context},
        )
        return True
    return False


def tell_coordinator(shift: Shift, template: str, context: Mapping[str, Any]) -> None:
    """Tell the named coordinator of the shift's role."""
    notify(
        template=template,
        category=Category.UPDATES,
        user=shift.role.coordinator,
        context={"shift": shift_words(shift), **context},
    )
