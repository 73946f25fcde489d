"""Ledger entries are append-only: a trigger refuses UPDATE and DELETE for every database role,
the application's included (as the audit trail's does); a mistake is reversed by an adjustment."""

from django.db import migrations

SQL = """
CREATE FUNCTION funds_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only (% refused on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER funds_ledgerentry_append_only
    BEFORE UPDATE OR DELETE ON funds_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION funds_ledger_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS funds_ledgerentry_append_only ON funds_ledgerentry;
DROP FUNCTION IF EXISTS funds_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_escrow")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
