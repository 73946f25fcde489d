"""The user picker: a text box that suggests people as one types (from a scoped JSON list such
as complaints:handler-autocomplete) with the chosen user's id in a hidden input; a plain
<datalist>, no library, the same script as the institution picker (institutions.widgets,
static/js/lists.js). The field behind it checks the id against its own scoped choices."""

from django import forms


class UserPicker(forms.Widget):
    template_name = "core/widgets/user_picker.html"

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url
        # The chosen user's name by id, set by the form from the users it accepts (no query).
        self.labels: dict[int, str] = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        label = ""
        if value not in (None, "") and str(value).isdigit():
            label = self.labels.get(int(value), "")
        context["widget"].update(label=label, url=str(self.url))
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)
