"""Support schemes and their memberships in the JSON API, under the same policy, selectors and
services as the pages.

Someone who manages an HE provider's schemes (`support.manage_schemes`) lists, reads and sets up
its schemes, changes who each is for (each change a new version), previews who would gain or lose
before that, works a scheme out and lists its eligible students with the reasons. Counts and
students are those the caller may see (with their special category data when a scheme reads
it); counts under 5 are given as "fewer than 5". They list a scheme's memberships and accept or
refuse applications. A signed-in student lists their own memberships, joins, declines or leaves
them, and asks to join a scheme open to them with evidence. Anyone else is answered 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import SpecialCategoryCondition
from widen.support.models import (
    MembershipStatus,
    Scheme,
    SchemeMembership,
    SchemeRuleVersion,
    StudentEligibility,
)
from widen.support.permissions import (
    DECIDE,
    MANAGE,
    RESPOND,
    managed_providers,
    membership_policy,
    scheme_policy,
)
from widen.support.selectors import (
    eligible_views_record,
    my_memberships,
    scheme_counts,
    scheme_eligible_students,
    scheme_get,
    scheme_list,
    scheme_memberships,
    schemes_open_to_me,
)
from widen.support.services.memberships import (
    EVIDENCE_MAX_LENGTH,
    membership_apply,
    membership_contact_set,
    membership_decide,
    membership_decline,
    membership_join,
    membership_leave,
)
from widen.support.services.preview import scheme_rule_preview
from widen.support.services.schemes import (
    scheme_create,
    scheme_eligibility_compute,
    scheme_rule_set,
)

router = Router(tags=["student support"])

Condition = SpecialCategoryCondition | None


class SchemeVersionOut(Schema):
    number: int
    definition: dict[str, Any]
    description: str
    uses_special_category: bool
    created_at: datetime


class SchemeOut(Schema):
    id: UUID
    organisation_id: UUID
    name: str
    purpose: str
    special_category_condition: str
    period_starts: date | None
    period_ends: date | None
    is_active: bool
    current_version: SchemeVersionOut | None
    worked_out: str = Field(description='Students you may see worked out ("fewer than 5"...).')
    eligible: str = Field(description='Of them, eligible ("fewer than 5" under five).')


class SchemeIn(InputSchema):
    organisation_id: UUID
    name: str = Field(..., min_length=1, max_length=120)
    purpose: str = Field("", max_length=2000)
    special_category_condition: Condition = None
    period_starts: CalendarDate | None = None
    period_ends: CalendarDate | None = None
    is_active: bool = Field(True, description="An inactive scheme invites nobody.")
    definition: dict[str, Any]


class SchemeRulesIn(InputSchema):
    definition: dict[str, Any]
    purpose: str | None = Field(None, max_length=2000)
    special_category_condition: Condition = None


class SchemeCourseChangeOut(Schema):
    course: str
    gained: str
    lost: str


class SchemePreviewOut(Schema):
    description: str
    gain: str
    lose: str
    courses: list[SchemeCourseChangeOut]


class SchemeRunOut(Schema):
    version: int
    students: int
    eligible: int
    summary: str


class EligibleStudentOut(Schema):
    student_id: UUID
    student_number: str
    name: str
    course: str
    version: int
    explanation: str


def _version_out(version: SchemeRuleVersion | None) -> dict[str, Any] | None:
    if version is None:
        return None
    return {
        "number": version.number,
        "definition": version.definition,
        "description": version.description,
        "uses_special_category": version.uses_special_category,
        "created_at": version.created_at,
    }


def _scheme_out(scheme: Scheme, actor: Any) -> dict[str, Any]:
    counts = scheme_counts(actor=actor, scheme=scheme)
    return {
        "id": scheme.pk,
        "organisation_id": scheme.organisation_id,
        "name": scheme.name,
        "purpose": scheme.purpose,
        "special_category_condition": scheme.special_category_condition,
        "period_starts": scheme.period_starts,
        "period_ends": scheme.period_ends,
        "is_active": scheme.is_active,
        "current_version": _version_out(scheme.current_version),
        "worked_out": counts.worked_out_text,
        "eligible": counts.eligible_text,
    }


def _manager(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not managed_providers(actor).exists():
        raise NotFound
    return actor


@router.get("/schemes", response=Page[SchemeOut], operation_id="support_schemes")
def support_schemes_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The schemes of the providers whose schemes I manage."""
    actor = _manager(request)
    page = page_of(scheme_list(actor=actor).order_by("name", "pk"), limit=limit, offset=offset)
    return page.answer(lambda scheme: _scheme_out(scheme, actor))


