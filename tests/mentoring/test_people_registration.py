"""A professional or alumna becomes a mentor of an open programme without a staff account: the
public page, the same answer whatever the address, the e-mailed link landing on "My mentoring",
and what is kept."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.mentoring.people_factories import (
    mentor_record,
    mentor_signed_in,
    open_programme,
    register,
    registration,
)
from tests.students.mine.support import links_sent_to
from widen.accounts.models import User
from widen.audit.models import AuditEvent
from widen.mentoring.models import Mentor, ProgrammeMentor, ProgrammeMentorStatus
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

ADA = "ada.lovelace@example.com"


def test_the_public_page_shows_the_programme_and_its_code_of_conduct_to_anyone(
    world: World,
) -> None:
    programme = open_programme(world)
    page = Client().get(reverse("mentoring:programme_open", args=[programme.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Finance mentoring" in text
    assert "Alpha University" in text
    assert "Code of conduct for mentors" in text
    assert "I agree to the code of conduct above" in text


def test_a_closed_programme_has_no_public_page(world: World) -> None:
    programme = open_programme(world, is_open=False)
    page = Client().get(reverse("mentoring:programme_open", args=[programme.pk]))
    assert page.status_code == 404


def test_an_alumna_registers_and_her_link_signs_her_in_to_my_mentoring(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    client, landed = mentor_signed_in(programme, ADA, django_capture_on_commit_callbacks)

    assert landed.status_code == 302
    assert landed.url == reverse("mentoring:mine")
    user = User.objects.get(email=ADA)
    assert not user.has_usable_password()
    assert not user.memberships.exists()
    mentor = Mentor.objects.get(user=user)
    assert mentor.organisation == world.alpha
    assert mentor.industries == ["Finance", "Accountancy"]
    assert mentor.availability == ["tue-evening", "thu-evening"]
    assert mentor.lived_experience == ["first_in_family"]
    assert mentor.is_alumnus
    assert mentor.studied_subject == "Economics"
    assert mentor.code_of_conduct_agreed_on == timezone.localdate()
    place = ProgrammeMentor.objects.get(mentor=mentor)
    assert (place.programme, place.capacity, place.status) == (
        programme,
        2,
        ProgrammeMentorStatus.APPLIED,
    )
    mine = client.get(reverse("mentoring:mine"))
    assert mine.status_code == 200
    assert "Finance mentoring" in mine.content.decode()


def test_the_page_answers_alike_whatever_the_address_and_uses_no_staff_or_shared_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    officer = world.users["outreach_officer"]
    officer.email = "officer@alpha.example"
    officer.save()
    for username in ("twin.one", "twin.two"):
        twin = make_user(username, None, None)
        twin.email = "twins@example.com"
        twin.save()
    answers = []
    for email in (ADA, "officer@alpha.example", "twins@example.com"):
        response = register(Client(), programme, email, django_capture_on_commit_callbacks)
        answers.append(response.content.decode().replace(email, "EMAIL"))
        assert response.status_code == 200
    assert answers[0] == answers[1] == answers[2]
    assert links_sent_to("officer@alpha.example") == []
    assert links_sent_to("twins@example.com") == []
    assert not Mentor.objects.filter(user=officer).exists()
    assert not Mentor.objects.filter(user__email="twins@example.com").exists()
    assert User.objects.filter(email="twins@example.com").count() == 2
    assert len(links_sent_to(ADA)) == 1


def test_registering_twice_keeps_one_place_and_never_changes_the_profile_from_outside(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    register(Client(), programme, ADA, django_capture_on_commit_callbacks)
    register(
        Client(),
        programme,
        ADA,
        django_capture_on_commit_callbacks,
        job_role="Someone else typed this",
        capacity="5",
    )
    mentor = Mentor.objects.get(user__email=ADA)
    assert mentor.job_role == "Audit manager"
    assert ProgrammeMentor.objects.get(mentor=mentor).capacity == 2
    assert User.objects.filter(email=ADA).count() == 1
    second = [m for m in mail.outbox if ADA in m.to][-1]
    assert "nothing has changed" in second.body


def test_an_existing_mentor_is_told_to_join_signed_in_and_given_no_place_from_outside(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    mentor_record(world.alpha, ADA)
    programme = open_programme(world)
    register(Client(), programme, ADA, django_capture_on_commit_callbacks)
    assert User.objects.filter(email=ADA).count() == 1
    # Anyone may type a mentor's address on the public page: it gives them no place.
    assert not ProgrammeMentor.objects.filter(programme=programme).exists()
    told = [m for m in mail.outbox if ADA in m.to][-1]
    assert "Programmes you could mentor in" in told.body


def test_the_code_of_conduct_must_be_agreed_to(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    response = register(
        Client(), programme, ADA, django_capture_on_commit_callbacks, code_of_conduct=None
    )
    assert "Agree to the code of conduct to register as a mentor." in response.content.decode()
    assert not User.objects.filter(email=ADA).exists()
    assert mail.outbox == []


@pytest.mark.parametrize("capacity", ["0", "6", "-1", "many"])
def test_a_mentor_takes_one_to_five_mentees(
    world: World, django_capture_on_commit_callbacks: Any, capacity: str
) -> None:
    programme = open_programme(world)
    response = register(
        Client(), programme, ADA, django_capture_on_commit_callbacks, capacity=capacity
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Mentor.objects.exists()


def test_hostile_and_oversized_answers_are_kept_as_text_or_refused(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    hostile = "<script>alert('x')</script>' OR 1=1; --"
    register(
        Client(),
        programme,
        ADA,
        django_capture_on_commit_callbacks,
        job_role=hostile,
        industries=f"{hostile}, finance",
    )
    mentor = Mentor.objects.get(user__email=ADA)
    assert mentor.job_role == hostile
    assert mentor.industries[1] == "finance"

    too_long = register(
        Client(),
        programme,
        "grace@example.com",
        django_capture_on_commit_callbacks,
        preferences="x" * 2001,
        industries=", ".join(f"industry {n}" for n in range(25)),
        modes=["by pigeon"],
    )
    text = too_long.content.decode()
    assert "at most 2000 characters" in text
    assert "List 20 at most." in text
    assert "Select a valid choice" in text
    assert not User.objects.filter(email="grace@example.com").exists()


def test_an_employer_is_an_organisation_of_the_programmes_partnership(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world, partnership=world.north)
    page = Client().get(reverse("mentoring:programme_open", args=[programme.pk]))
    assert "Beta University" in page.content.decode()
    assert "Gamma University" not in page.content.decode()
    refused = register(
        Client(), programme, ADA, django_capture_on_commit_callbacks, employer=str(world.gamma.pk)
    )
    assert "Select a valid choice" in refused.content.decode()
    register(
        Client(), programme, ADA, django_capture_on_commit_callbacks, employer=str(world.beta.pk)
    )
    assert Mentor.objects.get(user__email=ADA).employer == world.beta


def test_registering_is_limited_like_asking_for_a_sign_in_link(
    world: World, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.WIDEN_MENTOR_REGISTER_ADDRESS_RATE = "2/h"
    settings.WIDEN_MENTOR_REGISTER_RATE = "4/h"
    programme = open_programme(world)
    client = Client()
    for _ in range(3):
        assert (
            register(client, programme, ADA, django_capture_on_commit_callbacks).status_code == 200
        )
    assert len(links_sent_to(ADA)) == 2  # the third answered alike, and sent nothing
    assert (
        register(client, programme, "b@example.com", django_capture_on_commit_callbacks).status_code
        == 200
    )
    too_many = register(client, programme, "c@example.com", django_capture_on_commit_callbacks)
    assert too_many.status_code == 429
    assert not User.objects.filter(email="c@example.com").exists()


def test_a_registration_form_typed_by_someone_signed_in_changes_nothing_of_theirs(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Staff may read the public page; registering someone does not touch their account."""
    programme = open_programme(world)
    officer = world.users["outreach_officer"]
    from conftest import signed_in_client  # noqa: PLC0415

    client = signed_in_client(officer)
    response = register(client, programme, ADA, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert not Mentor.objects.filter(user=officer).exists()
    assert Mentor.objects.get(user__email=ADA)
    assert registration(ADA)["email"] == ADA


def test_a_mentor_signed_in_another_way_finds_my_mentoring_from_home(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Signing in by passkey leads home: a mentor is sent on to their own mentoring."""
    client, _ = mentor_signed_in(open_programme(world), ADA, django_capture_on_commit_callbacks)
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url == reverse("mentoring:mine")


def test_what_a_registration_writes_is_audited_as_done_by_the_mentor(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    programme = open_programme(world)
    register(Client(), programme, ADA, django_capture_on_commit_callbacks)
    mentor = Mentor.objects.get(user__email=ADA)
    place = ProgrammeMentor.objects.get(mentor=mentor)
    for row in (mentor, place):
        event = AuditEvent.objects.get(object_id=str(row.pk), action="create")
        assert event.actor_id == mentor.user_id
        assert event.organisation_id == world.alpha.pk
    assert (
        "dbs_certificate_number"
        not in AuditEvent.objects.get(object_id=str(mentor.pk)).changed_fields
    )
