"""Mentoring's coordinator endpoints in the JSON API, under the same policy, selectors and services
as the pages.

A coordinator (`mentoring.coordinate`) lists, reads, sets up and changes the programmes of the
organisations where they coordinate mentoring; lists a programme's mentors' places and its
mentees; runs the matching; reads a run's pairs (with each criterion's points and words) and the
mentees it left out (with why); and publishes it. Anyone else is answered 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from widen.accounts.requests import api_actor
from widen.core.api_inputs import CalendarDate, PageLimit, PageOffset
from widen.core.api_pages import DEFAULT_LIMIT, InputSchema, Page, page_of
from widen.core.exceptions import ApplicationError, NotFound
from widen.mentoring.models import (
    MatchingRun,
    Mentee,
    MenteesAre,
    MentoringProgramme,
    ProgrammeMentor,
    Relationship,
)
from widen.mentoring.permissions import (
    DECIDE,
    MANAGE,
    coordinated_organisations,
    mentee_policy,
    programme_policy,
)
from widen.mentoring.selectors.coordinator import (
    cohort_mentees,
    cohort_mentors,
    mentee_name,
    mentor_name,
    programme_get,
    programme_list,
    run_get,
    run_pairs,
    run_unmatched,
)
from widen.mentoring.services.matching_runs import matching_run, run_publish
from widen.mentoring.services.mentees import pupil_invite, pupil_sign_in_stop
from widen.mentoring.services.programmes import (
    MOST_WEEKS,
    MOST_WEIGHT,
    programme_create,
    programme_update,
)
from widen.organisations.models import Partnership

router = Router(tags=["mentoring"])

Points = Field(ge=0, le=MOST_WEIGHT, description=f"Points, 0 to {MOST_WEIGHT}.")
# A run's number, read as text so that a malformed one answers like a missing run (404).
RunId = Annotated[str, Field(max_length=64, description="A matching run's number.")]


class WeightsSchema(Schema):
    industry: int = Points
    career_path: int = Points
    shared_background: int = Points
    location_and_mode: int = Points
    availability: int = Points
    languages: int = Points


class WeightsIn(InputSchema, WeightsSchema):
    pass


class MentoringProgrammeOut(Schema):
    id: UUID
    organisation_id: UUID
    partnership_id: UUID | None
    name: str
    purpose: str
    mentees_are: MenteesAre
    cohort_starts_on: date | None
    cohort_ends_on: date | None
    weights: WeightsSchema
    meeting_expectations: str
    check_in_weeks: int
    quiet_after_weeks: int
    is_open: bool
    mentees_must_belong_to: str


class MentoringProgrammeChangeIn(InputSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    purpose: str | None = Field(None, max_length=4000)
    mentees_are: MenteesAre | None = None
    partnership_id: UUID | None = None
    cohort_starts_on: CalendarDate | None = None
    cohort_ends_on: CalendarDate | None = None
    weights: WeightsIn | None = None
    meeting_expectations: str | None = Field(None, max_length=2000)
    check_in_weeks: int | None = Field(None, ge=1, le=MOST_WEEKS)
    quiet_after_weeks: int | None = Field(None, ge=1, le=MOST_WEEKS)
    is_open: bool | None = None
    mentees_must_belong_to: str | None = Field(None, max_length=80)


class MentoringProgrammeIn(MentoringProgrammeChangeIn):
    organisation_id: UUID
    name: str = Field(..., min_length=1, max_length=120)


class MentorPlaceOut(Schema):
    id: UUID
    mentor_id: UUID
    name: str
    job_role: str
    employer: str
    status: str
    capacity: int
    live_pairs: int
    training_completed_on: date | None
    dbs_checked: bool = Field(description="An enhanced DBS check is recorded.")


class MenteeOut(Schema):
    id: UUID
    name: str
    is_pupil: bool
    status: str
    industries: list[str]
    careers: list[str]
    paired: bool
    signs_in: bool = Field(description="A pupil invited to sign in to their place, with consent.")


class RunOut(Schema):
    id: int
    programme_id: UUID
    status: str
    run_at: datetime
    total_score: int
    proven_optimal: bool
    matched: int
    left_out: int
    weights: WeightsSchema


class ReasonOut(Schema):
    criterion: str
    label: str
    points: int
    words: str


class ProposedPairOut(Schema):
    id: UUID
    mentee_id: UUID
    mentee: str
    mentor_id: UUID
    mentor: str
    score: int
    reasons: list[ReasonOut]
    locked: bool
    status: str


class UnmatchedOut(Schema):
    mentee_id: str
    mentee: str
    reason: str


def _programme_out(programme: MentoringProgramme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "organisation_id": programme.organisation_id,
        "partnership_id": programme.partnership_id,
        "name": programme.name,
        "purpose": programme.purpose,
        "mentees_are": programme.mentees_are,
        "cohort_starts_on": programme.cohort_starts_on,
        "cohort_ends_on": programme.cohort_ends_on,
        "weights": programme.weights,
        "meeting_expectations": programme.meeting_expectations,
        "check_in_weeks": programme.check_in_weeks,
        "quiet_after_weeks": programme.quiet_after_weeks,
        "is_open": programme.is_open,
        "mentees_must_belong_to": programme.mentees_must_belong_to,
    }


def _run_out(run: MatchingRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "programme_id": run.programme_id,
        "status": run.status,
        "run_at": run.run_at,
        "total_score": run.total_score,
        "proven_optimal": run.proven_optimal,
        "matched": run.matched,
        "left_out": len(run.unmatched),
        "weights": run.weights,
    }


def _coordinator(request: HttpRequest) -> Any:
    actor = api_actor(request)
    if not coordinated_organisations(actor).exists():
        raise NotFound
    return actor


def _details(body: MentoringProgrammeChangeIn) -> dict[str, Any]:
    """The fields the body gave, as the services read them."""
    given = body.model_dump(exclude_unset=True, exclude={"organisation_id"})
    if "partnership_id" in given:
        partnership_id = given.pop("partnership_id")
        given["partnership"] = None
        if partnership_id is not None:
            given["partnership"] = Partnership.objects.filter(pk=partnership_id).first()
            if given["partnership"] is None:
                raise ApplicationError("Choose a partnership.", field="partnership_id")
    for name in ("purpose", "meeting_expectations", "mentees_must_belong_to", "name"):
        if name in given and given[name] is None:
            given.pop(name)
    for name in ("check_in_weeks", "quiet_after_weeks", "is_open", "mentees_are", "weights"):
        if name in given and given[name] is None:
            raise ApplicationError("Give a value, or leave the field out.", field=name)
    return given


@router.get(
    "/programmes", response=Page[MentoringProgrammeOut], operation_id="mentoring_programmes"
)
def mentoring_programmes_api(
    request: HttpRequest, limit: PageLimit = DEFAULT_LIMIT, offset: PageOffset = 0
) -> Any:
    """The programmes I coordinate."""
    actor = _coordinator(request)
    page = page_of(programme_list(actor=actor), limit=limit, offset=offset)
    return page.answer(_programme_out)


@router.post(
    "/programmes", response={201: MentoringProgrammeOut}, operation_id="mentoring_programme_create"
)
def mentoring_programme_create_api(request: HttpRequest, body: MentoringProgrammeIn) -> Any:
    """Set up a programme of an organisation whose mentoring I coordinate."""
    actor = _coordinator(request)
    organisation = coordinated_organisations(actor).filter(pk=body.organisation_id).first()
    if organisation is None:
        raise ApplicationError("Choose one of your organisations.", field="organisation_id")
    programme = programme_create(actor=actor, organisation=organisation, details=_details(body))
    return Status(201, _programme_out(programme))


@router.get(
    "/programmes/{programme_id}",
    response=MentoringProgrammeOut,
    operation_id="mentoring_programme_get",
)
def mentoring_programme_get_api(request: HttpRequest, programme_id: UUID) -> Any:
    return _programme_out(programme_get(actor=api_actor(request), programme_id=programme_id))


@router.patch(
    "/programmes/{programme_id}",
    response=MentoringProgrammeOut,
    operation_id="mentoring_programme_update",
)
def mentoring_programme_update_api(
    request: HttpRequest, programme_id: UUID, body: MentoringProgrammeChangeIn
) -> Any:
    """Change what the body gives of the programme (the rest stays as it is)."""
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id, action=MANAGE)
    return _programme_out(
        programme_update(actor=actor, programme=programme, changes=_details(body))
    )


@router.get(
    "/programmes/{programme_id}/mentors",
    response=Page[MentorPlaceOut],
    operation_id="mentoring_programme_mentors",
)
def mentoring_programme_mentors_api(
    request: HttpRequest,
    programme_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The programme's mentors' places: status, capacity, live pairs and checks."""
    actor = api_actor(request)
    programme = programme_get(actor=actor, programme_id=programme_id)
    page = page_of(cohort_mentors(actor=actor, programme=programme), limit=limit, offset=offset)

    def out(place: ProgrammeMentor) -> dict[str, Any]:
        mentor = place.mentor
        return {
            "id": place.pk,
            "mentor_id": mentor.pk,
            "name": mentor_name(mentor),
            "job_role": mentor.job_role,
            "employer": mentor.employer_name,
            "status": place.status,
            "capacity": place.capacity,
            "live_pairs": place.live_pairs,  # type: ignore[attr-defined]
            "training_completed_on": mentor.training_completed_on,
            "dbs_checked": mentor.may_mentor_under_18,
        }

    return page.answer(out)


