"""`{% session_ambassadors session %}`: a session's student ambassadors, on the session's page.

The activities app cannot import this one (apps only import downwards), so its template loads
this library (`{% load partner_shifts %}`). It lists the shifts linked to the session that the
person viewing may see (`shift_policy`), with the names of the partners booked on each; the
session's old free-text "student ambassadors" is shown only when it has no shifts.
"""

from __future__ import annotations

from typing import Any

from django import template

from widen.partners.selectors.shifts import session_shifts

register = template.Library()


@register.inclusion_tag("partners/shifts/session_ambassadors.html", takes_context=True)
def session_ambassadors(context: template.Context, session: Any) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    shifts = session_shifts(actor=actor, session=session) if actor is not None else []
    return {"shifts": shifts, "free_text": "" if shifts else session.student_ambassadors}
