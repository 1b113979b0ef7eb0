"""A scheme's outcomes for those who manage it: its members' continuation and completion beside
similar students of the provider who never joined (`widen.support.outcomes`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from widen.students.models import StudentStatusChange
from widen.support.models import Scheme, SchemeMembership
from widen.support.outcomes import (
    OutcomeComparison,
    changes_frame,
    scheme_outcomes,
    students_frame,
)
from widen.support.selectors.schemes import _students_seen


def scheme_outcomes_for(
    *, actor: Any, scheme: Scheme, today: date | None = None
) -> list[OutcomeComparison]:
    """Continuation and completion of the scheme's members beside matched non-members, over the
    provider's students `actor` may see (with special category access when the scheme's rules
    read it: membership would tell it). Anyone who joined counts as a member, even if they left."""
    students = _students_seen(actor, scheme)
    joined = set(
        SchemeMembership.objects.filter(scheme=scheme, joined_at__isnull=False).values_list(
            "student_id", flat=True
        )
    )
    rows = students.values(
        "id",
        "status",
        "starts_on",
        "expected_end_on",
        "level",
        "mode",
        "first_in_family",
        "household_income_band",
    )
    frame = students_frame(
        {**row, "student_id": str(row["id"]), "member": row["id"] in joined} for row in rows
    )
    changes = changes_frame(
        {**change, "student_id": str(change["student_id"])}
        for change in StudentStatusChange.objects.filter(student__in=students).values(
            "student_id", "changed_on", "status", "previous_status"
        )
    )
    return scheme_outcomes(frame, changes, today=today or timezone.localdate())
