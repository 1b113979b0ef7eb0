"""A mentee's own answers, and a pupil's own sign-in to their place.

* A mentee (a student, or a pupil signed in) **changes their answers** (what they want from
  mentoring, interests, availability, what their mentor may see) while their place is open; a
  programme's coordinator may fill them in for a pupil who does not sign in.
* A coordinator **invites a pupil to sign in** at an address of the pupil's own once consent is
  recorded: a parent's or carer's, or the pupil's own from 16. The pupil's account has no staff
  role (an address of a staff account, of someone else's sign-in or shared by two accounts is
  refused); the invitation is a sign-in link. Signed in, the pupil sees their place, answers
  introductions and uses the pair's space as a student does: for a mentee under 18, Widen's
  messages are the only contact with their mentor.
* A coordinator **stops a pupil's sign-in** (consent withdrawn, or the wrong address): the place
  stays, the sign-in no longer reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.accounts.models import SignInLink, User
from widen.accounts.sign_in_links import address_normalised, sign_in_link_create
from widen.core.exceptions import ApplicationError
from widen.mentoring.models import Mentee, MenteeStatus, Mentor
from widen.mentoring.permissions import DECIDE, RESPOND, mentee_policy, my_mentee_places
from widen.mentoring.services.people import MENTEE_FIELDS, link_account_for, profile_cleaned
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.students.mine.selectors import students_at_address
from widen.students.models import Student

CONSENT_GIVEN_BY_LIMIT = 200
PUPIL_CONSENT_AGE = 16
PUPIL_THEMSELVES = "The pupil themselves"
OPEN_PLACE = (MenteeStatus.APPLIED, MenteeStatus.ACCEPTED)


def _open_place(mentee: Mentee) -> Mentee:
    if mentee.status not in OPEN_PLACE:
        raise ApplicationError(
            f"This place in {mentee.programme.name} is {mentee.get_status_display().lower()}: "
            "nothing more can change in it."
        )
    return mentee


def mentee_answers_update(*, actor: Any, mentee: Mentee, profile: Mapping[str, Any]) -> Mentee:
    """Change the mentee's answers: their own (`RESPOND`), or a pupil's by a coordinator of the
    programme (`DECIDE`). Checked as an application is (`ApplicationError` on its field)."""
    require_actor(actor)
    mentee = mentee_policy.get(actor, mentee.pk)
    own = my_mentee_places(actor).filter(pk=mentee.pk).exists()
    if own:
        mentee_policy.require(actor, RESPOND, mentee)
    else:
        mentee_policy.require(actor, DECIDE, mentee)
        if mentee.learner_id is None:
            raise ApplicationError("A student changes their own answers, signed in.")
    _open_place(mentee)
    changes = profile_cleaned(profile, MENTEE_FIELDS)
    with transaction.atomic():
        for name, value in changes.items():
            setattr(mentee, name, value)
        mentee.save(update_fields=[*changes, "updated_at"])
    return mentee


def _pupil(actor: Any, mentee: Mentee) -> Mentee:
    require_actor(actor)
    mentee = mentee_policy.get(actor, mentee.pk, action=DECIDE)
    if mentee.learner_id is None:
        raise ApplicationError("Only a pupil is invited here: a student signs in as a student.")
    return mentee


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _consent_checked(
    mentee: Mentee, given_by: str, given_on: date | None, *, by_pupil: bool
) -> tuple[str, date]:
    if given_on is None:
        raise ApplicationError("Enter the date consent was given.", field="consent_given_on")
    if given_on > timezone.localdate():
        raise ApplicationError(
            "Consent cannot be given on a day still to come.", field="consent_given_on"
        )
    born = mentee.learner.date_of_birth if mentee.learner is not None else None
    if by_pupil:
        if born is None or _age_on(born, given_on) < PUPIL_CONSENT_AGE:
            raise ApplicationError(
                f"A pupil agrees for themselves only from {PUPIL_CONSENT_AGE} (with their date "
                "of birth recorded): record a parent's or carer's consent.",
                field="consent_by_pupil",
            )
        given_by = PUPIL_THEMSELVES
    who = " ".join((given_by or "").split())
    if not who:
        raise ApplicationError(
            "Say which parent or carer agreed: their name and relationship.",
            field="consent_given_by",
        )
    if len(who) > CONSENT_GIVEN_BY_LIMIT:
        raise ApplicationError(
            f"Keep who agreed to {CONSENT_GIVEN_BY_LIMIT} characters.", field="consent_given_by"
        )
    return who, given_on


def _pupil_account(mentee: Mentee, address: str) -> User:
    learner = mentee.learner
    assert learner is not None
    user = link_account_for(
        address, (learner.preferred_name or learner.first_name)[:150], learner.last_name[:150]
    )
    refused = ApplicationError(
        "This address cannot be the pupil's sign-in: it belongs to a staff account or to someone "
        "else who signs in to Widen. Use an address of the pupil's own.",
        field="email",
    )
    if user is None:
        raise refused
    someone_else = (
        Mentee.objects.filter(user=user).exclude(learner_id=mentee.learner_id).exists()
        or Mentor.objects.filter(user=user).exists()
        or Student.objects.filter(user=user).exists()
        # A student's contact address would join their record to the pupil's sign-in.
        or students_at_address(address).exists()
    )
    if someone_else:
        raise refused
    return user


def pupil_invite(
    *,
    actor: Any,
    mentee: Mentee,
    email: str,
    consent_given_by: str,
    consent_given_on: date | None,
    site_url: str,
    consent_by_pupil: bool = False,
) -> Mentee:
    """Invite the pupil of `mentee` to sign in at `email` once consent is recorded (a parent's
    or carer's, `consent_given_by` naming them; or, from 16, the pupil's own), and e-mail them a
    sign-in link (sent again, with the consent as now recorded, when asked again)."""
    mentee = _open_place(_pupil(actor, mentee))
    who, given_on = _consent_checked(
        mentee, consent_given_by, consent_given_on, by_pupil=consent_by_pupil
    )
    address = address_normalised(email)
    if not address:
        raise ApplicationError("Enter the pupil's own e-mail address.", field="email")
    with transaction.atomic():
        user = _pupil_account(mentee, address)
        mentee.user = user
        mentee.consent_given_by = who
        mentee.consent_given_on = given_on
        mentee.consent_recorded_by = actor if is_person(actor) else None
        mentee.save(
            update_fields=[
                "user",
                "consent_given_by",
                "consent_given_on",
                "consent_recorded_by",
                "updated_at",
            ]
        )
        _, token = sign_in_link_create(email=address)
        programme = mentee.programme
        notify(
            template="mentoring/people_pupil_invited",
            category=Category.ACCOUNT,
            email=address,
            context={
                "programme": programme.name,
                "organisation": programme.organisation.name,
                "url": site_url.rstrip("/") + reverse("my_student:sign_in_link", args=[token]),
                "sign_in": site_url.rstrip("/") + reverse("my_student:sign_in"),
                "minutes": SignInLink.LIFETIME_MINUTES,
            },
            secret=True,
        )
    return mentee


def pupil_sign_in_stop(*, actor: Any, mentee: Mentee) -> Mentee:
    """The pupil's sign-in no longer reaches their place (the consent recorded stays, as the
    record of what was agreed)."""
    mentee = _pupil(actor, mentee)
    if mentee.user_id is None:
        raise ApplicationError("This pupil has not been invited to sign in.")
    mentee.user = None
    mentee.save(update_fields=["user", "updated_at"])
    return mentee
