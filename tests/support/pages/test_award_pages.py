"""A provider's adviser manages its awards on their pages: sets up an award scheme with amounts in
pounds (one for everyone, or one per household income band) and its instalment days, with clear
errors; offers it to the support scheme's members and sees who was not offered and why; sees
each award's instalments, stops an award saying why; chases held instalments first; reads the
finance page and downloads the forecast. Another provider's adviser finds nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in_client
from tests.students.records import make_student
from tests.support.finance_world import AwardsWorld, awards_world
from widen.accounts.models import Role
from widen.audit.models import AccessLogEntry
from widen.students.models import IncomeBand
from widen.support.models import (
    AwardScheme,
    AwardStatus,
    MembershipSource,
    MembershipStatus,
    SchemeMembership,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def made(world: World) -> AwardsWorld:
    return awards_world(world)


def adviser(world: World) -> Client:
    return signed_in_client(world.users[Role.STUDENT_SUPPORT_ADVISER])


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def award_scheme_form(made: AwardsWorld, world: World, **more: str) -> dict[str, str]:
    return {
        "organisation": str(world.alpha.pk),
        "scheme": str(made.scheme.pk),
        "name": "Income bursary",
        "academic_year": "2026/27",
        "purpose": "Help with the cost of study, by household income.",
        "amount_kind": "bands",
        "amount": "",
        "band_up_to_25000": "£1,500",
        "band_up_to_42875": "1000.50",
        "instalment_1": "2026-11-16",
        "instalment_2": "2027-02-15",
        "instalment_3": "2027-05-17",
        **more,
    }


def test_an_adviser_sets_up_an_award_scheme_in_pounds_by_income_band(
    world: World, made: AwardsWorld
) -> None:
    client = adviser(world)
    assert client.get(reverse("support:award_scheme_create")).status_code == 200

    response = client.post(reverse("support:award_scheme_create"), award_scheme_form(made, world))

    created = AwardScheme.objects.get(name="Income bursary")
    assert response.status_code == 302
    assert created.amount_pence is None
    assert created.amounts_by_income_band == {
        IncomeBand.UP_TO_25000: 150_000,
        IncomeBand.UP_TO_42875: 100_050,
    }
    assert created.instalment_days == ["2026-11-16", "2027-02-15", "2027-05-17"]
    page = page_text(client.get(response["Location"]))
    assert "£1,500.00 for household income up to £25,000" in page
    assert "£1,000.50 for household income £25,001 to £42,875" in page
    assert "16 Nov 2026, 15 Feb 2027 and 17 May 2027" in page
    # Changing it shows the amounts in pounds again.
    edit = page_text(client.get(reverse("support:award_scheme_edit", args=[created.pk])))
    assert 'value="1500.00"' in edit
    assert 'value="1000.50"' in edit


def test_mistakes_are_shown_on_their_fields_and_nothing_is_saved(
    world: World, made: AwardsWorld
) -> None:
    client = adviser(world)
    response = client.post(
        reverse("support:award_scheme_create"),
        award_scheme_form(
            made,
            world,
            name="",
            academic_year="2026/28",
            amount_kind="fixed",
            amount="a thousand",
            instalment_2="2026-10-01",
        ),
    )

    page = page_text(response)
    assert response.status_code == 200
    assert "Enter a name for the award scheme." in page
    assert "Enter the academic year as two years, like 2026/27." in page
    assert "Enter the amount in pounds and pence, like 1000 or 1000.50." in page
    assert "Enter a day after 16 November 2026: instalments are paid in order." in page
    assert 'value="a thousand"' in page  # what was typed stays
    assert not AwardScheme.objects.filter(name="").exists()
    none = client.post(
        reverse("support:award_scheme_create"),
        award_scheme_form(
            made,
            world,
            band_up_to_25000="",
            band_up_to_42875="",
            instalment_1="",
            instalment_2="",
            instalment_3="",
        ),
    )
    page = page_text(none)
    assert "Enter an amount for at least one household income band." in page
    assert "Enter the day of the first instalment." in page
    assert AwardScheme.objects.count() == 1


def test_the_service_s_refusal_is_shown_on_the_form(world: World, made: AwardsWorld) -> None:
    response = adviser(world).post(
        reverse("support:award_scheme_create"),
        award_scheme_form(made, world, name=made.award_scheme.name),
    )
    assert response.status_code == 200
    assert "already has an award scheme for 2026/27" in page_text(response)


def test_an_award_scheme_s_page_shows_awards_by_status_with_their_instalments(
    world: World, made: AwardsWorld
) -> None:
    response = adviser(world).get(reverse("support:award_scheme", args=[made.award_scheme.pk]))

    page = page_text(response)
    assert response.status_code == 200
    assert "£900.00 for every student" in page
    assert "Ben Awarded" in page
    assert "16 Nov 2026: £300.00, held (Interrupted their studies)" in page
    assert "£900.00, stopped: Left the scheme" in page
    # Stopping is offered only for awards offered or accepted; the letter for every award.
    assert page.count("Stop award") == 3
    assert page.count("Award letter") == 5
    logged = AccessLogEntry.objects.filter(purpose__contains="awards of the award scheme")
    assert logged.count() == 5
    only_held = page_text(
        adviser(world).get(
            reverse("support:award_scheme", args=[made.award_scheme.pk]),
            {"status": AwardStatus.STOPPED},
        )
    )
    assert "Dan Awarded" in only_held
    assert "Ben Awarded" not in only_held


def test_offering_to_members_says_who_was_offered_and_who_not_and_why(
    world: World, made: AwardsWorld
) -> None:
    bursary = AwardScheme.objects.create(
        organisation=world.alpha,
        scheme=made.scheme,
        name="Income bursary",
        academic_year="2026/27",
        amounts_by_income_band={IncomeBand.UP_TO_25000: 150_000},
        instalment_days=["2026-11-16", "2027-02-15"],
    )
    now = timezone.now()
    for number, band in (("M1", IncomeBand.UP_TO_25000), ("M2", IncomeBand.ABOVE_42875)):
        SchemeMembership.objects.create(
            scheme=made.scheme,
            student=make_student(
                world.alpha, number, "Mo", f"Member {number}", household_income_band=band
            ),
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            reason="eligible: care experienced",
            invited_at=now,
            status_changed_at=now,
        )

    response = adviser(world).post(reverse("support:award_scheme_offer", args=[bursary.pk]))

    page = page_text(response)
    assert response.status_code == 200
    assert "Offered to 1 member" in page
    assert "Mo Member M2" in page
    assert "Their household income band is not one this award pays" in page
    assert bursary.awards.get().amount_pence == 150_000


def test_stopping_an_award_needs_a_reason_and_cancels_what_is_not_due(
    world: World, made: AwardsWorld
) -> None:
    client = adviser(world)
    ann = made.awards["ann"]
    url = reverse("support:award_stop", args=[made.award_scheme.pk, ann.pk])
    assert "Stop Ann Awarded's award" in page_text(client.get(url))

    refused = client.post(url, {"reason": ""})
    assert "Say why the award stops: the student is told it." in page_text(refused)
    client.post(url, {"reason": "Withdrew from the course"})

    ann.refresh_from_db()
    assert ann.status == AwardStatus.STOPPED
    assert ann.stopped_reason == "Withdrew from the course"
    assert set(ann.instalments.values_list("status", flat=True)) == {"paid", "cancelled"}


def test_held_instalments_come_first_and_the_filter_shows_one_status(
    world: World, made: AwardsWorld
) -> None:
    client = adviser(world)
    page = page_text(client.get(reverse("support:award_instalments")))
    assert page.index("Ben Awarded") < page.index("Dan Awarded") < page.index("Ann Awarded")

    held = page_text(client.get(reverse("support:award_instalments"), {"status": "held"}))
    assert "Interrupted their studies" in held
    assert "Ann Awarded" not in held
    bad = client.get(reverse("support:award_instalments"), {"status": "nonsense"})
    assert "Choose a status from the list." in page_text(bad)


def test_the_finance_page_and_its_forecast_file(world: World, made: AwardsWorld) -> None:
    client = adviser(world)
    page = page_text(client.get(reverse("support:award_finance")))

    assert "Committed</dt><dd>£2,100.00" in page.replace(" <dd>", "<dd>")
    assert "Forecast, still to pay</dt><dd>£1,500.00" in page.replace(" <dd>", "<dd>")
    assert "February 2027" in page
    assert "Everything agrees" in page
    assert "Payment run 1" in page
    data = client.get(reverse("support:award_forecast_csv"), {"year": "2026/27"})
    assert data["Content-Disposition"] == 'attachment; filename="award-forecast-2026-27.csv"'
    rows = list(csv.reader(io.StringIO(data.content.decode("utf-8-sig"))))
    assert rows[1:] == [
        ["November 2026", "Care leavers' award", "2026/27", world.alpha.name, "1", "300.00"],
        ["February 2027", "Care leavers' award", "2026/27", world.alpha.name, "2", "600.00"],
        ["May 2027", "Care leavers' award", "2026/27", world.alpha.name, "2", "600.00"],
    ]


def test_a_partner_provider_s_adviser_and_scheme_staff_find_nothing(
    world: World, made: AwardsWorld
) -> None:
    beta = signed_in_client(make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER))
    outreach = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    ann = made.awards["ann"]
    for client in (beta, outreach):
        for url in (
            reverse("support:award_scheme", args=[made.award_scheme.pk]),
            reverse("support:award_scheme_edit", args=[made.award_scheme.pk]),
            reverse("support:award_stop", args=[made.award_scheme.pk, ann.pk]),
        ):
            assert client.get(url).status_code == 404
        assert (
            client.post(
                reverse("support:award_scheme_offer", args=[made.award_scheme.pk])
            ).status_code
            == 404
        )
    # Beta's adviser manages awards at Beta, so has the pages, without Alpha's in them.
    listing = page_text(beta.get(reverse("support:award_schemes")))
    assert "Care leavers' award" not in listing
    finance = page_text(beta.get(reverse("support:award_finance")))
    assert "No award schemes yet." in finance
    assert outreach.get(reverse("support:award_finance")).status_code == 404


def test_the_award_letter_is_a_pdf_for_the_award_s_managers_only(
    world: World, made: AwardsWorld
) -> None:
    ann = made.awards["ann"]
    url = reverse("support:award_letter", args=[made.award_scheme.pk, ann.pk])

    letter = adviser(world).get(url)

    assert letter.status_code == 200
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(purpose__contains="the award letter").exists()
    beta = signed_in_client(make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER))
    assert beta.get(url).status_code == 404
    other = reverse("support:award_letter", args=[made.award_scheme.pk, made.scheme.pk])
    assert adviser(world).get(other).status_code == 404
