"""A pupil mentee signs in to their own place: a coordinator records consent and invites them at
their own address; signed in, the pupil gives their answers, accepts the introduction, messages
their mentor through Widen and gives feedback, as a student does. Refusals are specific, and a
stopped sign-in reaches nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.mentoring.coordinator_factories import make_mentor, make_programme, make_pupil_mentee
from tests.mentoring.people_factories import mentor_record
from tests.students.mine.support import links_sent_to
from tests.students.records import make_student
from widen.accounts.models import Role, User
from widen.audit.models import AuditEvent
from widen.core import request_context
from widen.mentoring.models import (
    Mentee,
    MentoringProgramme,
    Message,
    Relationship,
    RelationshipStatus,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

PIP = "pip.pupil@school.example.org"
CONSENT = {"consent_given_by": "Jo Alphason, mother", "consent_given_on": "2026-09-01"}


def _pupils_programme(world: World) -> MentoringProgramme:
    return make_programme(
        world.alpha, "Year 10 careers mentoring", mentees_are="pupils", partnership=world.north
    )


@pytest.fixture
def pupil(world: World) -> Mentee:
    """Amara (Year 10, Alpha's learner) in a pupils' programme, not yet signing in."""
    return make_pupil_mentee(_pupils_programme(world), world.learner_alpha)


def _coordinator(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def _invite(world: World, mentee: Mentee, capture: Any, **changes: Any) -> Any:
    form = {"email": PIP, **CONSENT, **changes}
    with capture(execute=True):
        return _coordinator(world).post(
            reverse("mentoring:pupil_sign_in", args=[mentee.pk]),
            {key: value for key, value in form.items() if value is not None},
        )


def _signed_in(world: World, mentee: Mentee, capture: Any) -> tuple[Client, Any]:
    """The pupil's client, signed in by the link the invitation e-mailed, and where it landed."""
    response = _invite(world, mentee, capture)
    assert response.status_code == 302, response.content.decode()[:2000]
    client = Client()
    landed = client.post(links_sent_to(PIP)[-1])
    return client, landed


def _pair_with_a_checked_mentor(mentee: Mentee) -> Relationship:
    place = make_mentor(mentee.programme, "lane.mentor", dbs=True, industries=["law"])
    User.objects.filter(pk=place.mentor.user_id).update(email="lane.mentor@example.com")
    place.mentor.user.refresh_from_db()
    with request_context.bind(source="test"):
        return Relationship.objects.create(
            programme=mentee.programme,
            mentor=place.mentor,
            mentee=mentee,
            status=RelationshipStatus.INTRODUCED,
            score=30,
            reasons=[{"criterion": "industry", "points": 30, "words": "both in law"}],
        )


def test_consent_recorded_the_pupil_is_invited_and_lands_on_their_own_mentoring(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    client, landed = _signed_in(world, pupil, django_capture_on_commit_callbacks)

    assert landed.status_code == 302
    assert landed.url == reverse("mentoring:mine")
    invitation = next(message for message in mail.outbox if PIP in message.to)
    assert "Year 10 careers mentoring" in invitation.body
    assert "only through Widen's messages" in invitation.body
    pupil.refresh_from_db()
    account = User.objects.get(email=PIP)
    assert pupil.user == account
    assert not account.memberships.exists()
    assert not account.has_usable_password()
    assert (pupil.consent_given_by, pupil.consent_given_on) == (
        "Jo Alphason, mother",
        date(2026, 9, 1),
    )
    assert pupil.consent_recorded_by == world.users[Role.OUTREACH_OFFICER]
    audited = AuditEvent.objects.filter(object_type="mentoring.mentee", object_id=str(pupil.pk))
    assert any({"user", "user_id"} & set(event.changed_fields) for event in audited), [
        event.changed_fields for event in audited
    ]
    mine = client.get(reverse("mentoring:mine")).content.decode()
    assert "Year 10 careers mentoring" in mine
    assert "Give your answers" in mine
    # The coordinator's cohort says she signs in, and since when consent was given.
    cohort = _coordinator(world).get(reverse("mentoring:programme", args=[pupil.programme_id]))
    assert "Signs in (consent 1 Sep 2026)" in cohort.content.decode()


def test_the_pupil_gives_their_answers_and_the_matching_reads_them(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    client, _ = _signed_in(world, pupil, django_capture_on_commit_callbacks)
    answers = reverse("mentoring:mine_answers", args=[pupil.pk])
    page = client.get(answers)
    assert page.status_code == 200
    saved = client.post(
        answers,
        {
            "goals": "To find out what a solicitor does all day",
            "industries": "Law",
            "modes": ["online"],
            "availability": ["tue-evening"],
            "shared_with_mentor": ["first_in_family"],
        },
    )
    assert saved.status_code == 302
    pupil.refresh_from_db()
    assert pupil.goals == "To find out what a solicitor does all day"
    assert pupil.industries == ["Law"]
    assert pupil.shared_with_mentor == ["first_in_family"]
    assert "Change your answers" in client.get(reverse("mentoring:mine")).content.decode()


def test_a_coordinator_fills_in_the_answers_of_a_pupil_who_does_not_sign_in(
    world: World, pupil: Mentee
) -> None:
    coordinator = _coordinator(world)
    answers = reverse("mentoring:pupil_answers", args=[pupil.pk])
    assert "Amara Alphason's answers" in coordinator.get(answers).content.decode()
    response = coordinator.post(answers, {"goals": "", "industries": "Engineering"})
    assert response.status_code == 302
    pupil.refresh_from_db()
    assert pupil.industries == ["Engineering"]
    # Emptying every answer is saved too, not ignored.
    assert coordinator.post(answers, {}).status_code == 302
    pupil.refresh_from_db()
    assert pupil.industries == []


def test_the_pupil_accepts_the_introduction_and_messages_their_mentor_only_through_widen(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    client, _ = _signed_in(world, pupil, django_capture_on_commit_callbacks)
    pair = _pair_with_a_checked_mentor(pupil)
    mine = client.get(reverse("mentoring:mine")).content.decode()
    assert "You have been introduced: please accept or decline." in mine
    assert "both in law" in mine

    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(reverse("mentoring:mine_introduction_accept", args=[pair.pk]))
    assert accepted.status_code == 302
    pair.refresh_from_db()
    assert pair.mentee_accepted_at is not None
    mentor = signed_in_client(pair.mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        mentor.post(reverse("mentoring:mine_introduction_accept", args=[pair.pk]))
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ACTIVE
    # The pupil is told the pair has started, at their sign-in.
    pupil.refresh_from_db()
    assert pupil.user is not None
    assert pupil.user.notifications.filter(template="mentoring/people_pair_started").exists()

    space = client.get(reverse("mentoring:pair", args=[pair.pk]))
    assert space.status_code == 200
    assert (
        "You are under 18: between meetings, keep in touch only through these messages"
        in space.content.decode()
    )
    assert pair.mentor.user.email not in space.content.decode()
    sent = client.post(
        reverse("mentoring:pair_message", args=[pair.pk]),
        {"body": "Hello! Could we talk about work experience?"},
    )
    assert sent.status_code == 302
    message = Message.objects.get(relationship=pair)
    assert message.sender == pupil.user
    read = mentor.get(reverse("mentoring:pair", args=[pair.pk])).content.decode()
    assert "Could we talk about work experience?" in read
    assert (
        "Your mentee is under 18: between meetings, keep in touch only through these messages"
        in read
    )
    assert PIP not in read

    with request_context.bind(source="test"):
        Relationship.objects.filter(pk=pair.pk).update(
            status=RelationshipStatus.ENDED, ended_on=timezone.localdate()
        )
    given = client.post(
        reverse("mentoring:pair_feedback", args=[pair.pk]),
        {"rating": "5", "comment": "My mentor helped me choose my A levels."},
    )
    assert given.status_code == 302
    assert pair.feedback.get().given_by == pupil.user


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"consent_given_by": ""}, "consent_given_by", "Say which parent or carer agreed"),
        ({"consent_given_on": ""}, "consent_given_on", "Enter the date consent was given."),
        (
            {"consent_given_on": "2099-01-01"},
            "consent_given_on",
            "Consent cannot be given on a day still to come.",
        ),
        (
            {"consent_given_by": "", "consent_by_pupil": "on"},
            "consent_by_pupil",
            "A pupil agrees for themselves only from 16",
        ),
        ({"email": "not an address"}, "email", "Enter a valid email address."),
        ({"email": "alpha.outreach_officer@example.org"}, "email", "belongs to a staff account"),
    ],
)
def test_an_invitation_without_what_it_needs_is_refused_on_its_field(
    world: World,
    pupil: Mentee,
    django_capture_on_commit_callbacks: Any,
    changes: dict[str, Any],
    field: str,
    says: str,
) -> None:
    staff = world.users[Role.OUTREACH_OFFICER]
    staff.email = "alpha.outreach_officer@example.org"
    staff.save(update_fields=["email"])
    response = _invite(world, pupil, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    text = response.content.decode()
    assert says in text
    assert f'id="id_{field}"' in text
    pupil.refresh_from_db()
    assert pupil.user is None
    assert pupil.consent_given_by == ""
    assert not mail.outbox


def test_the_address_of_a_mentor_a_student_or_another_pupil_is_refused(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    mentor_record(world.alpha, "mo.mentor@example.com")
    refused = _invite(
        world, pupil, django_capture_on_commit_callbacks, email="mo.mentor@example.com"
    )
    assert "someone else who signs in to Widen" in refused.content.decode()

    make_student(world.alpha, "S-77", "Sam", "Student", email="sam.student@example.ac.uk")
    a_students = _invite(
        world, pupil, django_capture_on_commit_callbacks, email="sam.student@example.ac.uk"
    )
    assert "someone else who signs in to Widen" in a_students.content.decode()

    _invite(world, pupil, django_capture_on_commit_callbacks)
    other = make_pupil_mentee(pupil.programme, world.learner_school)
    response = _invite(world, other, django_capture_on_commit_callbacks)
    assert "someone else who signs in to Widen" in response.content.decode()
    other.refresh_from_db()
    assert other.user is None


def test_a_pupil_of_16_may_agree_for_themselves(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    learner = world.learner_school
    learner.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 17)
    with request_context.bind(source="test"):
        learner.save(update_fields=["date_of_birth"])
    mentee = make_pupil_mentee(_pupils_programme(world), learner)
    response = _invite(
        world,
        mentee,
        django_capture_on_commit_callbacks,
        consent_by_pupil="on",
        consent_given_by="",
        consent_given_on=timezone.localdate().isoformat(),
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.consent_given_by == "The pupil themselves"


def test_a_stopped_sign_in_reaches_nothing_and_the_place_stays(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    client, _ = _signed_in(world, pupil, django_capture_on_commit_callbacks)
    pair = _pair_with_a_checked_mentor(pupil)
    assert client.get(reverse("mentoring:pair", args=[pair.pk])).status_code == 200
    stopped = _coordinator(world).post(
        reverse("mentoring:pupil_sign_in", args=[pupil.pk]), {"action": "stop"}
    )
    assert stopped.status_code == 302
    pupil.refresh_from_db()
    assert pupil.user is None
    assert pupil.consent_given_by == "Jo Alphason, mother"  # the record of what was agreed
    assert Mentee.objects.filter(pk=pupil.pk).exists()
    assert client.get(reverse("mentoring:mine")).status_code == 404
    assert client.get(reverse("mentoring:mine_answers", args=[pupil.pk])).status_code == 404
    assert client.get(reverse("mentoring:pair", args=[pair.pk])).status_code == 404


def test_a_student_mentee_and_another_organisations_pupil_have_no_sign_in_page(
    world: World, pupil: Mentee
) -> None:
    from tests.mentoring.coordinator_factories import make_mentee  # noqa: PLC0415

    student_mentee = make_mentee(make_programme(world.alpha, "Students' mentoring"), "S-1")
    coordinator = _coordinator(world)
    assert (
        coordinator.get(reverse("mentoring:pupil_sign_in", args=[student_mentee.pk])).status_code
        == 404
    )
    beta = signed_in_client(make_user("beta.coordinator", world.beta, Role.OUTREACH_OFFICER))
    assert beta.get(reverse("mentoring:pupil_sign_in", args=[pupil.pk])).status_code == 404
    assert beta.get(reverse("mentoring:pupil_answers", args=[pupil.pk])).status_code == 404


def test_the_api_invites_a_pupil_and_stops_the_sign_in(
    world: World, pupil: Mentee, django_capture_on_commit_callbacks: Any
) -> None:
    token = world.tokens[Role.OUTREACH_OFFICER]
    path = f"/api/v1/mentoring/mentees/{pupil.pk}/sign-in"
    with django_capture_on_commit_callbacks(execute=True):
        invited = api_call(token, "put", path, {"email": PIP, **CONSENT})
    assert invited.status_code == 200, invited.content
    assert invited.json()["signs_in"] is True
    assert invited.json()["email"] == PIP
    assert links_sent_to(PIP)
    mentees = api_call(
        token, "get", f"/api/v1/mentoring/programmes/{pupil.programme_id}/mentees"
    ).json()
    assert mentees["results"][0]["signs_in"] is True
    refused = api_call(token, "put", path, {"email": PIP, "consent_given_on": "2026-09-01"})
    assert refused.status_code == 422
    assert "Say which parent or carer agreed" in refused.content.decode()
    stopped = api_call(token, "delete", path)
    assert stopped.status_code == 200
    assert stopped.json()["signs_in"] is False
