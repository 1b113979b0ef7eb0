"""One-time survey links: handed out in a session (`invitations_send_for_session`), e-mailed to
an event's bookings (`invitations_send_for_event`, through notifications: the
`notifications/evaluation/survey_link` templates), or given to people another area names (a
mentoring programme's mentees: `invitations_send_to_people`); each link answers once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from widen.activities.models import AttendanceStatus, Session
from widen.activities.services import may_take_register
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_lookup, link_token_new
from widen.evaluation.models import (
    Survey,
    SurveyInvitation,
)
from widen.evaluation.permissions import (
    SEND,
    survey_policy,
)
from widen.evaluation.services.common import (
    SURVEY_LINK_PATH,
    person_or_none,
)
from widen.events.models import BookingStatus, Event
from widen.learners.models import Learner, processable_condition
from widen.notifications.models import Category
from widen.notifications.services import notify

INVITATION_RELATIONS = (
    "survey",
    "organisation",
    "learner",
    "booking",
    "school",
    "session",
    "event",
    "created_by",
)


@dataclass(frozen=True)
class LinkGiven:
    """A new survey link, the only time its token is available."""

    invitation: SurveyInvitation
    link: str
    name: str


def _given_to(survey: Survey, through: str) -> set[Any]:
    """The learners (`through="learner"`) or bookings (`"booking"`) `survey` has already given
    a link to."""
    given = survey.invitations.filter(**{f"{through}__isnull": False})
    return set(given.values_list(f"{through}_id", flat=True))


def _survey_link(token: str, link_base: str | None) -> str:
    return f"{link_base or SURVEY_LINK_PATH}{token}/"


def _ready_to_send(actor: Any, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    survey_policy.require(actor, SEND, survey)
    if not survey.is_open:
        raise ApplicationError("Open the survey before sending its links.")
    return survey


@transaction.atomic
def invitations_send_for_session(
    *,
    actor: Any,
    survey: Survey,
    session: Session,
    link_base: str | None = None,
    renew: bool = False,
) -> list[LinkGiven]:
    """A link for each learner on the session's register who was not marked absent and has no
    link to this survey yet. Learners have no e-mail address here: the links are returned once,
    for the deliverers to hand out in the session. With `renew`, the learners of this session
    who have a link but have not answered get a new one (their old link stops working), for
    when the links handed out were lost."""
    survey = _ready_to_send(actor, survey)
    if survey.session_id and survey.session_id != session.pk:
        raise ApplicationError("This survey is for another session.", field="session")
    if survey.activity_id and session.activity_id != survey.activity_id:
        raise ApplicationError("This survey is for another activity.", field="session")
    if session.activity.partnership_id != survey.partnership_id or not may_take_register(
        actor, session
    ):
        raise NotFound  # the register's names are not this person's to see
    given: list[LinkGiven] = []
    if renew:
        unanswered = survey.invitations.filter(
            processable_condition("learner"),
            session=session,
            answered_at__isnull=True,
            learner__isnull=False,
        ).select_related("learner")
        for invitation in unanswered:
            token = link_token_new()
            invitation.token_digest = token.digest
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["token_digest", "sent_at", "updated_at"])
            name = invitation.learner.display_name if invitation.learner else invitation.name
            given.append(LinkGiven(invitation, _survey_link(token.token, link_base), name))
    already = _given_to(survey, "learner")
    # A restricted (or anonymised) learner is not invited until the restriction is lifted.
    rows = (
        session.register.exclude(status=AttendanceStatus.ABSENT)
        .filter(processable_condition("learner"))
        .exclude(learner_id__in=already)
        .select_related("learner")
    )
    now = timezone.now()
    made: list[tuple[SurveyInvitation, str]] = []
    for row in rows:
        learner = row.learner
        token = link_token_new()
        invitation = SurveyInvitation(
            survey=survey,
            organisation_id=learner.organisation_id,
            learner=learner,
            name=learner.display_name,
            school_id=learner.school_id or session.school_id,
            session=session,
            token_digest=token.digest,
            sent_at=now,
            created_by=person_or_none(actor),
        )
        # The relations come from rows just read; uniqueness is the database's to enforce.
        invitation.full_clean(
            exclude=[*INVITATION_RELATIONS], validate_unique=False, validate_constraints=False
        )
        made.append((invitation, token.token))
    # One insert for the links and one for their audit events (AuditedQuerySet.bulk_create).
    SurveyInvitation.objects.bulk_create([invitation for invitation, _ in made], batch_size=500)
    given.extend(
        LinkGiven(invitation, _survey_link(token, link_base), invitation.name)
        for invitation, token in made
    )
    return given


@transaction.atomic
def invitations_send_for_event(
    *, actor: Any, survey: Survey, event: Event, link_base: str | None = None
) -> list[LinkGiven]:
    """E-mail a link to everyone with a place at the event (by their booking e-mail) who has no
    link to this survey yet. Those on the waiting list or cancelled are left out."""
    survey = _ready_to_send(actor, survey)
    if survey.event_id and survey.event_id != event.pk:
        raise ApplicationError("This survey is for another event.", field="event")
    if event.partnership_id != survey.partnership_id:
        raise NotFound
    already = _given_to(survey, "booking")
    bookings = (
        event.bookings.filter(status=BookingStatus.BOOKED)
        .filter(Q(learner__isnull=True) | processable_condition("learner"))
        .exclude(pk__in=already)
        .select_related("learner")
    )
    given: list[LinkGiven] = []
    for booking in bookings:
        token = link_token_new()
        learner = booking.learner
        invitation = SurveyInvitation(
            survey=survey,
            organisation_id=booking.organisation_id,
            learner=learner,
            booking=booking,
            name=booking.name,
            email=booking.email,
            school_id=learner.school_id if learner is not None else None,
            event=event,
            token_digest=token.digest,
            sent_at=timezone.now(),
            created_by=person_or_none(actor),
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            continue  # the learner has a link to this survey already (from a session)
        link = _survey_link(token.token, link_base)
        given.append(LinkGiven(invitation, link, booking.name))
        # Queued with the links: sent once they are saved, as each person's choices allow.
        notify(
            template="evaluation/survey_link",
            category=Category.SURVEYS,
            email=booking.email,
            context={"name": booking.name, "survey": survey, "event": event, "link": link},
            secret=True,  # the link answers once: its e-mail is wiped once sent
        )
    return given


@dataclass(frozen=True)
class Invitee:
    """Someone another area asks a survey of: their learner record (so that answers before and
    after pair up), and an e-mail address to send the link to (none: the link is returned, to be
    handed out)."""

    name: str
    organisation_id: Any
    learner: Learner | None = None
    email: str = ""


@transaction.atomic
def invitations_send_to_people(
    *,
    actor: Any,
    survey: Survey,
    invitees: list[Invitee],
    what_for: str,
    link_base: str | None = None,
) -> list[LinkGiven]:
    """A link for each of `invitees` with none to this survey yet (by learner record, or by
    address for someone with none): e-mailed where there is an address, and returned. A learner
    whose processing is restricted is left out. `what_for` names what they took part in, for
    the e-mail ("the Professional Mentoring programme")."""
    survey = _ready_to_send(actor, survey)
    already_learners = _given_to(survey, "learner")
    already_addresses = {
        address.lower()
        for address in survey.invitations.filter(learner__isnull=True).values_list(
            "email", flat=True
        )
    }
    given: list[LinkGiven] = []
    for invitee in invitees:
        learner = invitee.learner
        if learner is not None and (learner.pk in already_learners or not learner.processable):
            continue
        if learner is None and (not invitee.email or invitee.email.lower() in already_addresses):
            continue
        token = link_token_new()
        invitation = SurveyInvitation.objects.create(
            survey=survey,
            organisation_id=invitee.organisation_id,
            learner=learner,
            name=invitee.name,
            email=invitee.email,
            school_id=learner.school_id if learner is not None else None,
            token_digest=token.digest,
            sent_at=timezone.now(),
            created_by=person_or_none(actor),
        )
        # Named twice in `invitees` (one person in two roles) is still one link.
        if learner is not None:
            already_learners.add(learner.pk)
        else:
            already_addresses.add(invitee.email.lower())
        link = _survey_link(token.token, link_base)
        given.append(LinkGiven(invitation, link, invitee.name))
        if invitee.email:
            notify(
                template="evaluation/survey_link_taking_part",
                category=Category.SURVEYS,
                email=invitee.email,
                context={
                    "name": invitee.name,
                    "survey": survey,
                    "what_for": what_for,
                    "link": link,
                },
                secret=True,
            )
    return given


def invitation_for_link(token: str | None) -> SurveyInvitation:
    """The invitation a link reaches, while its survey is open; a wrong or old link, or one to
    a survey that is not open, answers like a missing one (`NotFound`)."""
    invitation: SurveyInvitation = link_lookup(
        SurveyInvitation.objects.select_related("survey", "learner"), token
    )
    if not invitation.survey.is_open:
        raise NotFound("This link is not valid.")
    if invitation.learner is not None and not invitation.learner.processable:
        # Answers are not collected from a learner whose processing is restricted.
        raise NotFound("This link is not valid.")
    return invitation
