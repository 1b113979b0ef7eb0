"""UK identifiers used across Widen: postcodes, DfE URNs, UKPRNs, UPNs and ULNs.

Each `validate_*` function returns the normalised value or raises `ValidationError` with a message
a user can act on.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.gb import upn as stdnum_upn

# The postcode format published by the ONS/Royal Mail: outward code (area, district) and inward
# code (sector digit, unit letters). The inward unit letters never include C, I, K, M, O or V.
_POSTCODE = re.compile(
    r"^(?P<outward>[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)\s*(?P<inward>[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(raw: str) -> str:
    """Return the postcode in the single-space published form (e.g. 'E1 6AN')."""
    squeezed = re.sub(r"\s+", "", raw or "").upper()
    match = _POSTCODE.match(squeezed)
    if not match:
        raise ValidationError(
            "Enter a full UK postcode, like E1 6AN (%(value)s is not one).",
            code="invalid_postcode",
            params={"value": (raw or "")[:20]},
        )
    return f"{match['outward']} {match['inward']}"


def validate_postcode(raw: str) -> None:
    normalise_postcode(raw)


def validate_urn(raw: str) -> None:
    if not re.fullmatch(r"[1-9][0-9]{5}", raw or ""):
        raise ValidationError(
            "A DfE URN is 6 digits, like 100000.", code="invalid_urn", params={"value": raw}
        )


def validate_ukprn(raw: str) -> None:
    if not re.fullmatch(r"1[0-9]{7}", raw or ""):
        raise ValidationError(
            "A UKPRN is 8 digits starting with 1, like 10007775.",
            code="invalid_ukprn",
            params={"value": raw},
        )


_UPN_PROBLEMS: dict[type[Exception], str] = {
    stdnum_upn.InvalidLength: "A UPN has 13 characters: a check letter and 12 more.",
    stdnum_upn.InvalidFormat: (
        "A UPN is a check letter, 11 digits, then a digit or letter (for a temporary UPN)."
    ),
    stdnum_upn.InvalidComponent: (
        "This UPN's local authority code (characters 2 to 4) is not one the DfE issues."
    ),
    stdnum_upn.InvalidChecksum: (
        "This UPN's check letter does not match the rest: check it for a typing mistake."
    ),
}


def normalise_upn(raw: str) -> str:
    """Validate a Unique Pupil Number (check letter, LA code, format) and return it upper-cased."""
    try:
        return str(stdnum_upn.validate(raw or ""))
    except StdnumValidationError as error:
        message = _UPN_PROBLEMS.get(type(error), "This is not a valid UPN.")
        raise ValidationError(message, code="invalid_upn") from error


def validate_upn(raw: str) -> None:
    normalise_upn(raw)


def uln_check_digit(first_nine: str) -> int | None:
    """The ULN check digit for the first nine digits, or None when no valid ULN can have them.

    Weights 10 down to 2, modulus 11; the check digit is 10 minus the remainder, and a remainder of
    0 makes the number invalid (the rule the ESFA's ILR validation applies).
    """
    total = sum(
        int(digit) * weight for digit, weight in zip(first_nine, range(10, 1, -1), strict=True)
    )
    remainder = total % 11
    if remainder == 0:
        return None
    return 10 - remainder


def validate_uln(raw: str) -> None:
    if not re.fullmatch(r"[1-9][0-9]{9}", raw or ""):
        raise ValidationError(
            "A ULN is 10 digits, not starting with 0.", code="invalid_uln", params={"value": raw}
        )
    if uln_check_digit(raw[:9]) != int(raw[9]):
        raise ValidationError(
            "This ULN's last digit does not match its check digit: check it for a typing mistake.",
            code="invalid_uln_check_digit",
            params={"value": raw},
        )
