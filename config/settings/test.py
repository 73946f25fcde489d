"""The test suite: real PostgreSQL and Redis, fast password hashing."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-insecure-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "test-only-field-key"  # noqa: F405
# The query-count pins count the application's own queries, the session's included, as they
# did before production read sessions through Redis; tests/bureaus/test_cached_sessions.py runs
# the session limits with production's engine.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
