"""The read replica, for real: a streaming standby of the test cluster made with
`pg_basebackup -R`, the replica alias pointed at it, and a roll-up served from it.

To tell the replica's answer from the primary's, the standby's replay is paused, the primary
changes, and the page still shows the figure of before (and the queries are seen on the
replica's connection). Row-level security holds on the replica too."""

import copy
import os
import shutil
import subprocess
import tempfile
import time

import environ
import psycopg
import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bureaus import rls
from bureaus.context import acting, system_actor
from institutions.models import Institution
from reports.models import DistrictSummary
from reports.routers import REPLICA
from reports.tasks import summaries_refresh

PG_BIN = "/usr/lib/postgresql/15/bin"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command, **kwargs):
    """Run a server command as the postgres user when we are root (PostgreSQL refuses root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


@pytest.fixture(scope="module")
def standby(django_db_setup):
    """A hot standby of the test cluster, streaming from it; stopped and removed afterwards."""
    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    port = _free_port()
    workdir = tempfile.mkdtemp(prefix="jianguan-standby-")
    data = os.path.join(workdir, "data")
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres", "postgres")
    env = {**os.environ, "PGPASSWORD": owner["PASSWORD"] or ""}
    _as_postgres(
        [
            f"{PG_BIN}/pg_basebackup",
            "-h", owner["HOST"] or "127.0.0.1",
            "-p", str(owner["PORT"]),
            "-U", owner["USER"],
            "-D", data,
            "-R",  # standby.signal and primary_conninfo: a streaming replica
            "-X", "stream",
            "-c", "fast",
        ],
        env=env,
    )  # fmt: skip
    # A Debian cluster keeps its configuration outside the data directory: the standby's own.
    with open(os.path.join(data, "postgresql.conf"), "w") as conf:
        conf.write(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{workdir}'\nhot_standby = on\nfsync = off\n"
            # A hot standby needs at least the primary's limits (max_connections…).
            "max_connections = 200\nmax_worker_processes = 16\nmax_wal_senders = 10\n"
            "max_prepared_transactions = 100\nmax_locks_per_transaction = 256\n"
        )
    with open(os.path.join(data, "pg_hba.conf"), "w") as hba:
        hba.write("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n")
    open(os.path.join(data, "pg_ident.conf"), "w").close()
    if os.geteuid() == 0:
        for name in ("postgresql.conf", "pg_hba.conf", "pg_ident.conf"):
            shutil.chown(os.path.join(data, name), "postgres", "postgres")
    log = os.path.join(workdir, "standby.log")
    try:
        _as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "start"])
    except subprocess.CalledProcessError as exc:
        with open(log) as f:
            pytest.fail(f"the standby did not start: {exc.stderr}\n{f.read()}")
    try:
        yield {"host": "127.0.0.1", "port": port, "owner": owner}
    finally:
        _as_postgres([f"{PG_BIN}/pg_ctl", "-D", data, "-m", "immediate", "stop"])
        shutil.rmtree(workdir, ignore_errors=True)


def _standby_sql(standby, sql):
    owner = standby["owner"]
    with psycopg.connect(
        host=standby["host"],
        port=standby["port"],
        user=owner["USER"],
        password=owner["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        return conn.execute(sql).fetchone()


def _wait_for_replay(standby):
    """Until the standby has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        caught_up = _standby_sql(standby, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[
            0
        ]
        if caught_up:
            return
        time.sleep(0.2)
    pytest.fail("the standby did not catch up within 60 s")


@pytest.fixture(scope="module")
def replica_alias(standby):
    """The alias "replica" on the standby, as DATABASE_REPLICA_URL makes it (config/settings),
    logging in as the application's role like the primary's connections."""
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings.update(HOST=standby["host"], PORT=standby["port"], CONN_MAX_AGE=0)
    # Not a test database of its own: the standby replays the primary's (and is never flushed).
    settings["TEST"] = {**settings.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = settings
    try:
        yield REPLICA
    finally:
        if hasattr(connections._connections, REPLICA):
            connections[REPLICA].close()
            del connections[REPLICA]
        del connections.settings[REPLICA]


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_rollup_is_served_from_a_streaming_replica(replica_alias, standby, client, tree):
    with acting(system_actor("tests")):
        for i in range(5):
            Institution.objects.create(bureau=tree.a, name=f"甲机构{i}", category="arts")
        summaries_refresh.run()
    _wait_for_replay(standby)
    assert _standby_sql(standby, "SELECT pg_is_in_recovery()")[0] is True
    _standby_sql(standby, "SELECT pg_wal_replay_pause()")
    try:
        with acting(system_actor("tests")):
            Institution.objects.create(bureau=tree.a, name="甲新机构", category="arts")
            summaries_refresh.run(full=True)
        assert DistrictSummary.objects.get(bureau=tree.a, month__day=1, figures__institutions=6)

        client.force_login(tree.user("city", "supervisor"))
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            response = client.get(reverse("reports:dashboard"))
        body = response.content.decode()
        assert response.status_code == 200
        total = body[body.index('data-testid="total"') :]
        # The paused replica still holds the summary of before the sixth institution.
        assert '<td class="text-end">5</td>' in total.split("</tr>")[0]
        assert any("reports_districtsummary" in q["sql"] for q in on_replica.captured_queries)

        # The replica's connection is scoped like the primary's: a district reads only its own.
        client.force_login(tree.user("b", "officer"))
        assert client.get(reverse("reports:bureau-rollup", args=[tree.a.pk])).status_code == 404
        with rls.use(rls.for_bureau(tree.b)):
            seen = set(DistrictSummary.objects.using(REPLICA).values_list("bureau_id", flat=True))
        assert seen == {tree.b.pk}
        with rls.use(rls.for_bureau(tree.a)):
            assert Institution.objects.using(REPLICA).count() == 5
    finally:
        _standby_sql(standby, "SELECT pg_wal_replay_resume()")
