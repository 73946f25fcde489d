"""Local development: `make run`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "dev-only-field-key"  # noqa: F405
