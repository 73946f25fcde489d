"""The FilterSet the list pages filter with: django-filter's, with its filters copied for each
request at the cost of a copy.

django-filter deep-copies a FilterSet's declared filters on every request, with everything they
hold (choice labels, lazy strings, querysets, the model's field objects): ~750 objects, a tenth
of the inbox page's Python time (issue 11). A filter's state is its attributes and its `extra`
(the form field's arguments), which nothing changes per request; each request gets its own
filter objects with their own `extra`, bound to its FilterSet, and no form field made before.
"""

import copy

import django_filters


class _DeclaredFilters(dict):
    """A FilterSet class's filters (`base_filters`): `copy.deepcopy` of them, as the FilterSet
    does per request, gives fresh filter objects sharing only immutable or never-mutated
    values."""

    def __deepcopy__(self, memo):
        return {name: _filter_copy(f) for name, f in self.items()}


def _filter_copy(f):
    new = copy.copy(f)
    new.__dict__.pop("_field", None)  # a form field is made per request, for this copy
    new.extra = f.extra.copy()
    if f.method is not None:
        # The FilterMethod is bound to its filter (it reads the filter's parent FilterSet):
        # setting the method again binds a new one to the copy.
        new.method = f.method
    return new


class FilterSet(django_filters.FilterSet):
    """django_filters.FilterSet, its filters copied per request without a deep copy."""

    @classmethod
    def get_filters(cls):
        return _DeclaredFilters(super().get_filters())
