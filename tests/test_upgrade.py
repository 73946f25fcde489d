"""Upgrades (issue 17 item 4): a database at the previous release, with data in every app,
migrates to this one without losing a row.

PREVIOUS_RELEASE is the last migration of each app in the release that last landed; move it
forward when a release lands (an app absent from it is new in this release: it starts from
nothing)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.records import MAKERS, make_record

PREVIOUS_RELEASE = {
    "bureaus": "0003_security_roles_sessions",
    "core": "0003_saved_filters",
    "documents": "0001_issued_documents",
    "institutions": "0006_import_job_deliveries",
    "complaints": "0007_inbox_status_order_index",
    "courses": "0001_courses",
    "inspections": "0005_complaint_citations",
    "funds": "0011_ledger_lean_writes",
    "reports": "0002_district_summary",
    "portal": "0001_portal_accounts_and_invitations",
}
PROJECT_APPS = ("bureaus", "core", "documents", "institutions", "complaints", "courses")
PROJECT_APPS += ("inspections", "funds", "reports", "portal")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _row_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            " AND tablename <> 'django_migrations' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.mark.django_db(transaction=True)
def test_migrating_from_the_previous_release_keeps_every_row(tree, db_owner):
    for n, model in enumerate(MAKERS):
        make_record(model, tree.a, f"升级前记录{n}")
    before = _row_counts()
    installed = [app for app in PROJECT_APPS if apps.is_installed(app)]
    previous = [(app, PREVIOUS_RELEASE.get(app)) for app in installed]
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        _migrate(previous)
        at_previous = _row_counts()
    finally:
        _migrate(leaves)
    now = _row_counts()
    assert sum(at_previous.values()) > 500  # the calendar, the checklists and every app's rows
    assert {table: before[table] for table in at_previous} == at_previous
    kept = {table: now.get(table) for table in at_previous}
    assert kept == at_previous
