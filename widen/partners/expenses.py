"""The rules of what an expense line may claim: HMRC's approved mileage allowance payments, the
provider's daily limit for food and drink, and what counts as a receipt.

* **Mileage** (HMRC approved mileage allowance payments): cars and vans 45p a mile for the first
  10,000 business miles in the tax year (6 April to 5 April), 25p a mile after; motorcycles 24p;
  bicycles 20p. Where a journey crosses the 10,000th mile, the miles up to it are paid at 45p
  and the rest at 25p. The miles already claimed that tax year are counted from the partner's
  claims (every claim but a draft), so the rate follows them from claim to claim.
* **Food and drink** on one day is repaid up to the provider's daily limit
  (`PartnerSettings.subsistence_daily_limit_pence`; the default when the provider has set none).
* **A receipt** is a photo (JPEG, PNG, HEIC, WebP) or a PDF of at most 10 MB, recognised by its
  content (its first bytes), never by its name: an executable renamed `receipt.jpg` is refused.

Every refusal is an `ApplicationError` naming the line and saying why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum

from widen.core.exceptions import ApplicationError
from widen.partners.models import (
    ClaimStatus,
    ExpenseCategory,
    ExpenseLine,
    Partner,
    PartnerSettings,
    Vehicle,
)

# HMRC approved mileage allowance payments, pence a mile.
CAR_RATE_PENCE = 45
CAR_RATE_AFTER_THRESHOLD_PENCE = 25
CAR_THRESHOLD_MILES = Decimal(10_000)
FLAT_RATES_PENCE = {Vehicle.MOTORCYCLE: 24, Vehicle.BICYCLE: 20}

RECEIPT_MAX_BYTES = 10 * 1024 * 1024
RECEIPT_KINDS = "a photo (JPEG, PNG, HEIC or WebP) or a PDF"
# The ISO base media "brands" a HEIC or HEIF photo declares.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"})


def tax_year_of(day: date) -> tuple[date, date]:
    """The UK tax year holding `day`: 6 April to 5 April."""
    start_year = day.year if (day.month, day.day) >= (4, 6) else day.year - 1
    return date(start_year, 4, 6), date(start_year + 1, 4, 5)


def partner_settings_of(organisation_id: Any) -> PartnerSettings:
    """The provider's promises and limits, or the defaults when it has set none."""
    found = PartnerSettings.objects.filter(organisation_id=organisation_id).first()
    return found if found is not None else PartnerSettings()


def _pence(miles: Decimal, rate: int) -> Decimal:
    return miles * rate


def mileage_pence(vehicle: str, miles: Decimal, miles_before: Decimal = Decimal(0)) -> int:
    """What `miles` of business travel by `vehicle` are repaid, in whole pence (half a penny
    rounds up), when `miles_before` car or van miles were already claimed that tax year."""
    if vehicle in FLAT_RATES_PENCE:
        total = _pence(miles, FLAT_RATES_PENCE[Vehicle(vehicle)])
    elif vehicle == Vehicle.CAR:
        at_full_rate = max(Decimal(0), min(miles, CAR_THRESHOLD_MILES - miles_before))
        total = _pence(at_full_rate, CAR_RATE_PENCE) + _pence(
            miles - at_full_rate, CAR_RATE_AFTER_THRESHOLD_PENCE
        )
    else:
        raise ApplicationError("Choose the vehicle: a car or van, motorcycle or bicycle.")
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _counted(partner: Partner, claim_id: object) -> Q:
    """The partner's lines that count towards a limit: on their claims but drafts, and on the
    claim being made (`claim_id`, whatever its state)."""
    others = Q(claim__partner=partner) & ~Q(claim__status=ClaimStatus.DRAFT)
    if claim_id is None:
        return others
    return (others & ~Q(claim_id=claim_id)) | Q(claim_id=claim_id)


def car_miles_claimed(partner: Partner, day: date, *, claim_id: object = None) -> Decimal:
    """Car and van miles `partner` has claimed in the tax year of `day`: on their claims but
    drafts, and already on the claim `claim_id`."""
    start, end = tax_year_of(day)
    found = (
        ExpenseLine.objects.filter(_counted(partner, claim_id))
        .filter(category=ExpenseCategory.MILEAGE, vehicle=Vehicle.CAR, spent_on__range=(start, end))
        .aggregate(miles=Sum("miles"))["miles"]
    )
    return Decimal(found or 0)


def subsistence_check(
    *, partner: Partner, day: date, amount_pence: int, line_number: int, claim_id: object = None
) -> None:
    """Refuse food and drink over the provider's daily limit for `day`, counting what the
    partner has already claimed for that day (on this claim, and their others but drafts)."""
    limit = partner_settings_of(partner.organisation_id).subsistence_daily_limit_pence
    before = int(
        ExpenseLine.objects.filter(_counted(partner, claim_id))
        .filter(category=ExpenseCategory.SUBSISTENCE, spent_on=day)
        .aggregate(total=Sum("amount_pence"))["total"]
        or 0
    )
    if before + amount_pence > limit:
        shown_day = f"{day.day} {day:%B %Y}"
        said = f"£{(before + amount_pence) / 100:.2f}"
        raise ApplicationError(
            f"Line {line_number}: food and drink on {shown_day} would come to {said}, over "
            f"the daily limit of £{limit / 100:.2f}. Claim up to the limit.",
            field="amount",
        )


@dataclass(frozen=True)
class Receipt:
    name: str
    content_type: str
    content: bytes


def receipt_type(content: bytes) -> str:
    """The media type `content` really is (from its first bytes), or "" if it is none of a
    receipt's kinds."""
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        return "image/heic"
    return ""


def receipt_check(*, name: str, content: bytes, line_number: int) -> Receipt:
    """The receipt, with the type its content shows, or a refusal naming the line and why."""
    shown = (name or "the receipt").strip()[:255] or "the receipt"
    if not content:
        raise ApplicationError(
            f"Line {line_number}: {shown} is empty. Take the photo again or choose another file.",
            field="receipt",
        )
    if len(content) > RECEIPT_MAX_BYTES:
        size = len(content) / (1024 * 1024)
        raise ApplicationError(
            f"Line {line_number}: {shown} is {size:.1f} MB; a receipt can be at most 10 MB. "
            "Take the photo at a lower size, or scan to a PDF.",
            field="receipt",
        )
    content_type = receipt_type(content)
    if not content_type:
        raise ApplicationError(
            f"Line {line_number}: {shown} is not {RECEIPT_KINDS}, whatever its name says. "
            "Take a photo of the receipt or choose a PDF.",
            field="receipt",
        )
    return Receipt(name=shown, content_type=content_type, content=content)
