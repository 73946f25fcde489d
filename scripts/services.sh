#!/usr/bin/env bash
# Start (or stop) the local PostgreSQL cluster and Redis that `make run` uses, unless
# DATABASE_URL / REDIS_URL point elsewhere. Data lives on across runs:
#   PostgreSQL: Debian cluster 15/jianguan (/var/lib/postgresql/15/jianguan), port $JIANGUAN_PG_PORT
#   Redis:      var/redis (append-only file), port $JIANGUAN_REDIS_PORT
# Prints the export lines for the URLs it set up, for `eval`.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_PORT=${JIANGUAN_PG_PORT:-55432}
REDIS_PORT=${JIANGUAN_REDIS_PORT:-56379}
PG_VERSION=${JIANGUAN_PG_VERSION:-$(ls /usr/lib/postgresql | sort -n | tail -1)}
CLUSTER=jianguan
mkdir -p var/run var/log var/redis

start_postgres() {
  if ! pg_lsclusters -h | awk '{print $1"/"$2}' | grep -qx "$PG_VERSION/$CLUSTER"; then
    echo "Creating PostgreSQL cluster $PG_VERSION/$CLUSTER on port $PG_PORT" >&2
    pg_createcluster "$PG_VERSION" "$CLUSTER" -p "$PG_PORT" -- --auth-local=peer --auth-host=trust \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # The cluster listens on localhost only (Debian's default): trust is for this machine.
  fi
  if ! pg_lsclusters -h | awk -v c="$CLUSTER" -v v="$PG_VERSION" '$1==v && $2==c {print $4}' | grep -q online; then
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" start
  fi
  local port
  port=$(pg_lsclusters -h | awk -v c="$CLUSTER" -v v="$PG_VERSION" '$1==v && $2==c {print $3}')
  runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname='jianguan'" | grep -q 1 \
    || runuser -u postgres -- psql -p "$port" -qc "CREATE ROLE jianguan LOGIN CREATEDB"
  runuser -u postgres -- psql -p "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='jianguan'" | grep -q 1 \
    || runuser -u postgres -- psql -p "$port" -qc "CREATE DATABASE jianguan OWNER jianguan"
  # The application's role (owns nothing; row-level security applies), signing in by the
  # cluster's local trust like the owner.
  runuser -u postgres -- psql -p "$port" -q -v role=jianguan_app -v password= \
    -f - < scripts/db-app-role.sql >/dev/null
  echo "export DATABASE_URL=postgres://jianguan@127.0.0.1:$port/jianguan"
  echo "export DATABASE_APP_URL=postgres://jianguan_app@127.0.0.1:$port/jianguan"
}

start_redis() {
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$PWD/var/redis" \
      --appendonly yes --save '' --daemonize yes \
      --pidfile "$PWD/var/run/redis.pid" --logfile "$PWD/var/log/redis.log"
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-start}" in
  start)
    [ -n "${DATABASE_URL:-}" ] || start_postgres
    [ -n "${REDIS_URL:-}" ] || start_redis
    ;;
  stop)
    if pg_lsclusters -h 2>/dev/null | awk '{print $1"/"$2" "$4}' | grep -q "^$PG_VERSION/$CLUSTER online"; then
      pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop
    fi
    if [ -f var/run/redis.pid ]; then
      redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
      rm -f var/run/redis.pid
    fi
    ;;
esac
