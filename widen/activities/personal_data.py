"""Attendance and registers in the register of personal data (see `widen.audit.registry`)."""

from __future__ import annotations

from widen.activities.models import Activity, Attendance, RegisterImport
from widen.audit.registry import (
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Subject,
    declare,
    declare_attribution,
    declare_staged_upload,
)

declare(
    model=Attendance,
    subjects={Subject.LEARNER: "learner"},
    categories=frozenset({Category.PARTICIPATION}),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=KeptWhileParent(
        "as long as the learner's record (kept for the partnership's statistics once the "
        "learner is anonymised)"
    ),
    erasure=Erasure.KEEP,
    title="Sessions attended",
)
declare_staged_upload(RegisterImport, title="Registers uploaded")
declare_attribution(Activity, "created_by", title="Activities you created")
