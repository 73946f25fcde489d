"""django-filter's FilterSet with its per-request copying cut to what a request changes.

For every request django-filter deep-copies each declared filter (`FilterSet.__init__`) and
Django deep-copies each field of the filter form (`BaseForm.__init__`; a ChoiceField its
choices, lazy labels and all): on the inbox API that was more Python than the list's SQL
(issue 11). Here a filter is copied shallowly (its `extra` too) and bound to its own filterset,
which is all a request changes on it; a form field is copied as Django copies it (widget,
error messages, validators) but shares its choices, which code replaces and never changes in
place. Every filterset of the apps above `core/` inherits `FilterSet` from here (those of
`bureaus/`, below it, keep django-filter's).
"""

import copy

import django_filters


class _Filters(dict):
    """The declared filters; a deep copy (one per filterset) copies each filter shallowly."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            filter_ = copy.copy(declared)
            filter_.extra = dict(declared.extra)
            filter_.__dict__.pop("_field", None)  # built from this copy when first asked for
            if declared.method is not None:
                # Re-bound: the copied FilterMethod would resolve the method on the declared
                # filter's parent, not on this filterset.
                filter_.method = declared.method
            copies[name] = filter_
        return copies


class _FormFields(dict):
    """A filter form's fields; a deep copy (one per form) shares the fields' choices."""

    def __deepcopy__(self, memo):
        return {name: _copy_field(field, memo) for name, field in self.items()}


def _copy_field(field, memo):
    if "_choices" not in field.__dict__:
        return copy.deepcopy(field, memo)
    # forms.Field.__deepcopy__, without ChoiceField's deep copy of the choices.
    result = copy.copy(field)
    memo[id(field)] = result
    result.widget = copy.deepcopy(field.widget, memo)
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    return result


class FilterSet(django_filters.FilterSet):
    """A django-filter FilterSet whose filters and form fields are copied lean per request."""

    @classmethod
    def get_filters(cls):
        return _Filters(super().get_filters())

    def get_form_class(self):
        form = super().get_form_class()
        if not isinstance(form.base_fields, _FormFields):
            form.base_fields = _FormFields(form.base_fields)
        return form


class _ListedChoices(django_filters.fields.ModelChoiceIterator):
    """A model choice field's options read with one plain query: Django's iterator reads them
    through `queryset.iterator()`, a server-side cursor (DECLARE … WITH HOLD, FETCH, CLOSE:
    three round trips, the rows copied at the commit) for a few dozen streets (issue 11). The
    queryset keeps its rows, so a second walk (or its count) reads no more."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ModelChoiceFilter(django_filters.ModelChoiceFilter):
    """django-filter's ModelChoiceFilter whose options are read in one query (_ListedChoices).
    Its queryset is the filterset's to scope, as for django-filter's."""

    @property
    def field(self):
        field = super().field
        field.iterator = _ListedChoices
        return field
