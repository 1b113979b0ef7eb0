"""Students' personal data in the register (see `widen.audit.registry`).

A student is found by the e-mail address they are known by, and through the learner record they
were linked to (their outreach past).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone

from widen.audit import registry
from widen.students.models import (
    Declaration,
    LearnerLink,
    Student,
    StudentImport,
    StudentStatus,
    StudentStatusChange,
    TermDates,
)

LEFT = (StudentStatus.WITHDRAWN, StudentStatus.COMPLETED, StudentStatus.GRADUATED)
WITH_THE_STUDENT = registry.KeptWhileParent("as long as the student's record")


def students_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    """Students who left (withdrew, completed or graduated) more than the set number of years
    ago (WIDEN_STUDENT_YEARS_AFTER_LEAVING), not yet anonymised."""
    cutoff = today - relativedelta(years=settings.WIDEN_STUDENT_YEARS_AFTER_LEAVING)
    return rows.filter(status__in=LEFT, status_since__lt=cutoff).filter(anonymised_at__isnull=True)


STUDENT_ANONYMISED: dict[str, Any] = {
    "student_number": lambda student: f"anon-{str(student.pk)[:12]}",
    "first_name": "Anonymised",
    "last_name": "student",
    "preferred_name": "",
    "date_of_birth": None,
    "email": "",
    "phone": "",
    "home_postcode": "",
    "term_postcode": "",
    "uln": "",
    "sex": "",
    "ethnicity": "",
    "care_experienced": None,
    "estranged": None,
    "young_adult_carer": None,
    "disabled": None,
    "linked_learner": None,
    "user": None,
    "anonymised_at": lambda student: timezone.now(),
}

registry.declare(
    model=Student,
    subjects={
        registry.Subject.EMAIL: "email",
        registry.Subject.LEARNER: "linked_learner",
        registry.Subject.USER: "user",
    },
    categories=frozenset(
        {
            registry.Category.IDENTITY,
            registry.Category.CONTACT,
            registry.Category.CHARACTERISTICS,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=registry.Retention(
        "until the set number of years after the student withdrew, completed or graduated "
        "(WIDEN_STUDENT_YEARS_AFTER_LEAVING); then anonymised (course, level, status and the "
        "first-in-family, income and free-school-meal flags stay for statistics)",
        registry.Action.ANONYMISE,
        students_past_period,
    ),
    erasure=registry.Erasure.ANONYMISE,
    anonymised=STUDENT_ANONYMISED,
    title="Student records",
)

registry.declare(
    model=StudentStatusChange,
    subjects={
        registry.Subject.EMAIL: "student__email",
        registry.Subject.LEARNER: "student__linked_learner",
    },
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.KEEP,
    title="Your status as a student, over time",
    organisation_path="student__organisation",
)

registry.declare(
    model=Declaration,
    subjects={
        registry.Subject.EMAIL: "student__email",
        registry.Subject.LEARNER: "student__linked_learner",
    },
    categories=frozenset({registry.Category.CHARACTERISTICS, registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="What you declared about yourself, and who recorded it",
    organisation_path="student__organisation",
)

registry.declare(
    model=LearnerLink,
    subjects={registry.Subject.LEARNER: "learner", registry.Subject.EMAIL: "student__email"},
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_STUDENT,
    erasure=registry.Erasure.DELETE,
    title="Your student record matched to your record from outreach",
    organisation_path="student__organisation",
)

registry.declare_staged_upload(StudentImport, title="Student lists uploaded")
registry.declare_not_personal(TermDates, "a provider's term dates")
