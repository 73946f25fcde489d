"""The institution picker: a text box that suggests institutions as one types (from the scoped
JSON list, institutions:institution-autocomplete) with the chosen id in a hidden input; a plain
<datalist>, no library. The field behind it (a ScopedModelChoiceField) checks the id."""

from django import forms
from django.urls import reverse_lazy


class InstitutionPicker(forms.Widget):
    template_name = "institutions/widgets/institution_picker.html"
    url = reverse_lazy("institutions:institution-autocomplete")

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = ""
        queryset = getattr(getattr(self, "choices", None), "queryset", None)
        if value not in (None, "") and queryset is not None and str(value).isdigit():
            # The one chosen institution, through the field's own (scoped) queryset.
            label = queryset.filter(pk=value).values_list("name", flat=True).first() or ""
        context["widget"].update(label=label, url=str(self.url))
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
