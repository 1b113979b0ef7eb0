"""Bursaries and awards in the JSON API, under the same policy, selectors and services as their
pages.

Someone who manages a provider's awards (`support.manage_awards`: its organisation admins and
student support advisers) lists, reads, sets up and changes its award schemes (amounts in
pence), offers one to its support scheme's members (hearing who was not offered and why), lists
its awards with their instalments, stops an award saying why, lists the instalments (held first,
to chase) and reads the finance summary. A signed-in student lists their own awards with their
schedule and what has been paid, and accepts or declines an award offered to them. Anyone else
is answered 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.students.mine.selectors import my_students
from widen.support.award_forms import amount_words
from widen.support.models import Award, AwardScheme, AwardStatus, Instalment, InstalmentStatus
from widen.support.permissions.awards import (
    MANAGE,
    RESPOND,
    award_policy,
    award_providers,
    award_scheme_policy,
)
from widen.support.selectors.award_schemes import (
    award_scheme_awards,
    award_scheme_get,
    award_scheme_list,
    award_students_record,
    instalment_list,
)
from widen.support.selectors.finance import finance_summary
from widen.support.services.awards import (
    award_accept,
    award_decline,
    award_scheme_create,
    award_stop,
    awards_offer,
)

router = Router(tags=["student support: awards"])


class AwardSchemeOut(Schema):
    id: UUID
    organisation_id: UUID
    scheme_id: UUID = Field(description="The support scheme whose members are offered it.")
    name: str
    purpose: str
    academic_year: str
    amount_pence: int | None
    amounts_by_income_band: dict[str, int]
    amount: str = Field(description='In words: "£1,000.00 for every student", or by band.')
    instalment_days: list[date]
    is_active: bool


class AwardSchemeIn(InputSchema):
    organisation_id: UUID
    scheme_id: UUID
    name: str = Field(..., min_length=1, max_length=120)
    academic_year: str = Field(..., min_length=7, max_length=7, examples=["2026/27"])
    purpose: str = Field("", max_length=4000)
    amount_pence: int | None = Field(None, gt=0, le=10_000_000)
    amounts_by_income_band: dict[str, int] | None = None
    instalment_days: list[CalendarDate] = Field(..., min_length=1, max_length=12)


class InstalmentOut(Schema):
    id: UUID
    award_id: UUID
    number: int
    due_on: date
    amount_pence: int
    status: str
    held_reason: str
    paid_on: date | None


class AwardOut(Schema):
    id: UUID
    award_scheme_id: UUID
    student_id: UUID
    student_number: str
    name: str
    amount_pence: int
    income_band: str
    status: str
    stopped_reason: str
    status_changed_at: datetime | None
    instalments: list[InstalmentOut]


class NotOfferedOut(Schema):
    student_id: UUID
    student_number: str
    name: str
    why: str


class OfferOut(Schema):
    offered: int
    not_offered: list[NotOfferedOut]


class StopIn(InputSchema):
    reason: str = Field(..., min_length=1, max_length=2000)


class SchemeMoneyOut(Schema):
    award_scheme_id: UUID
    name: str
    academic_year: str
    committed_pence: int
    paid_pence: int
    forecast_pence: int
    held_pence: int
    offered_pence: int


class ForecastOut(Schema):
    month: date = Field(description="The first day of the month the instalments fall due.")
    award_scheme_id: UUID
    instalments: int
    amount_pence: int


class FinanceOut(Schema):
    committed_pence: int
    paid_pence: int
    forecast_pence: int
    held_pence: int
    award_schemes: list[SchemeMoneyOut]
    forecast: list[ForecastOut]


class MyAwardOut(Schema):
    id: UUID
    award_scheme: str
    academic_year: str
    provider: str
    amount_pence: int
    status: str
    paid_pence: int
    instalments: list[InstalmentOut]


def _award_scheme_out(award_scheme: AwardScheme) -> dict[str, Any]:
    return {
        "id": award_scheme.pk,
        "organisation_id": award_scheme.organisation_id,
        "scheme_id": award_scheme.scheme_id,
        "name": award_scheme.name,
        "purpose": award_scheme.purpose,
        "academic_year": award_scheme.academic_year,
        "amount_pence": award_scheme.amount_pence,
        "amounts_by_income_band": award_scheme.amounts_by_income_band or {},
        "amount": amount_words(award_scheme),
        "instalment_days": [date.fromisoformat(str(d)) for d in award_scheme.instalment_days],
        "is_active": award_scheme.is_active,
    }


def _instalment_out(instalment: Instalment) -> dict[str, Any]:
    return {
        "id": instalment.pk,
        "award_id": instalment.award_id,
        "number": instalment.number,
        "due_on": instalment.due_on,
        "amount_pence": instalment.amount_pence,
        "status": instalment.status,
        "held_reason": instalment.held_reason,
        "paid_on": instalment.paid_on,
    }


def _award_out(award: Award) -> dict[str, Any]:
    return {
        "id": award.pk,
        "award_scheme_id": award.award_scheme_id,
        "student_id": award.student_id,
        "student_number": award.student.student_number,
        "name": award.student.display_name,
        "amount_pence": award.amount_pence,
        "income_band": award.income_band,
        "status": award.status,
        "stopped_reason": award.stopped_reason,
        "status_changed_at": award.status_changed_at,
        "instalments": [_instalment_out(i) for i in award.instalments.all()],
    }


def _manager(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not award_providers(actor).exists():
        raise NotFound
    return actor


def _status(value: str, choices: list[str], field: str) -> str:
    if value and value not in choices:
        raise ApplicationError(f"Choose a status from: {', '.join(choices)}.", field=field)
    return value


@router.get("/award-schemes", response=Page[AwardSchemeOut], operation_id="support_award_schemes")
def support_award_schemes_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The award schemes of the providers whose awards I manage, newest year first."""
    actor = _manager(request)
    page = page_of(award_scheme_list(actor=actor), limit=limit, offset=offset)
    return page.answer(_award_scheme_out)


