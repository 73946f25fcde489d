"""Row-level security: the database itself keeps each bureau's rows apart, so that a query that
forgot `visible_to` still returns nothing of another district.

How it works (docs/security-database.md has the whole design):
- Every bureau-owned table (each concrete `BureauOwnedModel`, and the audit trail) has row-level
  security enabled and the policies `jianguan_*` (re-made by
  `bureaus.rls_policies.install_policies` after every `migrate`). The application connects as
  a role that owns no table, so the policies apply.
- The policies read four session settings: `jianguan.read_bureaus` (the acting bureau's subtree),
  `jianguan.write_bureaus` (the acting bureau itself), `jianguan.user` (the signed-in user, who
  may read their own memberships) and `jianguan.platform` ('on' lifts the limits).
- The scope lives in a context variable. Every statement run through Django on a connection
  runs under the current scope: an execute wrapper on every connection (`_in_scope`) sends the
  scope with `set_config(..., false)` (session level) before a statement whenever what the
  connection last got differs, in the same round trip as the statement (one query string of
  two statements), so changing the scope costs no round trip of its own. Not `SET LOCAL`:
  requests run in autocommit (no ATOMIC_REQUESTS) and a local setting would end with the first
  statement's implicit transaction.
- A scope is sent at the transaction level where it was chosen: a scope chosen outside a
  transaction that Django has opened but not yet begun on the server is sent before it (not
  inside it, where a rollback would undo it); a failed statement leaves the connection's
  setting unknown, so the next statement sends the scope again.
- Every request starts with the empty scope (nothing visible) and gets back the previous one at
  its end (bureaus.middleware); every Celery task likewise (task_prerun / task_postrun). A
  connection leaving a request keeps the request's setting until its next statement, which
  runs under the scope of whoever runs it (the next request's empty scope, a task's), so no
  reset round trip is spent at the end of a request and no scope outlives its context.

Guarantees:
- With the empty scope, no row of a bureau-owned table is read, inserted, changed or deleted.
- Inside a request of a bureau, rows of bureaus outside its subtree are never read, and rows of
  any other bureau are never inserted, changed or deleted (unless `writing_into` names one
  below it).
- The only way to lift the limits is `platform_access(reason)`, which logs the reason with the
  request id (and switches to the BYPASSRLS platform role when the login role may, so that
  platform-wide searches keep their index plans); it is used by the public pages
  (bureaus.pages.public), platform jobs (tasks.py) and the few platform-wide facts listed in
  docs/security-database.md.
"""

import contextvars
import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import connections

logger = logging.getLogger("jianguan.rls")


@dataclass(frozen=True)
class Scope:
    """What the database lets this connection see and write."""

    read: tuple[int, ...] = ()
    write: tuple[int, ...] = ()
    user: int | None = None
    platform: bool = False

    def settings(self) -> tuple[str, str, str, str]:
        return (
            "{" + ",".join(str(i) for i in self.read) + "}",
            "{" + ",".join(str(i) for i in self.write) + "}",
            "" if self.user is None else str(self.user),
            "on" if self.platform else "",
        )


EMPTY = Scope()
PLATFORM = Scope(platform=True)

_scope: contextvars.ContextVar[Scope] = contextvars.ContextVar("rls_scope", default=EMPTY)
# The scope last sent on a connection, kept on the connection object; None: not known.
_APPLIED = "_jianguan_rls_applied"


def current_scope() -> Scope:
    return _scope.get()


# Whether a login role may take the platform role, by login role (it does not change at run
# time; one query per process and role).
_platform_role_granted: dict[str, bool] = {}


def _platform_role(wrapper, cursor) -> str:
    """The role to SET in platform mode, or 'none' when the login role is not a member of the
    platform role (then the policies' `jianguan.platform` flag alone lifts the limits).

    Why a role: PostgreSQL evaluates a policy before any user condition that is not leakproof,
    so under a policy LIKE / trigram / array searches cannot use their indexes (a public
    search over 200,000 rows went from 0.2 ms to 545 ms). The platform role bypasses the
    policies (BYPASSRLS), so platform-wide reads keep their plans."""
    login = wrapper.settings_dict["USER"]
    if login not in _platform_role_granted:
        cursor.execute(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid"
            " WHERE r.rolname = %s AND r.rolbypassrls"
            " AND m.member = (SELECT oid FROM pg_roles WHERE rolname = session_user)",
            [settings.DATABASE_PLATFORM_ROLE],
        )
        _platform_role_granted[login] = bool(cursor.fetchone()[0])
    return settings.DATABASE_PLATFORM_ROLE if _platform_role_granted[login] else "none"


_SET_SCOPE = (
    "SELECT set_config('jianguan.read_bureaus', %s, false),"
    " set_config('jianguan.write_bureaus', %s, false),"
    " set_config('jianguan.user', %s, false),"
    " set_config('jianguan.platform', %s, false),"
    " set_config('role', %s, false)"
)
_IDLE, _INERROR = 0, 3  # psycopg.pq.TransactionStatus


def _scope_params(wrapper, raw, scope: Scope) -> list[str]:
    if not scope.platform:
        return [*scope.settings(), "none"]
    with raw.cursor() as cursor:
        return [*scope.settings(), _platform_role(wrapper, cursor)]


def _send(wrapper, scope: Scope) -> None:
    """Send the scope on its own (the raw connection: not a query of the application's own,
    so query-count pins stay about the application)."""
    raw = wrapper.connection
    with raw.cursor() as cursor:
        cursor.execute(_SET_SCOPE, _scope_params(wrapper, raw, scope))
    setattr(wrapper, _APPLIED, scope)


