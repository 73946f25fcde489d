# Sourced by test.sh and bench.sh as `. scripts/throwaway-services.sh "$0" "$@"`:
# without DATABASE_URL, re-runs the caller inside a throwaway PostgreSQL cluster (pg_virtualenv,
# dropped afterwards; it needs no root-owned cluster and exports PG* for the command); without
# REDIS_URL, starts a throwaway Redis on a free port, stopped when the caller exits.
if [ -z "${DATABASE_URL:-}" ] && [ -z "${JIANGUAN_IN_PG_VIRTUALENV:-}" ]; then
  exec env JIANGUAN_IN_PG_VIRTUALENV=1 pg_virtualenv -t -o fsync=off -o full_page_writes=off \
    "$@"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-127.0.0.1}:${PGPORT}/${PGDATABASE}"
fi
# The tests connect as the application's role (owns no table, row-level security applies);
# DATABASE_URL (the owner) creates the test database and runs the migrations.
if [ -z "${DATABASE_APP_URL:-}" ]; then
  app_password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  psql "$DATABASE_URL" -q -v role=jianguan_app -v password="$app_password" \
    -f scripts/db-app-role.sql >/dev/null \
    || { echo "Cannot create the role jianguan_app: set DATABASE_APP_URL (docs/security-database.md)" >&2; exit 1; }
  export DATABASE_APP_URL="$(python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(p._replace(netloc=f"jianguan_app:{sys.argv[2]}@{p.hostname}:{p.port or 5432}").geturl())' \
    "$DATABASE_URL" "$app_password")"
fi

redis_pid=""
stop_throwaway_redis() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true; }
trap stop_throwaway_redis EXIT
if [ -z "${REDIS_URL:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile /dev/null &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/0"
fi
