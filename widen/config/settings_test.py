"""Settings for the test suite: the real settings with fast password hashing and eager tasks."""

import atexit
import shutil
import tempfile
from pathlib import Path

from widen.config.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
# Files the code keeps (open-data snapshots, downloads) go to a directory of the test run's own.
DATA_DIR = Path(tempfile.mkdtemp(prefix="widen-test-data-"))
atexit.register(shutil.rmtree, DATA_DIR, ignore_errors=True)
# Every test client loads the middleware afresh: the static files are found once per process.
MIDDLEWARE = [
    "widen.testing.static_files.FindersOnceWhiteNoiseMiddleware"
    if name == "whitenoise.middleware.WhiteNoiseMiddleware"
    else name
    for name in MIDDLEWARE  # noqa: F405
]
