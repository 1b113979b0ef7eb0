"""Learners in the JSON API: the same selectors, policy and services as the pages.

Each learner is returned with only the fields the caller's role and data-sharing agreement
allow: absent keys mean "not shared with you", never "empty".
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import CharField, TextField
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import InputSchema, Page
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.learners.permissions import LearnerAccess, learner_policy
from widen.learners.selectors import (
    LearnerFilters,
    learner_get,
    learner_list,
    learner_list_page,
    learner_page_ids,
    learner_pseudonym,
)
from widen.learners.services import (
    learner_create,
    learner_update,
    learner_views_record,
)
from widen.organisations.selectors import organisation_get

router = Router(tags=["learners"])


class LearnerOut(Schema):
    id: UUID
    pseudonym: str
    organisation_id: UUID
    school_id: UUID | None = None
    year_group: int
    first_name: str | None = None
    last_name: str | None = None
    preferred_name: str | None = None
    date_of_birth: date | None = None
    home_postcode: str | None = None
    upn: str | None = None
    uln: str | None = None
    reference: str | None = None
    sex: str | None = None
    free_school_meals: bool | None = None
    ever_6_free_school_meals: bool | None = None
    young_carer: bool | None = None
    estranged: bool | None = None
    first_in_family: bool | None = None
    care_experienced: bool | None = None
    disability: bool | None = None
    ethnicity: str | None = None
    processing_restricted: bool | None = Field(
        None,
        description="True while processing of the learner's record is restricted (a data-rights "
        "request): left out of targeting, enrolment, bookings, surveys, exports and duplicate "
        "finding until lifted. Absent otherwise.",
    )


class LearnerPage(Page[LearnerOut]):
    pass


class LearnerFields(InputSchema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    preferred_name: str | None = Field(None, max_length=100)
    date_of_birth: CalendarDate | None = None
    home_postcode: str | None = Field(None, max_length=20)
    upn: str | None = Field(None, max_length=20)
    uln: str | None = Field(None, max_length=20)
    reference: str | None = Field(None, max_length=50)
    school_id: UUID | None = None
    sex: str | None = Field(None, max_length=10)
    free_school_meals: bool | None = None
    ever_6_free_school_meals: bool | None = None
    young_carer: bool | None = None
    estranged: bool | None = None
    first_in_family: bool | None = None
    care_experienced: bool | None = None
    disability: bool | None = None
    ethnicity: str | None = Field(None, max_length=40)


class LearnerCreateIn(LearnerFields):
    organisation_id: UUID
    first_name: str = Field(..., max_length=100)
    last_name: str = Field(..., max_length=100)
    date_of_birth: CalendarDate


# Kept as "" (not NULL) when given as null.
_TEXT_FIELDS = {
    field.name for field in Learner._meta.get_fields() if isinstance(field, (CharField, TextField))
}


def _serialise(learner: Learner, access: LearnerAccess) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "id": learner.id,
        "pseudonym": learner_pseudonym(learner.id),
        "organisation_id": learner.organisation_id,
        "year_group": learner.year_group(),
    }
    if not access.pseudonymised:
        shown["school_id"] = learner.school_id
    for name in access.visible_fields():
        shown[name] = getattr(learner, name)
    if learner.processing_restricted:
        shown["processing_restricted"] = True
    return shown


def _model_values(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: ("" if value is None and name in _TEXT_FIELDS else value)
        for name, value in values.items()
    }


def _school(request: HttpRequest, school_id: UUID | None) -> Any:
    if school_id is None:
        return None
    school = organisation_get(actor=api_actor(request), organisation_id=school_id)
    if not school.is_school:
        raise ApplicationError("school_id must be a school or college.", field="school_id")
    return school


@router.get("", response=LearnerPage, exclude_unset=True, operation_id="learner_list")
def learner_list_api(
    request: HttpRequest,
    q: str = "",
    school: str = "",
    year_group: str = "",
    characteristic: str = "",
    eligibility: str = "",
    engagement: str = "",
    limit: PageLimit = 50,
    offset: PageOffset = 0,
) -> dict[str, Any]:
    """`eligibility` is `RULE_SET_ID:eligible` or `RULE_SET_ID:not_eligible` (a rule set of the
    caller's partnership); `engagement` is `engaged` (attended at least one session) or
    `not_engaged`. A filter considers only learners whose filtered fields the caller may see."""
    filters = LearnerFilters.from_params(
        {
            "q": q,
            "school": school,
            "year_group": year_group,
            "characteristic": characteristic,
            "eligibility": eligibility,
            "engagement": engagement,
        }
    )
    actor = api_actor(request)
    learners = learner_list(actor=actor, filters=filters)
    # Neither school nor organisation is shown beyond its id: no join for the page's rows.
    page, access_by_learner = learner_list_page(
        actor=actor,
        learners=learners.select_related(None),
        ids=list(learner_page_ids(learners)[offset : offset + limit]),
        filters=filters,
        what="API learner list",
    )
    return {
        "count": learners.count(),
        "results": [_serialise(learner, access_by_learner[learner.id]) for learner in page],
    }


def _log_view(request: HttpRequest, learner: Learner, access: LearnerAccess, purpose: str) -> None:
    """A partner's read of the learner's identity, and anyone's of their special category data."""
    learner_views_record(
        actor=api_actor(request),
        learners=[learner],
        access_by_learner={learner.id: access},
        purpose=purpose,
    )


@router.get("/{learner_id}", response=LearnerOut, exclude_unset=True, operation_id="learner_get")
def learner_get_api(request: HttpRequest, learner_id: UUID) -> dict[str, Any]:
    learner, access = learner_get(actor=api_actor(request), learner_id=learner_id)
    _log_view(request, learner, access, "API learner record read")
    return _serialise(learner, access)


@router.post("", response={201: LearnerOut}, exclude_unset=True, operation_id="learner_create")
def learner_create_api(request: HttpRequest, payload: LearnerCreateIn) -> Status:
    organisation = learner_policy.organisation_for_create(
        api_actor(request), payload.organisation_id
    )
    values = payload.model_dump(exclude_unset=True, exclude={"organisation_id", "school_id"})
    learner = learner_create(
        organisation=organisation,
        school=_school(request, payload.school_id),
        details=_model_values(values),
        allowed_fields=learner_policy.creatable_fields(api_actor(request), organisation),
        acting_user=api_actor(request),
    )
    _, access = learner_get(actor=api_actor(request), learner_id=learner.id)
    return Status(201, _serialise(learner, access))


@router.patch(
    "/{learner_id}", response=LearnerOut, exclude_unset=True, operation_id="learner_update"
)
def learner_update_api(
    request: HttpRequest, learner_id: UUID, payload: LearnerFields
) -> dict[str, Any]:
    learner, access = learner_get(actor=api_actor(request), learner_id=learner_id)
    if not access.can_edit:
        raise NotFound
    values = payload.model_dump(exclude_unset=True)
    school: Any = "unchanged"
    if "school_id" in values:
        school = _school(request, values.pop("school_id"))
    learner = learner_update(
        learner=learner,
        access=access,
        changes=_model_values(values),
        school=school,
        acting_user=api_actor(request),
    )
    _log_view(request, learner, access, "API learner record updated")
    return _serialise(learner, access)
