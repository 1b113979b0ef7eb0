"""Paid student partners: roles, applications, onboarding checks, the plan each student owns,
shifts, timesheets and pay periods, expense claims and advances, and the barriers register.

One module per concern; everything is importable from `widen.partners.models`.
"""

from widen.partners.models.barriers import Barrier, BarrierSource, BarrierStatus, Mitigation
from widen.partners.models.claims import (
    CLAIM_WORKFLOW,
    ClaimKind,
    ClaimStatus,
    ExpenseCategory,
    ExpenseClaim,
    ExpenseLine,
    Vehicle,
)
from widen.partners.models.plans import FlexibilityPlan, PlanChange, PlanPattern, WorkMode
from widen.partners.models.roles import (
    APPLICATION_WORKFLOW,
    Application,
    ApplicationStatus,
    CheckKind,
    OnboardingCheck,
    Partner,
    PartnerSettings,
    Role,
    RoleKind,
)
from widen.partners.models.shifts import (
    AssignmentSource,
    AssignmentStatus,
    Shift,
    ShiftAllocation,
    ShiftAssignment,
    ShiftKind,
    ShiftOffer,
)
from widen.partners.models.timesheets import (
    TIMESHEET_WORKFLOW,
    PayPeriod,
    Timesheet,
    TimesheetLine,
    TimesheetStatus,
)

__all__ = [
    "APPLICATION_WORKFLOW",
    "CLAIM_WORKFLOW",
    "TIMESHEET_WORKFLOW",
    "Application",
    "ApplicationStatus",
    "AssignmentSource",
    "AssignmentStatus",
    "Barrier",
    "BarrierSource",
    "BarrierStatus",
    "CheckKind",
    "ClaimKind",
    "ClaimStatus",
    "ExpenseCategory",
    "ExpenseClaim",
    "ExpenseLine",
    "FlexibilityPlan",
    "Mitigation",
    "OnboardingCheck",
    "Partner",
    "PartnerSettings",
    "PayPeriod",
    "PlanChange",
    "PlanPattern",
    "Role",
    "RoleKind",
    "Shift",
    "ShiftAllocation",
    "ShiftAssignment",
    "ShiftKind",
    "ShiftOffer",
    "Timesheet",
    "TimesheetLine",
    "TimesheetStatus",
    "Vehicle",
    "WorkMode",
]
