"""The canary person in student support (see `widen.testing.canary`): a row in every model of
student support's register entries, each holding values no other row holds.

Alpha University runs a scheme whose rules the canary's account wrote; the canary's student
record has a home area, is eligible for the scheme (care experienced, as they declared) and was
invited to it; they applied to another of its schemes with evidence. They took up a benefit the
canary's account offered, hold an award (its scheme set up by the canary's account) with an
instalment held, a support record with an identification and a local authority bursary, and a
case with a note, a handover, a referral and an appointment.
"""

from __future__ import annotations

import uuid
from datetime import date

from django.utils import timezone

from widen.accounts.models import User
from widen.core import request_context
from widen.organisations.models import SpecialCategoryCondition
from widen.students.models import Student
from widen.support.models import (
    Appointment,
    Award,
    AwardScheme,
    AwardStatus,
    Benefit,
    BenefitKind,
    BenefitUse,
    CareStatus,
    Case,
    CaseNote,
    CaseTopic,
    Handover,
    Identification,
    IdentificationStage,
    IdentifiedCharacteristic,
    Instalment,
    LocalAuthorityBursary,
    MembershipSource,
    MembershipStatus,
    Referral,
    ReferralService,
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentAreaProfile,
    StudentEligibility,
    SupportRecord,
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
        _seed_benefits_and_awards(values, scheme, tag=tag, student=student, user=user)
        _seed_record_and_casework(values, world, tag=tag, student=student, user=user)
    return values


def _seed_benefits_and_awards(
    values: dict[str, tuple[str, ...]], scheme: Scheme, *, tag: str, student: Student, user: User
) -> None:
    benefit = Benefit.objects.create(
        scheme=scheme,
        kind=BenefitKind.OPPORTUNITY,
        title="Careers fair first look",
        offered_by="Careers service",
        created_by=user,
    )
    values["support.benefit"] = ()
    BenefitUse.objects.create(benefit=benefit, student=student)
    values["support.benefituse"] = ()
    award_scheme = AwardScheme.objects.create(
        organisation=scheme.organisation,
        scheme=scheme,
        name=f"Care leavers' award {uuid.uuid4().hex[:8]}",
        academic_year="2026/27",
        amount_pence=100_000,
        instalment_days=["2026-11-16"],
        created_by=user,
    )
    values["support.awardscheme"] = ()
    award = Award.objects.create(
        award_scheme=award_scheme,
        student=student,
        amount_pence=100_000,
        status=AwardStatus.STOPPED,
        stopped_reason=f"{tag} moved to another university",
    )
    values["support.award"] = (f"{tag} moved to another university",)
    Instalment.objects.create(
        award=award,
        number=1,
        due_on=date(2026, 11, 16),
        amount_pence=100_000,
        status="held",
        held_reason=f"{tag} interrupted on 2 November 2026",
    )
    values["support.instalment"] = (f"{tag} interrupted on 2 November 2026",)


def _seed_record_and_casework(
    values: dict[str, tuple[str, ...]],
    world: World,
    *,
    tag: str,
    student: Student,
    user: User,
) -> None:
    record = SupportRecord.objects.create(
        organisation=world.alpha,
        student=student,
        care_status=CareStatus.CARE_LEAVER,
        local_authority=f"{tag} Borough Council",
        personal_adviser=f"{tag} Personal Adviser, 020 7946 0000",
        support_plan=f"{tag} plans weekly check-ins in first term",
    )
    values["support.supportrecord"] = (
        f"{tag} Borough Council",
        f"{tag} Personal Adviser, 020 7946 0000",
        f"{tag} plans weekly check-ins in first term",
    )
    Identification.objects.create(
        record=record,
        characteristic=IdentifiedCharacteristic.CARE_LEAVER,
        stage=IdentificationStage.ENROLMENT,
        identified_on=date(2026, 9, 21),
        source=f"{tag} enrolment form",
    )
    values["support.identification"] = (f"{tag} enrolment form",)
    LocalAuthorityBursary.objects.create(
        record=record,
        local_authority=f"{tag} Leaving Care Team",
        expected_on=date(2026, 12, 1),
    )
    values["support.localauthoritybursary"] = (f"{tag} Leaving Care Team",)
    case = Case.objects.create(
        organisation=world.alpha,
        student=student,
        topic=CaseTopic.ACCOMMODATION,
        summary=f"{tag} needs somewhere to stay over the summer",
    )
    values["support.case"] = (f"{tag} needs somewhere to stay over the summer",)
    CaseNote.objects.create(case=case, body=f"{tag} said the landlord is threatening eviction")
    values["support.casenote"] = (f"{tag} said the landlord is threatening eviction",)
    Handover.objects.create(case=case, to_adviser=user, note=f"{tag} prefers e-mail to phone calls")
    values["support.handover"] = (f"{tag} prefers e-mail to phone calls",)
    Referral.objects.create(
        case=case,
        service=ReferralService.PERSONAL_ADVISER,
        consent_given_on=date(2026, 10, 5),
        consent_how="in person",
        details=f"{tag} asked their personal adviser for a deposit",
    )
    values["support.referral"] = (f"{tag} asked their personal adviser for a deposit",)
    Appointment.objects.create(
        organisation=world.alpha,
        student=student,
        case=case,
        topic=CaseTopic.ACCOMMODATION,
        request=f"{tag} would like help finding summer housing",
    )
    values["support.appointment"] = (f"{tag} would like help finding summer housing",)
