#!/usr/bin/env bash
# `make test`: lint, migrations check and the whole suite against real PostgreSQL and Redis.
# Without DATABASE_URL a throwaway PostgreSQL cluster is made (pg_virtualenv) and dropped after;
# without REDIS_URL a throwaway Redis runs on a free port. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings.test

if [ -z "${DATABASE_URL:-}" ] && [ -z "${JIANGUAN_IN_PG_VIRTUALENV:-}" ]; then
  # pg_virtualenv needs a cluster owner other than root; it exports PG* for the command it runs.
  exec env JIANGUAN_IN_PG_VIRTUALENV=1 pg_virtualenv -t -o fsync=off -o full_page_writes=off \
    "$0" "$@"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-127.0.0.1}:${PGPORT}/${PGDATABASE}"
fi

redis_pid=""
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${REDIS_URL:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    --logfile /dev/null &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/0"
fi

echo "== ruff"
ruff check .
ruff format --check .
echo "== makemigrations --check"
python manage.py makemigrations --check --dry-run -v 1
echo "== pytest"
python -m pytest "$@"
