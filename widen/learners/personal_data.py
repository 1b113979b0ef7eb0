"""Learners' personal data in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from widen.audit import registry
from widen.learners.models import (
    ConsentRecord,
    DuplicateCandidate,
    ImportColumnMapping,
    ImportRun,
    Learner,
    ParentCarer,
    SavedSearch,
)

WITH_THE_LEARNER = registry.KeptWhileParent("as long as the learner's record")


def cohort_start(learner: Learner) -> date:
    """The first day of the academic year the learner was born in: their school cohort, kept for
    statistics once the exact date of birth goes."""
    born = learner.date_of_birth
    return date(born.year if born.month >= 9 else born.year - 1, 9, 1)


def left_year_13_before(today: date, *, years: int) -> date:
    """Learners born before this date left Year 13 more than `years` years before `today`.

    A learner born in the academic year starting 1 September Y is in Year 13 in the year starting
    1 September Y+17 and leaves on 31 August Y+18."""
    last_ended = today.year if today >= date(today.year, 8, 31) else today.year - 1
    return date(last_ended - 18 - years + 1, 9, 1)


def learners_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    years = settings.WIDEN_LEARNER_YEARS_AFTER_YEAR_13
    tracked = ConsentRecord.objects.filter(
        withdrawn_on__isnull=True, tracks_until__gte=today
    ).values("learner_id")
    return rows.filter(
        anonymised_at__isnull=True,
        date_of_birth__lt=left_year_13_before(today, years=years),
    ).exclude(pk__in=tracked)


LEARNER_ANONYMISED: dict[str, Any] = {
    "first_name": "Anonymised",
    "last_name": "learner",
    "preferred_name": "",
    "date_of_birth": cohort_start,
    "home_postcode": "",
    "upn": "",
    "uln": "",
    "reference": "",
    "sex": "",
    "ethnicity": "",
    "disability": None,
    "care_experienced": None,
    "young_carer": None,
    "estranged": None,
    "anonymised_at": lambda learner: timezone.now(),
}

registry.declare(
    model=Learner,
    subjects={registry.Subject.LEARNER: "pk"},
    categories=frozenset(
        {
            registry.Category.IDENTITY,
            registry.Category.CHARACTERISTICS,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=registry.Retention(
        "until the set number of years after the learner leaves Year 13 "
        "(WIDEN_LEARNER_YEARS_AFTER_YEAR_13), or longer while their consent to tracking covers "
        "it; then anonymised (school, cohort and free-school-meal flags stay for statistics)",
        registry.Action.ANONYMISE,
        learners_past_period,
    ),
    erasure=registry.Erasure.ANONYMISE,
    anonymised=LEARNER_ANONYMISED,
    title="Learner records",
)

registry.declare(
    model=ParentCarer,
    subjects={registry.Subject.LEARNER: "learner", registry.Subject.EMAIL: "email"},
    categories=frozenset({registry.Category.IDENTITY, registry.Category.CONTACT}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_LEARNER,
    erasure=registry.Erasure.DELETE,
    title="Parents and carers",
    organisation_path="learner__organisation",
)

registry.declare(
    model=ConsentRecord,
    subjects={registry.Subject.LEARNER: "learner"},
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=WITH_THE_LEARNER,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"given_by_name": ""},
    title="Consent and lawful basis",
)

registry.declare(
    model=DuplicateCandidate,
    subjects={
        registry.Subject.LEARNER: ("learner_one_key", "learner_two_key"),
        registry.Subject.USER: "decided_by",
    },
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=WITH_THE_LEARNER,
    erasure=registry.Erasure.DELETE,
    title="Possible duplicate records",
)

registry.declare(
    model=SavedSearch,
    subjects={registry.Subject.USER: "owner"},
    categories=frozenset({registry.Category.ACCOUNT}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("until its owner deletes it or their account goes"),
    erasure=registry.Erasure.DELETE,
    title="Saved searches",
)

registry.declare_staged_upload(ImportRun, title="Pupil lists uploaded")
registry.declare_not_personal(
    ImportColumnMapping, "a saved mapping of column headings; its name names the mapping"
)
