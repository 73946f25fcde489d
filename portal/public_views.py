"""The one portal page without sign-in: accepting an invitation (the link's secret is the
credential). It reads one invitation by the SHA-256 of that secret and nothing else."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from bureaus.pages import public
from core.errors import form_add_errors
from portal import selectors, services
from portal.forms import AcceptForm


@public("an invited institution contact sets their own password (the link's secret)")
@never_cache
def invitation_accept(request, token):
    invitation = selectors.invitation_by_token(token=token)
    refusal = services.invitation_refusal(invitation)
    if refusal:
        return render(
            request,
            "portal/invitation_refused.html",
            {"refusal": refusal},
            status=404 if invitation is None else 410,
        )
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            form_add_errors(form, exc)
        else:
            messages.success(request, _("Your account is ready. Please sign in."))
            return redirect(f"{reverse('login')}?next={reverse('portal:home')}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "portal/invitation_accept.html",
        {"form": form, "institution_name": invitation.institution.name},
        status=status,
    )
