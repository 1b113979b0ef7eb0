"""Mentors and mentees joining mentoring, and answering the introductions the coordinator
publishes. Every write goes through here, under the mentoring policy, and is audited as it is
saved.

* A professional or alumna **registers as a mentor** on an open programme's public page, with no
  staff account: an account without a staff role is made (or reused), a mentor record held by
  the programme's organisation, a place applied for, and a sign-in link e-mailed. An address of
  an account with a staff role, or one shared by two accounts, is never used; the page answers
  the same whatever happened, so it tells nobody which addresses Widen knows. A mentor record
  that exists already is never changed from the public page (anyone may type any address): the
  mentor changes it signed in.
* A mentor changes their own profile, withdraws from a programme, joins another open one.
* A signed-in student **applies as a mentee** to an open programme of their own provider (only
  a member of the group it names, if it names one) and withdraws.
* Each side of an introduced pair **accepts** (both have: the pair is active) or **declines**
  with a reason, which the other side and the coordinators are told politely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import Capability, people_holding, require_actor
from widen.accounts.models import SignInLink, User
from widen.accounts.sign_in_links import (
    address_normalised,
    has_staff_role,
    link_account_create,
    sign_in_link_create,
)
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.mentoring.matching_explain import DAYS, PARTS
from widen.mentoring.models import (
    MENTEE_WORKFLOW,
    PROGRAMME_MENTOR_WORKFLOW,
    RELATIONSHIP_WORKFLOW,
    LivedExperience,
    Mentee,
    MenteesAre,
    Mentor,
    MentoringProgramme,
    Mode,
    ProgrammeMentor,
    Relationship,
    Side,
)
from widen.mentoring.permissions import (
    EDIT_OWN,
    RESPOND,
    mentee_policy,
    mentor_policy,
    my_mentor_records,
    programme_mentor_policy,
    programmes_open,
    relationship_policy,
    side_of,
)
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation
from widen.students.member_groups import belongs_to, member_group_name
from widen.students.mine.selectors import my_students
from widen.students.models import Student

MOST_MENTEES = 5
MOST_CODES = 20  # industries, careers, languages a person lists
LONGEST_CODE = 80
TEXT_LIMITS = {
    "employer_name": 200,
    "job_role": 200,
    "studied_at": 200,
    "studied_subject": 200,
    "location": 120,
    "preferences": 2000,
    "goals": 2000,
}
AVAILABILITY = [f"{day}-{part}" for day in DAYS for part in PARTS]
MENTOR_FIELDS = (
    "employer_name",
    "industries",
    "career_path",
    "job_role",
    "is_alumnus",
    "studied_at",
    "studied_subject",
    "location",
    "modes",
    "languages",
    "availability",
    "lived_experience",
    "preferences",
)
MENTEE_FIELDS = (
    "goals",
    "industries",
    "careers",
    "location",
    "modes",
    "availability",
    "languages",
    "wants_shared",
    "shared_with_mentor",
)
_FREE_CODES = {"industries", "career_path", "careers", "languages"}
_CHOSEN = {
    "modes": Mode.values,
    "availability": AVAILABILITY,
    "lived_experience": LivedExperience.values,
    "wants_shared": LivedExperience.values,
    "shared_with_mentor": LivedExperience.values,
}
DECLINE_REASON_LIMIT = 2000


# --- Checking what people send ----------------------------------------------------------------


def _free_codes(name: str, values: Iterable[Any]) -> list[str]:
    """Words typed by the person (industries, careers, languages): trimmed, each once, at most
    `MOST_CODES` of at most `LONGEST_CODE` characters."""
    kept: list[str] = []
    seen: set[str] = set()
    for value in values:
        word = " ".join(str(value).split())
        if not word or word.casefold() in seen:
            continue
        if len(word) > LONGEST_CODE:
            raise ApplicationError(
                f"Keep each one to {LONGEST_CODE} characters at most.", field=name
            )
        seen.add(word.casefold())
        kept.append(word)
    if len(kept) > MOST_CODES:
        raise ApplicationError(f"List {MOST_CODES} at most.", field=name)
    return kept


def _chosen(name: str, values: Iterable[Any], allowed: list[str]) -> list[str]:
    chosen = [str(value) for value in values]
    unknown = sorted(set(chosen) - set(allowed))
    if unknown:
        raise ApplicationError(
            f"Choose from the list: {', '.join(unknown)} is not one.", field=name
        )
    return [value for value in allowed if value in chosen]


def _text(name: str, value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > TEXT_LIMITS[name]:
        raise ApplicationError(f"Keep it to {TEXT_LIMITS[name]} characters at most.", field=name)
    return text


def profile_cleaned(profile: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The fields of `profile` named in `fields` (others are ignored), checked."""
    cleaned: dict[str, Any] = {}
    for name in fields:
        if name not in profile:
            continue
        value = profile[name]
        if name in _FREE_CODES:
            cleaned[name] = _free_codes(name, value or [])
        elif name in _CHOSEN:
            cleaned[name] = _chosen(name, value or [], _CHOSEN[name])
        elif name == "is_alumnus":
            cleaned[name] = bool(value)
        else:
            cleaned[name] = _text(name, value)
    return cleaned


