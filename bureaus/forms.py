from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from bureaus.models import Department, Street


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


class StreetForm(ScopedModelForm):
    class Meta:
        model = Street
        fields = ["name", "code"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = Street.objects.editable_by(self.user).filter(name=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("This district already has a street with this name."))
        return name


class DepartmentForm(ScopedModelForm):
    class Meta:
        model = Department
        fields = ["kind", "name"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        taken = Department.objects.editable_by(self.user).filter(name=name)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("This district already has a partner department with this name.")
            )
        return name
