"""Is the background machinery alive? Celery beat schedules `bureaus.tasks.heartbeat` every
minute and a worker runs it, so the age of the last heartbeat says whether both are running;
the broker's queue lengths say whether work is piling up."""

import time

from django.conf import settings
from django.core.cache import cache

HEARTBEAT_KEY = "bureaus:celery-heartbeat"
# Beat runs the heartbeat every minute: three missed ones mean beat or every worker is down.
STALE_AFTER_SECONDS = 180


def heartbeat_record() -> None:
    """Written by the heartbeat task: the time a worker ran what beat scheduled."""
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def heartbeat_age() -> float | None:
    """Seconds since a worker last ran beat's heartbeat, or None if it never has."""
    last = cache.get(HEARTBEAT_KEY)
    return None if last is None else max(0.0, time.time() - float(last))


def queue_lengths() -> dict[str, int]:
    """Messages waiting in each Celery queue the platform uses (Redis broker lists)."""
    from django_redis import get_redis_connection

    redis = get_redis_connection("default")
    return {name: int(redis.llen(name)) for name in sorted(set(settings.CELERY_QUEUES_WATCHED))}


def background_status() -> tuple[float | None, dict[str, int], str | None]:
    """The heartbeat's age, the queue lengths, and a short reason when background work looks
    stuck ("heartbeat", "backlog") or None: read once for /healthz and the administrator's
    home."""
    age, queues = heartbeat_age(), queue_lengths()
    return age, queues, _problem(age, queues)


def _problem(age, queues) -> str | None:
    if age is None or age > STALE_AFTER_SECONDS:
        return "heartbeat"
    if any(n > settings.CELERY_QUEUE_ALARM_LENGTH for n in queues.values()):
        return "backlog"
    return None
