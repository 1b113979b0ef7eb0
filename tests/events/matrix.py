"""The events pages' and endpoints' cells of the authorisation matrix (tests/authz_matrix.yaml).

Rules (what each cell expects, and the capability each rule needs, is decided in
tests/authz/rules.py; the check-in pages' rules find their objects in tests/authz/objects.py):
  event_organise    an event of one of the person's partnerships, for those who deliver
                    (own: run by the person's organisation; partner: run by another member;
                    unrelated: a stranger partnership's)
  event_manage      as event_organise, but only for the organisation running the event (own);
                    another member of the partnership gets 404 (its bookings, its changes)
  public_event_page anyone, signed in or not: own is a public event still to come; partner is
                    an invitation-only event; unrelated is a public event that has started
  invitation_link   anyone with the invitation link: own is the link; partner is a link since
                    replaced by a new one; unrelated is a made-up link
  booking_link      anyone with the booking's one-time link: own is the link; partner is a
                    link since replaced; unrelated is a made-up link
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.events.models import Event, EventKind
from widen.events.services import (
    BookingDetails,
    EventDetails,
    booking_create,
    booking_for_link,
    booking_link_renew,
    event_create,
    event_invitation_renew,
)
from widen.testing.world import World


def _event(world: World, relation: str, *, is_public: bool = True, started: bool = False) -> Any:
    organiser = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
    partnership = world.south if relation == "unrelated" else world.north
    starts = timezone.now() + (timedelta(minutes=-30) if started else timedelta(days=10))
    details = EventDetails(
        title=f"Matrix event ({relation})",
        kind=EventKind.CONFERENCE,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        venue="Great Hall",
        is_public=is_public,
    )
    return event_create(
        actor=system_actor("test"), partnership=partnership, organiser=organiser, details=details
    )


def _booking_token(world: World) -> str:
    event = Event.objects.filter(title="Matrix booking event").first()
    if event is None:
        event = _event(world, "own").event
        event.title = "Matrix booking event"
        event.save(update_fields=["title"])
    made = booking_create(
        event=event,
        details=BookingDetails(
            name="Pat Parent", email="pat@example.org", attendee_type="parent_carer"
        ),
    )
    return made.token


def event_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of the events rules (None: not an events rule)."""
    if rule in {"event_organise", "event_manage"}:
        return {"event_id": _event(world, relation).event.pk}
    if rule == "public_event_page":
        if relation == "own":
            return {"event_id": _event(world, "own").event.pk}
        if relation == "partner":
            return {"event_id": _event(world, "own", is_public=False).event.pk}
        return {"event_id": _event(world, "own", started=True).event.pk}
    if rule == "invitation_link":
        if relation == "unrelated":
            return {"token": secrets.token_urlsafe(32)}
        made = _event(world, "own", is_public=False)
        if relation == "own":
            return {"token": made.invitation_token}
        event_invitation_renew(actor=system_actor("test"), event=made.event)
        return {"token": made.invitation_token}
    if rule == "booking_link":
        if relation == "unrelated":
            return {"token": secrets.token_urlsafe(32)}
        token = _booking_token(world)
        if relation == "partner":
            booking_link_renew(booking=booking_for_link(token))
        return {"token": token}
    return None


def event_request_body(world: World, name: str, counter: int) -> dict[str, Any] | None:
    """A valid body for the events pages' and endpoints' writes (None: not an events URL)."""
    starts = (timezone.localtime() + timedelta(days=20)).replace(hour=10, minute=0)
    event_fields = {
        "title": f"Matrix open evening {counter}",
        "kind": EventKind.PARENTS_CARERS,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Main Hall",
        "is_public": "yes",
    }
    if name == "events:create":
        return {**event_fields, "organiser": str(world.alpha.id)}
    if name == "events:edit":
        return event_fields
    if name == "events:talks":
        return {"action": "strand", "strand-title": f"Strand {counter}"}
    if name == "events:bookings":
        return {"booking": "00000000-0000-0000-0000-000000000000"}
    if name == "events:group_booking":
        return {
            "source": "school",
            "school": str(world.school.id),
            "contact_email": "trips@example.org",
        }
    if name == "api:event_create_api":
        return {
            "partnership_id": str(world.north.id),
            "organiser_id": str(world.alpha.id),
            "title": f"Matrix API event {counter}",
            "kind": EventKind.CPD,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "venue": "Teaching block",
        }
    if name.startswith("events:"):
        return {}
    return None
