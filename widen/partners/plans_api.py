"""Flexibility plans in the JSON API, under the same policy and services as the pages.

A student partner (their own token) reads and replaces their own plans, reasons and all. A
coordinator of the partner's provider reads a plan without its reasons unless the student shares
them (`reasons` is then absent, never empty); each read is put in the access log. Anyone else is
answered 404 as for a thing that does not exist.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset, WallClockTime
from widen.core.api_pages import InputSchema, Page, page_of
from widen.partners.selectors.plans import (
    PlanShown,
    my_partner_get,
    my_plan_get,
    my_plans,
    partner_plan_get,
    plan_views_record,
)
from widen.partners.services.plans import Window, plan_update

router = Router(tags=["partners"])


class PartnerPlanWindow(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday.")
    starts_at: WallClockTime
    ends_at: WallClockTime


class PartnerPlanChangeOut(Schema):
    on: date
    starts_at: WallClockTime | None
    ends_at: WallClockTime | None


class PartnerPlanOut(Schema):
    partner_id: UUID
    organisation_id: UUID
    is_set: bool
    windows: list[PartnerPlanWindow]
    changes: list[PartnerPlanChangeOut]
    max_weekly_minutes: int | None
    modes: list[str]
    what_helps: str
    share_reasons: bool
    reasons: str | None = Field(None, description="Only to the student, or when they share it.")


class PartnerPlanPage(Page[PartnerPlanOut]):
    pass


class PartnerPlanIn(InputSchema):
    windows: list[PartnerPlanWindow] = Field(max_length=50)
    max_weekly_hours: Decimal | None = Field(None, ge=0, le=60, max_digits=4, decimal_places=2)
    modes: list[str] = Field(max_length=3)
    what_helps: str = Field("", max_length=2000)
    reasons: str = Field("", max_length=2000)
    share_reasons: bool = False


def _plan_out(shown: PlanShown) -> dict[str, Any]:
    plan = shown.plan
    found: dict[str, Any] = {
        "partner_id": shown.partner.pk,
        "organisation_id": shown.partner.organisation_id,
        "is_set": shown.is_set,
        "windows": [
            {"weekday": window.weekday, "starts_at": window.starts_at, "ends_at": window.ends_at}
            for day in shown.days
            for window in day.windows
        ],
        "changes": [
            {"on": change.date, "starts_at": change.starts_at, "ends_at": change.ends_at}
            for change in shown.changes
        ],
        "max_weekly_minutes": plan.max_weekly_minutes,
        "modes": list(plan.modes),
        "what_helps": plan.what_helps,
        "share_reasons": plan.share_reasons,
    }
    if shown.sees_reasons:
        found["reasons"] = shown.reasons
    return found


@router.get("/plans", response=PartnerPlanPage, exclude_unset=True, operation_id="partner_my_plans")
def partner_my_plans_api(
    request: HttpRequest, limit: PageLimit = 50, offset: PageOffset = 0
) -> dict[str, Any]:
    """My plans, one per provider I am a partner of, with my reasons."""
    return page_of(my_plans(actor=api_actor(request)), limit=limit, offset=offset).answer(_plan_out)


@router.put(
    "/plans/{partner_id}",
    response=PartnerPlanOut,
    exclude_unset=True,
    operation_id="partner_plan_put",
)
def partner_plan_put_api(request: HttpRequest, partner_id: UUID, data: PartnerPlanIn) -> Any:
    """Replace my plan for one provider: when I can work, how much at most, how, what helps and
    why (the reasons shared with the coordinator only if I say so)."""
    actor = api_actor(request)
    partner = my_partner_get(actor=actor, partner_id=partner_id)
    plan_update(
        actor=actor,
        partner=partner,
        windows=[Window(one.weekday, one.starts_at, one.ends_at) for one in data.windows],
        max_weekly_hours=data.max_weekly_hours,
        modes=data.modes,
        what_helps=data.what_helps,
        reasons=data.reasons,
        share_reasons=data.share_reasons,
    )
    partner = my_partner_get(actor=actor, partner_id=partner_id)  # the plan as saved
    return _plan_out(my_plan_get(actor=actor, partner=partner))


@router.get(
    "/partners/{partner_id}/plan",
    response=PartnerPlanOut,
    exclude_unset=True,
    operation_id="partner_plan_get",
)
def partner_plan_get_api(request: HttpRequest, partner_id: UUID) -> Any:
    """A partner's plan as their coordinator sees it: never the reasons unless shared."""
    actor = api_actor(request)
    shown = partner_plan_get(actor=actor, partner_id=partner_id)
    plan_views_record(actor=actor, shown=[shown], purpose="API partner plan read")
    return _plan_out(shown)
