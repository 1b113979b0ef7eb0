"""Checking a UK sort code, account number and account name.

Format checks only. Whether an account number can belong to a sort code is decided by Pay.UK's
modulus-checking rules, whose weight tables are republished several times a year; neither
python-stdnum nor schwifty implements them (schwifty checks an IBAN's own check digits, not the
UK account behind it) and no maintained Python library does, so Widen checks the form of the
numbers and the finance system's bank file validation does the rest.

* A **sort code** is 6 digits; `12-34-56`, `12 34 56` and `123456` are the same sort code.
* An **account number** is 8 digits. UK practice for the shorter numbers some banks still
  issue is followed: a 7-digit number gets one 0 in front and a 6-digit number two (as Pay.UK's
  rules and bank payment files do). 9- and 10-digit numbers (some building societies, National
  Savings) need bank-specific translation, so they are refused with a message asking for the
  8-digit number the bank gives for Bacs payments, or for a roll number to be sent separately.

Messages never repeat the digits typed: what someone enters as bank details is not echoed into
pages, logs or error reports.
"""

from __future__ import annotations

import re

from widen.core.exceptions import ApplicationError

SORT_CODE_MESSAGE = "Enter a sort code of 6 digits, like 12-34-56."
ACCOUNT_NUMBER_MESSAGE = "Enter an account number of 8 digits, like 00733445."
LONG_ACCOUNT_NUMBER_MESSAGE = (
    "Enter the 8-digit account number your bank gives for Bacs payments: account numbers of 9 "
    "or 10 digits (and building society roll numbers) are not accepted here."
)
ACCOUNT_NAME_MESSAGE = (
    "Enter the name on the account as the bank shows it: letters, numbers, spaces and "
    "& . / - ' only, up to 70 characters."
)
ACCOUNT_NAME_MAX = 70
_SEPARATORS = re.compile(r"[\s\-]")
_ACCOUNT_NAME = re.compile(r"^[^\W_][\w &./'’-]*$")
_SHORT_ACCOUNT_NUMBER = 6
_ACCOUNT_NUMBER = 8


def normalise_sort_code(value: str) -> str:
    """The 6 digits of a sort code typed as 12-34-56, 12 34 56 or 123456."""
    digits = _SEPARATORS.sub("", value or "")
    if len(digits) != 6 or not digits.isascii() or not digits.isdigit():
        raise ApplicationError(SORT_CODE_MESSAGE, field="sort_code")
    return digits


def normalise_account_number(value: str) -> str:
    """The 8 digits of an account number; 6 and 7 digits are padded with 0s in front."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits.isascii() or not digits.isdigit():
        raise ApplicationError(ACCOUNT_NUMBER_MESSAGE, field="account_number")
    if len(digits) > _ACCOUNT_NUMBER:
        raise ApplicationError(LONG_ACCOUNT_NUMBER_MESSAGE, field="account_number")
    if len(digits) < _SHORT_ACCOUNT_NUMBER:
        raise ApplicationError(ACCOUNT_NUMBER_MESSAGE, field="account_number")
    return digits.zfill(_ACCOUNT_NUMBER)


def normalise_account_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name or len(name) > ACCOUNT_NAME_MAX or not _ACCOUNT_NAME.match(name):
        raise ApplicationError(ACCOUNT_NAME_MESSAGE, field="account_name")
    return name
