"""Award letters: a PDF naming the student, the award, its amount and schedule and the condition
it is paid on; any name prints (made Latin-1 safe), and the letter says what became of each
instalment."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from tests.support.awards import (
    DAYS,
    accepted,
    care_scheme,
    interrupt,
    make_award_scheme,
    members,
    offered,
    student,
)
from widen.core import request_context
from widen.students.models import IncomeBand
from widen.support.instalments import instalments_fall_due
from widen.support.letters import award_letter_filename, award_letter_pdf, printable
from widen.support.models import Award
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_an_offer_s_letter_says_how_to_accept_and_what_it_is_paid_on(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann = student(world, "A1", "Ann", household_income_band=IncomeBand.UP_TO_25000)
    members(world, scheme, ann)
    award_scheme = make_award_scheme(
        world, scheme, by_band={IncomeBand.UP_TO_25000: 1_500_00}, name="Income bursary"
    )
    award = offered(world, award_scheme, django_capture_on_commit_callbacks)["ann"]

    text = text_of(award_letter_pdf(award))

    assert "Alpha University" in text
    assert "Ann Student" in text
    assert "Income bursary 2025/26" in text
    assert "£1,500.00" in text
    assert "Up to £25,000" in text
    assert "choose Accept" in text
    for day, amount in zip(DAYS, ("£500.00", "£500.00", "£500.00"), strict=True):
        assert f"{day.day} {day:%B %Y}" in text
        assert amount in text
    assert "Each instalment is paid if you are enrolled on its date." in text
    assert award_letter_filename(award) == "award-letter-income-bursary-2025-26.pdf"


def test_the_letter_says_what_became_of_each_instalment(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ben = student(world, "A2", "Ben")
    members(world, scheme, ben)
    award = accepted(
        offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)["ben"]
    )
    with request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[0])
    interrupt(ben, date(2026, 2, 3))
    with request_context.bind(source="test"):
        instalments_fall_due(day=DAYS[1])

    text = text_of(award_letter_pdf(Award.objects.get(pk=award.pk)))

    assert "You have been awarded" in text
    assert "Held: Interrupted on 3 February 2026" in text
    assert "Due" in text


def test_any_name_prints_and_nothing_breaks_the_letter(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    zoe = student(world, "A3", "Zoë", last_name="Ōkafor\u202e李")
    members(world, scheme, zoe)
    award = offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)[
        "zoë"
    ]

    text = text_of(award_letter_pdf(award))

    assert "Zoë Okafor?" in text
    assert printable("a\u202eb\nc" + "x" * 50, maximum=10) == "ab cxxx..."
