"""Row-level security (bureaus.rls): PostgreSQL keeps districts apart even when the Python code
forgets to, for the role the application connects as — the role this whole suite runs as."""

import datetime as dt
import logging

import pytest
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from bureaus import rls, rls_policies
from bureaus.models import AuditEvent, AuditSeal, Street
from bureaus.scoping import BureauOwnedModel
from tests.conftest import celery_worker_process
from tests.records import MAKERS, make_record

pytestmark = pytest.mark.django_db


def _all_bureau_owned_models():
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if issubclass(m, BureauOwnedModel) and not m._meta.abstract and not m._meta.proxy
    ]


def test_every_bureau_owned_table_has_row_level_security_and_its_policies():
    expected = {m._meta.db_table for m in _all_bureau_owned_models()}
    expected.add(AuditEvent._meta.db_table)
    assert {m._meta.db_table for m in rls_policies.protected_models()} == expected
    assert {"complaints_complaint", "institutions_institution"} <= expected
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relrowsecurity, array_agg(p.polname ORDER BY p.polname)"
            " FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid"
            " WHERE c.relname = ANY(%s) GROUP BY c.relname, c.relrowsecurity",
            [sorted(expected)],
        )
        found = {name: (secured, policies) for name, secured, policies in cursor.fetchall()}
    assert set(found) == expected
    wanted = ["jianguan_delete", "jianguan_insert", "jianguan_select", "jianguan_update"]
    lacking = {t: v for t, v in found.items() if not v[0] or v[1] != wanted}
    assert not lacking, f"tables without row-level security: {lacking}"


def _whoami():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, session_user, r.rolsuper, r.rolbypassrls, r.rolcanlogin,"
            " (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid)"
            " FROM pg_roles r WHERE r.rolname = current_user"
        )
        return cursor.fetchone()


def test_the_suite_connects_as_a_role_that_owns_nothing_and_bypasses_nothing():
    with rls.use(rls.EMPTY):
        current, session, superuser, bypass, login, owned = _whoami()
    assert current == session == settings.DATABASE_APP_ROLE
    assert (superuser, bypass, login, owned) == (False, False, True, 0)
    # Inside the escape only, the session takes the platform role: it bypasses the policies
    # (so platform-wide searches keep their index plans), cannot log in and owns nothing.
    with rls.platform_access("test"):
        current, session, superuser, bypass, login, owned = _whoami()
    assert (current, session) == (settings.DATABASE_PLATFORM_ROLE, settings.DATABASE_APP_ROLE)
    assert (superuser, bypass, login, owned) == (False, True, False, 0)
    with rls.use(rls.EMPTY):
        assert _whoami()[0] == settings.DATABASE_APP_ROLE


def _one_of_each(tree):
    """One record of every scoped model in district A and in district B."""
    for model in MAKERS:
        if issubclass(model, BureauOwnedModel) or model is AuditEvent:
            make_record(model, tree.a, f"rls-a-{model.__name__}")
            make_record(model, tree.b, f"rls-b-{model.__name__}")


@pytest.mark.urls("tests.bureaus.rls_urls")
def test_an_unscoped_query_in_a_request_of_district_a_returns_nothing_of_b(client, tree):
    _one_of_each(tree)
    client.force_login(tree.user("a", "officer"))
    seen = client.get("/unscoped/").json()
    leaked = {label: ids for label, ids in seen.items() if set(ids) - {tree.a.pk}}
    assert not leaked, f"rows of another district read without visible_to: {leaked}"
    # Not vacuous: district A's own rows are there, in every table that has a maker.
    for model in MAKERS:
        if issubclass(model, BureauOwnedModel) or model is AuditEvent:
            assert seen[model._meta.label_lower] == [tree.a.pk], model


@pytest.mark.urls("tests.bureaus.rls_urls")
def test_a_supervisor_reads_the_subtree_and_the_public_nothing(client, tree):
    _one_of_each(tree)
    client.force_login(tree.user("city", "supervisor"))
    seen = client.get("/unscoped/").json()
    assert set(seen["bureaus.street"]) == {tree.a.pk, tree.b.pk}
    client.logout()
    seen = client.get("/unscoped/").json()
    assert not any(seen.values()), seen


def test_writes_outside_the_acting_bureau_are_refused_by_the_database(tree):
    b_street = Street.objects.create(bureau=tree.b, name="B街道")
    officer = tree.user("a", "officer")
    membership = officer.memberships.get()
    with rls.use(rls.for_membership(officer, membership)):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Street.objects.create(bureau=tree.b, name="越界街道")
        # B's row is not even there to change or delete.
        assert Street.objects.filter(pk=b_street.pk).update(name="改名") == 0
        assert Street.objects.filter(pk=b_street.pk).delete()[0] == 0
        Street.objects.create(bureau=tree.a, name="本区街道")
        with pytest.raises(PermissionError), rls.writing_into(tree.b, reason="test"):
            pass
    b_street.refresh_from_db()
    assert b_street.name == "B街道"


