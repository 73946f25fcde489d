"""A fixed-window rate limit per client address, counted in Redis (the cache), for the public
pages anyone can call: the tip-off form, tracking and the registry search.

Guarantees: the address is hashed (with the secret key) in the cache key and never logged;
a window that expires between the first count and the next starts again at one.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from bureaus.acting import client_ip


def rate_limited(request, scope: str, *, limit: int, window: int = 60) -> bool:
    """Count one attempt from the client's address under `scope`; True when it is over
    `limit` attempts in the current `window` seconds."""
    address = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    key = f"rate:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit
