"""Bureau pages for accounts and roles (三权分立), instead of Django's admin:
- the system administrator creates, edits and disables the bureau's accounts;
- the security administrator grants roles (memberships), ends sessions and lifts lockouts;
- every change is in the audit trail (memberships as records, accounts as account events).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bureaus.forms import AccountSecurityForm, MembershipForm, UserCreateForm, UserUpdateForm
from bureaus.models import AuditEvent, Membership, User
from bureaus.pages import ScopedCreateView, ScopedListView, ScopedUpdateView
from bureaus.services import (
    record_account_event,
    user_end_sessions,
    user_set_active,
    user_unlock,
)


class UserListView(ScopedListView):
    model = User
    permission_object = "user"
    title = gettext_lazy("Accounts")
    template_name = "bureaus/user_list.html"

    def scope_queryset(self, queryset):
        return queryset.order_by("username")


class _UserForm:
    """What the account's new and edit pages share (their forms differ: a new account sets
    its username and password)."""

    model = User
    permission_object = "user"
    template_name = "bureaus/form.html"
    success_url = reverse_lazy("bureaus:user-list")


class UserCreateView(_UserForm, ScopedCreateView):
    form_class = UserCreateForm

    def form_valid(self, form):
        response = super().form_valid(form)
        record_account_event(
            self.object,
            action=AuditEvent.Action.CREATE,
            changes={"username": self.object.username, "display_name": self.object.display_name},
        )
        return response


class UserUpdateView(_UserForm, ScopedUpdateView):
    form_class = UserUpdateForm

    def form_valid(self, form):
        user = self.get_object()
        was_active = user.is_active
        User.objects.filter(pk=user.pk).update(display_name=form.cleaned_data["display_name"])
        if form.cleaned_data["is_active"] != was_active:
            user_set_active(
                actor=self.request.user, user=user, is_active=form.cleaned_data["is_active"]
            )
        return redirect(self.success_url)


class UserSecurityView(ScopedUpdateView):
    """End all of an account's sessions (and its API token), or lift its sign-in lockout."""

    model = User
    form_class = AccountSecurityForm
    permission_object = "user"
    permission_verb = "secure"
    template_name = "bureaus/user_security.html"

    def form_valid(self, form):
        user = self.get_object()
        if form.cleaned_data["action"] == "end_sessions":
            user_end_sessions(actor=self.request.user, user=user)
            messages.success(self.request, _("All sessions of this account have been ended."))
        else:
            user_unlock(actor=self.request.user, user=user)
            messages.success(self.request, _("The lockout of this account has been lifted."))
        return redirect(reverse("bureaus:user-security", args=[user.pk]))


class _MembershipForm:
    """What the membership's new and edit pages share."""

    model = Membership
    form_class = MembershipForm
    permission_object = "membership"
    template_name = "bureaus/form.html"
    success_url = reverse_lazy("bureaus:membership-list")


class MembershipCreateView(_MembershipForm, ScopedCreateView):
    pass


class MembershipUpdateView(_MembershipForm, ScopedUpdateView):
    pass