@router.get(
    "/programmes/{programme_id}/mentees",
    response=Page[MenteeOut],
    operation_id="mentoring_programme_mentees",
)
def mentoring_programme_mentees_api(
    request: HttpRequest,
    programme_id: UUID,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The programme's mentees: status, interests and whether they are in a live pair."""
    actor = api_actor(request)
    programme = programme_get(actor=actor, programme_id=programme_id)
    page = page_of(cohort_mentees(actor=actor, programme=programme), limit=limit, offset=offset)

    def out(mentee: Mentee) -> dict[str, Any]:
        return {
            "id": mentee.pk,
            "name": mentee_name(mentee),
            "is_pupil": mentee.learner_id is not None,
            "status": mentee.status,
            "industries": list(mentee.industries),
            "careers": list(mentee.careers),
            "paired": mentee.paired,  # type: ignore[attr-defined]
            "signs_in": mentee.user_id is not None,
        }

    return page.answer(out)


@router.post(
    "/programmes/{programme_id}/runs",
    response={201: RunOut},
    operation_id="mentoring_run_create",
)
def mentoring_run_create_api(request: HttpRequest, programme_id: UUID) -> Any:
    """Match the programme's cohort: the new run's pairs are proposed, nobody is told yet."""
    actor = api_actor(request)
    programme = programme_policy.get(actor, programme_id, action=MANAGE)
    return Status(201, _run_out(matching_run(actor=actor, programme=programme)))


@router.get("/runs/{run_id}", response=RunOut, operation_id="mentoring_run_get")
def mentoring_run_get_api(request: HttpRequest, run_id: RunId) -> Any:
    return _run_out(run_get(actor=api_actor(request), run_id=run_id))


@router.get(
    "/runs/{run_id}/pairs", response=Page[ProposedPairOut], operation_id="mentoring_run_pairs"
)
def mentoring_run_pairs_api(
    request: HttpRequest,
    run_id: RunId,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """The run's pairs, best score first, each with its reasons: a criterion, its points and
    what the two share, in words."""
    actor = api_actor(request)
    run = run_get(actor=actor, run_id=run_id)
    page = page_of(run_pairs(actor=actor, run=run), limit=limit, offset=offset)

    def out(pair: Relationship) -> dict[str, Any]:
        return {
            "id": pair.pk,
            "mentee_id": pair.mentee_id,
            "mentee": mentee_name(pair.mentee),
            "mentor_id": pair.mentor_id,
            "mentor": mentor_name(pair.mentor),
            "score": pair.score,
            "reasons": pair.reasons,
            "locked": pair.locked,
            "status": pair.status,
        }

    return page.answer(out)


@router.get(
    "/runs/{run_id}/unmatched",
    response=Page[UnmatchedOut],
    operation_id="mentoring_run_unmatched",
)
def mentoring_run_unmatched_api(
    request: HttpRequest,
    run_id: RunId,
    limit: PageLimit = DEFAULT_LIMIT,
    offset: PageOffset = 0,
) -> Any:
    """Each mentee the run left out, with the reason in words."""
    actor = api_actor(request)
    run = run_get(actor=actor, run_id=run_id)
    page = page_of(run_unmatched(actor=actor, run=run), limit=limit, offset=offset)
    return page.answer(
        lambda left: {"mentee_id": left.mentee_id, "mentee": left.name, "reason": left.reason}
    )


@router.post("/runs/{run_id}/publish", response=RunOut, operation_id="mentoring_run_publish")
def mentoring_run_publish_api(request: HttpRequest, run_id: RunId) -> Any:
    """Publish the run: its pairs are introduced and each mentor and student mentee is told."""
    actor = api_actor(request)
    return _run_out(run_publish(actor=actor, run=run_get(actor=actor, run_id=run_id)))


class PupilSignInIn(InputSchema):
    email: str = Field(max_length=254, description="The pupil's own address: the link goes there.")
    consent_by_pupil: bool = Field(False, description="The pupil agreed themselves (16 or over).")
    consent_given_by: str = Field(
        "", max_length=200, description="Otherwise the parent or carer who agreed: name and role."
    )
    consent_given_on: CalendarDate


class PupilSignInOut(Schema):
    mentee_id: UUID
    signs_in: bool
    email: str
    consent_given_by: str
    consent_given_on: date | None


def _pupil_of(actor: Any, mentee_id: UUID) -> Mentee:
    """A pupil mentee of a programme `actor` coordinates (a student mentee is not found)."""
    mentee: Mentee = mentee_policy.get(actor, mentee_id, action=DECIDE)
    if mentee.learner_id is None:
        raise NotFound
    return mentee


def _pupil_sign_in_out(mentee: Mentee) -> dict[str, Any]:
    return {
        "mentee_id": mentee.pk,
        "signs_in": mentee.user_id is not None,
        "email": mentee.user.email if mentee.user is not None else "",
        "consent_given_by": mentee.consent_given_by,
        "consent_given_on": mentee.consent_given_on,
    }


@router.put(
    "/mentees/{mentee_id}/sign-in",
    response=PupilSignInOut,
    operation_id="mentoring_pupil_sign_in",
)
def mentoring_pupil_sign_in_api(request: HttpRequest, mentee_id: UUID, body: PupilSignInIn) -> Any:
    """Record consent and invite a pupil mentee to sign in at their own address (a sign-in link
    is e-mailed there; asked again, a new one is sent)."""
    actor = _coordinator(request)
    mentee = pupil_invite(
        actor=actor,
        mentee=_pupil_of(actor, mentee_id),
        email=body.email,
        consent_by_pupil=body.consent_by_pupil,
        consent_given_by=body.consent_given_by,
        consent_given_on=body.consent_given_on,
        site_url=request.build_absolute_uri("/"),
    )
    return _pupil_sign_in_out(mentee)


@router.delete(
    "/mentees/{mentee_id}/sign-in",
    response=PupilSignInOut,
    operation_id="mentoring_pupil_sign_in_stop",
)
def mentoring_pupil_sign_in_stop_api(request: HttpRequest, mentee_id: UUID) -> Any:
    """Stop a pupil's sign-in: their place stays, kept by the coordinators."""
    actor = _coordinator(request)
    mentee = _pupil_of(actor, mentee_id)
    return _pupil_sign_in_out(pupil_sign_in_stop(actor=actor, mentee=mentee))
