"""A fixed-window count per client address, in Redis (the cache): the per-address limit of the
public pages (tip-off form, tracking, registry search, document checks) and the sign-in
throttle.

Guarantees: the address is hashed (with the secret key) in the cache key and never logged;
a window that expires between the first count and the next starts again at one.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from bureaus.acting import client_ip


def _key(request, scope: str) -> str:
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"rate:{scope}:{digest}"


def attempt_count(request, scope: str, *, window: int = 60) -> int:
    """Count one attempt from the client's address under `scope`; the count in the window."""
    key = _key(request, scope)
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def attempts(request, scope: str) -> int:
    """The attempts counted from the client's address in the current window (none counted)."""
    return cache.get(_key(request, scope)) or 0


def rate_limited(request, scope: str, *, limit: int, window: int = 60) -> bool:
    """Count one attempt; True when it is over `limit` attempts in the current `window`."""
    return attempt_count(request, scope, window=window) > limit
