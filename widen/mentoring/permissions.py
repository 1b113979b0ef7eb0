"""Who may see and do what in mentoring: the one place that decides.

* **A coordinator** (`Capability.MENTORING_COORDINATE`: an organisation's admins, outreach
  officers and student support advisers, a partnership's admins) runs the mentoring programmes
  of the organisations where they hold it: the programme and its weights, its cohort of mentors
  and mentees, matching runs, publishing, the pairs and their alerts. Another organisation's
  programmes are not theirs, even in the same partnership.
* **A mentor** signs in with their own account and no staff role. They see and change their own
  mentor record, their places in programmes, and the pairs they are in once published; of a
  mentee they see only the profile the mentee chose to share (`mentee_shared_profile`), never the
  mentee's record or characteristics beyond it.
* **A mentee** who is a student (signed in: `widen.students.mine.selectors.my_students`) sees
  their applications and the pairs they are in once published. A pupil's place is kept by the
  programme's coordinators; a pupil signs in to it (`Mentee.user`) only once a coordinator
  invited them with consent recorded, and then sees it as a student sees theirs.
* **A pair's space** (goals, meetings, check-ins, messages, feedback) is the two sides' while
  the relationship is active; the coordinator sees everything in it except the messages, which
  they may read only once a concern about the pair has been raised.

Nobody else sees any of it, whatever their role. Work done by Widen itself names
`system_actor(...)` and may do everything; a refusal answers like a thing that does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.mentoring.models import (
    Concern,
    MatchingRun,
    Mentee,
    Mentor,
    MentoringProgramme,
    Message,
    ProgrammeMentor,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.organisations.models import Organisation
from widen.students.mine.selectors import my_students

MANAGE = "manage"  # a coordinator changing a programme, its cohort, its runs and its pairs
DECIDE = "decide"  # a coordinator approving or declining an application, recording checks
RESPOND = "respond"  # a mentor or mentee withdrawing, accepting or declining a pair
TAKE_PART = "take_part"  # a side of an active pair: goals, meetings, check-ins, messages
EDIT_OWN = "edit_own"  # a mentor changing their own profile

# Pairs a side sees: once published (a proposed pair is the coordinator's draft).
_SEEN_BY_SIDES = (
    RelationshipStatus.INTRODUCED,
    RelationshipStatus.ACTIVE,
    RelationshipStatus.DECLINED,
    RelationshipStatus.ENDED,
)


def coordinated_organisations(actor: Any) -> QuerySet[Organisation]:
    """The organisations whose mentoring `actor` coordinates (every one, for the system)."""
    if is_system(actor):
        return Organisation.objects.all()
    return organisations_granting(actor, Capability.MENTORING_COORDINATE)


def may_coordinate(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` coordinates mentoring at `organisation` (anywhere, when none)."""
    return holds(actor, Capability.MENTORING_COORDINATE, organisation)


def my_mentor_records(actor: Any) -> QuerySet[Mentor]:
    """The signed-in person's own mentor records (none for anyone else)."""
    if not is_person(actor):
        return Mentor.objects.none()
    return Mentor.objects.filter(user=actor)


def my_mentee_places(actor: Any) -> QuerySet[Mentee]:
    """The signed-in person's own places as a mentee: as a student, or as a pupil invited to
    sign in."""
    if not is_person(actor):
        return Mentee.objects.none()
    return Mentee.objects.filter(
        Q(student__in=my_students(actor=actor)) | Q(user=actor, learner__isnull=False)
    )


def _coordinated_programmes(actor: Any) -> QuerySet[MentoringProgramme]:
    return MentoringProgramme.objects.filter(organisation__in=coordinated_organisations(actor))


class ProgrammePolicy(Policy[MentoringProgramme]):
    """A programme's running (cohort, runs, pairs) is its coordinators' alone; what an open
    programme offers is read by anyone through `programmes_open`."""

    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[MentoringProgramme]:
        return _coordinated_programmes(actor)

    def _may(self, actor: Any, action: str, obj: MentoringProgramme) -> bool:
        return action == MANAGE and may_coordinate(actor, obj.organisation_id)


def programmes_open() -> QuerySet[MentoringProgramme]:
    """Programmes taking applications: their name, purpose and expectations are public."""
    return MentoringProgramme.objects.filter(is_open=True).select_related("organisation")


class MentorPolicy(Policy[Mentor]):
    """A mentor record is seen by the mentor and by coordinators of the organisation that holds
    it or of a programme the mentor applied to; those coordinators record checks (DECIDE), and
    only the mentor changes their own profile (EDIT_OWN)."""

    actions = frozenset({VIEW, DECIDE, EDIT_OWN})

    def visible_to(self, actor: Any) -> QuerySet[Mentor]:
        organisations = coordinated_organisations(actor)
        coordinated = Mentor.objects.filter(
            Q(organisation__in=organisations)
            | Q(programmes__programme__organisation__in=organisations)
        )
        if is_person(actor):
            coordinated = coordinated | Mentor.objects.filter(user=actor)
        return coordinated.distinct()

    def _may(self, actor: Any, action: str, obj: Mentor) -> bool:
        if action == EDIT_OWN:
            return is_person(actor) and obj.user_id == actor.pk
        if action == DECIDE:
            return is_system(actor) or (
                may_coordinate(actor, obj.organisation_id)
                or _coordinated_programmes(actor).filter(mentors__mentor=obj).exists()
            )
        return False


