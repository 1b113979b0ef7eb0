"""How a long-running command shows its progress: on its error stream, so its output stays
clean for a pipe."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

DONE = 100


class ShowsProgress(BaseCommand):
    """A command whose long jobs take `progress=self.progress` (a percentage and what is being
    done): one line redrawn in place on a terminal, a line each otherwise (say, in a log)."""

    def progress(self, percent: int, message: str) -> None:
        if sys.stderr.isatty():
            self.stderr.write(f"\r{percent:3d}% {message:<60}", ending="")
            if percent == DONE:
                self.stderr.write("")
        else:
            self.stderr.write(f"{percent:3d}% {message}")
