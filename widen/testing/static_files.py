"""WhiteNoise for the test settings: the app's static files found once per test process.

Django's test client loads the middleware afresh for every client a test makes, and WhiteNoise
then lists and reads the headers of every static file the finders know. Those files do not change
while the tests run, so the list is made by the first client and shared by the rest; the files
of STATIC_ROOT are still read by each, as before. What is served, and how, is WhiteNoise's own.
"""

from __future__ import annotations

from typing import Any, ClassVar

from whitenoise.middleware import WhiteNoiseMiddleware


class FindersOnceWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    files: dict[str, Any]
    _found: ClassVar[dict[str, Any] | None] = None

    def add_files_from_finders(self) -> None:
        found = type(self)._found
        if found is None:
            earlier: dict[str, Any] = self.files
            self.files = {}
            super().add_files_from_finders()
            found = type(self)._found = self.files
            self.files = earlier
        self.files.update(found)
