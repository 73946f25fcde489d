"""Which bureau a user acts for in a request: their memberships, the choice kept in the
session (pages) or named in the X-Bureau header (API clients), else their first one.

A user's active memberships (with their bureaus and each bureau's subtree) are kept in Redis
between requests, so a request reads them without a query (issue 11). Guarantee: any change of
a membership (granted, deactivated, its role changed, deleted), of the user or of any bureau
drops the copy, at the change and again when its transaction commits (so a request that read
the old rows in between cannot keep them), and the next request reads the database again.
"""

from django.core.cache import cache
from django.db import transaction

from bureaus import rls
from bureaus.context import Actor, set_actor
from bureaus.models import Membership

SESSION_KEY = "acting_membership_id"
HEADER = "HTTP_X_BUREAU"


def client_ip(request) -> str | None:
    from django.conf import settings

    if getattr(settings, "USE_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR") or None


def attach_membership(request, user) -> Membership | None:
    """Load the user's active memberships (one query), choose the acting one, set it on the
    user as `user.membership`, put the actor in context for the audit trail, and set the
    database's row-level security scope to the acting bureau (bureaus.rls)."""
    rls.set_scope(rls.for_user(user))
    memberships = active_memberships(user, session=getattr(request, "session", None))
    chosen = None
    code = request.META.get(HEADER)
    if code:
        chosen = next((m for m in memberships if m.bureau.code == code), None)
    else:
        session = getattr(request, "session", None)
        wanted = session.get(SESSION_KEY) if session is not None else None
        chosen = next((m for m in memberships if m.pk == wanted), None)
        if chosen is None and memberships:
            chosen = memberships[0]
    user.memberships_list = memberships
    user.membership = chosen
    rls.set_scope(rls.for_membership(user, chosen))
    set_actor(
        Actor(
            user_id=user.pk,
            user_repr=user.get_username(),
            membership_id=chosen.pk if chosen else None,
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request),
        )
    )
    return chosen


# Long enough to spare most requests their query; the copy is dropped on every change anyway.
MEMBERSHIPS_SECONDS = 600
_KEY = "acting:memberships:{}"


def memberships_key_prefix() -> str:
    """The cache key of a user's kept memberships is this followed by the user's id."""
    return _KEY.format("")


def active_memberships(user, *, session=None) -> list[Membership]:
    """The user's active memberships in path order, each with its bureau and the bureau's
    subtree (Bureau.subtree_ids) loaded: from Redis, else from the database (then kept).

    `session`: the request's session, when the session engine has read the kept copy with it
    (bureaus.sessions: one round trip for both): that read is taken, once, if it was for this
    user."""
    key = _KEY.format(user.pk)
    read = getattr(session, "memberships_read", None)
    if read is not None:
        session.memberships_read = None
    memberships = read[1] if read is not None and read[0] == str(user.pk) else cache.get(key)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("bureau")
            .order_by("bureau__path", "id")
        )
        for membership in memberships:
            membership.bureau.subtree_ids()
        cache.set(key, memberships, MEMBERSHIPS_SECONDS)
    return memberships


def forget_memberships(user_id) -> None:
    """Drop the kept copy of one user's memberships, now and when the transaction commits."""
    key = _KEY.format(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_all_memberships() -> None:
    """A bureau changed (its name, its place in the tree, a new one below it): every copy."""
    pattern = _KEY.format("*")
    cache.delete_pattern(pattern)
    transaction.on_commit(lambda: cache.delete_pattern(pattern))


# Signal receivers (connected in bureaus.apps) ------------------------------------------------


def membership_changed(sender, instance, **kwargs) -> None:
    forget_memberships(instance.user_id)


def user_changed(sender, instance, **kwargs) -> None:
    forget_memberships(instance.pk)


def bureau_changed(sender, instance, **kwargs) -> None:
    forget_all_memberships()
