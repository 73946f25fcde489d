"""Local development: `make run`.

Like production, no debug page reaches a user (DEBUG is off unless DJANGO_DEBUG=1 is set by
hand), and `make run` serves through gunicorn with a fixed number of threads, so concurrent
clients cannot open more database connections than workers × threads (NOTES.md: runserver
threads with CONN_MAX_AGE > 0 exhausted PostgreSQL's 100 connections under 16 clients)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
FIELD_ENCRYPTION_KEY = FIELD_ENCRYPTION_KEY or "dev-only-field-key"  # noqa: F405
# A connection lives for one request: bounded by gunicorn's threads, never by client count.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)  # noqa: F405
# Static files from the source folders (no collectstatic needed), as production serves them.
MIDDLEWARE = [
    MIDDLEWARE[0],  # noqa: F405 - SecurityMiddleware first
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],  # noqa: F405
]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The web server's size: at most WEB_WORKERS × WEB_THREADS database connections.
WEB_WORKERS = env.int("JIANGUAN_WEB_WORKERS", default=2)
WEB_THREADS = env.int("JIANGUAN_WEB_THREADS", default=4)
