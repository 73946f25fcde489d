#!/usr/bin/env bash
# Back up Jianguan: the database (pg_dump custom format) and the uploaded files, with a manifest
# naming the field-encryption key by fingerprint only (the key itself is never written here).
#
#   scripts/backup.sh DEST_DIR
#
# Uses DATABASE_URL (a role that may read every table: the owner, not the application role),
# DJANGO_MEDIA_ROOT (default var/media) and JIANGUAN_FIELD_ENCRYPTION_KEY (for the fingerprint).
# Writes DEST_DIR/jianguan-<UTC time>.dump, .media.tar.gz and .manifest; prints the dump's path.
set -euo pipefail
dest=${1:?usage: scripts/backup.sh DEST_DIR}
: "${DATABASE_URL:?DATABASE_URL is required}"
media=${DJANGO_MEDIA_ROOT:-var/media}
mkdir -p "$dest"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
base="$dest/jianguan-$stamp"

pg_dump --format=custom --no-owner --no-privileges --file="$base.dump" "$DATABASE_URL"
if [ -d "$media" ]; then
  tar -czf "$base.media.tar.gz" -C "$media" .
else
  tar -czf "$base.media.tar.gz" --files-from /dev/null
fi

key_fingerprint="not set"
if [ -n "${JIANGUAN_FIELD_ENCRYPTION_KEY:-}" ]; then
  key_fingerprint=$(printf '%s' "$JIANGUAN_FIELD_ENCRYPTION_KEY" | sha256sum | cut -c1-16)
fi
{
  echo "created_utc=$stamp"
  echo "pg_dump=$(pg_dump --version)"
  echo "dump_sha256=$(sha256sum "$base.dump" | cut -d' ' -f1)"
  echo "media_sha256=$(sha256sum "$base.media.tar.gz" | cut -d' ' -f1)"
  echo "field_encryption_key_sha256_prefix=$key_fingerprint"
} > "$base.manifest"
echo "$base.dump"
