#!/usr/bin/env bash
# For the postgres image's /docker-entrypoint-initdb.d (first start of an empty volume): create
# the application's role (scripts/db-app-role.sql) with JIANGUAN_DB_APP_PASSWORD.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v role=jianguan_app -v password="${JIANGUAN_DB_APP_PASSWORD:?set JIANGUAN_DB_APP_PASSWORD}" \
  -f /jianguan/db-app-role.sql
