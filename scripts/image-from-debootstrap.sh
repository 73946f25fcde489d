#!/usr/bin/env bash
# Build the production image from a Debian 12 base made here with debootstrap (no image is
# pulled from a container registry), then start the compose stack with podman and check that
# /healthz and the login page answer; stop it again. Run as root: `make image-check`.
#
#   scripts/image-from-debootstrap.sh [check|base|build|up|verify|down]
#   (default: check = base, build, up, verify, then down whatever happened)
#
# The Debian mirror comes from the machine's apt configuration (the first `deb`/`URIs:` entry
# serving bookworm), or from JIANGUAN_DEBIAN_MIRROR. Python packages come from the package index
# pip is configured for, pinned by requirements.lock; npm packages per package-lock.json.
# The CA certificates this machine trusts locally (/usr/local/share/ca-certificates) go into the
# base, so the build can reach the indexes through the same HTTPS path as the host.
# Work files (root file system, generated Containerfiles, the stack's secrets) live in
# JIANGUAN_IMAGE_WORKDIR (default /var/tmp/jianguan-image), never in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=${JIANGUAN_IMAGE_WORKDIR:-/var/tmp/jianguan-image}
SUITE=bookworm
BASE=localhost/debian-bookworm-base:latest
PYTHON_IMAGE=localhost/jianguan-python:3.11-bookworm
NODE_IMAGE=localhost/jianguan-node:bookworm
POSTGRES_IMAGE=localhost/jianguan-postgres:15-bookworm
REDIS_IMAGE=localhost/jianguan-redis:7-bookworm
APP_IMAGE=localhost/jianguan:latest
PROJECT=jianguan-imagecheck
STEP="start"

step() { STEP=$1; echo "== image-check: $1" >&2; }
fail() { echo "image-check FAILED at step: $STEP: $*" >&2; exit 1; }
trap 'rc=$?; [ $rc -eq 0 ] || echo "image-check FAILED at step: $STEP (exit $rc)" >&2' EXIT

[ "$(id -u)" -eq 0 ] || fail "run as root (debootstrap and rootful podman)"

tools() {
  step "1 tools (podman, debootstrap, podman-compose)"
  local missing=()
  for pkg in podman debootstrap podman-compose runc uidmap fuse-overlayfs slirp4netns curl; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
  podman --version >&2
}

mirror() {  # the machine's Debian mirror for bookworm (deb822 .sources or one-line lists)
  if [ -n "${JIANGUAN_DEBIAN_MIRROR:-}" ]; then echo "$JIANGUAN_DEBIAN_MIRROR"; return; fi
  local f uri
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '
      BEGIN { RS=""; FS="\n" }
      {
        uris=""; ok=0; deb=0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:.*(^|[ \t])deb([ \t]|$)/) deb=1
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); split($i, u, /[ \t]+/); uris=u[1] }
          if ($i ~ /^Suites:/ && $i ~ ("[ \t]" suite "([ \t]|$)")) ok=1
        }
        if (deb && ok && uris != "") { print uris; exit }
      }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    uri=$(awk -v suite="$SUITE" '$1 == "deb" {
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) == suite) { print $i; exit } }' "$f")
    if [ -n "$uri" ]; then echo "$uri"; return; fi
  done
  fail "no Debian mirror for $SUITE in /etc/apt; set JIANGUAN_DEBIAN_MIRROR"
}

