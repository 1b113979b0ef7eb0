"""Sensitive fields encrypted at rest, with keys kept outside the database and the repository.

`EncryptedTextField` stores a Fernet token (AES-128-CBC with an HMAC-SHA256, from the maintained
`cryptography` library) in its column and gives the plain text back to Python. Every field that
holds the most sensitive free text or financial details uses it: payees' bank details, event
bookings' access requirements, reasonable adjustments and dietary needs, and (when they come)
casework notes. A new sensitive field only has to be declared with it: `widen keys rotate`, the
encryption tests and the scorecard find every such field by its class.

The keys are `settings.FIELD_ENCRYPTION_KEYS` (from `WIDEN_FIELD_KEYS`, newest first; the keys of
the older `WIDEN_PAYMENTS_KEYS` still read). The first encrypts and every key decrypts
(`MultiFernet`), so a deployment rotates by putting a new key first, running `widen keys rotate`
(which encrypts every value again under it, in batches) and then dropping the old key. A value
that no key opens stops with `UnreadableEncryptedValue`, naming the field, never with a blank.

An empty value is stored empty (there is nothing to hide), so "has this booking any adjustments?"
(`exclude(access_requirements="")`) still works in the database. Nothing else can be searched or
compared in the database (each encryption of the same value differs), and a query that tries
(`filter(account_number=...)`, `icontains`, `in`...) is refused with `UnsearchableEncryptedValue`
rather than silently finding nothing. A lookup that must find a row by an encrypted value uses a
keyed `BlindIndex` kept beside it, never the plain text.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Lookup
from django.db.models.lookups import Exact

KEYS_VARIABLE = "WIDEN_FIELD_KEYS"
BLIND_INDEX_VARIABLE = "WIDEN_BLIND_INDEX_KEY"
ROTATION_BATCH = 500


class UnreadableEncryptedValue(ImproperlyConfigured):  # noqa: N818 - reads as the condition
    """A stored value that none of the configured keys decrypts (its key has been removed)."""


@lru_cache(maxsize=4)
def _fernet_for(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured(f"{KEYS_VARIABLE} holds no key.")
    return _fernet_for(keys)


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str, *, what: str = "A value encrypted at rest") -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError) as error:
        raise UnreadableEncryptedValue(
            f"{what} cannot be decrypted with the keys in {KEYS_VARIABLE}: the key it was "
            "encrypted with is missing. Put that key back (after the newest) and run "
            "`widen keys rotate` before removing it."
        ) from error


def rotate(token: str) -> str:
    """`token` re-encrypted under the first key."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class UnsearchableEncryptedValue(TypeError):  # noqa: N818 - reads as the condition
    """A query compared an encrypted column with a value: it would silently match nothing."""


class _EmptyOrNothing(Exact):
    """`field=""` (has it a value?) is answered by the database; `field="something"` would
    compare with a token and silently find nothing, so it is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None) and not hasattr(self.rhs, "resolve_expression"):
            raise UnsearchableEncryptedValue(_unsearchable(self.lhs, "="))
        return super().get_prep_lookup()


def _unsearchable(lhs: Any, how: str) -> str:
    field = getattr(lhs, "target", None) or getattr(lhs, "output_field", None)
    name = getattr(field, "_what", lambda: "An encrypted field")()
    return (
        f"{name} is encrypted at rest and cannot be searched ({how} a value): only whether it "
        "is empty can be asked. Look it up through a BlindIndex stored beside it."
    )


def _refused(lookup_name: str) -> type[Lookup[Any]]:
    class Refused(Lookup[Any]):
        def get_prep_lookup(self) -> Any:
            raise UnsearchableEncryptedValue(_unsearchable(self.lhs, lookup_name))

    Refused.lookup_name = lookup_name
    return Refused


class EncryptedTextField(models.TextField):
    """Text kept encrypted in its column; empty stays empty (nothing to hide). Only "is it
    empty?" can be asked of it in a query; any other comparison is refused, never silently
    empty."""

    description = "Text encrypted at rest"
    # Read by code that writes columns itself (`widen.core.bulk`): encrypt before inserting.
    encrypted_at_rest = True

    def _what(self) -> str:
        model = getattr(self, "model", None)
        if model is None:
            return "A value encrypted at rest"
        return f"{model._meta.label}.{self.name}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value is None or value == "":
            return ""
        return decrypt(value, what=self._what())

    def to_python(self, value: Any) -> str:
        return "" if value is None else str(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        return encrypt(str(value))


EncryptedTextField.register_lookup(_EmptyOrNothing)
for _lookup in (
    "iexact",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "in",
    "gt",
    "gte",
    "lt",
    "lte",
    "range",
    "regex",
    "iregex",
):
    EncryptedTextField.register_lookup(_refused(_lookup))


# --- Finding and rotating every encrypted field ---------------------------------------------


@dataclass(frozen=True)
class EncryptedColumns:
    """One model's encrypted fields."""

    model: type[models.Model]
    fields: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


