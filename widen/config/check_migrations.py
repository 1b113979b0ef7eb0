"""Fail when a model change has no migration (run by `make test`)."""

import os
import sys

import django
from django.core.management import call_command


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "widen.config.settings")
    django.setup()
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exit_:
        sys.exit(exit_.code)


if __name__ == "__main__":
    main()
