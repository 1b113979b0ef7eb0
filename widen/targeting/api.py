"""Targeting in the API: postcode look-ups (one, or up to 10,000 at once) and rule sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import PageLimit, PageOffset
from widen.core.api_outputs import with_values
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError
from widen.organisations.permissions import organisation_policy
from widen.targeting.learner_filters import results_seen_by
from widen.targeting.lookup import MAX_LOOKUP_POSTCODES, PostcodeAnswer, postcodes_look_up
from widen.targeting.models import RuleSet
from widen.targeting.permissions import MANAGE, may_manage_rule_sets, rule_set_policy
from widen.targeting.rule_sets import eligibility_compute, rule_set_create, rule_set_update
from widen.targeting.selectors import rule_set_get, rule_set_list

router = Router(tags=["postcodes"])


class LookupIn(InputSchema):
    postcodes: list[str] = Field(
        ..., description=f"Up to {MAX_LOOKUP_POSTCODES:,} postcodes, in any spacing or case."
    )


class LookupOut(Schema):
    count: int
    results: list[PostcodeAnswer]


@router.post("/lookup", response=LookupOut, operation_id="postcode_lookup")
def postcode_lookup_api(request: HttpRequest, body: LookupIn) -> Any:
    if len(body.postcodes) > MAX_LOOKUP_POSTCODES:
        raise ApplicationError(
            f"{len(body.postcodes):,} postcodes were sent; at most {MAX_LOOKUP_POSTCODES:,} can "
            "be looked up in one request. Split them.",
            field="postcodes",
        )
    answers = postcodes_look_up(body.postcodes)
    return {"count": len(answers), "results": [answer.as_dict() for answer in answers]}


@router.get("/{postcode}", response=PostcodeAnswer, operation_id="postcode_get")
def postcode_get_api(request: HttpRequest, postcode: str) -> Any:
    (answer,) = postcodes_look_up([postcode])
    return answer.as_dict()


# --- Rule sets ---------------------------------------------------------------------------------

rule_sets_router = Router(tags=["rule sets"])


class RuleSetVersionOut(Schema):
    number: int
    definition: dict[str, Any]
    description: str
    uses_special_category: bool
    created_at: datetime


# Read with `_with_counts`.
class RuleSetOut(Schema):
    id: UUID
    partnership_id: UUID
    name: str
    purpose: str
    agreement_id: UUID | None
    current_version: RuleSetVersionOut | None
    eligible: int
    worked_out: int


class RuleSetIn(InputSchema):
    partnership_id: UUID
    name: str = Field(..., max_length=120)
    purpose: str = ""
    agreement_id: UUID | None = None
    definition: dict[str, Any]


class RuleSetVersionIn(InputSchema):
    definition: dict[str, Any]
    purpose: str | None = None


def _with_counts(rule_set: RuleSet, actor: Any) -> Any:
    """The rule set with counts of the learners the caller may see (with their special category
    data when the rule set reads it), never of others."""
    counts = results_seen_by(actor, rule_set).aggregate(
        eligible=Count("learner", filter=Q(eligible=True)), worked_out=Count("learner")
    )
    return with_values(rule_set, **counts)


@rule_sets_router.get("", response=Page[RuleSetOut], operation_id="rule_set_list")
def rule_set_list_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    actor = api_actor(request)
    page = page_of(rule_set_list(actor=actor).order_by("name", "pk"), limit=limit, offset=offset)
    return page.answer(lambda rule_set: _with_counts(rule_set, actor))


@rule_sets_router.post("", response={201: RuleSetOut}, operation_id="rule_set_create")
def rule_set_create_api(request: HttpRequest, body: RuleSetIn) -> Any:
    actor = api_actor(request)
    partnership = organisation_policy.partnership_for(
        actor, body.partnership_id, may=may_manage_rule_sets
    )
    agreement = (
        partnership.agreements.filter(pk=body.agreement_id).first() if body.agreement_id else None
    )
    if body.agreement_id and agreement is None:
        raise ApplicationError("There is no such data-sharing agreement.", field="agreement_id")
    rule_set = rule_set_create(
        actor=actor,
        partnership=partnership,
        name=body.name,
        purpose=body.purpose,
        agreement=agreement,
        definition=body.definition,
    )
    eligibility_compute(rule_set)
    return Status(201, _with_counts(rule_set, actor))


@rule_sets_router.get("/{rule_set_id}", response=RuleSetOut, operation_id="rule_set_get")
def rule_set_get_api(request: HttpRequest, rule_set_id: UUID) -> Any:
    actor = api_actor(request)
    return _with_counts(rule_set_get(actor=actor, rule_set_id=rule_set_id), actor)


@rule_sets_router.post(
    "/{rule_set_id}/versions", response={201: RuleSetOut}, operation_id="rule_set_version_create"
)
def rule_set_version_create_api(
    request: HttpRequest, rule_set_id: UUID, body: RuleSetVersionIn
) -> Any:
    actor = api_actor(request)
    rule_set = rule_set_policy.get(actor, rule_set_id, action=MANAGE)
    rule_set_update(
        actor=actor, rule_set=rule_set, definition=body.definition, purpose=body.purpose
    )
    eligibility_compute(rule_set)
    return Status(201, _with_counts(rule_set, actor))
