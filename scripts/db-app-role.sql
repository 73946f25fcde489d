-- The application's database roles (docs/security-database.md):
--   jianguan_app       logs in, owns nothing, bypasses nothing: row-level security applies to
--                      every query it sends (web, Celery worker, beat);
--   jianguan_platform  cannot log in; BYPASSRLS; granted to jianguan_app, which takes it
--                      (SET ROLE) only inside bureaus.rls.platform_access. Creating a BYPASSRLS
--                      role needs a superuser: without it, platform access still works through
--                      the policies' flag, only slower for platform-wide searches.
-- `manage.py migrate`, run as the owner of the tables, grants both DML on them.
-- Run:  psql -v role=jianguan_app -v password=SECRET -f db-app-role.sql
-- (password '' for a role that signs in by local trust only, as `make run` does).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'password';
SELECT format('ALTER ROLE %I PASSWORD NULL', :'role') WHERE :'password' = '' \gexec
SELECT set_config('jianguan.app_role', :'role', false);
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'jianguan_platform') THEN
    CREATE ROLE jianguan_platform NOLOGIN BYPASSRLS;
  END IF;
  EXECUTE format('GRANT jianguan_platform TO %I', current_setting('jianguan.app_role'));
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'jianguan_platform not created or granted (needs a superuser)';
END $$;
