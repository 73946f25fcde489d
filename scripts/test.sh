#!/usr/bin/env bash
# `make test`: lint, migrations check and the whole suite against real PostgreSQL and Redis.
# Without DATABASE_URL a throwaway PostgreSQL cluster is made (pg_virtualenv) and dropped after;
# without REDIS_URL a throwaway Redis runs on a free port. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
export DJANGO_SETTINGS_MODULE=config.settings.test

. scripts/throwaway-services.sh "$0" "$@"

echo "== ruff"
ruff check .
ruff format --check .
echo "== import layering (lint-imports)"
python scripts/lint_imports.py
echo "== makemigrations --check"
python manage.py makemigrations --check --dry-run -v 1
echo "== pytest"
python -m pytest "$@"
