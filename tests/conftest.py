"""Shared fixtures: a bureau tree (province → city → districts A and B), a user for every role,
and helpers to act as one of them. Real PostgreSQL and Redis (see scripts/test.sh)."""

import os
import subprocess
import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from bureaus import rls, rls_policies
from bureaus.context import acting, system_actor
from bureaus.models import Bureau, Membership, User

ROOT = Path(__file__).resolve().parent.parent
# Meets the password policy (12+ characters, three classes; bureaus.passwords).
PASSWORD = "Correct-Horse-Battery-7"


@dataclass
class Tree:
    province: Bureau
    city: Bureau
    a: Bureau
    b: Bureau
    users: dict = field(default_factory=dict)

    def user(self, district: str, role: str) -> User:
        """tree.user("a", "officer"); tree.user("city", "supervisor")."""
        return self.users[(district, role)]


def make_user(username: str, bureau: Bureau, role: str) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, display_name=username, bureau=bureau
    )
    Membership.objects.create(user=user, bureau=bureau, role=role)
    if role in Membership.ADMIN_ROLES:
        # Administrators need a second factor (bureaus.security); force_login passes it below.
        TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    return user


def _grant_truncate(app_user: str) -> None:
    """Test-only, as the owner: Django empties tables between transactional tests with
    TRUNCATE, which row-level security does not cover; the production role is never granted
    it. Again after a test that migrates (tables made anew have lost the grant)."""
    with connections["default"].cursor() as cursor:
        for role in (app_user, settings.DATABASE_PLATFORM_ROLE):
            quoted = connections["default"].ops.quote_name(role)
            cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {quoted}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is created and migrated as the owner (DATABASE_URL); the tests then
    connect as the application's role (DATABASE_APP_URL), which owns no table, so row-level
    security applies to every request, task and worker of the suite as it does in production."""
    url = os.environ.get("DATABASE_APP_URL")
    if not url:
        pytest.exit("DATABASE_APP_URL is not set: scripts/test.sh creates the role jianguan_app")
    app = environ.Env.db_url_config(url)
    default = connections["default"].settings_dict
    with django_db_blocker.unblock():
        _grant_truncate(app["USER"])
    owner = {"USER": default["USER"], "PASSWORD": default["PASSWORD"]}
    connections["default"].close()
    for target in (default, settings.DATABASES["default"]):
        target.update(USER=app["USER"], PASSWORD=app["PASSWORD"])
    yield
    connections["default"].close()
    for target in (default, settings.DATABASES["default"]):
        target.update(owner)


@contextmanager
def owner_cursor():
    """A cursor on a connection of its own as the owner of the tables (DATABASE_URL), for the
    few tests that play an administrator who bypasses the application (it sees only committed
    rows: use it in `transaction=True` tests)."""
    import psycopg

    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    db = connections["default"].settings_dict
    with (
        psycopg.connect(
            host=owner["HOST"] or None,
            port=owner["PORT"] or None,
            user=owner["USER"],
            password=owner["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as conn,
        conn.cursor() as cursor,
    ):
        yield cursor


@pytest.fixture
def db_owner(transactional_db):
    """For a test that migrates (DDL): the default connection logs in as the owner of the
    tables for the test's duration, as `manage.py migrate` does; the policies and grants are
    re-made before the application role takes the connection back."""
    owner = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    default = connections["default"].settings_dict
    app = {"USER": default["USER"], "PASSWORD": default["PASSWORD"]}
    connections["default"].close()
    for target in (default, settings.DATABASES["default"]):
        target.update(USER=owner["USER"], PASSWORD=owner["PASSWORD"])
    try:
        yield
        rls_policies.install_policies()
        _grant_truncate(app["USER"])
    finally:
        connections["default"].close()
        for target in (default, settings.DATABASES["default"]):
            target.update(app)


@pytest.fixture(autouse=True)
def _platform_scope_for_test_code():
    """Test code itself (fixtures, records, direct service calls) acts like an operator's
    management command: with row-level security lifted. Every request it makes starts from the
    empty scope and sets its own (bureaus.middleware), and every task its own."""
    rls.forget_applied()
    with rls.use(rls.PLATFORM):
        yield
    rls.forget_applied()


def _force_login_with_second_factor(self, user, backend=None):
    """Client.force_login, and for an account with a TOTP device the session is also verified
    (as if the code had been entered), so tests of administrators reach their pages."""
    _force_login(self, user, backend)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


_force_login = ClientMixin.force_login
ClientMixin.force_login = _force_login_with_second_factor


@pytest.fixture
def tree(db) -> Tree:
    with acting(system_actor("tests")):
        province = Bureau.objects.create(code="33", name="浙江省教育厅", level="province")
        city = Bureau.objects.create(
            code="3301", name="杭州市教育局", level="city", parent=province
        )
        a = Bureau.objects.create(code="330106", name="西湖区教育局", level="district", parent=city)
        b = Bureau.objects.create(code="330102", name="上城区教育局", level="district", parent=city)
        t = Tree(province=province, city=city, a=a, b=b)
        for key, district in (("a", a), ("b", b)):
            for role in sorted(Membership.DISTRICT_ROLES):
                t.users[(key, role)] = make_user(f"{key}_{role}", district, role)
        t.users[("city", "supervisor")] = make_user("city_supervisor", city, "supervisor")
        t.users[("province", "supervisor")] = make_user("prov_supervisor", province, "supervisor")
    return t


@pytest.fixture
def as_system():
    """Act as a background job (writes are audited as `system:tests`)."""
    with acting(system_actor("tests")):
        yield


@pytest.fixture(autouse=True)
def _calendar(request):
    """The working-day calendar comes from a data migration; a transactional test elsewhere
    (browser tests) truncates every table, so reload it when it is gone."""
    if request.node.get_closest_marker("django_db") is None:
        return
    from core import workdays
    from core.models import CalendarDay

    if not CalendarDay.objects.filter(date__year=2025).exists():
        workdays.calendar_load(range(2004, 2027))


@pytest.fixture(autouse=True)
def _clear_cache():
    # Redis is shared by the whole run: rate limits and cached counts must not leak across tests.
    yield
    cache.clear()


@pytest.fixture(scope="session")
def browser():
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}; `make test` installs Debian's chromium.")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    p = context.new_page()
    p.base_url = live_server.url
    yield p
    context.close()


def browser_login(page, username, password=PASSWORD):
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form:has(input[name=password]) button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        # An administrator: enter the current code of their TOTP device, as the app would show.
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.fill("input[name=otp_token]", f"{totp(device.bin_key):06d}")
        page.click("form:has(input[name=otp_token]) button[type=submit]")
        page.wait_for_load_state()


@contextmanager
def celery_worker_process(*, extra_env=None):
    """A real `celery worker` subprocess on the test database and Redis, consuming a queue of
    its own (so no stale message from an earlier run is picked up). Yields the queue name."""
    queue = f"jianguan-tests-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        **(extra_env or {}),
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-heartbeat", "--without-mingle"]
    command += ["--without-gossip", "-Q", queue, "-n", f"{queue}@%h"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield queue
    finally:
        process.terminate()
        process.wait(timeout=30)
