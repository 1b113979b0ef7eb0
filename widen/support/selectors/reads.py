"""Putting advisers' reads of students' support in the access log, one shape for every area."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from widen.audit.services import access_log_record_subjects
from widen.students.selectors import SUBJECT_TYPE


def support_reads_record(
    *, actor: Any, rows: Iterable[Any], purpose: str, data_categories: Any
) -> int:
    """Put a read of `rows` (each about one student, `row.student`, of its provider,
    `row.organisation_id`) in the access log as a read of each student's record (and of their
    linked learner's), with the data categories it showed; returns how many were logged."""
    by_provider: dict[Any, list[Any]] = {}
    for row in rows:
        by_provider.setdefault(row.organisation_id, []).append(row)
    logged = 0
    for organisation_id, group in by_provider.items():
        logged += access_log_record_subjects(
            actor=actor,
            subject_type=SUBJECT_TYPE,
            subjects=[(row.student_id, row.student.linked_learner_id) for row in group],
            data_categories=data_categories,
            purpose=purpose,
            actor_organisation_id=organisation_id,
        )
    return logged
