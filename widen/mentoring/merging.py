"""What merging a pupil recorded twice does to their place in mentoring programmes
(`widen.learners.merging` asks every table that points at learners)."""

from __future__ import annotations

from django.db import models

from widen.core.exceptions import ApplicationError
from widen.learners.merging import move
from widen.learners.models import Learner


def mentees_merge(
    model: type[models.Model], field_name: str, kept: Learner, removed: Learner
) -> int:
    """The removed record's places as a mentee move to the kept learner. Where both records are
    mentees of the same programme, each with its own matches, meetings and messages, the merge
    is refused, saying which programme: the two cannot be made one without losing a history."""
    manager = model._default_manager
    kept_in = set(manager.filter(**{field_name: kept}).values_list("programme_id", flat=True))
    both = (
        manager.filter(**{field_name: removed, "programme_id__in": kept_in})
        .order_by("programme__name")
        .values_list("programme__name", flat=True)
    )
    if both:
        names = ", ".join(f'"{name}"' for name in both)
        raise ApplicationError(
            f"Both records are mentees in the mentoring programme {names}, each with their own "
            "matches, meetings and messages, so they cannot be merged: ask the programme's "
            "coordinator to withdraw one of them, then merge.",
            field="learner",
        )
    return move(model, field_name, kept, removed)