@router.post(
    "/award-schemes", response={201: AwardSchemeOut}, operation_id="support_award_scheme_create"
)
def support_award_scheme_create_api(request: HttpRequest, body: AwardSchemeIn) -> Any:
    """Set up an award scheme of one of my providers for the members of one of its support
    schemes: one amount for everyone, or an amount for each household income band (pence)."""
    actor = _manager(request)
    organisation = award_providers(actor).filter(pk=body.organisation_id).first()
    if organisation is None:
        raise ApplicationError("Choose one of your providers.", field="organisation_id")
    award_scheme = award_scheme_create(
        actor=actor,
        organisation=organisation,
        scheme=body.scheme_id,  # type: ignore[arg-type]  # the service finds it at the provider
        name=body.name,
        academic_year=body.academic_year,
        purpose=body.purpose,
        amount_pence=body.amount_pence,
        amounts_by_income_band=body.amounts_by_income_band,
        instalment_days=list(body.instalment_days),
    )
    return Status(201, _award_scheme_out(award_scheme))


@router.get(
    "/award-schemes/{award_scheme_id}",
    response=AwardSchemeOut,
    operation_id="support_award_scheme_get",
)
def support_award_scheme_get_api(request: HttpRequest, award_scheme_id: UUID) -> Any:
    actor = api_actor(request)
    return _award_scheme_out(award_scheme_get(actor=actor, award_scheme_id=award_scheme_id))


@router.post(
    "/award-schemes/{award_scheme_id}/offer",
    response=OfferOut,
    operation_id="support_award_scheme_offer",
)
def support_award_scheme_offer_api(request: HttpRequest, award_scheme_id: UUID) -> Any:
    """Offer the award to every member of its support scheme without one; each is told. The
    members not offered one are listed with why."""
    actor = api_actor(request)
    award_scheme = award_scheme_policy.get(actor, award_scheme_id, action=MANAGE)
    offer = awards_offer(actor=actor, award_scheme=award_scheme)
    not_offered = [student for student, _ in offer.not_offered]
    award_students_record(
        actor=actor,
        award_scheme=award_scheme,
        students=not_offered,
        purpose=f"offering the award scheme {award_scheme}",
    )
    return {
        "offered": offer.offered,
        "not_offered": [
            {
                "student_id": student.pk,
                "student_number": student.student_number,
                "name": student.display_name,
                "why": why,
            }
            for student, why in offer.not_offered
        ],
    }


