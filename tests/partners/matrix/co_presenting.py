"""Co-presenting: the cells of a talk's "Add a student co-presenter" page.

Rules:
  talk_co_present     a talk at an event of a partnership the person's provider is a member of
                      (own: Alpha University's conference; partner: Beta's, in the same
                      partnership), for coordinators (`partners.coordinate`); a talk of an
                      unrelated partnership (Gamma's) answers as missing. The coordinator names
                      one of their own provider's partners (each allowed POST a new one).
Refusals answer 404, as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from tests.authz.rules import C, seen
from tests.partners.factories import UK, make_partner, make_role
from widen.core import request_context
from widen.events.models import Event, EventKind, Talk
from widen.partners.models import Role, RoleKind
from widen.testing.world import World

RULES = {"talk_co_present": seen(C.PARTNERS_COORDINATE)}

# A Wednesday years ahead, so the talk is still to come whenever the matrix runs.
DAY = date(2040, 1, 4)


def _talk(world: World, relation: str) -> Talk:
    made: dict[str, Talk] = world.__dict__.setdefault("matrix_co_presenting_talks", {})
    if relation not in made:
        organiser, partnership = {
            "partner": (world.beta, world.north),
            "unrelated": (world.gamma, world.south),
        }.get(relation, (world.alpha, world.north))
        starts = datetime.combine(DAY, time(9), tzinfo=UK)
        with request_context.bind(source="test"):
            event = Event.objects.create(
                partnership=partnership,
                organiser=organiser,
                title=f"Matrix conference ({relation})",
                kind=EventKind.CONFERENCE,
                starts_at=starts,
                ends_at=starts + timedelta(hours=7),
                venue="Great Hall",
            )
            made[relation] = Talk.objects.create(
                event=event,
                title="Students as partners",
                starts_at=starts + timedelta(hours=2),
                ends_at=starts + timedelta(hours=3),
                room="Room 1",
            )
    return made[relation]


def _role(world: World) -> Role:
    role: Role | None = world.__dict__.get("matrix_co_presenter_role")
    if role is None:
        role = make_role(
            world.alpha,
            world.users["outreach_officer"],
            title="Matrix co-presenter",
            kind=RoleKind.CO_PRESENTER,
        )
        world.__dict__["matrix_co_presenter_role"] = role
    return role


def kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any]:
    return {"talk_id": _talk(world, relation).pk}


def body(world: World, name: str, counter: int, relation: str) -> dict[str, Any] | None:
    if name != "partners:co_presenter_add":
        return None
    role = _role(world)
    partner = make_partner(
        world.alpha, f"MCP-{counter}", last_name=f"Copresenter{counter}", roles=(role,)
    )
    return {
        "partner": str(partner.pk),
        "role": str(role.pk),
        "preparation_minutes": "90",
        "preparation_day": (DAY - timedelta(days=2)).isoformat(),
        "preparation_starts": "14:00",
        "preparation_mode": "online",
    }
