"""API tokens: issued for a password (and, for administrators, a TOTP code), expiring after
API_TOKEN_HOURS, revocable by their holder or by a security administrator.

Guarantees:
- A token older than API_TOKEN_HOURS, or of a disabled account, authenticates nobody.
- Issuing goes through `authenticate()`, so django-axes counts and locks as on the login page;
  the endpoint is throttled per address as well ("token" rate).
- One token per user: issuing a new one revokes the old.
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django_otp import match_token
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from bureaus import rls
from bureaus.api.authentication import token_expires_at
from bureaus.forms import LoginForm
from bureaus.security import holds_admin_role


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    otp = serializers.CharField(max_length=12, required=False, allow_blank=True)


class TokenView(GenericAPIView):
    """POST: issue a token (username, password, and `otp` for administrators). DELETE: revoke
    the caller's token."""

    serializer_class = TokenRequestSerializer
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def get_permissions(self):
        return [AllowAny()]

    def post(self, request):
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=form.validated_data["username"],
            password=form.validated_data["password"],
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                return Response(
                    {"detail": _("Too many failed sign-ins: try again in 15 minutes.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise exceptions.AuthenticationFailed(LoginForm.error_messages["invalid_login"])
        code = form.validated_data.get("otp", "")
        # The request runs with the empty scope (bureaus.rls): the account's own memberships
        # become readable once its password is checked, as after the login page.
        with rls.use(rls.for_user(user)):
            administrator = holds_admin_role(user)
        if administrator and (not code or match_token(user, code) is None):
            raise exceptions.AuthenticationFailed(_("Administrators need a valid TOTP code."))
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        return Response(
            {"token": token.key, "expires_at": token_expires_at(token)},
            status=status.HTTP_201_CREATED,
        )

    def delete(self, request):
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