base() {
  tools
  step "2 base: debootstrap $SUITE and podman import as $BASE"
  local url rootfs=$WORK/rootfs
  url=$(mirror)
  echo "mirror: $url" >&2
  mkdir -p "$WORK"
  if [ ! -f "$WORK/rootfs.done" ] || [ -n "${JIANGUAN_IMAGE_REBUILD:-}" ]; then
    rm -rf "$rootfs"
    debootstrap --variant=minbase "$SUITE" "$rootfs" "$url" >"$WORK/debootstrap.log" 2>&1 \
      || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap (log: $WORK/debootstrap.log)"; }
    touch "$WORK/rootfs.done"
  fi
  printf 'deb %s %s main\ndeb %s %s-updates main\n' "$url" "$SUITE" "$url" "$SUITE" \
    >"$rootfs/etc/apt/sources.list"
  mkdir -p "$rootfs/usr/local/share/ca-certificates"
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
  fi
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
  if podman image exists "$BASE" && [ -z "${JIANGUAN_IMAGE_REBUILD:-}" ]; then
    echo "$BASE is there (JIANGUAN_IMAGE_REBUILD=1 makes it again)" >&2
    return 0
  fi
  tar --numeric-owner -C "$rootfs" -c . \
    | podman import --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$BASE" >&2
}

engine() {  # a container must start; if not, the workarounds this kind of machine needs
  step "2b engine: run a container from $BASE"
  local err conf=$WORK/containers.conf
  if [ -f "$conf" ]; then export CONTAINERS_CONF=$conf; fi
  if err=$(podman run --rm "$BASE" true 2>&1); then return 0; fi
  echo "podman run failed: $err" >&2
  # Without CAP_SYS_RESOURCE the runtime cannot set the default ulimits (nofile=1048576) nor
  # even the caller's own; crun refuses a cgroup v1 host whose v2 hierarchy has a controller
  # ("cgroups in hybrid mode not supported"); runc accepts it.
  local n=${JIANGUAN_CONTAINER_ULIMIT:-16384}
  printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n[engine]\nruntime = "runc"\n' \
    "$n" "$n" "$n" "$n" >"$conf"
  export CONTAINERS_CONF=$conf
  echo "retrying with $conf (runc, ulimits nofile/nproc=$n)" >&2
  err=$(podman run --rm "$BASE" true 2>&1) || fail "podman run: $err"
}

