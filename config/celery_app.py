"""The Celery application: tasks are found in each app's tasks.py; beat uses the database."""

import os
from fnmatch import fnmatchcase

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("jianguan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Long jobs (imports, documents, reports) go to a queue of their own, served by their own
# worker (scripts/run.sh, docker-compose.yml), so a 20 MB import never holds up the quick ones
# (overdue sweeps, heartbeats, notifications) on the default queue "celery".
LONG_JOBS = ("*.tasks.*import*", "documents.tasks.*", "reports.*")


def route_long_jobs(name, args, kwargs, options, task=None, **kw):
    """A Celery router; read at each call, so the queue's name is a setting (tests give each
    worker a queue of its own)."""
    from django.conf import settings

    if any(fnmatchcase(name, pattern) for pattern in LONG_JOBS):
        return {"queue": settings.CELERY_LONG_QUEUE}
    return None


app.conf.task_routes = (route_long_jobs,)
