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
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from widen.accounts.models import Role
from widen.activities.models import Activity
from widen.events.models import Event, EventKind
from widen.programmes.models import ActivitySubType, Programme, ProgrammeStage
from widen.testing.world import World

REPORT_OBJECT_RULES = {"event_report", "theory_activity", "theory_programme"}
THEORY_WRITERS = {Role.PARTNERSHIP_ADMIN, Role.OUTREACH_OFFICER}


def _activity(world: World, relation: str) -> Activity:
    partnership, deliverer = {
        "own": (world.north, world.alpha),
        "partner": (world.north, world.beta),
        "unrelated": (world.south, world.gamma),
    }[relation]
    activity, _ = Activity.objects.get_or_create(
        partnership=partnership,
        delivered_by=deliverer,
        name="Matrix evaluated activity",
        defaults={"sub_type": ActivitySubType.objects.filter(partnership=None).first()},
    )
    return activity


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
        return {"activity_id": _activity(world, relation).pk}
    if rule == "theory_programme":
        return {"programme_id": _programme(world, relation).pk}
    return None


def report_expected_status(
    entry: dict[str, Any], method: str, role: str, relation: str, *, api: bool = False
) -> int | None:
    """The status a cell of one of these rules gets (None: not one of them)."""
    rule = entry["rule"]
    if rule not in REPORT_OBJECT_RULES:
        return None
    if role == "anonymous":
        return 401 if api else 302
    ours = relation in {"own", "partner"}
    if rule == "event_report":
        return int(entry.get("allowed", 200)) if ours else 404
    if not (ours and role in THEORY_WRITERS):
        return 404
    return 302 if method == "POST" else int(entry.get("allowed", 200))


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