def _capacity(capacity: Any) -> int:
    if isinstance(capacity, bool) or not isinstance(capacity, int):
        raise ApplicationError("Say how many mentees, from 1 to 5.", field="capacity")
    if not 1 <= capacity <= MOST_MENTEES:
        raise ApplicationError(f"You can take from 1 to {MOST_MENTEES} mentees.", field="capacity")
    return capacity


def employers_for(programme: MentoringProgramme) -> list[Organisation]:
    """The organisations a mentor of `programme` may name as their employer: those of its
    partnership, if it has one."""
    if programme.partnership_id is None:
        return []
    return list(
        Organisation.objects.filter(partnerships=programme.partnership_id)
        .distinct()
        .order_by("name")
    )


def _employer(programme: MentoringProgramme, employer: Any) -> Organisation | None:
    if employer in (None, ""):
        return None
    pk = getattr(employer, "pk", employer)
    for organisation in employers_for(programme):
        if str(organisation.pk) == str(pk):
            return organisation
    raise ApplicationError(
        "Choose an organisation of the programme's partnership, or type your employer.",
        field="employer",
    )


def _open(programme: MentoringProgramme) -> MentoringProgramme:
    found = programmes_open().filter(pk=programme.pk).first()
    if found is None:
        raise NotFound
    return found


# --- Telling people ----------------------------------------------------------------------------


def tell_coordinators(programme: MentoringProgramme, template: str, **context: Any) -> None:
    for person in people_holding(Capability.MENTORING_COORDINATE, [programme.organisation_id]):
        notify(
            template=template,
            category=Category.UPDATES,
            user=person,
            context={"programme": programme.name, **context},
        )


def _tell_mentee(mentee: Mentee, template: str, **context: Any) -> None:
    """A mentee at the account they sign in with, else a student at their contact address (a
    pupil not invited to sign in: nothing; the coordinator tells them)."""
    account, address = mentee.contact()
    if account is None and not address:
        return
    notify(
        template=template,
        category=Category.UPDATES,
        user=account,
        email=address,
        context={"programme": mentee.programme.name, **context},
        link=reverse("mentoring:mine") if account is not None else "",
    )


def _tell_mentor(
    mentor: Mentor, template: str, programme: MentoringProgramme, **context: Any
) -> None:
    notify(
        template=template,
        category=Category.UPDATES,
        user=mentor.user,
        context={"programme": programme.name, **context},
        link=reverse("mentoring:mine"),
    )


# --- Mentors ---------------------------------------------------------------------------------


def link_account_for(address: str, first_name: str, last_name: str) -> User | None:
    """The account a mentor registering with `address` signs in with: theirs if they have
    exactly one and it holds no staff role, a new one if they have none, else None."""
    accounts = list(User.objects.filter(email__iexact=address))
    if len(accounts) > 1:
        return None
    if accounts:
        account = accounts[0]
        if has_staff_role(account) or not account.is_active:
            return None
        return account
    return link_account_create(email=address, first_name=first_name, last_name=last_name)


