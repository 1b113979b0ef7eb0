"""A student signed in by link sees their own awards: one offered, with its amount, schedule and
condition, which they accept (then asked for bank details) or decline after confirming; an
accepted award's schedule with each instalment's status (a held one says why) and what has been
paid; and the award letter as a PDF. Another student's award is missing."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from tests.students.mine.support import signed_in_by_link, student_at
from tests.support.awards import (
    DAYS,
    care_scheme,
    interrupt,
    make_award_scheme,
    members,
    offered,
)
from widen.core import request_context
from widen.students.models import Student
from widen.support.instalments import instalments_fall_due
from widen.support.models import Award, AwardStatus, InstalmentStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ANN = "ann.first@example.ac.uk"
BEN = "ben.second@example.ac.uk"


def page_text(response: Any) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


@pytest.fixture
def awards(world: World, django_capture_on_commit_callbacks: Any) -> dict[str, Award]:
    """Ann and Ben, members of a care leavers' scheme, each offered £1,000 in three."""
    scheme = care_scheme(world)
    ann = student_at(world.alpha, "S1", ANN, first_name="Ann", last_name="Adeyemi")
    ben = student_at(world.alpha, "S2", BEN, first_name="Ben", last_name="Bose")
    members(world, scheme, ann, ben)
    return offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)


def words(response: Any) -> str:
    """What the page says, without its markup."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def signed_in(email: str, capture: Any) -> Client:
    return signed_in_by_link(email, capture)


def test_a_student_sees_an_offer_with_its_schedule_and_accepts_it(
    awards: dict[str, Award], django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)

    mine = page_text(client.get(reverse("support:my_awards")))

    assert "Offered to you" in mine
    assert "Care leavers' award 2025/26" in mine
    assert "£1,000.00" in mine
    assert "17 Nov 2025" in mine
    assert "£333.34" in mine
    assert "Each instalment is paid if you are enrolled on its date." in mine

    response = client.post(reverse("support:my_award_accept", args=[awards["ann"].pk]))

    assert response.status_code == 302
    assert Award.objects.get(pk=awards["ann"].pk).status == AwardStatus.ACCEPTED
    after = page_text(client.get(reverse("support:my_awards")))
    assert "You have accepted Care leavers' award" in after
    assert "Give your bank details" in after
    assert "Offered to you" not in after


def test_declining_asks_first_and_then_nothing_is_paid(
    awards: dict[str, Award], django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    url = reverse("support:my_award_decline", args=[awards["ann"].pk])

    confirm = page_text(client.get(url))

    assert "Decline Care leavers' award?" in confirm
    assert Award.objects.get(pk=awards["ann"].pk).status == AwardStatus.OFFERED

    client.post(url)

    award = Award.objects.get(pk=awards["ann"].pk)
    assert award.status == AwardStatus.DECLINED
    mine = page_text(client.get(reverse("support:my_awards")))
    assert "Nothing will be paid" in mine
    assert "Earlier" in mine
    # Declined already: asked again, it simply goes back to the awards.
    assert client.get(url).status_code == 302


def test_the_schedule_shows_what_is_paid_and_why_one_is_held(
    world: World,
    awards: dict[str, Award],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)
    client.post(reverse("support:my_award_accept", args=[awards["ann"].pk]))
    with request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[0])
    interrupt(Student.objects.get(student_number="S1"), date(2026, 2, 3))
    with request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[1])
    first = awards["ann"].instalments.get(number=1)
    first.status, first.paid_on = InstalmentStatus.PAID, date(2025, 11, 21)
    first.save(update_fields=["status", "paid_on"])

    mine = words(client.get(reverse("support:my_awards")))

    assert "Paid on 21 Nov 2025" in mine
    assert "Held : Interrupted on 3 February 2026 Paid if you return to your studies" in mine
    assert "Paid to you so far: £333.34" in mine
    assert "Held £333.33" in mine


def test_the_award_letter_is_a_pdf_naming_the_student_amount_schedule_and_condition(
    awards: dict[str, Award], django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(ANN, django_capture_on_commit_callbacks)

    response = client.get(reverse("support:my_award_letter", args=[awards["ann"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "award-letter-care-leavers-award-2025-26.pdf" in response["Content-Disposition"]
    text = " ".join(
        " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
        ).split()
    )
    assert "Ann Adeyemi" in text
    assert "Care leavers' award 2025/26" in text
    assert "£1,000.00" in text
    assert "17 November 2025" in text
    assert "£333.34" in text
    assert "Each instalment is paid if you are enrolled on its date." in text


@pytest.mark.parametrize("name", ["my_award_accept", "my_award_decline", "my_award_letter"])
def test_another_student_s_award_is_missing(
    awards: dict[str, Award], django_capture_on_commit_callbacks: Any, name: str
) -> None:
    client = signed_in(BEN, django_capture_on_commit_callbacks)
    url = reverse(f"support:{name}", args=[awards["ann"].pk])

    response = client.post(url) if name == "my_award_accept" else client.get(url)

    assert response.status_code == 404
    assert Award.objects.get(pk=awards["ann"].pk).status == AwardStatus.OFFERED


def test_a_student_with_no_awards_is_pointed_to_their_schemes(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "S9", "cat@example.ac.uk", first_name="Cat")
    client = signed_in("cat@example.ac.uk", django_capture_on_commit_callbacks)

    mine = page_text(client.get(reverse("support:my_awards")))

    assert "You have no awards yet" in mine
    assert reverse("support:my_schemes") in mine
