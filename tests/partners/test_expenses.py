"""What an expense line may claim: HMRC's mileage rates across the tax year, food and drink
within the provider's daily limit, and receipts recognised by what they are, not their name."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.partners.factories import make_partner, make_role, partner_account
from widen.accounts.models import Role as StaffRole
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.partners.expenses import (
    RECEIPT_MAX_BYTES,
    mileage_pence,
    receipt_check,
    receipt_type,
    tax_year_of,
)
from widen.partners.models import ExpenseClaim, Partner, PartnerSettings, Vehicle
from widen.partners.services.claims import claim_create, claim_line_add, claim_submit
from widen.testing.world import World

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def partner(world: World) -> Partner:
    role = make_role(world.alpha, world.users[StaffRole.OUTREACH_OFFICER])
    found = make_partner(world.alpha, "EXP1", roles=(role,))
    partner_account(found)
    return found


def _claim(partner: Partner, purpose: str = "Travel to the open day") -> ExpenseClaim:
    return claim_create(actor=partner.student.user, partner=partner, purpose=purpose)


def _miles(partner: Partner, claim: ExpenseClaim, day: date, miles: str) -> int:
    with request_context.bind(source="test"):
        line = claim_line_add(
            actor=partner.student.user,
            claim=claim,
            category="mileage",
            spent_on=day,
            description="Drive to a school",
            miles=miles,
            vehicle=Vehicle.CAR,
        )
    return line.amount_pence


def _sent_claim_with_car_miles(partner: Partner, day: date, total: int) -> None:
    """A claim already sent with `total` car miles on `day` (in journeys of 2,000 at most)."""
    claim = _claim(partner, "Earlier driving")
    left = total
    while left:
        step = min(left, 2000)
        _miles(partner, claim, day, str(step))
        left -= step
    claim_submit(actor=partner.student.user, claim=claim)


def test_hmrc_rates_for_each_vehicle() -> None:
    assert mileage_pence(Vehicle.CAR, Decimal("10")) == 450
    assert mileage_pence(Vehicle.CAR, Decimal("10"), Decimal("10000")) == 250
    assert mileage_pence(Vehicle.MOTORCYCLE, Decimal("10")) == 240
    assert mileage_pence(Vehicle.BICYCLE, Decimal("10")) == 200
    # Half a penny rounds up: 12.5 miles at 45p is 562.5p.
    assert mileage_pence(Vehicle.CAR, Decimal("12.5")) == 563
    # Motorcycles and bicycles have no threshold.
    assert mileage_pence(Vehicle.BICYCLE, Decimal("10"), Decimal("20000")) == 200


def test_the_tax_year_runs_from_6_april_to_5_april() -> None:
    assert tax_year_of(date(2026, 4, 5)) == (date(2025, 4, 6), date(2026, 4, 5))
    assert tax_year_of(date(2026, 4, 6)) == (date(2026, 4, 6), date(2027, 4, 5))
    assert tax_year_of(date(2027, 1, 15)) == (date(2026, 4, 6), date(2027, 4, 5))


def test_a_journey_across_the_10000th_mile_is_paid_at_both_rates(partner: Partner) -> None:
    _sent_claim_with_car_miles(partner, date(2026, 5, 1), 9990)
    claim = _claim(partner)
    # 10 miles at 45p up to the 10,000th mile, then 10 at 25p.
    assert _miles(partner, claim, date(2026, 6, 1), "20") == 10 * 45 + 10 * 25
    # The next journey on the same claim is past the threshold: 25p a mile.
    assert _miles(partner, claim, date(2026, 6, 2), "4") == 4 * 25


def test_the_count_starts_again_on_6_april(partner: Partner) -> None:
    _sent_claim_with_car_miles(partner, date(2026, 4, 5), 10_000)
    claim = _claim(partner)
    assert _miles(partner, claim, date(2026, 4, 5), "10") == 10 * 25  # the old tax year
    assert _miles(partner, claim, date(2026, 4, 6), "10") == 10 * 45  # a new one


def test_miles_on_a_draft_never_sent_do_not_count(partner: Partner) -> None:
    draft = _claim(partner, "Abandoned draft")
    _miles(partner, draft, date(2026, 5, 1), "2000")
    for _ in range(4):
        _miles(partner, draft, date(2026, 5, 1), "2000")
    claim = _claim(partner)
    assert _miles(partner, claim, date(2026, 6, 1), "10") == 450


def _food(partner: Partner, claim: ExpenseClaim, day: date, amount: str) -> int:
    with request_context.bind(source="test"):
        line = claim_line_add(
            actor=partner.student.user,
            claim=claim,
            category="subsistence",
            spent_on=day,
            description="Lunch",
            amount=amount,
        )
    return line.amount_pence


def test_food_and_drink_over_the_daily_limit_is_refused(partner: Partner) -> None:
    claim = _claim(partner)
    assert _food(partner, claim, date(2026, 10, 7), "10.00") == 1000
    with pytest.raises(ApplicationError) as refused:
        _food(partner, claim, date(2026, 10, 7), "6.00")
    assert refused.value.message == (
        "Line 2: food and drink on 7 October 2026 would come to £16.00, over the daily limit "
        "of £15.00. Claim up to the limit."
    )
    assert claim.lines.count() == 1
    # Up to the limit is fine, and another day has its own limit.
    assert _food(partner, claim, date(2026, 10, 7), "5.00") == 500
    assert _food(partner, claim, date(2026, 10, 8), "15.00") == 1500


def test_the_providers_own_limit_holds_across_claims(partner: Partner, world: World) -> None:
    with request_context.bind(source="test"):
        PartnerSettings.objects.create(organisation=world.alpha, subsistence_daily_limit_pence=800)
    first = _claim(partner, "Morning session")
    _food(partner, first, date(2026, 10, 7), "6.00")
    claim_submit(actor=partner.student.user, claim=first)
    second = _claim(partner, "Afternoon session")
    with pytest.raises(ApplicationError, match="over the daily limit of £8.00"):
        _food(partner, second, date(2026, 10, 7), "2.50")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (WEBP, "image/webp"),
        (HEIC, "image/heic"),
    ],
)
def test_photos_and_pdfs_are_recognised_by_content(content: bytes, content_type: str) -> None:
    # Whatever the name says.
    receipt = receipt_check(name="IMG_0001", content=content, line_number=1)
    assert receipt.content_type == content_type
    assert receipt_type(content) == content_type


def test_a_program_named_jpg_is_refused_naming_the_line() -> None:
    with pytest.raises(ApplicationError) as refused:
        receipt_check(name="bus-ticket.jpg", content=WINDOWS_PROGRAM, line_number=3)
    assert refused.value.message == (
        "Line 3: bus-ticket.jpg is not a photo (JPEG, PNG, HEIC or WebP) or a PDF, whatever "
        "its name says. Take a photo of the receipt or choose a PDF."
    )
    assert refused.value.field == "receipt"


def test_a_receipt_over_10_mb_is_refused() -> None:
    too_big = JPEG + b"\x00" * (RECEIPT_MAX_BYTES - len(JPEG) + 1)
    with pytest.raises(ApplicationError, match=r"^Line 2: scan\.jpg is 10\.0 MB; a receipt can"):
        receipt_check(name="scan.jpg", content=too_big, line_number=2)
    exactly = JPEG + b"\x00" * (RECEIPT_MAX_BYTES - len(JPEG))
    assert receipt_check(name="scan.jpg", content=exactly, line_number=2).content_type


def test_a_line_with_a_disguised_program_is_not_saved(partner: Partner) -> None:
    claim = _claim(partner)
    with request_context.bind(source="test"), pytest.raises(ApplicationError, match="Line 1"):
        claim_line_add(
            actor=partner.student.user,
            claim=claim,
            category="public_transport",
            spent_on=date(2026, 10, 7),
            description="Bus",
            amount="2.00",
            receipt_name="ticket.jpg",
            receipt_content=WINDOWS_PROGRAM,
        )
    assert not claim.lines.exists()
    with request_context.bind(source="test"):
        line = claim_line_add(
            actor=partner.student.user,
            claim=claim,
            category="public_transport",
            spent_on=date(2026, 10, 7),
            description="Bus",
            amount="2.00",
            receipt_name="ticket.pdf",
            receipt_content=PDF,
        )
    assert (line.receipt_type, line.has_receipt) == ("application/pdf", True)
    claim.refresh_from_db()
    assert (claim.total_pence, claim.spent_on) == (200, date(2026, 10, 7))
