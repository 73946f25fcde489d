"""Audit rows are append-only: a trigger refuses UPDATE and DELETE for every database role,
the application's included (a superuser bypassing triggers is caught by the daily seal)."""

from django.db import migrations

SQL = """
CREATE FUNCTION jianguan_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are append-only (% refused on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER bureaus_auditevent_append_only
    BEFORE UPDATE OR DELETE ON bureaus_auditevent
    FOR EACH ROW EXECUTE FUNCTION jianguan_audit_append_only();
"""

REVERSE = """
DROP TRIGGER IF EXISTS bureaus_auditevent_append_only ON bureaus_auditevent;
DROP FUNCTION IF EXISTS jianguan_audit_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("bureaus", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
