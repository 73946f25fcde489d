-- The application's database role: it logs in, owns nothing and bypasses nothing, so
-- PostgreSQL's row-level security applies to every query it sends (docs/security-database.md).
-- `manage.py migrate`, run as the owner of the tables, grants it DML on them.
-- Run as a role with CREATEROLE:  psql -v role=jianguan_app -v password=SECRET -f db-app-role.sql
-- (password '' for a role that signs in by local trust only, as `make run` does).
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'password';
SELECT format('ALTER ROLE %I PASSWORD NULL', :'role') WHERE :'password' = '' \gexec
