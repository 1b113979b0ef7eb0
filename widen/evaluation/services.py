"""Every write to the question bank, surveys, their links and responses, with its rule.

Scales: a draft's items can be changed; a published scale's name, items, order, options and
scoring cannot (the model refuses too) — `scale_new_version` makes the next version instead.
Surveys: questions are added while the survey is a draft; an open survey takes answers by
one-time link (`invitations_send_for_session`, `invitations_send_for_event`) or filled in at an
event; each link answers once. Scale scores are worked out when a response is submitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from widen.accounts.models import ROLE_CAPABILITIES, Membership, Role
from widen.activities.models import Activity, AttendanceStatus, Session
from widen.activities.services import may_take_register
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.links import link_lookup, link_token_new
from widen.evaluation.models import (
    AGREEMENT_OPTIONS,
    Answer,
    Question,
    QuestionKind,
    ResponseChannel,
    Scale,
    ScaleItem,
    ScaleLockedError,
    ScaleScore,
    ScaleScoring,
    ScaleSource,
    ScaleStatus,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
    SurveyTiming,
)
from widen.evaluation.quotes import IDENTIFYING, QUOTE_RELATED, identifying_details
from widen.events.models import BookingStatus, Event
from widen.organisations.models import Organisation, Partnership

# Who runs surveys and keeps the question bank for their organisation.
SURVEY_ROLES = (
    Role.PARTNERSHIP_ADMIN,
    Role.ORGANISATION_ADMIN,
    Role.OUTREACH_OFFICER,
    Role.EVALUATOR,
)
# Where a survey link's page lives; pages pass their absolute address instead.
SURVEY_LINK_PATH = "/evaluation/answer/"
TEXT_ANSWER_MAX = 2000
QUESTIONS_MAX = 100


def agreement_options() -> list[dict[str, Any]]:
    return [{"value": value, "label": label} for value, label in AGREEMENT_OPTIONS]


def _signed_in(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def survey_organisations(actor: Any, partnership: Partnership) -> QuerySet[Organisation]:
    """The partnership's members for which `actor` runs surveys."""
    if not _signed_in(actor):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk__in=Membership.objects.filter(
            user=actor,
            role__in=SURVEY_ROLES,
            organisation__in=partnership.members.all(),
        ).values("organisation_id")
    )


def may_keep_bank(actor: Any, partnership: Partnership) -> bool:
    """Whether `actor` adds, imports and publishes scales in the partnership's question bank."""
    return survey_organisations(actor, partnership).exists()


def may_manage_survey(actor: Any, survey: Survey) -> bool:
    """The running organisation's survey roles, and the partnership's admins."""
    if not _signed_in(actor):
        return False
    memberships = Membership.objects.filter(user=actor)
    if memberships.filter(organisation_id=survey.organisation_id, role__in=SURVEY_ROLES).exists():
        return True
    return memberships.filter(
        role=Role.PARTNERSHIP_ADMIN, organisation__in=survey.partnership.members.all()
    ).exists()


# Survey links go to named people (a register's learners, an event's bookings by e-mail): only
# roles that work with learners' identities send them, never the pseudonymised evaluator.
SENDING_ROLES = tuple(role for role in SURVEY_ROLES if not ROLE_CAPABILITIES[role].pseudonymised)


def may_send_links(actor: Any, survey: Survey) -> bool:
    """Whether `actor` sends the survey's links: as `may_manage_survey`, in a role that sees
    learners by name. An evaluator still sees the response rates and the pseudonymised
    responses."""
    if not _signed_in(actor):
        return False
    memberships = Membership.objects.filter(user=actor)
    if memberships.filter(organisation_id=survey.organisation_id, role__in=SENDING_ROLES).exists():
        return True
    return memberships.filter(
        role=Role.PARTNERSHIP_ADMIN, organisation__in=survey.partnership.members.all()
    ).exists()


