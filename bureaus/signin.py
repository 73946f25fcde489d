"""Signing in: the login page with a per-address throttle in front of django-axes' per-account
lockout, the audit of sign-in events, the password-change form under the same lockout, and the
TOTP second factor.

Guarantees:
- An unknown username and a wrong password get the same message (Django's ModelBackend runs the
  password hasher for an unknown username too, so the time is comparable).
- Failed sign-ins, lockouts and successful sign-ins of a known account are audit events of each
  bureau the account belongs to; unknown usernames are kept by django-axes' failure log.
- The session id is new after sign-in (django.contrib.auth.login cycles the key), and the
  session clocks of bureaus.security start then.
- Changing a password ends every other session of the user (their stored auth hash no longer
  matches) and revokes the user's API token.
"""

import io

from axes.handlers.proxy import AxesProxyHandler
from axes.signals import user_locked_out
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from bureaus import ratelimit
from bureaus.acting import client_ip
from bureaus.forms import LoginForm
from bureaus.models import AuditEvent
from bureaus.security import start_session_clock
from bureaus.services import record_account_event

LOCKED_MESSAGE = gettext_lazy(
    "Too many failed sign-ins. Sign-in is locked for 15 minutes; please try again later."
)
_ADDRESS_WINDOW = 15 * 60
_ADDRESS_SCOPE = "signin:address-failures"


def address_throttled(request) -> bool:
    """Whether this address has failed LOGIN_ADDRESS_FAILURE_LIMIT sign-ins in 15 minutes."""
    return ratelimit.attempts(request, _ADDRESS_SCOPE) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def _count_address_failure(request) -> None:
    ratelimit.attempt_count(request, _ADDRESS_SCOPE, window=_ADDRESS_WINDOW)


def _known_user(username):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    _count_address_failure(request)
    user = _known_user(credentials.get("username"))
    if user is not None:
        record_account_event(
            user, action=AuditEvent.Action.LOGIN_FAILED, changes={"address": client_ip(request)}
        )


@receiver(user_locked_out)
def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    user = _known_user(username)
    if user is not None:
        record_account_event(
            user, action=AuditEvent.Action.LOCKED_OUT, changes={"address": ip_address}
        )


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    start_session_clock(request.session)
    record_account_event(
        user, action=AuditEvent.Action.LOGIN, changes={"address": client_ip(request)}
    )


class LoginView(auth_views.LoginView):
    """Django's login page behind the per-address throttle."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_throttled(request):
            return locked_out(request)
        return super().post(request, *args, **kwargs)


def locked_out(request, original_response=None, credentials=None):
    """The sign-in locked page (429): of the address throttle above, and of django-axes for a
    locked account (AXES_LOCKOUT_CALLABLE), titled like every page."""
    return render(
        request, "registration/locked_out.html", {"title": _("Sign-in locked")}, status=429
    )


class GuardedPasswordChangeForm(PasswordChangeForm):
    """The old password is checked through `authenticate()`, so wrong guesses count towards
    the same lockout as the login page, and a locked account cannot change its password."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        credentials = {"username": self.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        user = authenticate(self.request, username=self.user.get_username(), password=old)
        if user is None or user.pk != self.user.pk:
            if getattr(self.request, "axes_locked_out", False):
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = GuardedPasswordChangeForm
    title = gettext_lazy("Change password")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        response = super().form_valid(form)
        # Other sessions end by themselves (their auth hash is stale); tokens do not.
        Token.objects.filter(user=form.user).delete()
        self.request.session.pop("axes_locked_out", None)
        return response


class TokenForm(forms.Form):
    otp_token = forms.RegexField(
        label=gettext_lazy("Six-digit code"), regex=r"^\d{6}$", max_length=6
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return "/"
    return target


@login_required
def two_factor(request):
    """Set up TOTP (a QR code of a new device, confirmed by its first code), or, once set up,
    enter a code to verify this session."""
    confirmed = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if confirmed is None:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="TOTP", confirmed=False)
    else:
        device = confirmed
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("Second factor verified."))
            return redirect(_next(request))
        form.add_error("otp_token", _("The code is wrong or has expired."))
    context = {
        "title": _("Second factor"),
        "form": form,
        "setting_up": not device.confirmed,
        "next": _next(request),
    }
    if not device.confirmed:
        buffer = io.BytesIO()
        import segno  # only on the enrolment page: not loaded at start-up

        segno.make(device.config_url, micro=False).save(
            buffer, kind="svg", scale=4, xmldecl=False, svgns=True
        )
        context["qr_svg"] = buffer.getvalue().decode()
        context["secret"] = device.config_url.split("secret=")[1].split("&")[0]
    return render(request, "registration/two_factor.html", context)