def test_a_supervisor_cannot_write_district_rows_unless_writing_into_names_one(tree):
    supervisor = tree.user("city", "supervisor")
    with rls.use(rls.for_membership(supervisor, supervisor.memberships.get())):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Street.objects.create(bureau=tree.a, name="市局写区")
        with rls.writing_into(tree.a, reason="test"):
            Street.objects.create(bureau=tree.a, name="市局督办")
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Street.objects.create(bureau=tree.b, name="市局写区")


def test_the_empty_scope_of_tasks_and_anonymous_requests_sees_and_writes_nothing(tree):
    Street.objects.create(bureau=tree.a, name="甲街道")
    with rls.use(rls.EMPTY):
        assert Street.objects.count() == 0
        assert AuditEvent.objects.count() == 0
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            Street.objects.create(bureau=tree.a, name="乙街道")
    assert Street.objects.count() == 1


def test_platform_access_is_logged_with_its_reason(tree, caplog):
    Street.objects.create(bureau=tree.b, name="乙街道")
    with rls.use(rls.EMPTY):
        with (
            caplog.at_level(logging.INFO, logger="jianguan.rls"),
            rls.platform_access("test: a platform job"),
        ):
            assert Street.objects.count() == 1
        assert Street.objects.count() == 0
    assert "platform access: test: a platform job" in caplog.text


def test_a_scope_changed_inside_a_rolled_back_savepoint_stays_right(tree):
    Street.objects.create(bureau=tree.a, name="甲街道")
    Street.objects.create(bureau=tree.b, name="乙街道")
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            rls.platform_access("test"),
        ):
            assert Street.objects.count() == 2
            Street.objects.create(bureau=tree.a, name="甲街道")  # unique: aborts
        assert list(Street.objects.values_list("bureau_id", flat=True)) == [tree.a.pk]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_gets_the_current_scope(tree):
    Street.objects.create(bureau=tree.b, name="乙街道")
    with rls.use(rls.EMPTY):
        connection.close()
        assert Street.objects.count() == 0  # reconnects: the empty scope is sent again


def test_audit_rows_are_written_by_the_application_role(client, tree):
    client.force_login(tree.user("a", "admin"))
    response = client.post(
        "/api/v1/streets/", {"name": "审计街道"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(model="bureaus.street", object_id=str(response.json()["id"]))
    assert (event.bureau_id, event.actor_repr, event.action) == (tree.a.pk, "a_admin", "create")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_platform_job_runs_through_a_real_worker_as_the_application_role(tree):
    from bureaus.tasks import audit_seal_days

    Street.objects.create(bureau=tree.a, name="甲街道")
    Street.objects.create(bureau=tree.b, name="乙街道")
    rows = AuditEvent.objects.count()
    assert settings.DATABASES["default"]["USER"] == settings.DATABASE_APP_ROLE
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    with celery_worker_process() as queue:
        result = audit_seal_days.apply_async(kwargs={"today": tomorrow}, queue=queue)
        assert result.get(timeout=60)["sealed"] == 1
    # The worker, as jianguan_app inside platform_access, sealed both districts' rows.
    assert AuditSeal.objects.get().row_count == rows >= 2


def test_the_platform_operator_admin_sees_every_bureaus_memberships(client, tree):
    from bureaus.models import User

    operator = User.objects.create_superuser(username="operator", password="x-long-password-1")
    client.force_login(operator)
    page = client.get("/admin/bureaus/membership/").content.decode()
    assert "a_officer" in page and "b_officer" in page


def _search_plan():
    from institutions.models import Institution

    with transaction.atomic(), connection.cursor() as cursor:
        # Tiny tables are scanned anyway: forbid that, and full scans of another index in its
        # order (chosen or not by a cost that depends on the indexes' sizes), to see whether
        # the planner may use the trigram index for the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        return Institution._base_manager.filter(name__icontains="培训学校").explain()


def test_platform_access_keeps_the_index_plans_of_searches(tree):
    """PostgreSQL evaluates a policy before a user condition that is not leakproof (ILIKE,
    trigram, array overlap), so under a policy those cannot use their indexes; the platform
    role bypasses the policies and the public search keeps its trigram index."""
    with rls.platform_access("test: public search"):
        assert "institution_name_trgm" in _search_plan()
    officer = tree.user("a", "officer")
    with rls.use(rls.for_membership(officer, officer.memberships.get())):
        assert "institution_name_trgm" not in _search_plan()


def test_a_public_class_based_view_runs_with_platform_access(tree, rf):
    from django.http import HttpResponse
    from django.views import View

    from bureaus.pages import public

    Street.objects.create(bureau=tree.a, name="甲街道")
    Street.objects.create(bureau=tree.b, name="乙街道")

    @public("test: a class-based public view")
    class Counting(View):
        def get(self, request):
            return HttpResponse(str(Street.objects.filter(name__in=["甲街道", "乙街道"]).count()))

    view = Counting.as_view()
    assert view.view_class.public_reason == "test: a class-based public view"
    with rls.use(rls.EMPTY):
        assert Street.objects.count() == 0
        assert view(rf.get("/public/x/")).content == b"2"
        assert Street.objects.count() == 0
