"""`User.objects.get(pk=…)` with its statement compiled once per process (bureaus/db/compiled.py,
issue 11): the same row, errors and query as the ORM's own `get`, under row-level security,
and a signed-in request still sees every change made to the account."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bureaus import rls
from bureaus.db import compiled
from bureaus.models import User

pytestmark = pytest.mark.django_db


def _orm_get(pk):
    return QuerySet(User).get(pk=pk)


def test_same_row_as_the_orm(tree):
    officer = tree.user("a", "officer")
    User.objects.filter(pk=officer.pk).update(
        last_login=timezone.now(), sessions_ended_at=timezone.now()
    )
    fast, orm = User.objects.get(pk=officer.pk), _orm_get(officer.pk)
    assert type(fast) is User
    for field in User._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(orm, field.attname), field.attname
    assert fast._state.db == "default" and fast._state.adding is False
    assert fast.get_session_auth_hash() == orm.get_session_auth_hash()
    # A string key (as the session holds it) is converted as the ORM converts it.
    assert User.objects.get(pk=str(officer.pk)).pk == officer.pk
    # The fast path is the one taken.
    assert (User, "default") in compiled._compiled
    assert compiled._compiled[(User, "default")] is not None


def test_same_errors_as_the_orm(tree):
    missing = User.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(User.DoesNotExist, match="User matching query does not exist"):
        User.objects.get(pk=missing)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=10**30)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=None)
    with pytest.raises(ValueError, match="expected a number but got 'abc'"):
        User.objects.get(pk="abc")
    with pytest.raises(ValueError, match="expected a number but got 'abc'"):
        _orm_get("abc")


def test_one_query_through_the_execute_wrappers(tree):
    officer = tree.user("a", "officer")
    with CaptureQueriesContext(connection) as queries:
        User.objects.get(pk=officer.pk)
    assert len(queries) == 1
    assert 'FROM "bureaus_user" WHERE "bureaus_user"."id" =' in queries[0]["sql"]


def test_other_lookups_take_the_orm(tree):
    officer = tree.user("a", "officer")
    assert User.objects.get(username=officer.username).pk == officer.pk
    assert User.objects.get(pk=officer.pk, is_active=True).pk == officer.pk
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=officer.pk, is_active=False)


def test_row_level_security_applies(tree):
    """Under a request's scope the statement runs as the ORM's would: same answer both ways."""
    officer, other = tree.user("a", "officer"), tree.user("b", "officer")
    for scope in (rls.EMPTY, rls.Scope(user=officer.pk), rls.PLATFORM):
        with rls.use(scope):
            for pk in (officer.pk, other.pk):
                try:
                    expected = _orm_get(pk).pk
                except User.DoesNotExist:
                    expected = None
                try:
                    got = User.objects.get(pk=pk).pk
                except User.DoesNotExist:
                    got = None
                assert got == expected


def test_signed_in_request_sees_every_change_of_the_account(client, tree):
    """Nothing is kept between requests: an update() that sends no signal (ending sessions,
    deactivating) takes effect on the next request."""
    officer = tree.user("a", "officer")
    client.force_login(officer)
    url = f"/api/v1/bureaus/{tree.a.pk}/"
    assert client.get(url).status_code == 200
    get_user_model().objects.filter(pk=officer.pk).update(is_active=False)
    assert client.get(url).status_code == 403
    get_user_model().objects.filter(pk=officer.pk).update(is_active=True)
    client.force_login(officer)
    assert client.get(url).status_code == 200
    get_user_model().objects.filter(pk=officer.pk).update(password="changed")
    assert client.get(url).status_code == 403  # the session's hash no longer matches
