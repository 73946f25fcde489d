"""Which bureau a user acts for in a request: their memberships, the choice kept in the
session (pages) or named in the X-Bureau header (API clients), else their first one."""

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
    memberships = list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("bureau")
        .order_by("bureau__path", "id")
    )
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
