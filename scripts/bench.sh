#!/usr/bin/env bash
# `make bench`: the scale runs under bench/, against a throwaway PostgreSQL (pg_virtualenv) and
# Redis unless DATABASE_URL / REDIS_URL are set. Each bench/*.py prints its own figures; those
# that measure pages and APIs serve the app with gunicorn and production settings through
# bench/harness.py and also write a Markdown table to bench/out/<name>.md.
# Pass file names to run only some: scripts/bench.sh bench/public_search.py
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings.test

. scripts/throwaway-services.sh "$0" "$@"

python manage.py migrate --no-input -v 0
mkdir -p bench/out
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(bench/*.py)
for f in "${files[@]}"; do
  [ -e "$f" ] || continue
  case "$(basename "$f")" in  # shared helpers, not benchmarks
    _* | harness.py | bench_settings.py | sql_capture.py) continue ;;
  esac
  echo "== $f"
  python "$f"
done