def mentor_register(
    *,
    programme: MentoringProgramme,
    email: str,
    first_name: str,
    last_name: str,
    profile: Mapping[str, Any],
    capacity: int,
    agrees_to_code_of_conduct: bool,
    site_url: str,
    employer: Any = None,
) -> bool:
    """Register someone without a staff account as a mentor of the open `programme` and e-mail
    them a sign-in link; whether anything was done (never shown to the person asking). What
    they typed is checked first (`ApplicationError` on its field)."""
    programme = _open(programme)
    if not agrees_to_code_of_conduct:
        raise ApplicationError(
            "Agree to the code of conduct to register as a mentor.", field="code_of_conduct"
        )
    address = address_normalised(email)
    if not address:
        raise ApplicationError("Enter your e-mail address.", field="email")
    cleaned = profile_cleaned(profile, MENTOR_FIELDS)
    places = _capacity(capacity)
    chosen_employer = _employer(programme, employer)
    with transaction.atomic():
        user = link_account_for(address, first_name.strip()[:150], last_name.strip()[:150])
        if user is None:
            return False
        with request_context.bind(actor=user, source="web"):
            mentor = Mentor.objects.filter(organisation=programme.organisation, user=user).first()
            # Someone who is a mentor already joins a programme signed in, from My mentoring:
            # an address typed on a public page never gives anyone a place they did not ask for.
            made = mentor is None
            if mentor is None:
                mentor = Mentor.objects.create(
                    organisation=programme.organisation,
                    user=user,
                    employer=chosen_employer,
                    code_of_conduct_agreed_on=timezone.localdate(),
                    **cleaned,
                )
                ProgrammeMentor.objects.create(programme=programme, mentor=mentor, capacity=places)
            already_in = ProgrammeMentor.objects.filter(programme=programme, mentor=mentor).exists()
        if made:
            tell_coordinators(programme, "mentoring/people_mentor_applied")
        _, token = sign_in_link_create(email=address)
        notify(
            template="mentoring/people_mentor_registered",
            category=Category.ACCOUNT,
            email=address,
            context={
                "programme": programme.name,
                "organisation": programme.organisation.name,
                "url": site_url.rstrip("/") + reverse("my_student:sign_in_link", args=[token]),
                "minutes": SignInLink.LIFETIME_MINUTES,
                "new_place": made,
                "already_in": already_in,
            },
            secret=True,
        )
    return True


def mentor_profile_update(
    *, actor: Any, mentor: Mentor, profile: Mapping[str, Any], employer: Any = ""
) -> Mentor:
    """The mentor changes their own profile (the fields of `profile` named in
    `MENTOR_FIELDS`; `employer` an organisation of a partnership their programmes run in, or
    None to clear it, "" to leave it)."""
    require_actor(actor)
    mentor = mentor_policy.get(actor, mentor.pk, action=EDIT_OWN)
    changes = profile_cleaned(profile, MENTOR_FIELDS)
    if employer != "":
        if employer is None:
            changes["employer"] = None
        else:
            allowed = {
                organisation.pk: organisation
                for place in mentor.programmes.select_related("programme")
                for organisation in employers_for(place.programme)
            }
            found = allowed.get(getattr(employer, "pk", employer))
            if found is None:
                raise ApplicationError(
                    "Choose an organisation of a partnership your programmes run in.",
                    field="employer",
                )
            changes["employer"] = found
    for name, value in changes.items():
        setattr(mentor, name, value)
    mentor.save()
    return mentor


def mentor_withdraw(*, actor: Any, place: ProgrammeMentor) -> ProgrammeMentor:
    """The mentor withdraws from a programme; its coordinators are told."""
    require_actor(actor)
    place = programme_mentor_policy.get(actor, place.pk, action=RESPOND)
    place = PROGRAMME_MENTOR_WORKFLOW.apply(place, "withdraw", actor=actor)
    tell_coordinators(place.programme, "mentoring/people_mentor_withdrew")
    return place


def mentor_join(*, actor: Any, programme: MentoringProgramme, capacity: int) -> ProgrammeMentor:
    """A mentor applies to another open programme with the profile they keep (copied to a
    record held by the programme's organisation, if it holds none of theirs yet)."""
    require_actor(actor)
    programme = _open(programme)
    places = _capacity(capacity)
    mine = list(my_mentor_records(actor).order_by("-updated_at"))
    if not mine:
        raise NotFound
    with transaction.atomic():
        mentor = next((m for m in mine if m.organisation_id == programme.organisation_id), None)
        if mentor is None:
            source = mine[0]
            copied = {name: getattr(source, name) for name in MENTOR_FIELDS}
            mentor = Mentor.objects.create(
                organisation=programme.organisation,
                user=source.user,
                code_of_conduct_agreed_on=source.code_of_conduct_agreed_on,
                **copied,
            )
        if ProgrammeMentor.objects.filter(programme=programme, mentor=mentor).exists():
            raise ApplicationError(f"You already have a place in {programme.name}.")
        place = ProgrammeMentor.objects.create(programme=programme, mentor=mentor, capacity=places)
        tell_coordinators(programme, "mentoring/people_mentor_applied")
    return place


# --- Mentees ---------------------------------------------------------------------------------


def mentee_student_for(actor: Any, programme: MentoringProgramme) -> Student | None:
    """The signed-in person's student record at `programme`'s provider, if its mentees are
    students."""
    if programme.mentees_are != MenteesAre.STUDENTS:
        return None
    return my_students(actor=actor).filter(organisation_id=programme.organisation_id).first()