@router.post("/schemes", response={201: SchemeOut}, operation_id="support_scheme_create")
def support_scheme_create_api(request: HttpRequest, body: SchemeIn) -> Any:
    """Set up a scheme of one of my providers, with its first eligibility rules."""
    actor = _manager(request)
    organisation = managed_providers(actor).filter(pk=body.organisation_id).first()
    if organisation is None:
        raise ApplicationError("Choose one of your providers.", field="organisation_id")
    scheme = scheme_create(
        actor=actor,
        organisation=organisation,
        name=body.name,
        definition=body.definition,
        purpose=body.purpose,
        special_category_condition=body.special_category_condition or "",
        period_starts=body.period_starts,
        period_ends=body.period_ends,
        is_active=body.is_active,
    )
    return Status(201, _scheme_out(scheme, actor))


@router.get("/schemes/{scheme_id}", response=SchemeOut, operation_id="support_scheme_get")
def support_scheme_get_api(request: HttpRequest, scheme_id: UUID) -> Any:
    actor = api_actor(request)
    return _scheme_out(scheme_get(actor=actor, scheme_id=scheme_id), actor)


@router.post(
    "/schemes/{scheme_id}/rules", response={201: SchemeOut}, operation_id="support_scheme_rules"
)
def support_scheme_rules_api(request: HttpRequest, scheme_id: UUID, body: SchemeRulesIn) -> Any:
    """Save who the scheme is for as its next version (work it out again to use it)."""
    actor = api_actor(request)
    scheme = scheme_policy.get(actor, scheme_id, action=MANAGE)
    scheme_rule_set(
        actor=actor,
        scheme=scheme,
        definition=body.definition,
        purpose=body.purpose,
        special_category_condition=body.special_category_condition,
    )
    scheme.refresh_from_db()
    return Status(201, _scheme_out(scheme, actor))


@router.post(
    "/schemes/{scheme_id}/preview",
    response=SchemePreviewOut,
    operation_id="support_scheme_preview",
)
def support_scheme_preview_api(request: HttpRequest, scheme_id: UUID, body: SchemeRulesIn) -> Any:
    """Who would gain and lose eligibility, course by course, if these rules were saved (nothing
    is saved)."""
    actor = api_actor(request)
    scheme = scheme_policy.get(actor, scheme_id, action=MANAGE)
    if body.purpose is not None:
        scheme.purpose = body.purpose
    if body.special_category_condition is not None:
        scheme.special_category_condition = body.special_category_condition
    preview = scheme_rule_preview(scheme, body.definition, actor=actor)
    return {
        "description": preview.description,
        "gain": preview.gain_text,
        "lose": preview.lose_text,
        "courses": [
            {"course": change.course, "gained": change.gained_text, "lost": change.lost_text}
            for change in preview.courses
        ],
    }


@router.post(
    "/schemes/{scheme_id}/work-out", response=SchemeRunOut, operation_id="support_scheme_work_out"
)
def support_scheme_work_out_api(request: HttpRequest, scheme_id: UUID) -> Any:
    """Work out who is eligible under the scheme's current version, for all its students."""
    actor = api_actor(request)
    scheme = scheme_policy.get(actor, scheme_id, action=MANAGE)
    run = scheme_eligibility_compute(scheme, actor=actor)
    return {
        "version": run.version.number,
        "students": run.students,
        "eligible": run.eligible,
        "summary": run.summary(),
    }


