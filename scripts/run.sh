#!/usr/bin/env bash
# `make run`: local PostgreSQL + Redis (unless DATABASE_URL / REDIS_URL are set), migrations,
# demo data, then web + Celery worker + Celery beat in the foreground. Ctrl-C stops them all;
# `make stop` (this script with `stop`) stops them from another terminal, services included.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
HOST=${JIANGUAN_HOST:-127.0.0.1}
PORT=${JIANGUAN_PORT:-8000}
mkdir -p var/run var/log

stop_processes() {
  for name in web worker worker-long beat; do
    pidfile=var/run/$name.pid
    if [ -f "$pidfile" ]; then
      kill -TERM "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}

if [ "${1:-}" = "stop" ]; then
  stop_processes
  scripts/services.sh stop
  echo "Jianguan stopped."
  exit 0
fi

eval "$(scripts/services.sh start)"
python manage.py migrate --no-input -v 0
python manage.py documents_ca  # the platform CA that certifies bureau signing keys
python manage.py seed_demo > var/log/seed_demo.log 2> var/log/seed_demo-details.log
stop_processes  # a previous run that was killed hard

# Migrations and demo data ran as the owner; web, worker and beat connect as the application's
# role, which owns no table, so row-level security applies (docs/security-database.md).
[ -z "${DATABASE_APP_URL:-}" ] || export DATABASE_URL="$DATABASE_APP_URL"
# gunicorn, not runserver: a fixed pool of workers × threads bounds the database connections
# (config/settings/dev.py), and no debug page is ever served.
# Served with the production configuration (config/gunicorn.conf.py), here 2 threaded workers.
gunicorn config.wsgi:application -c config/gunicorn.conf.py --bind "$HOST:$PORT" \
  --workers "${JIANGUAN_WEB_WORKERS:-2}" --threads "${JIANGUAN_WEB_THREADS:-4}" \
  > var/log/web.log 2>&1 &
echo $! > var/run/web.pid
# Two workers: quick jobs on the default queue, long ones (imports, documents, reports) on
# their own (config/celery_app.py), one at a time, so neither waits behind the other.
celery -A config worker --loglevel=INFO --concurrency=2 -Q celery -n quick@%h \
  > var/log/worker.log 2>&1 &
echo $! > var/run/worker.pid
celery -A config worker --loglevel=INFO --concurrency=1 -Q "${JIANGUAN_LONG_QUEUE:-long}" \
  -n long@%h > var/log/worker-long.log 2>&1 &
echo $! > var/run/worker-long.pid
celery -A config beat --loglevel=INFO --pidfile= > var/log/beat.log 2>&1 &
echo $! > var/run/beat.pid

shutdown() {
  trap - INT TERM EXIT
  echo
  echo "Stopping web, worker and beat…"
  stop_processes
  wait 2>/dev/null || true
  scripts/services.sh stop
}
trap shutdown INT TERM EXIT

healthy() {
  python -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://$HOST:$PORT/healthz" 2>/dev/null
}
for _ in $(seq 100); do healthy && break; sleep 0.2; done
healthy || { echo "Web did not start; see var/log/web.log"; exit 1; }

cat <<MSG

  Jianguan is running:  http://$HOST:$PORT/
  API docs:             http://$HOST:$PORT/api/docs/
  Logs:                 var/log/{web,worker,beat}.log

$(tail -n +1 var/log/seed_demo.log)

  Ctrl-C (or \`make stop\` in another terminal) stops everything.
MSG
wait
