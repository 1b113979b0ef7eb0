"""`widen keys rotate`: encrypt every field encrypted at rest again under the newest key.

Put a new key first in WIDEN_FIELD_KEYS (keeping the old ones after it), run this, then drop the
old keys. Every model's encrypted fields are found by their class, so a new sensitive field is
rotated without changing this command.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from widen.core import request_context
from widen.core.crypto import (
    KEYS_VARIABLE,
    ROTATION_BATCH,
    UnreadableEncryptedValue,
    encrypted_fields_rotate,
)


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Keys of the fields encrypted at rest: rotate re-encrypts every value under the newest."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        rotate = actions.add_parser(
            "rotate",
            help=f"encrypt every encrypted field again under the first key in {KEYS_VARIABLE}",
        )
        rotate.add_argument(
            "--batch-size",
            type=int,
            default=ROTATION_BATCH,
            help=f"rows written per transaction (default {ROTATION_BATCH})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        with request_context.bind(source="cli"):
            try:
                done = encrypted_fields_rotate(batch_size=batch_size)
            except UnreadableEncryptedValue as error:
                raise CommandError(str(error)) from error
        for label, (count, fields) in done.items():
            self.stdout.write(f"{label} ({', '.join(fields)}): {_rows(count)} encrypted again.")
        total = sum(count for count, _ in done.values())
        keys = len(settings.FIELD_ENCRYPTION_KEYS)
        self.stdout.write(
            f"{_rows(total)} in {len(done)} models now encrypted under the newest of {keys} "
            f"key{'' if keys == 1 else 's'}. Once this has finished, the older keys can be "
            f"removed from {KEYS_VARIABLE} (and WIDEN_PAYMENTS_KEYS)."
        )
