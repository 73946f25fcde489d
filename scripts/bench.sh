#!/usr/bin/env bash
# `make bench`: the scale runs under bench/, against a throwaway PostgreSQL (pg_virtualenv) and
# Redis unless DATABASE_URL / REDIS_URL are set. Each bench/*.py prints its own figures.
# Pass file names to run only some: scripts/bench.sh bench/public_search.py
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings.test

if [ -z "${DATABASE_URL:-}" ] && [ -z "${JIANGUAN_IN_PG_VIRTUALENV:-}" ]; then
  exec env JIANGUAN_IN_PG_VIRTUALENV=1 pg_virtualenv -o fsync=off "$0" "$@"
fi
if [ -z "${DATABASE_URL:-}" ]; then
  export DATABASE_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-127.0.0.1}:${PGPORT}/${PGDATABASE}"
fi
redis_pid=""
cleanup() { [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
if [ -z "${REDIS_URL:-}" ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --logfile /dev/null &
  redis_pid=$!
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$port/0"
fi

python manage.py migrate --no-input -v 0
mkdir -p bench/out
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(bench/*.py)
for f in "${files[@]}"; do
  [ -e "$f" ] || continue
  case "$(basename "$f")" in _*) continue ;; esac  # shared helpers, not benchmarks
  echo "== $f"
  python "$f"
done
