"""The canary person in student support (see `widen.testing.canary`): a row in every model of
student support's register entries, each holding values no other row holds.

Alpha University runs a scheme whose rules the canary's account wrote; the canary's student
record has a home area, is eligible for the scheme (care experienced, as they declared) and was
invited to it; they applied to another of its schemes with evidence.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from widen.accounts.models import User
from widen.core import request_context
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import Student
from widen.support.models import (
    MembershipSource,
    MembershipStatus,
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentAreaProfile,
    StudentEligibility,
)
from widen.testing.world import World

STATUTORY = SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY


def seed_canary_support(
    world: World, *, tag: str, postcode: str, student: Student, user: User
) -> dict[str, tuple[str, ...]]:
    """Put `student` (the canary's student record, `user` their account) in Alpha University's
    student support; returns the values each support model holds about them, by model label."""
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, tuple[str, ...]] = {}
    with request_context.bind(source="test", actor=None):
        scheme = Scheme.objects.create(
            organisation=world.alpha,
            name=f"Care leavers' bursary {suffix}",
            purpose="Money and a named contact for care-experienced students.",
            special_category_condition=STATUTORY,
        )
        version = SchemeRuleVersion.objects.create(
            scheme=scheme,
            number=1,
            definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
            description="care experienced",
            uses_special_category=True,
            created_by=user,
        )
        values["support.schemeruleversion"] = ()
        StudentEligibility.objects.create(
            scheme=scheme,
            student=student,
            version=version,
            eligible=True,
            explanation=f"eligible: care experienced (declared to {tag} adviser)",
            computed_at=timezone.now(),
        )
        values["support.studenteligibility"] = (
            f"eligible: care experienced (declared to {tag} adviser)",
        )
        StudentAreaProfile.objects.create(
            student=student, postcode=postcode, status="found", computed_at=timezone.now()
        )
        values["support.studentareaprofile"] = (postcode,)
        SchemeMembership.objects.create(
            scheme=scheme,
            student=student,
            status=MembershipStatus.INVITED,
            source=MembershipSource.RECORDS,
            reason=f"eligible: care experienced (declared to {tag} adviser)",
            invited_at=timezone.now(),
        )
        mentoring = Scheme.objects.create(
            organisation=world.alpha, name=f"Estranged students' mentoring {suffix}"
        )
        SchemeMembership.objects.create(
            scheme=mentoring,
            student=student,
            status=MembershipStatus.APPLIED,
            source=MembershipSource.APPLICATION,
            evidence=f"{tag} has not been in touch with their parents for three years",
            applied_at=timezone.now(),
            status_changed_by=user,
        )
        values["support.schememembership"] = (
            f"eligible: care experienced (declared to {tag} adviser)",
            f"{tag} has not been in touch with their parents for three years",
        )
    return values
