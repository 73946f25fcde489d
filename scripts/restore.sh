#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database, after checking the files
# against their manifest.
#
#   scripts/restore.sh /backups/jianguan-<time>.dump TARGET_DATABASE_URL [MEDIA_DIR]
#
# The application then needs the same JIANGUAN_FIELD_ENCRYPTION_KEY as when the backup was made
# (its fingerprint is in the manifest); without it, personal data stays unreadable.
set -euo pipefail
dump=${1:?usage: scripts/restore.sh DUMP TARGET_DATABASE_URL [MEDIA_DIR]}
target=${2:?usage: scripts/restore.sh DUMP TARGET_DATABASE_URL [MEDIA_DIR]}
media=${3:-}
base=${dump%.dump}

check() {  # check FILE KEY: the file's SHA-256 is the manifest's
  want=$(grep "^$2=" "$base.manifest" | cut -d= -f2)
  have=$(sha256sum "$1" | cut -d' ' -f1)
  if [ "$want" != "$have" ]; then
    echo "restore: $1 does not match its manifest ($2); refusing" >&2
    exit 1
  fi
}
check "$dump" dump_sha256
check "$base.media.tar.gz" media_sha256

pg_restore --exit-on-error --no-owner --no-privileges --dbname="$target" "$dump"
if [ -n "$media" ]; then
  mkdir -p "$media"
  tar -xzf "$base.media.tar.gz" -C "$media"
fi
echo "restored $(basename "$dump"); key fingerprint $(grep '^field_encryption_key' "$base.manifest" | cut -d= -f2)"
