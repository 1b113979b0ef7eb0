"""Production settings: the same settings, with WIDEN_ENVIRONMENT=production."""

import os

os.environ.setdefault("WIDEN_ENVIRONMENT", "production")

from widen.config.settings import *  # noqa: E402, F403
