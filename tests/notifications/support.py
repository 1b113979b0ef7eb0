"""E-mail delivery that fails, for trying retries: Django's in-memory backend (the test suite's
own), refusing the next `failures` messages as an unreachable mail server would."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from smtplib import SMTPServerDisconnected
from typing import Any

from django.core.mail.backends.locmem import EmailBackend

TEMPLATES_DIR = Path(__file__).parent / "templates"


class FlakyBackend(EmailBackend):
    failures = 0

    def send_messages(self, messages: Sequence[Any]) -> int:
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
