"""The canary person as a student partner (see `widen.testing.canary`): a row in every model of
the student partners' register entries, each holding values no other row holds.

The canary's student record becomes a partner who applied (with adjustments), passed a right to
work check, keeps a plan (with reasons, encrypted), was offered and worked a shift, confirmed a
timesheet with a corrected line, was repaid a bus fare (with a photo of the ticket) and raised a
barrier in their own name. Their account also coordinates the role, set up the shift, exported
the pay period's payroll file and owns a mitigation: the attribution entries.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from django.utils import timezone

from widen.accounts.models import User
from widen.core import request_context
from widen.partners.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    Barrier,
    BarrierSource,
    CheckKind,
    ClaimStatus,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseLine,
    FlexibilityPlan,
    Mitigation,
    OnboardingCheck,
    Partner,
    PayPeriod,
    PlanChange,
    PlanPattern,
    Role,
    RoleKind,
    Shift,
    ShiftAssignment,
    ShiftOffer,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
    WorkMode,
)
from widen.payments.models import EntryKind, LedgerEntry, Payee
from widen.students.models import Student
from widen.testing.world import World

# What the canary's receipt holds: a photo's first bytes (kept with the claim, never exported).
RECEIPT_START = b"\xff\xd8\xff\xe0 bus ticket photo "


def seed_canary_partner(
    world: World,
    *,
    tag: str,
    serial: int,
    suffix: str,
    student: Student,
    user: User,
    payee: Payee,
) -> dict[str, tuple[str, ...]]:
    """Make `student` (the canary's student record, `user` their account) a student partner at
    Alpha University; returns the values each partner model holds about them, by model label."""
    now = timezone.now()
    today = timezone.localdate()
    staff = world.users["staff"]
    provider = world.alpha
    values: dict[str, tuple[str, ...]] = {}
    # Two canaries in one world work in different pay periods (one per provider and start).
    period_starts = date(2025, 1, 6) + timedelta(weeks=serial % 97)

    with request_context.bind(source="test", actor=None):
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.AMBASSADOR,
            title=f"Ambassador {suffix}",
            work_involved="Campus tours and question panels.",
            hourly_rate_pence=1400,
            coordinator=user,
            created_by=user,
        )
        values["partners.role"] = ()
        shift = Shift.objects.create(
            organisation=provider,
            role=role,
            title=f"Campus tour {suffix}",
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=3) + timedelta(hours=3),
            created_by=user,
        )
        values["partners.shift"] = ()
        period = PayPeriod.objects.create(
            organisation=provider,
            starts_on=period_starts,
            ends_on=period_starts + timedelta(days=13),
            pay_date=period_starts + timedelta(days=20),
            payroll_exported_at=now,
            payroll_exported_by=user,
        )
        values["partners.payperiod"] = ()

    # What the student did themselves: the audit names them as the actor.
    with request_context.bind(source="test", actor=user):
        application = Application.objects.create(
            role=role,
            student=student,
            status=ApplicationStatus.SUBMITTED,
            why_this_role=f"{tag} wants to show others university is for them",
            what_you_bring=f"{tag} cares for a parent and organises everything",
            adjustments=f"{tag} needs questions in writing beforehand",
            working_patterns=f"{tag} works best in the afternoons",
            submitted_at=now - timedelta(days=20),
            decide_by=today,
        )
        values["partners.application"] = (
            application.why_this_role,
            application.what_you_bring,
            application.adjustments,
            application.working_patterns,
        )

    with request_context.bind(source="test", actor=None):
        Application.objects.filter(pk=application.pk).update(
            status=ApplicationStatus.OFFERED, decided_at=now - timedelta(days=15), decided_by=staff
        )
        partner = Partner.objects.create(organisation=provider, student=student, payee=payee)
        partner.roles.set([role])
        values["partners.partner"] = ()
        OnboardingCheck.objects.create(
            partner=partner,
            kind=CheckKind.RIGHT_TO_WORK,
            completed_on=today - timedelta(days=14),
            expires_on=today + timedelta(days=365),
            checked_by=staff,
            note=f"{tag} share code seen",
        )
        values["partners.onboardingcheck"] = (f"{tag} share code seen",)

    with request_context.bind(source="test", actor=user):
        plan = FlexibilityPlan.objects.create(
            partner=partner,
            organisation=provider,
            max_weekly_minutes=600,
            modes=[WorkMode.ON_SITE, WorkMode.ONLINE],
            what_helps=f"No early starts on Mondays for {tag}",
            reasons=f"{tag} takes their mother to hospital on Monday mornings",
        )
        values["partners.flexibilityplan"] = (plan.what_helps, plan.reasons)
        PlanPattern.objects.create(
            plan=plan, organisation=provider, weekday=1, starts_at=time(12), ends_at=time(18)
        )
        values["partners.planpattern"] = ()
        PlanChange.objects.create(plan=plan, organisation=provider, date=today + timedelta(days=9))
        values["partners.planchange"] = ()

    with request_context.bind(source="test", actor=None):
        ShiftOffer.objects.create(shift=shift, partner=partner)
        values["partners.shiftoffer"] = ()
        assignment = ShiftAssignment.objects.create(
            shift=shift,
            partner=partner,
            status=AssignmentStatus.WORKED,
            worked_minutes=180,
            recorded_by=staff,
        )
        values["partners.shiftassignment"] = ()
        timesheet = Timesheet.objects.create(
            partner=partner,
            pay_period=period,
            status=TimesheetStatus.APPROVED,
            partner_note=f"{tag} stayed on to help clear up",
            query_note=f"{tag}, please say why the tour ran long",
            confirmed_at=now - timedelta(days=2),
            approved_at=now - timedelta(days=1),
            approved_by=staff,
            total_minutes=180,
            total_pence=4200,
        )
        values["partners.timesheet"] = (timesheet.partner_note, timesheet.query_note)
        line = TimesheetLine.objects.create(
            timesheet=timesheet,
            assignment=assignment,
            worked_on=timezone.localdate(shift.starts_at),
            description=shift.title,
            drafted_minutes=150,
            minutes=180,
            hourly_rate_pence=1400,
            correction_note=f"{tag} answered questions after the tour",
        )
        values["partners.timesheetline"] = (line.correction_note,)

        repaid = LedgerEntry.objects.create(
            payee=payee,
            amount_pence=480,
            kind=EntryKind.EXPENSES,
            description="Bus fares to a campus tour",
            recorded_by_id=staff.pk,
            recorded_by_name=staff.get_full_name() or staff.username,
        )
        claim = ExpenseClaim.objects.create(
            organisation=provider,
            partner=partner,
            status=ClaimStatus.PAID,
            purpose="Bus fares to a campus tour",
            shift=shift,
            spent_on=today - timedelta(days=3),
            total_pence=480,
            submitted_at=now - timedelta(days=3),
            approved_at=now - timedelta(days=2),
            approved_by=staff,
            query_note=f"{tag}, the return ticket is missing",
            ledger_entry=repaid,
            paid_on=today,
        )
        values["partners.expenseclaim"] = (claim.query_note,)
        ExpenseLine.objects.create(
            claim=claim,
            category=ExpenseCategory.PUBLIC_TRANSPORT,
            spent_on=today - timedelta(days=3),
            description="Bus, return",
            amount_pence=480,
            receipt_name=f"{tag}-bus-ticket.jpg",
            receipt_type="image/jpeg",
            receipt_content=RECEIPT_START + suffix.encode(),
        )
        values["partners.expenseline"] = (f"{tag}-bus-ticket.jpg",)

    with request_context.bind(source="test", actor=user):
        barrier = Barrier.objects.create(
            organisation=provider,
            title=f"Evening events {suffix}",
            description="The last bus home leaves before evening events end.",
            source=BarrierSource.PARTNER,
            raised_by=partner,
            owner=staff,
        )
        values["partners.barrier"] = ()
    with request_context.bind(source="test", actor=None):
        Mitigation.objects.create(
            barrier=barrier, description=f"Taxi home after events {suffix}", owner=user
        )
        values["partners.mitigation"] = ()
    return values