class ProgrammeMentorPolicy(Policy[ProgrammeMentor]):
    """A mentor's place in a programme: its coordinators decide; the mentor withdraws."""

    actions = frozenset({VIEW, DECIDE, RESPOND})

    def visible_to(self, actor: Any) -> QuerySet[ProgrammeMentor]:
        places = ProgrammeMentor.objects.filter(programme__in=_coordinated_programmes(actor))
        if is_person(actor):
            places = places | ProgrammeMentor.objects.filter(mentor__user=actor)
        return places

    def _may(self, actor: Any, action: str, obj: ProgrammeMentor) -> bool:
        if action == DECIDE:
            return programme_policy.may(actor, MANAGE, obj.programme)
        return action == RESPOND and is_person(actor) and obj.mentor.user_id == actor.pk


class MenteePolicy(Policy[Mentee]):
    """A mentee's place: its coordinators see it whole and decide; a student sees and withdraws
    their own. A mentor never reads it (see `mentee_shared_profile`)."""

    actions = frozenset({VIEW, DECIDE, RESPOND})

    def visible_to(self, actor: Any) -> QuerySet[Mentee]:
        places = Mentee.objects.filter(programme__in=_coordinated_programmes(actor))
        if is_person(actor):
            places = places | my_mentee_places(actor)
        return places

    def _may(self, actor: Any, action: str, obj: Mentee) -> bool:
        if action == DECIDE:
            return programme_policy.may(actor, MANAGE, obj.programme)
        return action == RESPOND and my_mentee_places(actor).filter(pk=obj.pk).exists()


class MatchingRunPolicy(Policy[MatchingRun]):
    actions = frozenset({VIEW, MANAGE})

    def visible_to(self, actor: Any) -> QuerySet[MatchingRun]:
        return MatchingRun.objects.filter(programme__in=_coordinated_programmes(actor))

    def _may(self, actor: Any, action: str, obj: MatchingRun) -> bool:
        return action == MANAGE and programme_policy.may(actor, MANAGE, obj.programme)


def side_of(actor: Any, relationship: Relationship) -> Side | None:
    """Which side of the pair `actor` is (None: neither)."""
    if not is_person(actor):
        return None
    if Mentor.objects.filter(pk=relationship.mentor_id, user=actor).exists():
        return Side.MENTOR
    if my_mentee_places(actor).filter(pk=relationship.mentee_id).exists():
        return Side.MENTEE
    return None


class RelationshipPolicy(Policy[Relationship]):
    """A pair: its coordinators see it from the proposal on and manage it; the two sides see it
    once published, accept or decline it while introduced (RESPOND) and keep its space while
    active (TAKE_PART)."""

    actions = frozenset({VIEW, MANAGE, RESPOND, TAKE_PART})

    def visible_to(self, actor: Any) -> QuerySet[Relationship]:
        pairs = Relationship.objects.filter(programme__in=_coordinated_programmes(actor))
        if is_person(actor):
            pairs = pairs | Relationship.objects.filter(
                Q(mentor__user=actor) | Q(mentee__in=my_mentee_places(actor)),
                status__in=_SEEN_BY_SIDES,
            )
        return pairs

    def _may(self, actor: Any, action: str, obj: Relationship) -> bool:
        if action == MANAGE:
            return programme_policy.may(actor, MANAGE, obj.programme)
        if action == RESPOND:
            return obj.is_introduced and side_of(actor, obj) is not None
        return action == TAKE_PART and obj.is_active and side_of(actor, obj) is not None


def may_read_messages(actor: Any, relationship: Relationship) -> bool:
    """The pair read their messages; a coordinator only once a concern has been raised."""
    if side_of(actor, relationship) is not None:
        return True
    return (
        relationship_policy.may(actor, MANAGE, relationship)
        and Concern.objects.filter(relationship=relationship).exists()
    )


class MessagePolicy(Policy[Message]):
    def visible_to(self, actor: Any) -> QuerySet[Message]:
        mine = Message.objects.none()
        if is_person(actor):
            mine = Message.objects.filter(
                Q(relationship__mentor__user=actor)
                | Q(relationship__mentee__in=my_mentee_places(actor)),
                relationship__status__in=_SEEN_BY_SIDES,
            )
        concerned = Message.objects.filter(
            relationship__programme__in=_coordinated_programmes(actor),
            relationship__concerns__isnull=False,
        )
        return (mine | concerned).distinct()

    def _may(self, actor: Any, action: str, obj: Message) -> bool:
        return False


programme_policy = ProgrammePolicy()
mentor_policy = MentorPolicy()
programme_mentor_policy = ProgrammeMentorPolicy()
mentee_policy = MenteePolicy()
matching_run_policy = MatchingRunPolicy()
relationship_policy = RelationshipPolicy()
message_policy = MessagePolicy()


def mentee_shared_profile(relationship: Relationship) -> dict[str, Any]:
    """What the mentor of `relationship` reads about their mentee: a first name, what they want
    from mentoring and their interests, and only the characteristics the mentee chose to share.
    Never the mentee's record, contact details or anything else."""
    mentee = relationship.mentee
    person = mentee.student if mentee.student_id else mentee.learner
    first_name = ""
    if person is not None:
        first_name = getattr(person, "preferred_name", "") or getattr(person, "first_name", "")
    return {
        "first_name": first_name,
        "goals": mentee.goals,
        "industries": list(mentee.industries),
        "careers": list(mentee.careers),
        "modes": list(mentee.modes),
        "availability": list(mentee.availability),
        "languages": list(mentee.languages),
        "shared": list(mentee.shared_with_mentor),
    }
