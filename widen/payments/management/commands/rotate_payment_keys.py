"""`widen rotate_payment_keys`: re-encrypt every payee's bank details under the newest key."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from widen.accounts.capabilities import system_actor
from widen.payments.services import payees_reencrypt


class Command(BaseCommand):
    help = (
        "Encrypt every payee's bank details again under the first key in WIDEN_FIELD_KEYS "
        "(`widen keys rotate` does every encrypted field). "
        "Put a new key first (keeping the old one after it), run this, then drop the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = payees_reencrypt(actor=system_actor("rotate payment keys"))
        self.stdout.write(f"Bank details of {done} payees encrypted under the newest key.")
