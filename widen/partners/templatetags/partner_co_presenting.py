"""`{% co_presenter_link talk %}`: on an event's "Strands, talks and presenters", a link to add a
student co-presenter to the talk, for a coordinator whose provider is a member of the event's
partnership (nobody else sees it).

The events app cannot import this one (apps only import downwards), so its template loads this
library (`{% load partner_co_presenting %}`). Whether the viewer may is asked once per event
while the page is drawn.
"""

from __future__ import annotations

from typing import Any

from django import template

from widen.partners.selectors.co_presenting import may_add_co_presenters

register = template.Library()


@register.inclusion_tag("partners/co_presenting/talk_link.html", takes_context=True)
def co_presenter_link(context: template.Context, talk: Any) -> dict[str, Any]:
    request = context.get("request")
    actor = getattr(request, "user", None)
    key = f"co_presenter_link:{talk.event_id}"
    if key not in context.render_context:
        context.render_context[key] = may_add_co_presenters(actor=actor, event=talk.event)
    return {"talk": talk, "may_add": context.render_context[key]}
