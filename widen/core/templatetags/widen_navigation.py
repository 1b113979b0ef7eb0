"""`{% main_navigation as navigation %}`: the journeys and pages the person may open."""

from __future__ import annotations

from typing import Any

from django import template

from widen.core.navigation import NavGroup, navigation_for

register = template.Library()


@register.simple_tag(takes_context=True)
def main_navigation(context: dict[str, Any]) -> list[NavGroup]:
    return navigation_for(context.get("request"))
