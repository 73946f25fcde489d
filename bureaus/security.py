"""What every request passes through for security: response headers, refusal of control
characters, session limits, and the gate in front of administrator accounts.

Guarantees:
- Every response carries a Content Security Policy without inline scripts, frame-ancestors
  'none', Referrer-Policy and Permissions-Policy; staff and API responses `no-store`.
- A NUL or other control character (anything below U+0020 but tab, CR and LF, and U+007F) in
  the path, the query string, a form field or a JSON body is answered 400 before any view runs,
  so it is never stored.
- A session idle for SESSION_IDLE_TIMEOUT seconds, older than SESSION_ABSOLUTE_LIFETIME, or
  begun before its user's sessions were ended, is ended on its next request.
- An account holding an administrator role (三权分立) reaches nothing but the second-factor
  and password pages until it has passed TOTP in this session and its password is younger
  than PASSWORD_MAX_AGE_DAYS_ADMIN days.
"""

import json
import re
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Bootstrap and htmx set style attributes; no script can run from a style.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), "
    "serial=(), bluetooth=(), interest-cohort=()"
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(value: str) -> bool:
    return bool(_CONTROL.search(value))


def _is_staff_response(request) -> bool:
    if request.path.startswith(("/api/", "/accounts/", "/admin/")):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """CSP, Permissions-Policy and Referrer-Policy on every response; `Cache-Control: no-store`
    on everything a signed-in user or an API client receives."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Referrer-Policy", "same-origin")
        if _is_staff_response(request):
            patch_cache_control(response, no_store=True)
        return response


def bad_request(request, message: str):
    """A 400 in the caller's language: JSON for the API, a page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    body = render_to_string("400.html", {"message": message})
    return HttpResponseBadRequest(body)


class ControlCharacterMiddleware:
    """Refuses control characters at the door (400), so none is ever stored or exported."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            return bad_request(request, _("The request contains characters that are not allowed."))
        return self.get_response(request)

    def _refused(self, request) -> bool:
        if _CONTROL.search(request.path_info):
            return True
        query = request.META.get("QUERY_STRING", "")
        if query and _CONTROL_BYTES.search(unquote_to_bytes(query.replace("+", " "))):
            return True
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return False
        content_type = request.content_type or ""
        if content_type == "application/x-www-form-urlencoded" or (
            content_type == "multipart/form-data" and self._small(request)
        ):
            return any(
                _CONTROL.search(key) or any(_CONTROL.search(v) for v in values)
                for key, values in request.POST.lists()
            )
        if content_type.endswith("json"):
            # Raw control bytes are invalid JSON anyway; escaped ones (\u0000) are refused by
            # the API's parser (bureaus.api.parsers) once decoded.
            return bool(_CONTROL_BYTES.search(request.body))
        return False

    @staticmethod
    def _small(request) -> bool:
        """Multipart bodies are read here only within the largest the public tip-off form
        reads (six files of the maximum size); bigger ones are refused unread by the views'
        own size checks, which this must not pre-empt by reading them."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length <= 6 * settings.COMPLAINT_UPLOAD_MAX_BYTES


LOGIN_AT = "jg_login_at"
SEEN_AT = "jg_seen_at"


def start_session_clock(session) -> None:
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """Idle timeout, absolute lifetime and administrator-ended sessions, checked server-side on
    every request (the cookie's own age is only the client's copy of the idle timeout)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = time.time()
            login_at = session.get(LOGIN_AT)
            seen_at = session.get(SEEN_AT)
            if login_at is None or seen_at is None:
                start_session_clock(session)
            else:
                ended = user.sessions_ended_at
                if (
                    now - seen_at > settings.SESSION_IDLE_TIMEOUT
                    or now - login_at > settings.SESSION_ABSOLUTE_LIFETIME
                    or (ended is not None and login_at < ended.timestamp())
                ):
                    logout(request)
                elif now - seen_at >= 60:
                    # Written at most once a minute: the session row is saved (and its expiry
                    # renewed) only then, not on every request.
                    session[SEEN_AT] = now
        return self.get_response(request)


_GATE_OPEN = ("/accounts/", "/i18n/", "/static/", "/healthz")


def holds_admin_role(user) -> bool:
    from bureaus.models import Membership

    memberships = getattr(user, "memberships_list", None)
    if memberships is None:
        return Membership.objects.filter(
            user=user, is_active=True, role__in=Membership.ADMIN_ROLES
        ).exists()
    return any(m.role in Membership.ADMIN_ROLES for m in memberships)


def password_expired(user) -> bool:
    changed = user.password_changed_at or user.date_joined
    age = timezone.now() - changed
    return age.days >= settings.PASSWORD_MAX_AGE_DAYS_ADMIN


class AdministratorGateMiddleware:
    """Administrator accounts pass TOTP each session and keep their password fresh (等保)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_GATE_OPEN)
            and holds_admin_role(user)
        ):
            if not user.is_verified():
                return self._refuse(request, "two_factor")
            if password_expired(user):
                return self._refuse(request, "password_change")
        return self.get_response(request)

    @staticmethod
    def _refuse(request, url_name):
        if request.path.startswith("/api/"):
            message = (
                _("Administrators must pass the second factor first.")
                if url_name == "two_factor"
                else _("Your password has expired; change it first.")
            )
            return HttpResponseForbidden(
                json.dumps({"detail": message}), content_type="application/json"
            )
        return redirect(f"{reverse(url_name)}?next={request.path}")
