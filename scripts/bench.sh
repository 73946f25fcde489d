#!/usr/bin/env bash
# `make bench`: the scale runs under bench/, against a throwaway PostgreSQL (pg_virtualenv) and
# Redis unless DATABASE_URL / REDIS_URL are set. Each bench/*.py prints its own figures.
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
  case "$(basename "$f")" in _*) continue ;; esac  # shared helpers, not benchmarks
  echo "== $f"
  python "$f"
done