@router.get(
    "/schemes/{scheme_id}/eligible",
    response=Page[EligibleStudentOut],
    operation_id="support_scheme_eligible",
)
def support_scheme_eligible_api(
    request: HttpRequest,
    scheme_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The scheme's eligible students I may see, with why."""
    actor = api_actor(request)
    scheme = scheme_get(actor=actor, scheme_id=scheme_id)
    page = page_of(scheme_eligible_students(actor=actor, scheme=scheme), limit=limit, offset=offset)
    eligible_views_record(
        actor=actor,
        scheme=scheme,
        rows=page.items,
        purpose=f"API eligible students of the support scheme {scheme}",
    )

    def out(row: StudentEligibility) -> dict[str, Any]:
        return {
            "student_id": row.student_id,
            "student_number": row.student.student_number,
            "name": row.student.display_name,
            "course": row.student.course,
            "version": row.version.number,
            "explanation": row.explanation,
        }

    return page.answer(out)


# --- Memberships -------------------------------------------------------------------------------
# A scheme's managers list its memberships and decide applications; a signed-in student lists
# their own, answers invitations, leaves, and asks to join a scheme open to them with evidence.
# What a membership's status or source is never comes from a body: a field a body does not
# declare is refused (422) and nothing changes.


class MembershipOut(Schema):
    id: UUID
    scheme_id: UUID
    student_id: UUID
    student_number: str
    name: str
    status: MembershipStatus
    status_label: str
    source: str
    reason: str = Field(description="Why the student is eligible, as invited.")
    evidence: str = Field(description="What the student told us when they applied.")
    applied_at: datetime | None
    joined_at: datetime | None
    ended_at: datetime | None
    refusal_reason: str
    status_changed_at: datetime | None


class MyMembershipOut(Schema):
    id: UUID
    scheme_id: UUID
    scheme: str
    provider: str
    purpose: str
    status: MembershipStatus
    status_label: str
    reason: str
    evidence: str
    may_contact: bool = Field(description="Whether I am told about the scheme's new benefits.")
    refusal_reason: str
    status_changed_at: datetime | None


class OpenSchemeOut(Schema):
    id: UUID
    name: str
    provider: str
    purpose: str


class ContactIn(InputSchema):
    may_contact: bool = Field(..., description="Whether I am told about the scheme's new benefits.")


class DecisionIn(InputSchema):
    decision: Literal["accept", "refuse"]
    reason: str = Field("", max_length=2000, description="Why it is refused (the student is told).")


class EvidenceIn(InputSchema):
    evidence: str = Field(..., max_length=EVIDENCE_MAX_LENGTH)


def _membership_out(membership: SchemeMembership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "scheme_id": membership.scheme_id,
        "student_id": membership.student_id,
        "student_number": membership.student.student_number,
        "name": membership.student.display_name,
        "status": membership.status,
        "status_label": membership.get_status_display(),
        "source": membership.source,
        "reason": membership.reason,
        "evidence": membership.evidence,
        "applied_at": membership.applied_at,
        "joined_at": membership.joined_at,
        "ended_at": membership.ended_at,
        "refusal_reason": membership.refusal_reason,
        "status_changed_at": membership.status_changed_at,
    }


def _my_membership_out(membership: SchemeMembership) -> dict[str, Any]:
    scheme = membership.scheme
    return {
        "id": membership.pk,
        "scheme_id": scheme.pk,
        "scheme": scheme.name,
        "provider": scheme.organisation.name,
        "purpose": scheme.purpose,
        "status": membership.status,
        "status_label": membership.get_status_display(),
        "reason": membership.reason,
        "evidence": membership.evidence,
        "may_contact": membership.may_contact,
        "refusal_reason": membership.refusal_reason,
        "status_changed_at": membership.status_changed_at,
    }


@router.get(
    "/schemes/{scheme_id}/memberships",
    response=Page[MembershipOut],
    operation_id="support_scheme_memberships",
)
def support_scheme_memberships_api(
    request: HttpRequest,
    scheme_id: UUID,
    status: MembershipStatus | None = None,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The scheme's invitations, members and applications of students I may see (`status` to
    keep one status), with the evidence of applications; each page is in the access log."""
    actor = api_actor(request)
    scheme = scheme_get(actor=actor, scheme_id=scheme_id)
    rows = scheme_memberships(actor=actor, scheme=scheme)
    if status is not None:
        rows = rows.filter(status=status)
    page = page_of(rows, limit=limit, offset=offset)
    eligible_views_record(
        actor=actor,
        scheme=scheme,
        rows=page.items,
        purpose=f"API members and applications of the support scheme {scheme}",
    )
    return page.answer(_membership_out)


@router.post(
    "/schemes/{scheme_id}/memberships/{membership_id}/decide",
    response=MembershipOut,
    operation_id="support_membership_decide",
)
def support_membership_decide_api(
    request: HttpRequest, scheme_id: UUID, membership_id: UUID, body: DecisionIn
) -> Any:
    """Accept an application (the student is a member) or refuse it, saying why (422 without a
    reason); the student is told either way."""
    actor = api_actor(request)
    membership = membership_policy.get(actor, membership_id, action=DECIDE)
    if membership.scheme_id != scheme_id:
        raise NotFound
    decided = membership_decide(
        actor=actor, membership=membership, accept=body.decision == "accept", reason=body.reason
    )
    return _membership_out(decided)


@router.get(
    "/mine/memberships", response=Page[MyMembershipOut], operation_id="support_my_memberships"
)
def support_my_memberships_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My own invitations, memberships and applications, newest first (none for someone with
    no student record)."""
    page = page_of(my_memberships(actor=api_actor(request)), limit=limit, offset=offset)
    return page.answer(_my_membership_out)


@router.get("/mine/schemes", response=Page[OpenSchemeOut], operation_id="support_my_open_schemes")
def support_my_open_schemes_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """My provider's active schemes I have not been invited to nor applied to: those I may ask
    to join with evidence."""
    page = page_of(schemes_open_to_me(actor=api_actor(request)), limit=limit, offset=offset)
    return page.answer(
        lambda scheme: {
            "id": scheme.pk,
            "name": scheme.name,
            "provider": scheme.organisation.name,
            "purpose": scheme.purpose,
        }
    )


@router.post(
    "/mine/schemes/{scheme_id}/apply",
    response={201: MyMembershipOut},
    operation_id="support_my_scheme_apply",
)
def support_my_scheme_apply_api(request: HttpRequest, scheme_id: UUID, body: EvidenceIn) -> Any:
    """Ask to join a scheme open to me, saying why I am eligible and how it can be checked."""
    actor = api_actor(request)
    scheme = schemes_open_to_me(actor=actor).filter(pk=scheme_id).first()
    if scheme is None:
        if not my_memberships(actor=actor).filter(scheme_id=scheme_id).exists():
            raise NotFound
        raise ApplicationError(
            "You have already been invited to, or applied to, this scheme.", field="scheme"
        )
    membership = membership_apply(actor=actor, scheme=scheme, evidence=body.evidence)
    return Status(201, _my_membership_out(my_memberships(actor=actor).get(pk=membership.pk)))


def _my_answer(
    request: HttpRequest,
    membership_id: UUID,
    answer: Callable[..., SchemeMembership],
) -> dict[str, Any]:
    actor = api_actor(request)
    membership = membership_policy.get(actor, membership_id, action=RESPOND)
    answer(actor=actor, membership=membership)
    return _my_membership_out(my_memberships(actor=actor).get(pk=membership.pk))


@router.post(
    "/mine/memberships/{membership_id}/join",
    response=MyMembershipOut,
    operation_id="support_my_membership_join",
)
def support_my_membership_join_api(request: HttpRequest, membership_id: UUID) -> Any:
    """Accept my invitation: I am a member from now."""
    return _my_answer(request, membership_id, membership_join)


@router.post(
    "/mine/memberships/{membership_id}/decline",
    response=MyMembershipOut,
    operation_id="support_my_membership_decline",
)
def support_my_membership_decline_api(request: HttpRequest, membership_id: UUID) -> Any:
    """Say no thanks to my invitation (I am not invited to the scheme again)."""
    return _my_answer(request, membership_id, membership_decline)


@router.post(
    "/mine/memberships/{membership_id}/leave",
    response=MyMembershipOut,
    operation_id="support_my_membership_leave",
)
def support_my_membership_leave_api(request: HttpRequest, membership_id: UUID) -> Any:
    """Leave a scheme I am a member of."""
    return _my_answer(request, membership_id, membership_leave)


@router.post(
    "/mine/memberships/{membership_id}/contact",
    response=MyMembershipOut,
    operation_id="support_my_membership_contact",
)
def support_my_membership_contact_api(
    request: HttpRequest, membership_id: UUID, body: ContactIn
) -> Any:
    """Say whether I am told about the new benefits of a scheme I am a member of."""
    actor = api_actor(request)
    membership = membership_policy.get(actor, membership_id, action=RESPOND)
    membership_contact_set(actor=actor, membership=membership, may_contact=body.may_contact)
    return _my_membership_out(my_memberships(actor=actor).get(pk=membership.pk))
