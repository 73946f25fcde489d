"""Request id, acting membership and the audit actor for every request."""

import re

from django.urls import NoReverseMatch, reverse
from django.utils.functional import LazyObject, empty

from bureaus import rls
from bureaus.acting import attach_membership, client_ip
from bureaus.context import Actor, new_request_id, reset_actor, set_actor

_REQUEST_ID = re.compile(r"^[A-Za-z0-9\-]{8,64}$")


class RequestIdMiddleware:
    """Gives each request an id (or keeps a sane incoming X-Request-ID), echoes it in the
    response, and starts an anonymous actor context that later middleware may refine.

    Row-level security: the request starts with the empty scope (nothing of any bureau is
    visible until a membership is chosen) and the connection gets back the previous scope at
    its end, whatever happened (bureaus.rls)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else new_request_id()
        token = set_actor(
            Actor(
                user_id=None,
                user_repr="anonymous",
                membership_id=None,
                request_id=request.request_id,
                ip=client_ip(request),
            )
        )
        scope_token = rls.set_scope(rls.EMPTY)
        try:
            response = self.get_response(request)
        finally:
            rls.reset_scope(scope_token)
            reset_actor(token)
        response["X-Request-ID"] = request.request_id
        return response


class ActingMembershipMiddleware:
    """For signed-in page users: choose the acting membership (see bureaus.acting).

    The platform operator's /admin/ (superusers only, bureaus.admin: accounts, the bureau tree,
    every bureau's memberships) runs inside `rls.platform_access`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            request.user = _evaluated(request.user)
            attach_membership(request, request.user)
            if request.user.is_superuser and _in_admin(request.path):
                with rls.platform_access("platform operator in /admin/"):
                    return self.get_response(request)
        return self.get_response(request)


def _evaluated(user):
    """The signed-in user object itself, once authentication and django-otp (each a lazy proxy
    around the one before) have produced it: every later read of `request.user` (the rest of
    the middleware, DRF, the view, the permission table) then costs an attribute read, not two
    proxies' failed look-ups (issue 11). The same object: nothing is copied or reloaded."""
    while isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        user = user._wrapped
    return user


def _in_admin(path: str) -> bool:
    try:
        return path.startswith(reverse("admin:index"))
    except NoReverseMatch:  # /admin/ switched off
        return False
