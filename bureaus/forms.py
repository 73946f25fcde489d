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
