"""`{% unread_notifications as count %}`: how many of the signed-in person's are unread."""

from __future__ import annotations

from typing import Any

from django import template

from widen.accounts.capabilities import is_person
from widen.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context: dict[str, Any]) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if not is_person(user):
        return 0
    return unread_count(actor=user)