@router.get(
    "/award-schemes/{award_scheme_id}/awards",
    response=Page[AwardOut],
    operation_id="support_award_scheme_awards",
)
def support_award_scheme_awards_api(
    request: HttpRequest,
    award_scheme_id: UUID,
    status: str = "",
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The award scheme's awards (of one status, when given), by name, with their
    instalments."""
    actor = api_actor(request)
    award_scheme = award_scheme_get(actor=actor, award_scheme_id=award_scheme_id)
    status = _status(status, AwardStatus.values, "status")
    page = page_of(
        award_scheme_awards(actor=actor, award_scheme=award_scheme, status=status),
        limit=limit,
        offset=offset,
    )
    award_students_record(
        actor=actor,
        award_scheme=award_scheme,
        students=[award.student for award in page.items],
        purpose=f"awards of the award scheme {award_scheme}",
    )
    return page.answer(_award_out)


@router.post(
    "/award-schemes/{award_scheme_id}/awards/{award_id}/stop",
    response=AwardOut,
    operation_id="support_award_stop",
)
def support_award_stop_api(
    request: HttpRequest, award_scheme_id: UUID, award_id: UUID, body: StopIn
) -> Any:
    """Stop an award, saying why (the student is told): instalments not yet due are
    cancelled."""
    actor = api_actor(request)
    award = award_policy.get(actor, award_id, action=MANAGE)
    if award.award_scheme_id != award_scheme_id:
        raise NotFound
    award_stop(actor=actor, award=award, reason=body.reason)
    return _award_out(award_policy.get(actor, award_id))


@router.get(
    "/award-instalments", response=Page[InstalmentOut], operation_id="support_award_instalments"
)
def support_award_instalments_api(
    request: HttpRequest,
    status: str = "",
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The instalments of the awards I manage (of one status, when given): held ones first, to
    chase, then due, then scheduled; by day."""
    actor = _manager(request)
    status = _status(status, InstalmentStatus.values, "status")
    page = page_of(instalment_list(actor=actor, status=status), limit=limit, offset=offset)
    return page.answer(_instalment_out)


@router.get("/award-finance", response=FinanceOut, operation_id="support_award_finance")
def support_award_finance_api(request: HttpRequest, academic_year: str = "") -> Any:
    """Committed, paid, forecast and held (pence) by award scheme, and the forecast by month."""
    actor = _manager(request)
    finance = finance_summary(actor=actor, academic_year=academic_year.strip())
    return {
        "committed_pence": finance.committed_pence,
        "paid_pence": finance.paid_pence,
        "forecast_pence": finance.forecast_pence,
        "held_pence": finance.held_pence,
        "award_schemes": [
            {
                "award_scheme_id": money.award_scheme.pk,
                "name": money.award_scheme.name,
                "academic_year": money.award_scheme.academic_year,
                "committed_pence": money.committed_pence,
                "paid_pence": money.paid_pence,
                "forecast_pence": money.forecast_pence,
                "held_pence": money.held_pence,
                "offered_pence": money.offered_pence,
            }
            for year in finance.years
            for money in year.schemes
        ],
        "forecast": [
            {
                "month": line.month,
                "award_scheme_id": line.award_scheme.pk,
                "instalments": line.instalments,
                "amount_pence": line.amount_pence,
            }
            for month in finance.months
            for line in month.lines
        ],
    }


# --- A student's own awards -------------------------------------------------------------------


def _my_awards(actor: Any) -> Any:
    return (
        Award.objects.filter(student__in=my_students(actor=actor))
        .select_related("award_scheme__organisation", "student")
        .order_by("-award_scheme__academic_year", "award_scheme__name", "pk")
    )


def _my_award_out(award: Award) -> dict[str, Any]:
    instalments = list(award.instalments.order_by("number"))
    return {
        "id": award.pk,
        "award_scheme": award.award_scheme.name,
        "academic_year": award.award_scheme.academic_year,
        "provider": award.award_scheme.organisation.name,
        "amount_pence": award.amount_pence,
        "status": award.status,
        "paid_pence": sum(i.amount_pence for i in instalments if i.is_paid),
        "instalments": [_instalment_out(i) for i in instalments],
    }


@router.get("/my-awards", response=Page[MyAwardOut], operation_id="support_my_awards")
def support_my_awards_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My awards, with each one's schedule and what has been paid."""
    actor = api_actor(request)
    return page_of(_my_awards(actor), limit=limit, offset=offset).answer(_my_award_out)


def _my_award(actor: Any, award_id: UUID) -> Award:
    award = _my_awards(actor).filter(pk=award_id).first()
    return award_policy.require(actor, RESPOND, award)


@router.post(
    "/my-awards/{award_id}/accept", response=MyAwardOut, operation_id="support_my_award_accept"
)
def support_my_award_accept_api(request: HttpRequest, award_id: UUID) -> Any:
    """Accept the award offered to me: it is paid to me in its instalments, each if I am
    enrolled on its day."""
    actor = api_actor(request)
    award_accept(actor=actor, award=_my_award(actor, award_id))
    return _my_award_out(_my_awards(actor).get(pk=award_id))


@router.post(
    "/my-awards/{award_id}/decline", response=MyAwardOut, operation_id="support_my_award_decline"
)
def support_my_award_decline_api(request: HttpRequest, award_id: UUID) -> Any:
    """Decline the award offered to me: nothing is paid."""
    actor = api_actor(request)
    award_decline(actor=actor, award=_my_award(actor, award_id))
    return _my_award_out(_my_awards(actor).get(pk=award_id))
