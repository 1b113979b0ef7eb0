"""Bank details encrypted at rest, with keys kept outside the database.

`EncryptedTextField` stores a Fernet token (AES-128-CBC with an HMAC-SHA256, from the maintained
`cryptography` library) in the column and gives the plain text back to Python. The keys are
`settings.PAYMENTS_ENCRYPTION_KEYS` (from `WIDEN_PAYMENTS_KEYS`): the first encrypts and every key
decrypts (`MultiFernet`), so a deployment rotates by putting a new key first, running
`widen rotate_payment_keys` (which re-encrypts every row under it) and then dropping the old key.

A token cannot be searched or compared in the database (each encryption of the same value
differs), which is what is wanted: nothing looks a payee up by their account number.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    keys = tuple(settings.PAYMENTS_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("PAYMENTS_ENCRYPTION_KEYS holds no key.")
    return _fernet_for(keys)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken as error:
        raise ImproperlyConfigured(
            "A payee's bank details cannot be decrypted with WIDEN_PAYMENTS_KEYS: the key they "
            "were encrypted with is missing."
        ) from error


def rotate(token: str) -> str:
    """`token` re-encrypted under the first key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """Text kept encrypted in its column; empty stays empty (nothing to hide)."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value is None or value == "":
            return ""
        return decrypt(value)

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        return encrypt(str(value))
