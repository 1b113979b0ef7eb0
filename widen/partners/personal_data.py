"""Student partners' personal data in the register (see `widen.audit.registry`).

A partner is found as their student record is: by the e-mail address they are known by, their
account, and the learner record it was linked to. Their applications and plan are theirs alone
and go when they are erased; what they were paid and repaid (timesheets, claims, the shifts
behind them) is kept six years after the tax year, as HMRC requires, and their onboarding
checks as long as the Home Office requires (the student's record is anonymised around them).
Erasure leaves those records without the notes written by or to the student, or the name their
receipt's file came with, and the partner no longer active; a barrier they raised stays in the
register as if raised anonymously.
"""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import models

from widen.audit import registry
from widen.partners.models import (
    Application,
    ApplicationStatus,
    Barrier,
    ExpenseClaim,
    ExpenseLine,
    FlexibilityPlan,
    Mitigation,
    OnboardingCheck,
    Partner,
    PartnerSettings,
    PayPeriod,
    PlanChange,
    PlanPattern,
    Role,
    Shift,
    ShiftAssignment,
    ShiftOffer,
    Timesheet,
    TimesheetLine,
)

SIX_YEARS = registry.KeptWhileParent(
    "six years after the end of the tax year they were paid in (HMRC record keeping)"
)
WITH_THE_PARTNER = registry.KeptWhileParent("as long as they are a student partner")


def _partner_subjects(prefix: str) -> dict[registry.Subject, str]:
    return {
        registry.Subject.EMAIL: f"{prefix}student__email",
        registry.Subject.USER: f"{prefix}student__user",
        registry.Subject.LEARNER: f"{prefix}student__linked_learner",
    }


def _receipt_renamed(line: ExpenseLine) -> str:
    if not line.receipt_name:
        return ""
    ending = PurePosixPath(line.receipt_name.replace("\\", "/")).suffix.lower()
    return f"receipt{ending}" if ending[1:].isalnum() and len(ending) <= 6 else "receipt"


def applications_past_period(rows: models.QuerySet[Any], today: date) -> models.QuerySet[Any]:
    """Applications not offered (declined, withdrawn, or a draft never sent) a year on."""
    cutoff = today - relativedelta(years=1)
    return rows.filter(
        status__in=[
            ApplicationStatus.DECLINED,
            ApplicationStatus.WITHDRAWN,
            ApplicationStatus.DRAFT,
        ],
        updated_at__date__lt=cutoff,
    )


registry.declare(
    model=Partner,
    subjects=_partner_subjects(""),
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.CONTRACT,
    retention=registry.KeptWhileParent("as long as the student's record"),
    # Kept for the pay and claims that point at it, but never offered work again.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"is_active": False},
    title="Your work as a student partner",
    organisation_path="organisation",
)
registry.declare(
    model=Application,
    subjects=_partner_subjects(""),
    categories=frozenset({registry.Category.IDENTITY, registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.CONTRACT,
    retention=registry.Retention(
        "a year after an application that was not offered (declined, withdrawn or never sent); "
        "an offered one as long as the student's record",
        registry.Action.DELETE,
        applications_past_period,
    ),
    erasure=registry.Erasure.DELETE,
    title="Your applications for paid roles",
    organisation_path="student__organisation",
)
registry.declare(
    model=OnboardingCheck,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=registry.KeptWhileParent(
        "while they work and two years after (Home Office right-to-work record keeping)"
    ),
    # The check (which, when, until when, who checked) stays; a note may hold a share code.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"note": ""},
    title="Your onboarding checks",
    organisation_path="partner__organisation",
)
registry.declare(
    model=FlexibilityPlan,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.PARTICIPATION, registry.Category.SPECIAL_CATEGORY}),
    lawful_basis=registry.LawfulBasis.CONTRACT,
    retention=WITH_THE_PARTNER,
    erasure=registry.Erasure.DELETE,
    title="Your flexibility plan",
    organisation_path="organisation",
)
for model, title in ((PlanPattern, "When you can work"), (PlanChange, "One-off changes")):
    registry.declare(
        model=model,
        subjects=_partner_subjects("plan__partner__"),
        categories=frozenset({registry.Category.PARTICIPATION}),
        lawful_basis=registry.LawfulBasis.CONTRACT,
        retention=WITH_THE_PARTNER,
        erasure=registry.Erasure.DELETE,
        title=title,
        organisation_path="organisation",
    )
registry.declare(
    model=ShiftOffer,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.CONTRACT,
    retention=WITH_THE_PARTNER,
    erasure=registry.Erasure.DELETE,
    title="Shifts offered to you",
    organisation_path="shift__organisation",
)
registry.declare(
    model=ShiftAssignment,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    erasure=registry.Erasure.KEEP,
    title="Your shifts",
    organisation_path="shift__organisation",
)
registry.declare(
    model=Timesheet,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    # The hours and pay stay; the notes are the student's and the coordinator's own words.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"partner_note": "", "query_note": ""},
    title="Your timesheets",
    organisation_path="pay_period__organisation",
)
registry.declare(
    model=TimesheetLine,
    subjects=_partner_subjects("timesheet__partner__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"correction_note": ""},
    title="Hours on your timesheets",
    organisation_path="timesheet__pay_period__organisation",
)
registry.declare(
    model=ExpenseClaim,
    subjects=_partner_subjects("partner__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    # What was spent, on what and when stays; a query is written to the student.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"query_note": ""},
    title="Your expense claims and advances",
    organisation_path="organisation",
)
registry.declare(
    model=ExpenseLine,
    subjects=_partner_subjects("claim__partner__"),
    categories=frozenset({registry.Category.FINANCIAL}),
    lawful_basis=registry.LawfulBasis.LEGAL_OBLIGATION,
    retention=SIX_YEARS,
    # The receipt stays as the evidence of the expense; the name the file came with may name
    # the student (their phone's photo), so it becomes "receipt" with the file's own ending.
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"receipt_name": _receipt_renamed},
    not_exported=frozenset({"receipt_content"}),
    title="What you claimed, line by line",
    organisation_path="claim__organisation",
)
registry.declare(
    model=Barrier,
    # Only the student who raised it: the owner is a member of staff named as the one acting
    # on it (erasing an owner must not unlink the student, nor export the student's name).
    subjects=_partner_subjects("raised_by__"),
    categories=frozenset({registry.Category.PARTICIPATION}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("as long as the register of barriers"),
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"raised_by": None},
    title="Barriers you raised",
    organisation_path="organisation",
)
registry.declare_attribution(Mitigation, "owner", title="Mitigations you own")
registry.declare_attribution(Role, "coordinator", "created_by", title="Roles you coordinate")
registry.declare_attribution(Shift, "created_by", title="Shifts you set up")
registry.declare_attribution(PayPeriod, "payroll_exported_by", title="Payroll files you exported")
registry.declare_not_personal(PartnerSettings, "a provider's promises to its partners")
