#!/usr/bin/env bash
# Front-end assets: installed from the npm registry per package-lock.json and copied into
# static/vendor/, which Django serves locally (no CDN at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=static/vendor/.lock-sha256
want=$(cat package-lock.json "$0" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then exit 0; fi
npm ci --no-audit --no-fund --loglevel=error >/dev/null
rm -rf static/vendor && mkdir -p static/vendor/{bootstrap,htmx,chartjs}
# Each minified file with the source map it names: production's manifest storage
# (collectstatic) fails on a `sourceMappingURL` whose file is missing.
cp node_modules/bootstrap/dist/css/bootstrap.min.css{,.map} static/vendor/bootstrap/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js{,.map} static/vendor/bootstrap/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
cp node_modules/chart.js/dist/chart.umd.min.js{,.map} static/vendor/chartjs/
echo "$want" > "$stamp"
