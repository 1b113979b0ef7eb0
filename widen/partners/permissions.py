"""Who may see and do what in the student partners' scheme. The one place that decides.

* **A coordinator** (`Capability.PARTNERS_COORDINATE`, held by an HE provider's admins and
  outreach officers) works with their own provider's partners only: its roles, applications
  (once submitted), partners and their checks, plans (never the reasons, unless the student
  shares them: `FlexibilityPlan.reasons_for_coordinator`), shifts, timesheets, claims (once
  submitted) and barriers. Another provider's, even in the same partnership, are not theirs.
* **A student** signed in (see `widen.students.mine`) works with their own: the open roles of
  the providers holding their records, their applications, their partner record, plan, shifts
  offered to them or booked by them, timesheets and claims, and their provider's barriers
  register (never who raised a barrier).

Nobody else sees any of it, whatever their role. Work done by Widen itself names
`system_actor(...)` and may do everything; a refusal answers like a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation, OrganisationType
from widen.partners.models import (
    Application,
    ApplicationStatus,
    Barrier,
    ClaimStatus,
    ExpenseClaim,
    FlexibilityPlan,
    Partner,
    Role,
    Shift,
    ShiftAssignment,
    Timesheet,
)
from widen.students.mine.selectors import my_students
from widen.students.models import Student

MANAGE = "manage"  # a coordinator's work on the thing
APPLY = "apply"  # a student applying to a role
EDIT = "edit"  # the owner changing their own (an application's draft, a plan, a claim)
DECIDE = "decide"  # a coordinator deciding (an application, a claim)
CLAIM = "claim"  # a partner taking an open shift offered to them
DROP = "drop"  # a partner dropping (or swapping) a shift booked by them
TAKE_OVER = "take_over"  # a partner taking over a shift a colleague asked them to swap
CONFIRM = "confirm"  # a partner confirming or correcting their own timesheet
APPROVE = "approve"  # a coordinator approving a timesheet


def coordinated_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose partner scheme `actor` coordinates (every one, for the system)."""
    if is_system(actor):
        return Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    return organisations_granting(actor, Capability.PARTNERS_COORDINATE).filter(
        organisation_type=OrganisationType.HE_PROVIDER
    )


