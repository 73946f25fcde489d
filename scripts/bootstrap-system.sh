#!/usr/bin/env bash
# Install the Debian 12 packages Jianguan needs, only those that are missing.
# Safe to re-run; needs root (or sudo) the first time on a fresh machine.
set -euo pipefail

packages=(
  postgresql postgresql-contrib   # database server and cluster tools (pg_createcluster, pg_virtualenv)
  redis-server                    # Celery broker and cache
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint
  fonts-wqy-microhei              # CJK font for PDFs
  poppler-utils                   # pdftotext, used by the PDF tests
  libmagic1                       # upload sniffing by content
  nodejs npm                      # front-end assets from the npm registry (lock file)
  python3-venv
  chromium                        # browser tests (driven by Playwright, never downloaded)
  gettext                         # compilemessages
  docker-compose                  # validates docker-compose.yml in the tests (no engine needed)
  wrk                             # bench/harness.py's load generator (C, cheap on the CPU it measures)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian (e.g. NodeSource); accept any working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
