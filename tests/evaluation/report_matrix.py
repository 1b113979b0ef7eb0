"""The evaluation report's and theory of change pages' cells of the authorisation matrix
(tests/authz_matrix.yaml).

Rules:
  event_report      an event of one of the person's partnerships, any role (own: run by the
                    person's organisation; partner: by another member; unrelated: a stranger
                    partnership's)
  theory_activity   an activity of one of the person's partnerships, for partnership admins and
                    outreach officers (own: delivered by the person's organisation; partner: by
                    another member; unrelated: a stranger partnership's)
  theory_programme  as theory_activity, for a programme (own and partner: the person's
                    partnership's; unrelated: a stranger partnership's)
The activity and programme reports use the existing activity_view and programme_view rules.
What each cell expects, and the capability each rule needs, is decided in tests/authz/rules.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.authz.objects import activity_for
from widen.events.models import Event, EventKind
from widen.programmes.models import Programme, ProgrammeStage
from widen.testing.world import World


def _programme(world: World, relation: str) -> Programme:
    partnership = world.south if relation == "unrelated" else world.north
    programme, created = Programme.objects.get_or_create(
        partnership=partnership, name=f"Matrix evaluated programme ({relation})"
    )
    if created:
        ProgrammeStage.objects.create(programme=programme, year_group=10, target_hours=6)
    return programme


def _event(world: World, relation: str) -> Event:
    partnership, organiser = {
        "own": (world.north, world.alpha),
        "partner": (world.north, world.beta),
        "unrelated": (world.south, world.gamma),
    }[relation]
    starts = timezone.now() - timedelta(days=3)
    event, _ = Event.objects.get_or_create(
        partnership=partnership,
        organiser=organiser,
        title=f"Matrix evaluated event ({relation})",
        defaults={
            "kind": EventKind.CONFERENCE,
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=3),
            "venue": "Great Hall",
        },
    )
    return event


def report_kwargs(world: World, rule: str, relation: str) -> dict[str, Any] | None:
    """The URL kwargs for a cell of one of these rules (None: not one of them)."""
    if rule == "event_report":
        return {"event_id": _event(world, relation).pk}
    if rule == "theory_activity":
        activity = activity_for(world, relation, name="Matrix evaluated activity")
        return {"activity_id": activity.pk}
    if rule == "theory_programme":
        return {"programme_id": _programme(world, relation).pk}
    return None


def report_request_body(name: str, counter: int) -> dict[str, Any] | None:
    """A valid theory of change (None: not one of these pages)."""
    if name not in {"evaluation_reports:activity_theory", "evaluation_reports:programme_theory"}:
        return None
    return {
        "problem": f"Few learners from the ward apply to university ({counter}).",
        "inputs": "Two outreach officers; student ambassadors.",
        "activities": "Campus visits and mentoring.",
        "outcomes": "Learners know more about university life.",
        "impacts": "More learners from the ward enter higher education.",
        "assumptions": "Schools release learners for the visits.",
    }
