"""Row-level security's policies (bureaus.rls has the scope they read): every bureau-owned
table gets row-level security and the policies `jianguan_*`, re-made after every `migrate`, and
the application's roles get what they need (DML, sequences; never ownership).
docs/security-database.md has the whole design."""

import logging

from django.apps import apps
from django.conf import settings
from django.db import connections

logger = logging.getLogger("jianguan.rls")

POLICY_PREFIX = "jianguan_"


def protected_models() -> list:
    """Every model whose table carries row-level security: each concrete BureauOwnedModel and
    the audit trail."""
    from bureaus.models import AuditEvent
    from bureaus.scoping import BureauOwnedModel

    found = [
        m
        for m in apps.get_models()
        if issubclass(m, BureauOwnedModel) and not m._meta.abstract and not m._meta.proxy
    ]
    return [*found, AuditEvent]


_FUNCTIONS = """
CREATE OR REPLACE FUNCTION jianguan_rls_platform() RETURNS boolean LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('jianguan.platform', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION jianguan_rls_read() RETURNS bigint[] LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('jianguan.read_bureaus', true), '')::bigint[] $$;
CREATE OR REPLACE FUNCTION jianguan_rls_write() RETURNS bigint[] LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('jianguan.write_bureaus', true), '')::bigint[] $$;
CREATE OR REPLACE FUNCTION jianguan_rls_user() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('jianguan.user', true), '')::bigint $$;
"""


def policy_statements(model) -> list[str]:
    """The statements that (re)make one table's policies; idempotent."""
    table = model._meta.db_table
    q = f'"{table}"'
    read = "jianguan_rls_platform() OR bureau_id = ANY (jianguan_rls_read())"
    write = "jianguan_rls_platform() OR bureau_id = ANY (jianguan_rls_write())"
    user_field = getattr(model, "rls_user_field", None)
    if user_field:
        column = model._meta.get_field(user_field).column
        read += f' OR "{column}" = jianguan_rls_user()'
    update_check = write
    if user_field and getattr(model, "rls_user_may_update", False):
        update_check += f' OR "{column}" = jianguan_rls_user()'
    select = read
    via = getattr(model, "rls_read_via", None)
    if via:
        # Read-only, through a row the scope reads: (this table's field, "app.Model" of the
        # other table, its field). E.g. a district reads its city's campaign through its own
        # share of it; it never changes the campaign.
        local, label, remote = via
        other = apps.get_model(label)
        # Identifiers from the models' own metadata, never from input.
        mine = model._meta.get_field(local).column
        theirs = other._meta.get_field(remote).column
        select += (
            f' OR "{mine}" IN (SELECT "{theirs}" FROM "{other._meta.db_table}"'  # noqa: S608
            " WHERE bureau_id = ANY (jianguan_rls_read()))"
        )
    statements = [f"ALTER TABLE {q} ENABLE ROW LEVEL SECURITY"]
    for name in ("select", "insert", "update", "delete"):
        statements.append(f'DROP POLICY IF EXISTS "{POLICY_PREFIX}{name}" ON {q}')
    statements += [
        f'CREATE POLICY "{POLICY_PREFIX}select" ON {q} FOR SELECT USING ({select})',
        f'CREATE POLICY "{POLICY_PREFIX}insert" ON {q} FOR INSERT WITH CHECK ({write})',
        # An update sees what the scope reads (so a write outside the acting bureau is an
        # error, not a silent no-op) and must leave the row inside what the scope writes.
        f'CREATE POLICY "{POLICY_PREFIX}update" ON {q} FOR UPDATE USING ({select})'
        f" WITH CHECK ({update_check})",
        f'CREATE POLICY "{POLICY_PREFIX}delete" ON {q} FOR DELETE USING ({write})',
    ]
    return statements


def app_role() -> str:
    return settings.DATABASE_APP_ROLE


def install_policies(using: str = "default", *, verbosity: int = 1) -> int:
    """Enable row-level security and (re)make the policies on every protected table, and grant
    the application role what it needs (DML, sequences; never ownership). Run as the owner of
    the tables after every migrate; as any other role it only checks that all is in place."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    models = protected_models()
    tables = [m._meta.db_table for m in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_userbyid(c.relowner) = current_user, c.relrowsecurity"
            " FROM pg_class c WHERE c.relkind = 'r' AND c.relname = ANY(%s)"
            " AND c.relnamespace = 'public'::regnamespace",
            [tables],
        )
        found = {name: (owned, secured) for name, owned, secured in cursor.fetchall()}
        if not found or not all(owned for owned, _secured in found.values()):
            missing = [t for t in tables if t in found and not found[t][1]]
            if missing:
                raise RuntimeError(
                    "Row-level security is missing on "
                    + ", ".join(missing)
                    + ": run `manage.py migrate` as the owner of the tables."
                )
            return 0
        cursor.execute(_FUNCTIONS)
        for model in models:
            if model._meta.db_table not in found:
                continue
            for statement in policy_statements(model):
                cursor.execute(statement)
        for role in (app_role(), settings.DATABASE_PLATFORM_ROLE):
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                logger.warning("database role %s does not exist (docs/security-database.md)", role)
                continue
            quoted = connection.ops.quote_name(role)
            cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
            cursor.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
            )
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
            # The migration history is the owner's business.
            cursor.execute(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {quoted}")
    if verbosity >= 2:
        print(f"Row-level security on {len(found)} tables")
    return len(found)


def post_migrate(sender, using="default", verbosity=1, **kwargs) -> None:
    """After `migrate` (and `flush`): policies for every bureau-owned table, new apps' too.
    Runs once, after the last app's post_migrate (its sender is any app; we key on bureaus)."""
    if sender.label != "bureaus":
        return
    install_policies(using, verbosity=verbosity)
