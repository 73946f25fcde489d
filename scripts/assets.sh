#!/usr/bin/env bash
# Front-end assets: installed from the npm registry per package-lock.json and copied into
# static/vendor/, which Django serves locally (no CDN at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
# Each minified file with the source map it names: production's manifest storage
# (collectstatic) fails on a `sourceMappingURL` whose file is missing.
FILES=(
  bootstrap/dist/css/bootstrap.min.css:bootstrap
  bootstrap/dist/css/bootstrap.min.css.map:bootstrap
  bootstrap/dist/js/bootstrap.bundle.min.js:bootstrap
  bootstrap/dist/js/bootstrap.bundle.min.js.map:bootstrap
  htmx.org/dist/htmx.min.js:htmx
  chart.js/dist/chart.umd.min.js:chartjs
  chart.js/dist/chart.umd.min.js.map:chartjs
  axe-core/axe.min.js:axe
)
stamp=static/vendor/.lock-sha256
want=$(cat package-lock.json "$0" | sha256sum | cut -d' ' -f1)
complete() {  # every file is in place (a folder left by an older copy step is not)
  for entry in "${FILES[@]}"; do
    [ -f "static/vendor/${entry#*:}/$(basename "${entry%%:*}")" ] || return 1
  done
}
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && complete; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
rm -rf static/vendor && mkdir -p static/vendor/{bootstrap,htmx,chartjs,axe}
for entry in "${FILES[@]}"; do
  cp "node_modules/${entry%%:*}" "static/vendor/${entry#*:}/"
done
echo "$want" > "$stamp"
