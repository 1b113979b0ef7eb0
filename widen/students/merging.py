"""What merging two learner records does with students' links to them (`MERGE_RULES`)."""

from __future__ import annotations

from django.db import models

from widen.learners.merging import move
from widen.learners.models import Learner
from widen.students.models import LearnerLink


def learner_links_after_merge(
    model: type[models.Model], field_name: str, kept: Learner, removed: Learner
) -> int:
    """A student's proposed or decided match with the removed record becomes one with the kept
    record; where the student already has one with the kept record, the kept one stays (its
    decision stands) and the removed record's is dropped."""
    both = LearnerLink.objects.filter(learner=kept).values("student_id")
    dropped, _ = LearnerLink.objects.filter(learner=removed, student_id__in=both).delete()
    return move(model, field_name, kept, removed) + dropped


def register_merge_rules() -> None:
    from widen.learners.merging import MERGE_RULES, MergeRule  # noqa: PLC0415

    MERGE_RULES["students.Student.linked_learner"] = MergeRule(
        move, "the student's record is linked to the kept learner"
    )
    MERGE_RULES["students.LearnerLink.learner"] = MergeRule(
        learner_links_after_merge, "move; one match per student and learner, the kept one stays"
    )