def _in_scope(execute, sql, params, many, context):
    """Execute wrapper of every PostgreSQL connection: the statement runs under the current
    scope. When the connection's setting differs, the scope goes in the same round trip as
    the statement (one query string of two statements), or on its own before a transaction
    that has not begun."""
    wrapper = context["connection"]
    scope = _scope.get()
    if getattr(wrapper, _APPLIED, None) == scope:
        return execute(sql, params, many, context)
    raw = wrapper.connection
    status = raw.info.transaction_status
    if status == _INERROR:
        # Only a rollback can follow, and it restores the setting of before the savepoint,
        # which is not known here: send the scope again after it.
        setattr(wrapper, _APPLIED, None)
        return execute(sql, params, many, context)
    if status == _IDLE and not raw.autocommit:
        # Django has opened a transaction (atomic) that this statement will begin: the scope
        # was chosen outside it, so it is sent outside it, where a rollback cannot undo it.
        raw.autocommit = True
        try:
            _send(wrapper, scope)
        finally:
            raw.autocommit = False
        return execute(sql, params, many, context)
    cursor = context["cursor"].cursor
    if many or isinstance(params, dict) or not isinstance(sql, str) or not _client_side(cursor):
        _send(wrapper, scope)  # executemany, named parameters, a server-side cursor
        return execute(sql, params, many, context)
    # psycopg's client-side binding sends both statements as one query (one round trip); the
    # cursor then moves on to the statement's own result. Without parameters a statement's
    # "%" is literal: doubled, as the parameters now make it a placeholder marker.
    both = f"{_SET_SCOPE}; {sql if params is not None else sql.replace('%', '%%')}"
    setattr(wrapper, _APPLIED, None)  # unknown until both statements have succeeded
    result = execute(both, [*_scope_params(wrapper, raw, scope), *(params or ())], many, context)
    cursor.nextset()
    setattr(wrapper, _APPLIED, scope)
    return result


def _client_side(cursor) -> bool:
    from psycopg import ClientCursor

    return isinstance(cursor, ClientCursor)


def set_scope(scope: Scope) -> contextvars.Token:
    """Make `scope` the current one (until `reset_scope(token)`); the next statement on each
    connection of this thread runs under it."""
    return _scope.set(scope)


def reset_scope(token: contextvars.Token) -> None:
    _scope.reset(token)


@contextmanager
def use(scope: Scope):
    token = set_scope(scope)
    try:
        yield scope
    finally:
        reset_scope(token)


def for_user(user) -> Scope:
    """Before the acting membership is known: the user may read their own memberships only."""
    return Scope(user=user.pk)


def for_membership(user, membership) -> Scope:
    """A request acting through `membership`: read its bureau's subtree, write its bureau."""
    if membership is None:
        return for_user(user)
    bureau = membership.bureau
    return Scope(read=tuple(bureau.subtree_ids()), write=(bureau.pk,), user=user.pk, platform=False)


def for_bureau(bureau) -> Scope:
    """Act for one bureau without a user (a job working on one district's data)."""
    return Scope(read=tuple(bureau.subtree_ids()), write=(bureau.pk,))


@contextmanager
def platform_access(reason: str):
    """THE ESCAPE: lift row-level security for the duration, for the reason given.

    Only for what must read or write across bureaus by design: the public pages (published
    data, tip-off submission), platform jobs (overdue markers, audit seals, imports), and
    platform-wide facts (a credit code is unique across the country). Each use is logged with
    its reason and the request id; list of uses in docs/security-database.md."""
    logger.info("platform access: %s", reason)
    with use(replace(current_scope(), platform=True)):
        yield


@contextmanager
def writing_into(bureau, *, reason: str):
    """Let the acting bureau write rows of `bureau`, which must lie in its readable subtree
    (a city issuing a supervision order to one of its districts)."""
    scope = current_scope()
    if not scope.platform and bureau.pk not in scope.read:
        raise PermissionError("writing_into: the bureau is outside the acting subtree")
    logger.info("writing into bureau %s: %s", bureau.pk, reason)
    with use(replace(scope, write=(*scope.write, bureau.pk))):
        yield


def forget_applied() -> None:
    """Forget what was sent on this thread's connections (after a rollback of the transaction
    that sent it, as at the end of a test), so the next statement sends the scope again."""
    for wrapper in connections.all(initialized_only=True):
        setattr(wrapper, _APPLIED, None)


# Signal receivers (connected in bureaus.apps) ------------------------------------------------


def connection_created(sender, connection, **kwargs) -> None:
    """A new connection starts with no setting (the empty scope); its statements run under the
    current scope from the first one on (`_in_scope`)."""
    if connection.vendor != "postgresql":
        return
    setattr(connection, _APPLIED, EMPTY)
    if _in_scope not in connection.execute_wrappers:
        # First in the list: the outermost wrapper, so the scope is in place before any
        # other wrapper sees the statement.
        connection.execute_wrappers.insert(0, _in_scope)


_task_tokens: dict[str, contextvars.Token] = {}


def task_started(task_id=None, **kwargs) -> None:
    """Every Celery task starts with the empty scope; a task declares what it needs."""
    _task_tokens[task_id] = set_scope(EMPTY)


def task_finished(task_id=None, **kwargs) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        reset_scope(token)
