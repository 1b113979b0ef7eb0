"""Students applying for a mentor, mentors keeping their profile and places, and both sides
answering an introduction, as they do it on "My mentoring"."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.mentoring.people_factories import (
    introduced,
    mentor_record,
    mentor_signed_in,
    open_programme,
    student_signed_in,
)
from tests.students.mine.support import signed_in_by_link
from tests.support.awards import members
from tests.support.schemes import FIRST_IN_FAMILY, make_scheme
from widen.accounts.models import Role
from widen.mentoring.models import (
    CheckIn,
    Mentee,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    ProgrammeMentorStatus,
    Relationship,
    RelationshipStatus,
    Side,
)
from widen.notifications.models import Notification
from widen.testing.world import World

pytestmark = pytest.mark.django_db

APPLICATION = {
    "goals": "To find out how to get into commercial law.",
    "industries": "law",
    "careers": "commercial law, barrister",
    "location": "Leicester",
    "modes": ["online", "in_person"],
    "availability": ["tue-evening"],
    "languages": "English",
    "wants_shared": ["first_in_family"],
    "shared_with_mentor": ["first_in_family"],
}


def _apply(client: Client, programme: MentoringProgramme, **changes: Any) -> Any:
    return client.post(
        reverse("mentoring:mine_apply", args=[programme.pk]), {**APPLICATION, **changes}
    )


def test_a_student_applies_for_a_mentor_and_withdraws(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    student, client = student_signed_in(
        world.alpha, "S1", "sam@alpha.example", django_capture_on_commit_callbacks
    )
    mine = client.get(reverse("mentoring:mine")).content.decode()
    assert "Apply for a mentor" in mine
    form = client.get(reverse("mentoring:mine_apply", args=[programme.pk])).content.decode()
    assert "Your mentor sees only what you tick here" in form

    with django_capture_on_commit_callbacks(execute=True):
        assert _apply(client, programme).status_code == 302
    mentee = Mentee.objects.get(student=student)
    assert mentee.status == MenteeStatus.APPLIED
    assert mentee.careers == ["commercial law", "barrister"]
    assert mentee.shared_with_mentor == ["first_in_family"]
    told = Notification.objects.filter(template="mentoring/people_mentee_applied")
    assert world.users[Role.ORGANISATION_ADMIN] in {n.user for n in told}
    assert world.users[Role.SCHOOL_STAFF] not in {n.user for n in told}

    again = _apply(client, programme)
    assert again.status_code == 302
    assert Mentee.objects.filter(student=student).count() == 1

    withdraw = reverse("mentoring:mine_application_withdraw", args=[mentee.pk])
    assert "Withdraw from Finance mentoring?" in client.get(withdraw).content.decode()
    client.post(withdraw)
    mentee.refresh_from_db()
    assert mentee.status == MenteeStatus.WITHDRAWN


def test_a_programme_for_a_group_tells_others_plainly_which_group_it_is_for(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = make_scheme(world, FIRST_IN_FAMILY, name="Stepping Up")
    programme = open_programme(world, mentees_must_belong_to=f"support.scheme:{scheme.pk}")
    outsider, client = student_signed_in(
        world.alpha, "S2", "out@alpha.example", django_capture_on_commit_callbacks
    )
    member, member_client = student_signed_in(
        world.alpha, "S3", "in@alpha.example", django_capture_on_commit_callbacks
    )
    members(world, scheme, member)
    told = "Finance mentoring is for Members of Stepping Up only, and you are not a member."

    assert told in client.get(reverse("mentoring:mine")).content.decode()
    assert told in client.get(reverse("mentoring:mine_apply", args=[programme.pk])).content.decode()
    _apply(client, programme)
    assert not Mentee.objects.filter(student=outsider).exists()

    assert _apply(member_client, programme).status_code == 302
    assert Mentee.objects.filter(student=member).exists()


def test_a_student_cannot_apply_to_another_providers_or_a_pupils_programme(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    beta = open_programme(world, name="Beta mentoring", organisation=world.beta)
    pupils = open_programme(
        world, name="Pupil mentoring", mentees_are="pupils", partnership=world.north
    )
    _, client = student_signed_in(
        world.alpha, "S4", "sol@alpha.example", django_capture_on_commit_callbacks
    )
    for programme in (beta, pupils):
        assert _apply(client, programme).status_code == 404
    assert not Mentee.objects.exists()


def test_a_hostile_or_oversized_application_is_kept_as_text_or_refused(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    student, client = student_signed_in(
        world.alpha, "S5", "hal@alpha.example", django_capture_on_commit_callbacks
    )
    refused = _apply(client, programme, goals="g" * 2001, shared_with_mentor=["criminal_record"])
    assert refused.status_code == 200
    assert not Mentee.objects.exists()
    hostile = "<img src=x onerror=alert(1)>"
    _apply(client, programme, goals=hostile)
    assert Mentee.objects.get(student=student).goals == hostile
    assert hostile not in client.get(reverse("mentoring:mine")).content.decode()


def test_a_mentor_changes_their_profile_withdraws_and_joins_another_programme(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    first = open_programme(world)
    second = open_programme(world, name="Beta law mentoring", organisation=world.beta)
    client, _ = mentor_signed_in(first, "ada@example.com", django_capture_on_commit_callbacks)
    mentor = Mentor.objects.get(user__email="ada@example.com")
    profile = reverse("mentoring:mine_profile", args=[mentor.pk])
    assert "Audit manager" in client.get(profile).content.decode()
    client.post(profile, {"job_role": "Finance director", "industries": "finance", "modes": []})
    mentor.refresh_from_db()
    assert (mentor.job_role, mentor.industries, mentor.modes) == (
        "Finance director",
        ["finance"],
        [],
    )

    assert "Beta law mentoring" in client.get(reverse("mentoring:mine")).content.decode()
    client.post(reverse("mentoring:mine_join", args=[second.pk]), {"capacity": "3"})
    joined = Mentor.objects.get(user__email="ada@example.com", organisation=world.beta)
    assert joined.job_role == "Finance director"
    place = joined.programmes.get()
    assert (place.programme, place.capacity) == (second, 3)

    first_place = mentor.programmes.get()
    client.post(reverse("mentoring:mine_place_withdraw", args=[first_place.pk]))
    first_place.refresh_from_db()
    assert first_place.status == ProgrammeMentorStatus.WITHDRAWN


def test_another_mentors_profile_and_places_are_missing(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    client, _ = mentor_signed_in(programme, "ada@example.com", django_capture_on_commit_callbacks)
    other = mentor_record(world.alpha, "bob@example.com")
    introduced(
        programme,
        other,
        student_signed_in(
            world.alpha, "S6", "s6@alpha.example", django_capture_on_commit_callbacks
        )[0],
    )
    place = other.programmes.get()
    assert client.get(reverse("mentoring:mine_profile", args=[other.pk])).status_code == 404
    assert client.post(reverse("mentoring:mine_place_withdraw", args=[place.pk])).status_code == 404
    place.refresh_from_db()
    assert place.status == ProgrammeMentorStatus.APPROVED


def _pair(world: World, capture: Any) -> tuple[Relationship, Client, Client]:
    programme = open_programme(world)
    mentor = mentor_record(world.alpha, "mo@example.com", first_name="Mo")
    mentor_client = signed_in_by_link("mo@example.com", capture)
    student, student_client = student_signed_in(
        world.alpha, "P1", "pat@alpha.example", capture, first_name="Pat", last_name="Quinn"
    )
    pair = introduced(
        programme,
        mentor,
        student,
        goals="Learn about law",
        shared_with_mentor=["first_in_family"],
        wants_shared=["care_experienced"],
    )
    return pair, mentor_client, student_client


def test_a_mentor_sees_only_what_the_mentee_chose_to_share(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_client, student_client = _pair(world, django_capture_on_commit_callbacks)
    as_mentor = mentor_client.get(reverse("mentoring:mine")).content.decode()
    assert "Pat, in Finance mentoring" in as_mentor
    assert "Learn about law" in as_mentor
    assert "First in family to go to university" in as_mentor
    assert "Quinn" not in as_mentor
    assert "pat@alpha.example" not in as_mentor
    assert "Care experienced" not in as_mentor  # wanted in a mentor, never shown to them

    as_mentee = student_client.get(reverse("mentoring:mine")).content.decode()
    assert "Mo, in Finance mentoring" in as_mentee
    assert "Solicitor" in as_mentee
    assert "Lane &amp; Co" in as_mentee
    assert "both in law; Tuesday evenings overlap" in as_mentee
    assert "mo@example.com" not in as_mentee


def test_both_sides_accept_and_the_pair_begins_with_its_first_check_in(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_client, student_client = _pair(world, django_capture_on_commit_callbacks)
    accept = reverse("mentoring:mine_introduction_accept", args=[pair.pk])
    mentor_client.post(accept)
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.INTRODUCED
    assert pair.mentor_accepted_at is not None
    assert pair.mentee_accepted_at is None
    assert (
        "we will tell you when the other person has"
        in mentor_client.get(reverse("mentoring:mine")).content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        student_client.post(accept)
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.ACTIVE
    assert pair.mentee_accepted_at is not None
    assert CheckIn.objects.filter(relationship=pair).count() == 1
    space = reverse("mentoring:pair", args=[pair.pk])
    assert f'href="{space}"' in student_client.get(reverse("mentoring:mine")).content.decode()
    started = [m for m in mail.outbox if "can begin" in m.subject]
    assert {to for m in started for to in m.to} == {"mo@example.com", "pat@alpha.example"}
    # answered: a second accept changes nothing
    assert student_client.post(accept).status_code == 404


def test_a_side_declines_politely_and_the_other_side_and_coordinators_are_told(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_client, _ = _pair(world, django_capture_on_commit_callbacks)
    decline = reverse("mentoring:mine_introduction_decline", args=[pair.pk])
    empty = mentor_client.post(decline, {"reason": "   "})
    assert "Say why" in empty.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        mentor_client.post(decline, {"reason": "I know Pat's family."})
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.DECLINED
    assert (pair.declined_by_side, pair.decline_reason) == (Side.MENTOR, "I know Pat's family.")
    to_mentee = [m for m in mail.outbox if "pat@alpha.example" in m.to]
    assert "This is nothing you did" in to_mentee[-1].body
    assert "I know Pat's family." in to_mentee[-1].body
    told = Notification.objects.get(
        template="mentoring/people_introduction_declined_coordinator",
        user=world.users[Role.ORGANISATION_ADMIN],
    )
    assert "The mentor of a pair" in told.body_text
    assert "I know Pat's family." in told.body_text


def test_nobody_else_answers_an_introduction(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, _, _ = _pair(world, django_capture_on_commit_callbacks)
    _, stranger = student_signed_in(
        world.alpha, "P2", "other@alpha.example", django_capture_on_commit_callbacks
    )
    admin = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    for client in (stranger, admin):
        accept = reverse("mentoring:mine_introduction_accept", args=[pair.pk])
        decline = reverse("mentoring:mine_introduction_decline", args=[pair.pk])
        assert client.post(accept).status_code == 404
        assert client.post(decline, {"reason": "no"}).status_code == 404
    assert admin.get(reverse("mentoring:mine")).status_code == 404
    pair.refresh_from_db()
    assert pair.status == RelationshipStatus.INTRODUCED
    assert pair.mentor_accepted_at is None
    assert pair.mentee_accepted_at is None


def test_my_mentoring_is_in_the_navigation_of_mentors_and_students_only(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    pair, mentor_client, student_client = _pair(world, django_capture_on_commit_callbacks)
    nav = reverse("mentoring:mine")
    assert f'href="{nav}"' in mentor_client.get(nav).content.decode()
    home = student_client.get(reverse("my_student:record")).content.decode()
    assert f'href="{nav}"' in home
    staff = signed_in_client(world.users[Role.ORGANISATION_ADMIN])
    assert f'href="{nav}"' not in staff.get(reverse("learners:list")).content.decode()
    assert Client().get(nav).status_code == 302