containerfiles() {  # the tool bases and the services' images, all FROM the debootstrap base
  mkdir -p "$WORK/ctx"
  local quiet="ARG DEBIAN_FRONTEND=noninteractive"
  cat >"$WORK/ctx/python.Containerfile" <<EOF
FROM $BASE
$quiet
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates python3 python3-venv \\
 && update-ca-certificates \\
 && rm -rf /var/lib/apt/lists/* \\
 && python3 -m venv /opt/venv
# python, pip, gunicorn and celery from the virtualenv, as the python image has them on PATH.
ENV PATH=/opt/venv/bin:\$PATH PIP_CERT=/etc/ssl/certs/ca-certificates.crt
EOF
  cat >"$WORK/ctx/node.Containerfile" <<EOF
FROM $BASE
$quiet
RUN apt-get update \\
 && apt-get install -y --no-install-recommends ca-certificates nodejs npm \\
 && update-ca-certificates \\
 && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
EOF
  cat >"$WORK/ctx/postgres.Containerfile" <<EOF
FROM $BASE
$quiet
RUN apt-get update \\
 && apt-get install -y --no-install-recommends postgresql-15 \\
 && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:\$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["postgres"]
EOF
  # The subset of the postgres image's entrypoint the stack uses: POSTGRES_USER/PASSWORD/DB on
  # the first start of an empty volume, then /docker-entrypoint-initdb.d/*.sh and *.sql.
  cat >"$WORK/ctx/postgres-entrypoint.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
install -d -o postgres -g postgres -m 2775 /var/run/postgresql
install -d -o postgres -g postgres -m 0700 "$PGDATA"
chown -R postgres:postgres "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pw=$(mktemp); chown postgres "$pw"; printf '%s' "${POSTGRES_PASSWORD:?}" >"$pw"
  as_pg initdb -D "$PGDATA" --username="${POSTGRES_USER:-postgres}" --pwfile="$pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  rm -f "$pw"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  as_pg pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  export PGUSER=${POSTGRES_USER:-postgres} POSTGRES_USER=${POSTGRES_USER:-postgres}
  if [ "${POSTGRES_DB:-postgres}" != postgres ]; then
    as_pg psql -v ON_ERROR_STOP=1 --username "$PGUSER" --dbname postgres \
      -c "CREATE DATABASE \"$POSTGRES_DB\""
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "initdb: $f"; as_pg bash "$f" ;;
      *.sql) echo "initdb: $f"; as_pg psql -v ON_ERROR_STOP=1 --dbname "${POSTGRES_DB:-postgres}" -f "$f" ;;
    esac
  done
  as_pg pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
fi
if [ "$1" = postgres ]; then
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$@" -c listen_addresses='*'
fi
exec "$@"
EOF
  chmod 755 "$WORK/ctx/postgres-entrypoint.sh"
  cat >"$WORK/ctx/redis.Containerfile" <<EOF
FROM $BASE
$quiet
RUN apt-get update \\
 && apt-get install -y --no-install-recommends redis-server redis-tools \\
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data
WORKDIR /data
COPY redis-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["redis-server"]
EOF
  # Other containers reach it over the stack's network, as with the redis image (protected mode
  # off; the port is not published).
  cat >"$WORK/ctx/redis-entrypoint.sh" <<'EOF'
#!/bin/bash
set -euo pipefail
chown -R redis:redis /data
if [ "$1" = redis-server ]; then
  exec setpriv --reuid=redis --regid=redis --init-groups "$@" --protected-mode no
fi
exec "$@"
EOF
  chmod 755 "$WORK/ctx/redis-entrypoint.sh"
}

build() {
  podman image exists "$BASE" || base
  engine
  step "3 build: tool bases, postgres, redis and the project image from $BASE"
  containerfiles
  local pip_args=() index
  # The package index pip is configured for on this machine (if any), for the image's pip.
  index=$(pip3 config get global.index-url 2>/dev/null || true)
  [ -n "${PIP_INDEX_URL:-}" ] && index=$PIP_INDEX_URL
  [ -n "$index" ] && pip_args+=(--env "PIP_INDEX_URL=$index")
  podman build --pull=never -t "$PYTHON_IMAGE" -f "$WORK/ctx/python.Containerfile" "$WORK/ctx" >&2
  podman build --pull=never -t "$NODE_IMAGE" -f "$WORK/ctx/node.Containerfile" "$WORK/ctx" >&2
  podman build --pull=never -t "$POSTGRES_IMAGE" -f "$WORK/ctx/postgres.Containerfile" "$WORK/ctx" >&2
  podman build --pull=never -t "$REDIS_IMAGE" -f "$WORK/ctx/redis.Containerfile" "$WORK/ctx" >&2
  podman build --pull=never "${pip_args[@]}" \
    --build-arg "PYTHON_IMAGE=$PYTHON_IMAGE" --build-arg "NODE_IMAGE=$NODE_IMAGE" \
    -t "$APP_IMAGE" -f Dockerfile . >&2
}

compose() {
  podman-compose -p "$PROJECT" -f docker-compose.yml -f "$WORK/compose.override.yml" "$@"
}

secret() { head -c 48 /dev/urandom | base64 | tr -d '/+=\n'; }

up() {
  engine
  for image in "$APP_IMAGE" "$POSTGRES_IMAGE" "$REDIS_IMAGE"; do
    podman image exists "$image" || build
  done
  step "4 up: the compose stack with podman-compose"
  cat >"$WORK/compose.override.yml" <<EOF
services:
  postgres:
    image: $POSTGRES_IMAGE
  redis:
    image: $REDIS_IMAGE
EOF
  if [ ! -f "$WORK/stack.env" ]; then
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    umask 077
    cat >"$WORK/stack.env" <<EOF
export DJANGO_SECRET_KEY=$(secret)$(secret)
export JIANGUAN_FIELD_ENCRYPTION_KEY=$(secret)$(secret)
export POSTGRES_PASSWORD=$(secret)
export JIANGUAN_DB_APP_PASSWORD=$(secret)
export DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1
export JIANGUAN_HTTP_PORT=$port
EOF
  fi
  # shellcheck disable=SC1091
  . "$WORK/stack.env"
  # podman-compose 1.0 ignores depends_on conditions (and podman runs health checks only
  # through systemd timers): start the databases, wait for them, run migrate to its end, then
  # the rest. `up` leaves the containers already there alone.
  compose up -d --no-build postgres redis >&2
  wait_for "postgres ready" 120 podman exec "${PROJECT}_postgres_1" pg_isready -U jianguan -d jianguan
  wait_for "redis ready" 60 podman exec "${PROJECT}_redis_1" redis-cli ping
  compose up -d --no-build migrate >&2
  wait_for "migrate finished" 600 sh -c \
    "[ \"\$(podman inspect -f '{{.State.Status}}' ${PROJECT}_migrate_1)\" = exited ]"
  local code
  code=$(podman inspect -f '{{.State.ExitCode}}' "${PROJECT}_migrate_1")
  [ "$code" = 0 ] || { podman logs --tail 30 "${PROJECT}_migrate_1" >&2; fail "migrate exited $code"; }
  compose up -d --no-build >&2
}

wait_for() {  # wait_for <what> <seconds> <command...>
  local what=$1 seconds=$2 t=0
  shift 2
  until "$@" >/dev/null 2>&1; do
    t=$((t + 2))
    [ $t -le "$seconds" ] || fail "$what: no answer within ${seconds}s"
    sleep 2
  done
  echo "$what after ${t}s" >&2
}

verify() {
  # shellcheck disable=SC1091
  . "$WORK/stack.env"
  local url="http://127.0.0.1:$JIANGUAN_HTTP_PORT"
  step "5 check: $url/healthz and the login page"
  wait_for "/healthz 200" 120 curl -fsS -m 30 "$url/healthz"
  # Beat sends the heartbeat every minute and a worker runs it: the background is alive.
  wait_for "/healthz celery ok" 240 sh -c "curl -fsS -m 30 '$url/healthz' | grep -q '\"celery\": \"ok\"'"
  curl -fsS -m 30 "$url/healthz" >&2
  echo >&2
  local page css
  # Production redirects plain HTTP to HTTPS; the proxy's header says the request came over TLS.
  page=$(curl -fsS -m 30 -H 'X-Forwarded-Proto: https' "$url/accounts/login/")
  grep -q 'name="password"' <<<"$page" || fail "login page has no password field"
  echo "login page: 200 with a password field" >&2
  css=$(grep -o 'href="/static/[^"]*\.css"' <<<"$page" | head -1 | cut -d'"' -f2)
  [ -n "$css" ] || fail "login page links no stylesheet under /static/"
  curl -fsS -m 30 -o /dev/null -H 'X-Forwarded-Proto: https' "$url$css" || fail "$css not served"
  echo "static file from the image's collectstatic: $css 200" >&2
  podman ps -a --filter "name=${PROJECT}_" --format '{{.Names}} {{.Status}}' >&2
}

down() {
  step "6 down: stop the stack and remove its volumes"
  if [ -f "$WORK/containers.conf" ]; then export CONTAINERS_CONF=$WORK/containers.conf; fi
  [ -f "$WORK/compose.override.yml" ] || return 0
  # shellcheck disable=SC1091
  [ -f "$WORK/stack.env" ] && . "$WORK/stack.env"
  compose down >&2 || true
  podman volume ls -q | grep "^${PROJECT}_" | xargs -r podman volume rm -f >&2 || true
  podman network rm -f "${PROJECT}_default" >&2 2>/dev/null || true
  rm -f "$WORK/stack.env"
}

case "${1:-check}" in
  base) base ;;
  build) build ;;
  up) up ;;
  verify) verify ;;
  down) down ;;
  check)
    trap 'rc=$?; [ $rc -eq 0 ] || echo "image-check FAILED at step: $STEP (exit $rc)" >&2; down || true' EXIT
    base
    build
    up
    verify
    echo "image-check: OK (image built from a debootstrap base, stack answered)" >&2
    ;;
  *) fail "usage: $0 [check|base|build|up|verify|down]" ;;
esac