def encrypted_fields() -> list[EncryptedColumns]:
    """Every installed model with an `EncryptedTextField`, found by the field's class."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = tuple(
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)
        )
        if names:
            found.append(EncryptedColumns(model, names))
    return sorted(found, key=lambda columns: columns.label)


def encrypted_fields_rotate(
    *, batch_size: int = ROTATION_BATCH
) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Encrypt every encrypted value of every model again under the first key of
    `WIDEN_FIELD_KEYS`, `batch_size` rows per transaction, while the older keys still read.

    Work for whoever holds the keys on the server (`widen keys rotate`), like `widen backup`:
    nothing a page reaches. Returns, by model label, how many rows were encrypted again and
    which fields. Values do not change, so each row's audit event names the fields rewritten
    and nothing else. Stopped part-way, it can simply be run again.
    """
    done: dict[str, tuple[int, tuple[str, ...]]] = {}
    for columns in encrypted_fields():
        done[columns.label] = (_rotate_model(columns, batch_size), columns.fields)
    return done


def _rotate_model(columns: EncryptedColumns, batch_size: int) -> int:
    """The rows of one model holding an encrypted value, `batch_size` at a time in key order,
    each batch locked, read and written in one transaction (an edit made meanwhile is never
    written over with the value read before it)."""
    manager = columns.model._default_manager
    holding = manager.exclude(**dict.fromkeys(columns.fields, "")).order_by("pk")
    count = 0
    last: Any = None
    while True:
        with transaction.atomic():
            rows = holding if last is None else holding.filter(pk__gt=last)
            # Reading decrypts with whichever key fits; writing encrypts with the first.
            batch = list(rows.select_for_update()[:batch_size])
            if not batch:
                return count
            count += manager.bulk_update(batch, columns.fields)
        last = batch[-1].pk


# --- Encrypting columns that held plain text (data migrations) -------------------------------


def _rewrite_columns(
    schema_editor: Any,
    table: str,
    columns: tuple[str, ...],
    change: Callable[[str], str | None],
    pk_column: str = "id",
) -> int:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    rewritten = 0
    with connection.cursor() as cursor:
        for column in columns:
            cursor.execute(
                f"SELECT {quote(pk_column)}, {quote(column)} FROM {quote(table)} "  # noqa: S608 - names from the migration
                f"WHERE {quote(column)} <> ''"
            )
            updates = []
            for pk, value in cursor.fetchall():
                changed = change(value)
                if changed is not None:
                    updates.append((changed, pk))
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(pk_column)} = %s",  # noqa: S608
                updates,
            )
            rewritten += len(updates)
    return rewritten


def _is_token(value: str) -> bool:
    try:
        fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def columns_encrypt(
    schema_editor: Any, table: str, columns: tuple[str, ...], pk_column: str = "id"
) -> int:
    """Encrypt, in place, the plain text left in `columns` of `table` (from before the field
    was encrypted); values already encrypted are left alone. Returns the values encrypted."""
    return _rewrite_columns(
        schema_editor,
        table,
        columns,
        lambda value: None if _is_token(value) else encrypt(value),
        pk_column,
    )


def columns_decrypt(
    schema_editor: Any, table: str, columns: tuple[str, ...], pk_column: str = "id"
) -> int:
    """The reverse of `columns_encrypt`, for a migration run backwards."""
    return _rewrite_columns(
        schema_editor,
        table,
        columns,
        lambda value: decrypt(value, what=f"A value in {table}") if _is_token(value) else None,
        pk_column,
    )


# --- Keyed blind indexes ---------------------------------------------------------------------


@dataclass(frozen=True)
class BlindIndex:
    """A keyed HMAC-SHA256 of a normalised value, stored beside an encrypted field so a row can
    be found by the value without the database ever holding it.

    The key (`settings.BLIND_INDEX_KEY`, from `WIDEN_BLIND_INDEX_KEY`) is not an encryption key,
    so a copy of the database alone cannot test guesses against the index. `purpose` keeps each
    index's digests apart (the same account number gives different digests in two indexes).
    An empty value has an empty index, like its field.
    """

    purpose: str
    normalise: Callable[[str], str] = str.strip

    def of(self, value: str) -> str:
        value = self.normalise(value or "")
        if not value:
            return ""
        key = settings.BLIND_INDEX_KEY
        if not key:
            raise ImproperlyConfigured(
                f"Set {BLIND_INDEX_VARIABLE} to a random value of at least 32 characters, kept "
                "apart from the encryption keys."
            )
        message = self.purpose.encode() + b"\x00" + value.encode()
        return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()
