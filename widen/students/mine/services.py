"""What a student may change on their own record: their preferred name, phone and term-time
postcode. Each change is audited as done by them."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from widen.core import request_context
from widen.students.mine.selectors import my_student_get
from widen.students.models import Student

STUDENT_CORRECTS = ("preferred_name", "phone", "term_postcode")


@transaction.atomic
def my_details_update(*, actor: Any, student: Student, **changes: str) -> list[str]:
    """Correct `student`'s own details (only `STUDENT_CORRECTS`); the fields changed."""
    unknown = set(changes) - set(STUDENT_CORRECTS)
    if unknown:
        raise ValueError(f"A student does not change {sorted(unknown)} themselves.")
    own = my_student_get(actor=actor, student_id=student.pk)  # refuses anyone else's
    changed = [name for name, value in changes.items() if getattr(own, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(own, name, changes[name])
    own.full_clean(exclude=[f.name for f in Student._meta.fields if f.name not in changed])
    with request_context.bind(actor=actor):
        own.save(update_fields=[*changed, "updated_at"])
    return changed
