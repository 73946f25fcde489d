from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bureaus.models import Department, Membership, Street, User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is incorrect. Both are case-sensitive; please try again."
        ),
        "inactive": _("This account has been disabled. Please contact your bureau administrator."),
    }


class ScopedModelChoiceField(forms.ModelChoiceField):
    """A choice of another bureau-owned record: a form built with its user offers (and accepts)
    only the records that user may edit; built without one, it offers nothing."""

    def __init__(self, queryset, **kwargs):
        self.scoped_from = queryset
        super().__init__(queryset.none(), **kwargs)

    def scope_to(self, user) -> None:
        self.queryset = self.scoped_from.editable_by(user)


class ScopedForm(forms.Form):
    """A plain form that knows its user and scopes its ScopedModelChoiceFields to it."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, ScopedModelChoiceField):
                field.scope_to(user)


class ScopedModelForm(forms.ModelForm):
    """A form that knows its user, so choices of other records are limited to what the user
    may edit (another district's street is not a valid choice)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "editable_by"):
                field.queryset = queryset.editable_by(user)


class _NameUniqueInDistrict(ScopedModelForm):
    """A street's or a department's form: the name unique in the user's district
    (bureaus.models.NamedInDistrict), as the API's serializer of the same rows checks it."""

    def clean_name(self):
        name = self.cleaned_data["name"]
        model = self._meta.model
        error = model.name_error(model.objects.editable_by(self.user), name, self.instance)
        if error:
            raise forms.ValidationError(error)
        return name


class StreetForm(_NameUniqueInDistrict):
    class Meta:
        model = Street
        fields = ["name", "code"]


class DepartmentForm(_NameUniqueInDistrict):
    class Meta:
        model = Department
        fields = ["kind", "name"]


class UserCreateForm(ScopedModelForm):
    """A new account of the acting bureau (system administrator). Its username starts with the
    bureau's code, so a clash can only be with the bureau's own accounts: the form tells nothing
    about usernames elsewhere."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Password confirmation"), widget=forms.PasswordInput, strip=False
    )

    class Meta:
        model = User
        fields = ["username", "display_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bureau = self.user.membership.bureau
        self.prefix_required = f"{bureau.code}-"
        self.fields["username"].help_text = _("Starts with %(prefix)s") % {
            "prefix": self.prefix_required
        }

    def validate_unique(self):
        """Uniqueness is checked in clean_username, within the bureau's own prefix."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if not username.startswith(self.prefix_required) or username == self.prefix_required:
            raise forms.ValidationError(
                _("Usernames of this bureau start with %(prefix)s")
                % {"prefix": self.prefix_required}
            )
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This bureau already has an account with this username."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        elif first:
            candidate = User(
                username=cleaned.get("username", ""), display_name=cleaned.get("display_name", "")
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
        return user


class UserUpdateForm(ScopedModelForm):
    class Meta:
        model = User
        fields = ["display_name", "is_active"]


class AccountSecurityForm(forms.Form):
    """The security administrator's actions on an account."""

    action = forms.ChoiceField(
        choices=[("end_sessions", _("End all sessions")), ("unlock", _("Lift the lockout"))]
    )

    def __init__(self, *args, user=None, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance


class MembershipForm(ScopedModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "department", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from bureaus.services import bureau_accounts

        self.fields["user"].queryset = bureau_accounts(self.user.membership.bureau)
        self.fields["role"].choices = [
            (value, label)
            for value, label in Membership.Role.choices
            if value in Membership.DISTRICT_ROLES
        ]

    def clean(self):
        from bureaus.services import membership_check

        cleaned = super().clean()
        membership = self.instance
        membership.bureau = self.user.membership.bureau
        if cleaned.get("user") is not None and cleaned.get("role"):
            membership.user = cleaned["user"]
            membership.role = cleaned["role"]
            try:
                membership_check(membership, actor=self.user)
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def validate_unique(self):
        """membership_check answers a duplicate with a field error (no IntegrityError)."""
