"""Institution accounts on every request: they land on the portal, reach nothing on the staff
side, and their portal requests run under their institution's district scope."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from bureaus import rls
from portal import access

# What an institution account may open besides the portal: signing in and out, its own
# password, the language switch, the public pages and static files.
OPEN_TO_INSTITUTIONS = ("/portal/", "/accounts/", "/i18n/", "/public/")


class PortalAccountMiddleware:
    """After ActingMembershipMiddleware. For a signed-in user without any bureau membership
    who holds an institution account:

    - `request.portal_account` is set, and `/` sends them to the portal;
    - any other path outside OPEN_TO_INSTITUTIONS answers 403 before a view runs (the staff
      pages refuse them too, having no membership: this is the second wall);
    - the request runs under `access.scope_for(account)` (row-level security: their
      institution's district only).

    Staff (any membership) pay nothing: no query is made for them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated or getattr(user, "memberships_list", None):
            return self.get_response(request)
        account = access.account_for(user)
        if account is None:
            return self.get_response(request)
        request.portal_account = account
        if request.path == "/":
            return redirect("portal:home")
        allowed = (*OPEN_TO_INSTITUTIONS, settings.STATIC_URL)
        if not request.path.startswith(allowed):
            raise PermissionDenied
        with rls.use(access.scope_for(account)):
            return self.get_response(request)
