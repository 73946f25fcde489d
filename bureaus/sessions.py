"""The session engine (SESSION_ENGINE): Django's sessions kept in PostgreSQL and read through
Redis (`cached_db`), with the signed-in user's kept memberships (bureaus.acting) read in the
same round trip (issue 11: the session and the memberships were two Redis round trips on
every signed-in request, one after the other).

How: beside the session's cache entry, the id of its signed-in user is kept under the same key
with ":user" appended (written whenever the session is written to the cache, dropped with
it). One Lua script reads the session, that id and the memberships kept for that id. The
memberships read so are offered to `bureaus.acting.active_memberships` once, for that user
id only.

Guarantees: the session is what `cached_db` reads (the same cache entry, the database when it
is missing); the memberships are the copy `bureaus.acting` keeps, read at the start of the
request rather than a moment later, under the same rules (any change drops the copy); they
are used only for the user the session names and the request authenticates, else the
ordinary read happens. A cache that is not Redis (django-redis), or a failing one, leaves the
ordinary reads.
"""

import logging

from django.contrib.auth import SESSION_KEY as USER_ID_KEY
from django.contrib.sessions.backends import cached_db

logger = logging.getLogger("django.contrib.sessions")

_READ = """
local session = redis.call('GET', KEYS[1])
if not session then return {false, false, false} end
local user = redis.call('GET', KEYS[2])
if not user then return {session, false, false} end
return {session, user, redis.call('GET', ARGV[1] .. user)}
"""
_USER_SUFFIX = ":user"
_scripts: dict = {}


class SessionStore(cached_db.SessionStore):
    # (user id as text, the kept memberships or None), from the read of the session; taken
    # once by bureaus.acting.active_memberships.
    memberships_read = None

    def load(self):
        client = _redis(self._cache)
        if client is None:
            return super().load()
        try:
            data = self._read(client)
        except Exception:
            logger.exception("Error reading the session from the cache (%s)", self._cache)
            data = None
        if data is None:
            session = self._get_session_from_db()
            if not session:
                return {}
            data = self.decode(session.session_data)
            age = self.get_expiry_age(expiry=session.expire_date)
            self._cache.set(self.cache_key, data, age)
            self._keep_user_id(data, age)
        return data

    def _read(self, client):
        from bureaus.acting import memberships_key_prefix

        cache = self._cache
        key = cache.client.make_key(self.cache_key)
        script = _scripts.get(id(client))
        if script is None:
            script = _scripts[id(client)] = client.register_script(_READ)
        prefix = cache.client.make_key(memberships_key_prefix())
        session, user_id, memberships = script(
            keys=[key, f"{key}{_USER_SUFFIX}"], args=[prefix], client=client
        )
        if session is None:
            return None
        if user_id is not None:
            user_id = user_id.decode()
            kept = None if memberships is None else cache.client.decode(memberships)
            self.memberships_read = (user_id, kept)
        return cache.client.decode(session)

    def save(self, must_create=False):
        super().save(must_create)
        self._keep_user_id(self._session, self.get_expiry_age())

    def _keep_user_id(self, data, age) -> None:
        client = _redis(self._cache)
        user_id = data.get(USER_ID_KEY)
        if client is None or not user_id or age <= 0:
            return
        try:
            key = self._cache.client.make_key(self.cache_key)
            client.set(f"{key}{_USER_SUFFIX}", str(user_id), ex=int(age))
        except Exception:
            logger.exception("Error saving to cache (%s)", self._cache)

    def delete(self, session_key=None):
        if session_key is None:
            session_key = self.session_key
        super().delete(session_key)
        client = _redis(self._cache)
        if client is not None and session_key:
            key = self._cache.client.make_key(self.cache_key_prefix + session_key)
            client.delete(f"{key}{_USER_SUFFIX}")


def _redis(cache):
    """The Redis client behind a django-redis cache, else None."""
    get_client = getattr(getattr(cache, "client", None), "get_client", None)
    return None if get_client is None else get_client(write=True)
