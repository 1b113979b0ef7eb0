"""The `widen` command: Django's management commands with Widen's settings.

widen serve            serve the app on http://127.0.0.1:8000 (--port P for another port)
widen demo             build the demo partnership (--learners N, --reset, --port P)
widen createuser       add a person and their role
widen token create U   make an API token for user U
widen migrate, widen check, ... any Django management command

Installed by `make` in .venv/bin: run it as .venv/bin/widen, or activate .venv first.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "widen.config.settings")
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print(__doc__)
        args = ["help"]
    execute_from_command_line(["widen", *args])


if __name__ == "__main__":
    main()
