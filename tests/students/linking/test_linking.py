"""Students linked to their outreach past: proposals by ULN and by the duplicate finder's
linkage, twins never proposed, only learners an agreement lets the provider see, and the
decisions (a confirmed link shows on the learner's journey; a rejected one never comes back)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from conftest import signed_in_client
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry, AuditEvent
from widen.core.identifiers import uln_check_digit
from widen.learners.models import Learner
from widen.organisations.models import DataSharingAgreement
from widen.students.linking.services import learner_links_propose
from widen.students.models import LearnerLink, LinkStatus, Student, StudentStatus
from widen.testing.builders import university
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def a_uln(start: int) -> str:
    """A valid ULN, the first from `start` (nine digits) with a check digit."""
    stem = start
    while uln_check_digit(str(stem)) is None:
        stem += 1
    return f"{stem}{uln_check_digit(str(stem))}"


def student(world: World, first: str, last: str, **fields: object) -> Student:
    learner = world.learner_beta
    values: dict[str, object] = {
        "organisation": world.alpha,
        "student_number": f"S{Student.objects.count() + 1:05d}",
        "first_name": first,
        "last_name": last,
        "date_of_birth": learner.date_of_birth,
        "home_postcode": "E15 4LZ",
        "starts_on": date(2025, 9, 22),
        "status": StudentStatus.ENROLLED,
    }
    values.update(fields)
    return Student.objects.create(**values)


def officer(world: World) -> object:
    return world.users[Role.OUTREACH_OFFICER]


def links_of(one: Student) -> dict[str, LearnerLink]:
    return {str(link.learner_id): link for link in LearnerLink.objects.filter(student=one)}


def test_the_same_uln_is_proposed_first_whatever_the_names(world: World) -> None:
    uln = a_uln(123456789)
    world.learner_beta.uln = uln
    world.learner_beta.save()
    one = student(world, "Rebecca", "Marsh", uln=uln, date_of_birth=date(2004, 1, 1))

    summary = learner_links_propose(actor=officer(world), provider=world.alpha)

    link = links_of(one)[str(world.learner_beta.pk)]
    assert (link.found_by, link.score, link.status) == ("uln", 1.0, LinkStatus.PROPOSED)
    # What else agrees, for the person deciding: here, only the ULN.
    reasons = {reason["field"]: reason["agreement"] for reason in link.reasons}
    assert reasons["uln"] == "same"
    assert reasons["first_name"] == "different"
    assert reasons["date_of_birth"] == "different"
    assert summary.proposed_by_uln == 1


def test_linkage_proposes_a_learner_of_a_partner_with_its_reasons(world: World) -> None:
    one = student(world, "Bea", "Betterton")

    learner_links_propose(actor=officer(world), provider=world.alpha)

    link = links_of(one)[str(world.learner_beta.pk)]
    assert link.found_by == "linkage"
    assert link.score is not None
    assert link.score > 0.5
    reasons = {reason["field"]: reason["agreement"] for reason in link.reasons}
    assert reasons["first_name"] == "same"
    assert reasons["last_name"] == "same"
    assert reasons["date_of_birth"] == "same"
    assert reasons["postcode"] == "same"
    # Only the learner who is probably them: not the others of the same school and birthday.
    assert set(links_of(one)) == {str(world.learner_beta.pk)}


def test_a_twin_is_never_proposed(world: World) -> None:
    twin = Learner.objects.create(
        organisation=world.beta,
        school=world.school,
        first_name="Beth",
        last_name="Betterton",
        date_of_birth=world.learner_beta.date_of_birth,
        home_postcode="E15 4LZ",
    )
    one = student(world, "Bea", "Betterton")

    learner_links_propose(actor=officer(world), provider=world.alpha)

    assert str(twin.pk) not in links_of(one)
    assert str(world.learner_beta.pk) in links_of(one)


def test_learners_the_provider_may_not_see_are_never_proposed(world: World) -> None:
    # Gamma University shares no agreement with Alpha University.
    gus = student(world, "Gus", "Gammage")
    uln = a_uln(223456789)
    world.learner_gamma.uln = uln
    world.learner_gamma.save()
    gus.uln = uln
    gus.save()

    learner_links_propose(actor=officer(world), provider=world.alpha)
    learner_links_propose(actor=system_actor("test"), provider=world.alpha)

    assert links_of(gus) == {}


def test_without_an_agreement_a_partners_learners_are_not_proposed(world: World) -> None:
    DataSharingAgreement.objects.all().delete()
    one = student(world, "Bea", "Betterton")

    learner_links_propose(actor=officer(world), provider=world.alpha)
    learner_links_propose(actor=system_actor("test"), provider=world.alpha)

    assert links_of(one) == {}


def test_proposing_twice_proposes_each_pair_once(world: World) -> None:
    one = student(world, "Bea", "Betterton")
    learner_links_propose(actor=officer(world), provider=world.alpha)

    again = learner_links_propose(actor=officer(world), provider=world.alpha)

    assert LearnerLink.objects.filter(student=one).count() == 1
    assert (again.proposed, again.already_known) == (0, 1)


def test_confirming_links_the_student_and_the_journey_shows_where_they_enrolled(
    world: World,
) -> None:
    one = student(world, "Bea", "Betterton", course="BSc Nursing")
    learner_links_propose(actor=officer(world), provider=world.alpha)
    link = links_of(one)[str(world.learner_beta.pk)]
    client = signed_in_client(officer(world))

    page = client.get(reverse("student_links:list"))
    assert "Bea Betterton" in page.content.decode()
    assert AccessLogEntry.objects.filter(subject_type="students.student").exists()

    response = client.post(reverse("student_links:confirm", args=[link.pk]))

    assert response.status_code == 302
    one.refresh_from_db()
    link.refresh_from_db()
    assert one.linked_learner_id == world.learner_beta.pk
    assert link.status == LinkStatus.CONFIRMED
    assert link.decided_by_id == officer(world).pk
    changes = AuditEvent.objects.filter(object_id=str(one.pk)).values_list(
        "changed_fields", flat=True
    )
    assert any("linked_learner_id" in fields for fields in changes)
    journey = client.get(reverse("activities:learner", args=[world.learner_beta.pk]))
    text = journey.content.decode()
    assert "Enrolled at Alpha University in September 2025" in text
    # Nothing else of the student record.
    assert "BSc Nursing" not in text
    assert one.student_number not in text


def test_the_journey_shows_nothing_to_someone_who_does_not_see_the_learner(
    world: World,
) -> None:
    one = student(world, "Gus", "Gammage")
    one.linked_learner = world.learner_gamma
    one.save()
    client = signed_in_client(officer(world))

    response = client.get(reverse("activities:learner", args=[world.learner_gamma.pk]))

    assert response.status_code == 404


def test_rejecting_means_the_pair_is_never_proposed_again(world: World) -> None:
    one = student(world, "Bea", "Betterton")
    learner_links_propose(actor=officer(world), provider=world.alpha)
    link = links_of(one)[str(world.learner_beta.pk)]
    client = signed_in_client(officer(world))

    client.post(reverse("student_links:reject", args=[link.pk]))
    again = learner_links_propose(actor=officer(world), provider=world.alpha)

    link.refresh_from_db()
    one.refresh_from_db()
    assert link.status == LinkStatus.REJECTED
    assert one.linked_learner_id is None
    assert again.proposed == 0
    assert "No proposals are waiting." in client.get(reverse("student_links:list")).content.decode()


def test_confirming_one_closes_the_students_other_proposals(world: World) -> None:
    again = Learner.objects.create(
        organisation=world.school,
        school=world.school,
        first_name="Bea",
        last_name="Betterton",
        date_of_birth=world.learner_beta.date_of_birth,
        home_postcode="E15 4LZ",
    )
    one = student(world, "Bea", "Betterton")
    learner_links_propose(actor=officer(world), provider=world.alpha)
    links = links_of(one)
    assert set(links) == {str(world.learner_beta.pk), str(again.pk)}

    signed_in_client(officer(world)).post(
        reverse("student_links:confirm", args=[links[str(world.learner_beta.pk)].pk])
    )

    assert LearnerLink.objects.get(pk=links[str(again.pk)].pk).status == LinkStatus.REJECTED


@pytest.mark.parametrize("who", ["partner", "stranger", "read_only"])
def test_another_organisation_cannot_decide_and_nothing_changes(world: World, who: str) -> None:
    one = student(world, "Bea", "Betterton")
    learner_links_propose(actor=officer(world), provider=world.alpha)
    link = links_of(one)[str(world.learner_beta.pk)]
    user = {
        "partner": lambda: make_user("officer.beta", world.beta, Role.OUTREACH_OFFICER),
        "stranger": lambda: make_user(
            "officer.delta", university("Delta University", "10000009"), Role.ORGANISATION_ADMIN
        ),
        "read_only": lambda: world.users[Role.READ_ONLY],
    }[who]()
    client = signed_in_client(user)

    for name in ("student_links:confirm", "student_links:reject"):
        assert client.post(reverse(name, args=[link.pk])).status_code == 404
    assert client.get(reverse("student_links:list")).status_code in (200, 404)
    assert "Bea Betterton" not in client.get(reverse("student_links:list")).content.decode()

    link.refresh_from_db()
    one.refresh_from_db()
    assert (link.status, one.linked_learner_id) == (LinkStatus.PROPOSED, None)


def test_the_propose_button_proposes(world: World) -> None:
    one = student(world, "Bea", "Betterton")
    client = signed_in_client(officer(world))

    response = client.post(reverse("student_links:propose"), follow=True)

    assert "1 new proposal (" in response.content.decode()
    assert str(world.learner_beta.pk) in links_of(one)


def test_the_command_proposes_among_the_learners_the_provider_may_see(world: World) -> None:
    bea = student(world, "Bea", "Betterton")
    gus = student(world, "Gus", "Gammage")
    out = io.StringIO()

    call_command("students", "link", "--organisation", "Alpha University", stdout=out)

    assert set(links_of(bea)) == {str(world.learner_beta.pk)}
    assert links_of(gus) == {}
    assert "1 new proposal (0 by ULN, 1 by names, date of birth and postcode)" in out.getvalue()


def test_the_command_names_an_organisation_it_does_not_know(world: World) -> None:
    with pytest.raises(CommandError, match="No organisation has the id, UKPRN or name"):
        call_command("students", "link", "--organisation", "Nowhere College")