def mentee_group_refusal(student: Student, programme: MentoringProgramme) -> str:
    """Why `student` may not apply to `programme` as it names a group (empty: they may)."""
    key = programme.mentees_must_belong_to
    if not key or belongs_to(student, key):
        return ""
    name = member_group_name(programme.organisation, key) or "a particular group"
    return f"{programme.name} is for {name} only, and you are not a member."


def mentee_apply(
    *, actor: Any, programme: MentoringProgramme, profile: Mapping[str, Any]
) -> Mentee:
    """A signed-in student applies to be a mentee of an open programme of their provider."""
    require_actor(actor)
    programme = _open(programme)
    student = mentee_student_for(actor, programme)
    if student is None:
        raise NotFound
    refusal = mentee_group_refusal(student, programme)
    if refusal:
        raise ApplicationError(refusal)
    cleaned = profile_cleaned(profile, MENTEE_FIELDS)
    with transaction.atomic():
        if Mentee.objects.filter(programme=programme, student=student).exists():
            raise ApplicationError(f"You have already applied to {programme.name}.")
        mentee = Mentee.objects.create(programme=programme, student=student, **cleaned)
        tell_coordinators(programme, "mentoring/people_mentee_applied")
    return mentee


def mentee_withdraw(*, actor: Any, mentee: Mentee) -> Mentee:
    require_actor(actor)
    mentee = mentee_policy.get(actor, mentee.pk, action=RESPOND)
    mentee = MENTEE_WORKFLOW.apply(mentee, "withdraw", actor=actor)
    tell_coordinators(mentee.programme, "mentoring/people_mentee_withdrew")
    return mentee


# --- Answering an introduction ---------------------------------------------------------------


def _answering(actor: Any, relationship: Relationship) -> tuple[Relationship, Side]:
    require_actor(actor)
    relationship = relationship_policy.get(actor, relationship.pk, action=RESPOND)
    side = side_of(actor, relationship)
    if side is None:  # the policy allows only a side to respond
        raise NotFound
    return relationship, side


def _first_check_in(relationship: Relationship) -> None:
    """The pair's first check-in, once the pair's space exists to hold it."""
    try:
        from widen.mentoring.services import pairs  # noqa: PLC0415 - written alongside
    except ImportError:
        return
    create = getattr(pairs, "check_in_first_create", None)
    if create is not None:
        create(relationship)


def introduction_accept(*, actor: Any, relationship: Relationship) -> Relationship:
    """One side accepts the introduction; once both have, the pair is active and both are
    told."""
    relationship, side = _answering(actor, relationship)
    now = timezone.now()
    stamp = "mentor_accepted_at" if side == Side.MENTOR else "mentee_accepted_at"
    with transaction.atomic():
        locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
        if not locked.is_introduced:
            raise ApplicationError("This introduction has been answered already.")
        if getattr(locked, stamp) is None:
            setattr(locked, stamp, now)
            locked.save(update_fields=[stamp, "updated_at"])
        if locked.mentor_accepted_at and locked.mentee_accepted_at:
            locked = RELATIONSHIP_WORKFLOW.apply(locked, "start", actor=actor)
            _first_check_in(locked)
            _tell_mentor(locked.mentor, "mentoring/people_pair_started", locked.programme)
            _tell_mentee(locked.mentee, "mentoring/people_pair_started")
    return locked


def introduction_decline(*, actor: Any, relationship: Relationship, reason: str) -> Relationship:
    """One side declines the introduction, saying why in a sentence the other side may read;
    the other side and the coordinators are told."""
    relationship, side = _answering(actor, relationship)
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ApplicationError("Say why, in a sentence the other side may read.", field="reason")
    if len(reason) > DECLINE_REASON_LIMIT:
        raise ApplicationError(
            f"Keep it to {DECLINE_REASON_LIMIT} characters at most.", field="reason"
        )
    with transaction.atomic():
        declined = RELATIONSHIP_WORKFLOW.apply(
            relationship,
            "decline",
            actor=actor,
            changes={"declined_by_side": side, "decline_reason": reason},
        )
        if side == Side.MENTOR:
            _tell_mentee(declined.mentee, "mentoring/people_introduction_declined", reason=reason)
        else:
            _tell_mentor(
                declined.mentor,
                "mentoring/people_introduction_declined",
                declined.programme,
                reason=reason,
            )
        tell_coordinators(
            declined.programme,
            "mentoring/people_introduction_declined_coordinator",
            side=Side(side).label.lower(),
            reason=reason,
        )
    return declined
