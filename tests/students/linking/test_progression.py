"""The partnership dashboard's progression to higher education: engaged learners beside similar
learners who were not engaged, counting confirmed links to student records, small numbers
suppressed."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.reporting.conftest import Delivery
from widen.accounts.models import Role
from widen.learners.models import Learner
from widen.students.models import Student, StudentStatus
from widen.testing.delivery import alpha_pupil, attend
from widen.testing.pupil_lists import in_letters
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def pupils(
    world: World, count: int, prefix: str, *, year: int = 14, **fields: object
) -> list[Learner]:
    return [
        alpha_pupil(world, f"{prefix}{in_letters(number)}", last_name="Leaver", year=year, **fields)
        for number in range(count)
    ]


def enrolled(world: World, learners: list[Learner], status: str = StudentStatus.ENROLLED) -> None:
    for learner in learners:
        Student.objects.create(
            organisation=world.alpha,
            student_number=f"P{Student.objects.count() + 1:05d}",
            first_name=learner.first_name,
            last_name=learner.last_name,
            date_of_birth=learner.date_of_birth,
            status=status,
            linked_learner=learner,
        )


def table(response: object) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_engaged_learners_beside_similar_ones_with_small_numbers_suppressed(
    delivery: Delivery,
) -> None:
    world = delivery.world
    engaged = pupils(world, 10, "Engaged", free_school_meals=True)
    similar = pupils(world, 8, "Similar", free_school_meals=True)
    # Not similar: no free school meals (no engaged learner has that answer), or still at school.
    pupils(world, 3, "Other", free_school_meals=False)
    young = pupils(world, 6, "Young", year=10, free_school_meals=True)
    attend(delivery.sessions[0], [*engaged, *young])
    enrolled(world, engaged[:5])
    enrolled(world, similar[:2])
    # An offer holder has not started a course.
    enrolled(world, similar[2:3], status=StudentStatus.OFFER_HOLDER)
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = reverse("reporting:progression", args=[world.north.pk])

    page = client.get(url)
    rows = table(client.get(url, {"format": "csv"}))

    assert page.status_code == 200
    text = page.content.decode()
    assert "only the HE providers whose students are in Widen" in text
    assert "Alpha University" in text
    assert rows[1] == ["Learners engaged", "10", "5", "50%"]
    # Two of eight is a small number: it and its share are not shown.
    assert rows[2] == ["Similar learners not engaged", "8", "fewer than 5", "not shown"]


def test_a_count_that_would_give_away_a_small_one_is_not_shown(delivery: Delivery) -> None:
    world = delivery.world
    engaged = pupils(world, 7, "Engaged", free_school_meals=True)
    attend(delivery.sessions[0], engaged)
    # Five of seven started: the two who did not could be worked out.
    enrolled(world, engaged[:5])
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])

    rows = table(
        client.get(reverse("reporting:progression", args=[world.north.pk]), {"format": "csv"})
    )

    assert rows[1] == ["Learners engaged", "7", "not shown", "not shown"]
    assert rows[2] == ["Similar learners not engaged", "0", "0", "not shown"]


def test_another_partnerships_people_are_refused(delivery: Delivery) -> None:
    world = delivery.world
    stranger = make_user("officer.gamma", world.gamma, Role.OUTREACH_OFFICER)

    response = signed_in_client(stranger).get(
        reverse("reporting:progression", args=[world.north.pk])
    )

    assert response.status_code == 404
