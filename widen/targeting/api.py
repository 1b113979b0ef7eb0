"""Postcode look-ups in the API: one postcode, or up to 10,000 in one request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from widen.core.exceptions import ApplicationError
from widen.targeting.lookup import MAX_LOOKUP_POSTCODES, postcodes_look_up

router = Router(tags=["postcodes"])


class PostcodeOut(Schema):
    query: str
    postcode: str
    status: str
    status_label: str
    reason: str
    nation: str
    terminated: str
    lsoa: str
    msoa: str
    ward: str
    imd_decile: int | None
    imd_quintile: int | None
    idaci_decile: int | None
    idaci_quintile: int | None
    wimd_decile: int | None
    simd_decile: int | None
    polar4_quintile: int | None
    tundra_msoa_quintile: int | None
    tundra_lsoa_quintile: int | None
    uni_connect_target_ward: bool | None
    explanation: list[str]
    editions: dict[str, str]
    not_loaded: list[str]


class LookupIn(Schema):
    postcodes: list[str] = Field(
        ..., description=f"Up to {MAX_LOOKUP_POSTCODES:,} postcodes, in any spacing or case."
    )


class LookupOut(Schema):
    count: int
    results: list[PostcodeOut]


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


@router.get("/{postcode}", response=PostcodeOut, operation_id="postcode_get")
def postcode_get_api(request: HttpRequest, postcode: str) -> Any:
    (answer,) = postcodes_look_up([postcode])
    return answer.as_dict()