def may_coordinate(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` coordinates partners at `organisation` (at any provider, when none)."""
    if is_system(actor):
        return True
    if organisation is None:
        return coordinated_providers(actor).exists()
    return holds(actor, Capability.PARTNERS_COORDINATE, organisation) and (
        organisation.organisation_type == OrganisationType.HE_PROVIDER
    )


def own_students(actor: Any) -> QuerySet[Student]:
    """The signed-in person's own student records (none for a system actor or anyone else)."""
    if not is_person(actor):
        return Student.objects.none()
    return my_students(actor=actor)


def my_partners(actor: Any) -> QuerySet[Partner]:
    """The signed-in person's own partner records (one per provider they work for)."""
    return Partner.objects.filter(student__in=own_students(actor), is_active=True)


def is_partner(actor: Any) -> bool:
    return my_partners(actor).exists()


class RolePolicy(Policy[Role]):
    actions = frozenset({VIEW, MANAGE, APPLY})

    def visible_to(self, actor: Any) -> QuerySet[Role]:
        if is_system(actor):
            return Role.objects.all()
        if not is_person(actor):
            return Role.objects.none()
        providers = own_students(actor).values("organisation")
        return Role.objects.filter(
            Q(organisation__in=coordinated_providers(actor))
            | Q(organisation__in=providers, is_open=True)
        )

    def _may(self, actor: Any, action: str, obj: Role) -> bool:
        if action == MANAGE:
            return may_coordinate(actor, obj.organisation)
        if action == APPLY:
            return (
                obj.is_open
                and own_students(actor).filter(organisation_id=obj.organisation_id).exists()
            )
        return False


class ApplicationPolicy(Policy[Application]):
    actions = frozenset({VIEW, EDIT, DECIDE})

    def visible_to(self, actor: Any) -> QuerySet[Application]:
        if is_system(actor):
            return Application.objects.all()
        if not is_person(actor):
            return Application.objects.none()
        return Application.objects.filter(
            Q(student__in=own_students(actor))
            | (
                Q(role__organisation__in=coordinated_providers(actor))
                & ~Q(status=ApplicationStatus.DRAFT)
            )
        )

    def _may(self, actor: Any, action: str, obj: Application) -> bool:
        if action == EDIT:
            return (
                obj.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
                and own_students(actor).filter(pk=obj.student_id).exists()
            )
        if action == DECIDE:
            return obj.is_submitted and may_coordinate(actor, obj.role.organisation)
        return False


class PartnerPolicy(Policy[Partner]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[Partner]:
        if is_system(actor):
            return Partner.objects.all()
        if not is_person(actor):
            return Partner.objects.none()
        return Partner.objects.filter(
            Q(organisation__in=coordinated_providers(actor)) | Q(student__in=own_students(actor))
        )

    def _may(self, actor: Any, action: str, obj: Partner) -> bool:
        return action == MANAGE and may_coordinate(actor, obj.organisation)


class PlanPolicy(Policy[FlexibilityPlan]):
    """A plan is its student's: only they change it; their coordinator reads it (not the
    reasons, unless shared)."""

    actions = frozenset({VIEW, EDIT})

    def visible_to(self, actor: Any) -> QuerySet[FlexibilityPlan]:
        if is_system(actor):
            return FlexibilityPlan.objects.all()
        if not is_person(actor):
            return FlexibilityPlan.objects.none()
        return FlexibilityPlan.objects.filter(
            Q(organisation__in=coordinated_providers(actor)) | Q(partner__in=my_partners(actor))
        )

    def _may(self, actor: Any, action: str, obj: FlexibilityPlan) -> bool:
        if is_system(actor):
            return True
        return action == EDIT and my_partners(actor).filter(pk=obj.partner_id).exists()

    def sees_reasons(self, actor: Any, plan: FlexibilityPlan) -> bool:
        """Whether `actor` may read the plan's reasons: the student always; nobody else unless
        the student shares them with their coordinator."""
        if my_partners(actor).filter(pk=plan.partner_id).exists():
            return True
        return plan.share_reasons and may_coordinate(actor, plan.organisation)


class ShiftPolicy(Policy[Shift]):
    actions = frozenset({VIEW, MANAGE, CLAIM})

    def visible_to(self, actor: Any) -> QuerySet[Shift]:
        if is_system(actor):
            return Shift.objects.all()
        if not is_person(actor):
            return Shift.objects.none()
        mine = my_partners(actor)
        return Shift.objects.filter(
            Q(organisation__in=coordinated_providers(actor))
            | Q(offers__partner__in=mine)
            | Q(assignments__partner__in=mine)
        ).distinct()

    def _may(self, actor: Any, action: str, obj: Shift) -> bool:
        if action == MANAGE:
            return may_coordinate(actor, obj.organisation)
        if action == CLAIM:
            return (
                not obj.is_cancelled and obj.offers.filter(partner__in=my_partners(actor)).exists()
            )
        return False


class AssignmentPolicy(Policy[ShiftAssignment]):
    actions = frozenset({VIEW, DROP, TAKE_OVER, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[ShiftAssignment]:
        if is_system(actor):
            return ShiftAssignment.objects.all()
        if not is_person(actor):
            return ShiftAssignment.objects.none()
        return ShiftAssignment.objects.filter(
            Q(shift__organisation__in=coordinated_providers(actor))
            | Q(partner__in=my_partners(actor))
            | Q(swap_offered_to__in=my_partners(actor))
        )

    def _may(self, actor: Any, action: str, obj: ShiftAssignment) -> bool:
        if action == DROP:
            return obj.is_booked and my_partners(actor).filter(pk=obj.partner_id).exists()
        if action == TAKE_OVER:
            return (
                obj.is_booked
                and obj.swap_offered_to_id is not None
                and my_partners(actor).filter(pk=obj.swap_offered_to_id).exists()
            )
        if action == MANAGE:
            return may_coordinate(actor, obj.shift.organisation)
        return False


class TimesheetPolicy(Policy[Timesheet]):
    actions = frozenset({VIEW, CONFIRM, APPROVE})

    def visible_to(self, actor: Any) -> QuerySet[Timesheet]:
        if is_system(actor):
            return Timesheet.objects.all()
        if not is_person(actor):
            return Timesheet.objects.none()
        return Timesheet.objects.filter(
            Q(pay_period__organisation__in=coordinated_providers(actor))
            | Q(partner__in=my_partners(actor))
        )

    def _may(self, actor: Any, action: str, obj: Timesheet) -> bool:
        if action == CONFIRM:
            return obj.partner_may_change and my_partners(actor).filter(pk=obj.partner_id).exists()
        if action == APPROVE:
            return obj.is_confirmed and may_coordinate(actor, obj.pay_period.organisation)
        return False


class ClaimPolicy(Policy[ExpenseClaim]):
    actions = frozenset({VIEW, EDIT, DECIDE})

    def visible_to(self, actor: Any) -> QuerySet[ExpenseClaim]:
        if is_system(actor):
            return ExpenseClaim.objects.all()
        if not is_person(actor):
            return ExpenseClaim.objects.none()
        return ExpenseClaim.objects.filter(
            Q(partner__in=my_partners(actor))
            | (Q(organisation__in=coordinated_providers(actor)) & ~Q(status=ClaimStatus.DRAFT))
        )

    def _may(self, actor: Any, action: str, obj: ExpenseClaim) -> bool:
        if action == EDIT:
            return obj.partner_may_change and my_partners(actor).filter(pk=obj.partner_id).exists()
        if action == DECIDE:
            return obj.is_submitted and may_coordinate(actor, obj.organisation)
        return False


class BarrierPolicy(Policy[Barrier]):
    """Every partner of a provider sees its barriers register (never who raised a barrier);
    its coordinators keep it."""

    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[Barrier]:
        if is_system(actor):
            return Barrier.objects.all()
        if not is_person(actor):
            return Barrier.objects.none()
        return Barrier.objects.filter(
            Q(organisation__in=coordinated_providers(actor))
            | Q(organisation__in=my_partners(actor).values("organisation"))
        )

    def _may(self, actor: Any, action: str, obj: Barrier) -> bool:
        return action == MANAGE and may_coordinate(actor, obj.organisation)


role_policy = RolePolicy()
application_policy = ApplicationPolicy()
partner_policy = PartnerPolicy()
plan_policy = PlanPolicy()
shift_policy = ShiftPolicy()
assignment_policy = AssignmentPolicy()
timesheet_policy = TimesheetPolicy()
claim_policy = ClaimPolicy()
barrier_policy = BarrierPolicy()
