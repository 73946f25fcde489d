"""core.filtering: filters and form fields copied lean per request, each filterset still working
on its own copies (issue 11)."""

import copy

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from complaints.filters import ComplaintFilterSet
from complaints.models import Complaint

pytestmark = pytest.mark.django_db


def _filterset(user, query=""):
    request = RequestFactory().get("/", QueryDict(query))
    request.user = user
    return ComplaintFilterSet(QueryDict(query), Complaint.objects.all(), request=request)


def test_each_filterset_has_its_own_filters_bound_to_it(tree):
    one, two = _filterset(tree.user("a", "officer")), _filterset(tree.user("b", "officer"))
    for name in one.filters:
        assert one.filters[name] is not two.filters[name]
        assert one.filters[name] is not ComplaintFilterSet.base_filters[name]
        assert one.filters[name].parent is one and two.filters[name].parent is two
        assert one.filters[name].model is Complaint


def test_a_method_filter_runs_on_its_own_filterset(tree):
    """`mine` reads the filterset's request: each copy resolves its method on its own set."""
    officer_a, officer_b = tree.user("a", "officer"), tree.user("b", "officer")
    sql_a = str(_filterset(officer_a, "mine=true").qs.query)
    sql_b = str(_filterset(officer_b, "mine=true").qs.query)
    assert f'"assignee_id" = {officer_a.pk}' in sql_a
    assert f'"assignee_id" = {officer_b.pk}' in sql_b


def test_the_same_queries_as_django_filters_own_deep_copies(tree):
    user = tree.user("a", "officer")
    query = "status=assigned&status=received&overdue=true&category=academic&q=机构&mine=true"
    lean = _filterset(user, query)
    plain = _filterset(user, query)
    plain.filters = copy.deepcopy(dict(ComplaintFilterSet.base_filters))  # django-filter's way
    for filter_ in plain.filters.values():
        filter_.model, filter_.parent = Complaint, plain
    assert lean.is_valid() and plain.is_valid()
    assert str(lean.qs.query) == str(plain.qs.query)


def test_forms_get_their_own_fields_and_widgets(tree):
    one = _filterset(tree.user("a", "officer")).form
    two = _filterset(tree.user("a", "officer")).form
    for name in one.fields:
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].widget is not two.fields[name].widget
    one.fields["category"].choices = [("x", "x")]
    one.fields["category"].widget.attrs["class"] = "changed"
    assert [value for value, _label in two.fields["category"].choices][-1] != "x"
    assert "class" not in two.fields["category"].widget.attrs
    third = _filterset(tree.user("a", "officer")).form
    assert ("x", "x") not in list(third.fields["category"].choices)


def test_a_bad_choice_is_still_a_field_error(tree):
    filterset = _filterset(tree.user("a", "officer"), "status=nonsense")
    assert not filterset.is_valid()
    assert "status" in filterset.errors