def _full_clean(instance: Any, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = " ".join(m for e in errors for m in e.messages)
            raise ApplicationError(message, field=None if name == "__all__" else name) from error
        raise ApplicationError(" ".join(error.messages)) from error


def _words(value: Any, *, maximum: int) -> str:
    return " ".join(str(value or "").split())[:maximum]


# --- Scales -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    text: str
    reverse_scored: bool = False
    code: str = ""


def _unique_key(partnership: Partnership | None, name: str) -> str:
    base = slugify(name)[:50] or "scale"
    key, number = base, 1
    while Scale.objects.filter(partnership=partnership, key=key).exists():
        number += 1
        key = f"{base}-{number}"
    return key


def _items_check(items: Sequence[ItemSpec]) -> list[ItemSpec]:
    cleaned = [
        ItemSpec(
            text=_words(item.text, maximum=500),
            reverse_scored=bool(item.reverse_scored),
            code=_words(item.code, maximum=20),
        )
        for item in items
    ]
    if not cleaned:
        raise ApplicationError("A scale needs at least one item.", field="items")
    for number, item in enumerate(cleaned, start=1):
        if not item.text:
            raise ApplicationError(f"Item {number} has no words.", field="items")
    return cleaned


@transaction.atomic
def scale_create(
    *,
    actor: Any,
    partnership: Partnership | None,
    name: str,
    items: Sequence[ItemSpec],
    response_options: list[dict[str, Any]] | None = None,
    scoring: str = ScaleScoring.MEAN,
    description: str = "",
    source: str = ScaleSource.PARTNERSHIP,
    key: str = "",
    publish: bool = False,
) -> Scale:
    """A new scale (a draft unless `publish`) with its items in the order given."""
    if partnership is not None and actor is not None and not may_keep_bank(actor, partnership):
        raise NotFound
    name = _words(name, maximum=160)
    if not name:
        raise ApplicationError("Give the scale a name.", field="name")
    cleaned = _items_check(items)
    scale = Scale(
        partnership=partnership,
        key=key or _unique_key(partnership, name),
        name=name,
        description=str(description or "").strip(),
        source=source,
        response_options=response_options or agreement_options(),
        scoring=scoring,
        created_by=actor if _signed_in(actor) else None,
    )
    _full_clean(scale)
    scale.save()
    ScaleItem.objects.bulk_create(
        ScaleItem(
            scale=scale,
            position=position,
            text=item.text,
            reverse_scored=item.reverse_scored,
            code=item.code,
        )
        for position, item in enumerate(cleaned, start=1)
    )
    if publish:
        scale = scale_publish(actor=None, scale=scale)
    return scale


@transaction.atomic
def scale_draft_update(
    *,
    actor: Any,
    scale: Scale,
    items: Sequence[ItemSpec],
    name: str | None = None,
    response_options: list[dict[str, Any]] | None = None,
    scoring: str | None = None,
) -> Scale:
    """Replace a draft scale's items (and name, options, scoring). A published scale refuses."""
    scale = Scale.objects.select_for_update().get(pk=scale.pk)
    if scale.is_published:
        raise ScaleLockedError(scale.name)
    if (
        scale.partnership is not None
        and actor is not None
        and not may_keep_bank(actor, scale.partnership)
    ):
        raise NotFound
    cleaned = _items_check(items)
    if name is not None:
        scale.name = _words(name, maximum=160)
    if response_options is not None:
        scale.response_options = response_options
    if scoring is not None:
        scale.scoring = scoring
    _full_clean(scale)
    scale.save()
    scale.items.all().delete()
    ScaleItem.objects.bulk_create(
        ScaleItem(
            scale=scale,
            position=position,
            text=item.text,
            reverse_scored=item.reverse_scored,
            code=item.code,
        )
        for position, item in enumerate(cleaned, start=1)
    )
    return scale


@transaction.atomic
def scale_publish(*, actor: Any, scale: Scale) -> Scale:
    """Lock the scale's wording: from now on only a new version can change it."""
    scale = Scale.objects.select_for_update().get(pk=scale.pk)
    if (
        scale.partnership is not None
        and actor is not None
        and not may_keep_bank(actor, scale.partnership)
    ):
        raise NotFound
    if scale.is_published:
        return scale
    if not scale.items.exists():
        raise ApplicationError("A scale needs at least one item before it is published.")
    scale.status = ScaleStatus.PUBLISHED
    scale.published_at = timezone.now()
    scale.save(update_fields=["status", "published_at", "updated_at"])
    return scale


@transaction.atomic
def scale_new_version(
    *,
    actor: Any,
    scale: Scale,
    items: Sequence[ItemSpec] | None = None,
    name: str | None = None,
    response_options: list[dict[str, Any]] | None = None,
    scoring: str | None = None,
    publish: bool = False,
) -> Scale:
    """The next version of a published scale: a draft copying it, with any changes given."""
    if (
        scale.partnership is not None
        and actor is not None
        and not may_keep_bank(actor, scale.partnership)
    ):
        raise NotFound
    latest = (
        Scale.objects.filter(partnership=scale.partnership, key=scale.key).aggregate(
            Max("version")
        )["version__max"]
        or 0
    )
    copied = [
        ItemSpec(text=item.text, reverse_scored=item.reverse_scored, code=item.code)
        for item in scale.items.all()
    ]
    new = Scale(
        partnership=scale.partnership,
        key=scale.key,
        name=_words(name, maximum=160) if name else scale.name,
        version=latest + 1,
        description=scale.description,
        source=scale.source,
        response_options=response_options
        if response_options is not None
        else scale.response_options,
        scoring=scoring or scale.scoring,
        previous_version=scale,
        created_by=actor if _signed_in(actor) else None,
    )
    _full_clean(new)
    new.save()
    ScaleItem.objects.bulk_create(
        ScaleItem(
            scale=new,
            position=position,
            text=item.text,
            reverse_scored=item.reverse_scored,
            code=item.code,
        )
        for position, item in enumerate(_items_check(items or copied), start=1)
    )
    if publish:
        new = scale_publish(actor=None, scale=new)
    return new


def scale_same_as(
    scale: Scale,
    *,
    name: str,
    items: Sequence[ItemSpec],
    response_options: list[dict[str, Any]],
    scoring: str,
) -> bool:
    """Whether a scale already says exactly this (so loading it again changes nothing)."""
    stored = [(item.text, item.reverse_scored, item.code) for item in scale.items.all()]
    wanted = [(item.text, item.reverse_scored, item.code) for item in _items_check(items)]
    return (
        scale.name == _words(name, maximum=160)
        and stored == wanted
        and scale.response_options == response_options
        and scale.scoring == scoring
    )


# --- Surveys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SurveyDetails:
    organisation: Organisation
    title: str
    introduction: str = ""
    timing: str = SurveyTiming.STANDALONE
    activity: Activity | None = None
    session: Session | None = None
    event: Event | None = None
    pre_survey: Survey | None = None
    asks_publication_consent: bool = True


@transaction.atomic
def survey_create(*, actor: Any, partnership: Partnership, details: SurveyDetails) -> Survey:
    if not survey_organisations(actor, partnership).filter(pk=details.organisation.pk).exists():
        raise ApplicationError(
            f"Only {details.organisation}'s outreach officers, evaluators and admins may run "
            "its surveys.",
            field="organisation",
        )
    title = _words(details.title, maximum=200)
    if not title:
        raise ApplicationError("Give the survey a title.", field="title")
    activity = details.activity
    if details.session is not None:
        activity = details.session.activity
    if details.event is not None and activity is None:
        activity = details.event.activity
    survey = Survey(
        partnership=partnership,
        organisation=details.organisation,
        title=title,
        introduction=str(details.introduction or "").strip()[:4000],
        timing=details.timing,
        activity=activity,
        session=details.session,
        event=details.event,
        pre_survey=details.pre_survey,
        asks_publication_consent=details.asks_publication_consent,
        created_by=actor,
    )
    _full_clean(survey, exclude=["created_by"])
    survey.save()
    return survey


def _draft_for_editing(actor: Any, survey: Survey) -> Survey:
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if not may_manage_survey(actor, locked):
        raise NotFound
    if locked.status != SurveyStatus.DRAFT:
        raise ApplicationError(
            "Questions can only be changed before the survey is opened, so that every answer "
            "was given to the same questions."
        )
    return locked


def _next_position(survey: Survey) -> int:
    return (survey.questions.aggregate(Max("position"))["position__max"] or 0) + 1


@dataclass(frozen=True)
class QuestionDetails:
    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    choices: Sequence[str] = field(default_factory=tuple)
    min_value: Decimal | None = None
    max_value: Decimal | None = None


@transaction.atomic
def question_add(*, actor: Any, survey: Survey, details: QuestionDetails) -> Question:
    survey = _draft_for_editing(actor, survey)
    if details.kind == QuestionKind.SCALE_ITEM:
        raise ApplicationError("Add a scale's items by adding the scale.", field="kind")
    if survey.questions.count() >= QUESTIONS_MAX:
        raise ApplicationError(f"A survey has at most {QUESTIONS_MAX} questions.")
    choices = [_words(choice, maximum=200) for choice in details.choices]
    question = Question(
        survey=survey,
        position=_next_position(survey),
        kind=details.kind,
        text=_words(details.text, maximum=500),
        help_text=_words(details.help_text, maximum=300),
        required=details.required,
        choices=[choice for choice in choices if choice],
        min_value=details.min_value,
        max_value=details.max_value,
    )
    _full_clean(question)
    question.save()
    return question


@transaction.atomic
def survey_scale_add(
    *, actor: Any, survey: Survey, scale: Scale, required: bool = True
) -> list[Question]:
    """Add every item of a published scale, in its order and wording, as questions."""
    survey = _draft_for_editing(actor, survey)
    if not scale.is_published:
        raise ApplicationError("Only a published scale can be used in a survey.", field="scale")
    if scale.partnership_id not in (None, survey.partnership_id):
        raise NotFound
    if survey.questions.filter(scale=scale).exists():
        raise ApplicationError(f"“{scale.name}” is already in this survey.", field="scale")
    items = list(scale.items.all())
    if survey.questions.count() + len(items) > QUESTIONS_MAX:
        raise ApplicationError(f"A survey has at most {QUESTIONS_MAX} questions.")
    position = _next_position(survey)
    questions = []
    for offset, item in enumerate(items):
        question = Question(
            survey=survey,
            position=position + offset,
            kind=QuestionKind.SCALE_ITEM,
            required=required,
            scale=scale,
            scale_item=item,
        )
        _full_clean(question)
        questions.append(question)
    Question.objects.bulk_create(questions)
    return questions


@transaction.atomic
def question_remove(*, actor: Any, question: Question) -> None:
    """Remove a question (or, for a scale's item, the whole scale) from a draft survey."""
    survey = _draft_for_editing(actor, question.survey)
    if question.scale_id:
        survey.questions.filter(scale_id=question.scale_id).delete()
    else:
        survey.questions.filter(pk=question.pk).delete()
    for position, remaining in enumerate(survey.questions.order_by("position"), start=1):
        if remaining.position != position:
            # Positions are unique: move out of the way first, then into place.
            Question.objects.filter(pk=remaining.pk).update(position=position + 10_000)
            Question.objects.filter(pk=remaining.pk).update(position=position)


@transaction.atomic
def survey_after_make(*, actor: Any, survey: Survey) -> Survey:
    """A draft survey for after the activity, paired with `survey` (taken before it): the same
    activity, session or event, and the same questions and scales in the same order, so that
    each learner's answers before and after compare like with like."""
    if not may_manage_survey(actor, survey):
        raise NotFound
    if survey.timing != SurveyTiming.PRE:
        raise ApplicationError("Only a survey taken before an activity has a survey after it.")
    after = Survey(
        partnership=survey.partnership,
        organisation=survey.organisation,
        title=_words(f"After: {survey.title}", maximum=200),
        introduction=survey.introduction,
        timing=SurveyTiming.POST,
        activity=survey.activity,
        session=survey.session,
        event=survey.event,
        pre_survey=survey,
        asks_publication_consent=survey.asks_publication_consent,
        created_by=actor,
    )
    _full_clean(after, exclude=["created_by"])
    after.save()
    Question.objects.bulk_create(
        Question(
            survey=after,
            position=question.position,
            kind=question.kind,
            text=question.text,
            help_text=question.help_text,
            required=question.required,
            choices=question.choices,
            min_value=question.min_value,
            max_value=question.max_value,
            scale=question.scale,
            scale_item=question.scale_item,
        )
        for question in survey.questions.order_by("position")
    )
    return after


@transaction.atomic
def survey_open(*, actor: Any, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not may_manage_survey(actor, survey):
        raise NotFound
    if not survey.questions.exists():
        raise ApplicationError("Add at least one question before opening the survey.")
    if survey.status == SurveyStatus.CLOSED:
        raise ApplicationError("This survey is closed; it cannot take answers again.")
    survey.status = SurveyStatus.OPEN
    survey.opened_at = survey.opened_at or timezone.now()
    survey.save(update_fields=["status", "opened_at", "updated_at"])
    return survey


@transaction.atomic
def survey_close(*, actor: Any, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not may_manage_survey(actor, survey):
        raise NotFound
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    return survey


# --- Sending ----------------------------------------------------------------------------------


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


def _survey_link(token: str, link_base: str | None) -> str:
    return f"{link_base or SURVEY_LINK_PATH}{token}/"


def _ready_to_send(actor: Any, survey: Survey) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not may_send_links(actor, survey):
        raise NotFound
    if survey.status != SurveyStatus.OPEN:
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
            session=session, answered_at__isnull=True, learner__isnull=False
        ).select_related("learner")
        for invitation in unanswered:
            token = link_token_new()
            invitation.token_digest = token.digest
            invitation.sent_at = timezone.now()
            invitation.save(update_fields=["token_digest", "sent_at", "updated_at"])
            name = invitation.learner.display_name if invitation.learner else invitation.name
            given.append(LinkGiven(invitation, _survey_link(token.token, link_base), name))
    already = set(
        survey.invitations.filter(learner__isnull=False).values_list("learner_id", flat=True)
    )
    rows = (
        session.register.exclude(status=AttendanceStatus.ABSENT)
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
            created_by=actor,
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
    already = set(
        survey.invitations.filter(booking__isnull=False).values_list("booking_id", flat=True)
    )
    bookings = (
        event.bookings.filter(status=BookingStatus.BOOKED)
        .exclude(pk__in=already)
        .select_related("learner")
    )
    given: list[LinkGiven] = []
    mails: list[tuple[str, str, str]] = []
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
            created_by=actor,
        )
        try:
            with transaction.atomic():
                invitation.save()
        except IntegrityError:
            continue  # the learner has a link to this survey already (from a session)
        link = _survey_link(token.token, link_base)
        given.append(LinkGiven(invitation, link, booking.name))
        mails.append((booking.email, booking.name, link))
    title = survey.title

    def send() -> None:
        for email, name, link in mails:
            send_mail(
                f"Tell us what you thought: {title}",
                f"Dear {name},\n\nThank you for coming to {event.title}. Please tell us what you "
                f"thought: it takes a few minutes, and the link works once.\n\n{link}\n",
                None,
                [email],
            )

    transaction.on_commit(send)
    return given


def invitation_for_link(token: str | None) -> SurveyInvitation:
    """The invitation a link reaches, while its survey is open; a wrong or old link, or one to
    a survey that is not open, answers like a missing one (`NotFound`)."""
    invitation: SurveyInvitation = link_lookup(
        SurveyInvitation.objects.select_related("survey"), token
    )
    if invitation.survey.status != SurveyStatus.OPEN:
        raise NotFound("This link is not valid.")
    return invitation


# --- Answering --------------------------------------------------------------------------------


class AnswersInvalidError(ApplicationError):
    """Some answers were not acceptable: `errors` maps each question's id to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("Some answers need changing: " + " ".join(errors.values()))
        self.errors = errors


def number_text(value: Decimal) -> str:
    """A number as people write it: 20, 2.5 (not 20.00)."""
    text = f"{value.normalize():f}"
    return text


def _decimal(raw: Any) -> Decimal | None:
    text = str(raw).strip().replace(",", "")
    if not text or len(text) > 20:
        return None
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _as_list(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, str | int | Decimal):
        return [str(raw)]
    if isinstance(raw, list | tuple):
        return [str(item) for item in raw if item is not None]
    return []


def answer_values(
    questions: Sequence[Question], raw: Mapping[str, Any]
) -> dict[Question, dict[str, Any]]:
    """Each question's answer as stored, from what the person sent (keyed by question id).
    Raises `AnswersInvalidError` naming every question whose answer is not acceptable."""
    values: dict[Question, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for question in questions:
        key = str(question.pk)
        given = _as_list(raw.get(key))
        given = [item.strip() for item in given if item.strip()]
        label = f"Question {question.position}"
        if not given:
            if question.required:
                errors[key] = f"{label}: please answer this question."
            continue
        options = [value for value, _ in question.options()]
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            if any(item not in options for item in given) or (
                question.kind == QuestionKind.SINGLE_CHOICE and len(given) > 1
            ):
                errors[key] = f"{label}: choose from the options shown."
                continue
            chosen = [option for option in options if option in given]
            values[question] = {"value_choices": chosen}
        elif question.kind in (QuestionKind.LIKERT, QuestionKind.SCALE_ITEM):
            if len(given) > 1 or given[0] not in options:
                errors[key] = f"{label}: choose one of the options shown."
                continue
            values[question] = {"value_number": Decimal(given[0])}
        elif question.kind == QuestionKind.NUMERIC:
            number = _decimal(given[0]) if len(given) == 1 else None
            if number is None:
                errors[key] = f"{label}: give a number, like 3 or 2.5."
                continue
            if question.min_value is not None and number < question.min_value:
                errors[key] = (
                    f"{label}: give a number no lower than {number_text(question.min_value)}."
                )
                continue
            if question.max_value is not None and number > question.max_value:
                errors[key] = (
                    f"{label}: give a number no higher than {number_text(question.max_value)}."
                )
                continue
            if abs(number) >= Decimal("1e10"):
                errors[key] = f"{label}: that number is too large."
                continue
            values[question] = {"value_number": number.quantize(Decimal("0.01"))}
        else:
            text = "\n".join(given).replace("\x00", "")
            if len(text) > TEXT_ANSWER_MAX:
                errors[key] = f"{label}: keep your answer under {TEXT_ANSWER_MAX:,} characters."
                continue
            values[question] = {"value_text": text}
    if errors:
        raise AnswersInvalidError(errors)
    return values


def scale_scores_for(
    response: SurveyResponse, values: Mapping[Question, Mapping[str, Any]]
) -> list[ScaleScore]:
    by_scale: dict[Any, dict[Any, Decimal | None]] = {}
    scales: dict[Any, Scale] = {}
    for question in response.survey.questions.filter(scale__isnull=False).select_related("scale"):
        assert question.scale is not None
        scales[question.scale_id] = question.scale
        by_scale.setdefault(question.scale_id, {})[question.scale_item_id] = None
    for question, value in values.items():
        if question.scale_id:
            by_scale[question.scale_id][question.scale_item_id] = value.get("value_number")
    scores = []
    for scale_id, answered in by_scale.items():
        scale = scales[scale_id]
        scores.append(
            ScaleScore(
                response=response,
                scale=scale,
                score=scale.score(answered),
                items_answered=sum(1 for value in answered.values() if value is not None),
                items_total=len(answered),
            )
        )
    return scores


@transaction.atomic
def response_submit(
    *,
    survey: Survey,
    raw_answers: Mapping[str, Any],
    invitation: SurveyInvitation | None = None,
    publication_consent: bool = False,
    actor: Any = None,
    organisation: Organisation | None = None,
) -> SurveyResponse:
    """Store one person's answers and their scale scores. By link: the invitation answers once
    (a second submission raises `NotFound`, like a used link). At an event: `actor` is the
    signed-in staff member holding the device, and the response is anonymous."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.OPEN:
        raise NotFound("This survey is not taking answers.")
    if invitation is not None:
        invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.survey_id != survey.pk or invitation.answered_at is not None:
            raise NotFound("This link is not valid.")
    elif actor is None or not may_manage_survey(actor, survey):
        raise NotFound
    questions = list(survey.questions.select_related("scale", "scale_item"))
    values = answer_values(questions, raw_answers)
    now = timezone.now()
    response = SurveyResponse(
        survey=survey,
        invitation=invitation,
        organisation_id=(
            invitation.organisation_id
            if invitation is not None
            else (organisation.pk if organisation is not None else survey.organisation_id)
        ),
        learner_id=invitation.learner_id if invitation is not None else None,
        school_id=invitation.school_id if invitation is not None else None,
        activity_id=survey.activity_id,
        session_id=(invitation.session_id if invitation is not None else None) or survey.session_id,
        event_id=(invitation.event_id if invitation is not None else None) or survey.event_id,
        timing=survey.timing,
        channel=ResponseChannel.LINK if invitation is not None else ResponseChannel.AT_EVENT,
        submitted_at=now,
        publication_consent=bool(publication_consent) and survey.asks_publication_consent,
    )
    response.save()
    answers = [
        Answer(response=response, question=question, **value) for question, value in values.items()
    ]
    Answer.objects.bulk_create(answers)
    ScaleScore.objects.bulk_create(scale_scores_for(response, values))
    if invitation is not None:
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at", "updated_at"])
    return response


@transaction.atomic
def answer_publication_mark(*, actor: Any, answer: Answer, publish: bool) -> Answer:
    """Mark a written answer for publication (as a quote, without the person's name), or take
    the mark off. Only answers whose author consented on the form, and that do not name them,
    their school, or an e-mail address, phone number or postcode, can be marked."""
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("response__survey", *QUOTE_RELATED)
        .get(pk=answer.pk)
    )
    if not may_manage_survey(actor, answer.response.survey):
        raise NotFound
    if answer.question.kind != QuestionKind.FREE_TEXT:
        raise ApplicationError("Only written answers can be quoted.")
    if publish and not answer.response.publication_consent:
        raise ApplicationError(
            "This person did not agree to their words being quoted, so this answer cannot be "
            "published."
        )
    if publish and (what := identifying_details(answer)):
        raise ApplicationError(IDENTIFYING.format(what=what))
    answer.published_at = timezone.now() if publish else None
    answer.published_by = actor if publish else None
    answer.save(update_fields=["published_at", "published_by", "updated_at"])
    return answer
