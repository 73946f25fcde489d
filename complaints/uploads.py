"""Files sent with a tip-off: photos and PDFs, through the platform's one upload checker
(core.uploads: judged by content, size- and pixel-limited, images re-encoded without EXIF, PDFs
without scripts and re-written).

Guarantee: `clean_upload` returns only a JPEG/PNG re-encoded from pixel data alone, or a PDF
re-written page by page without scripts; anything else raises ValidationError.
"""

import contextlib
import datetime as dt
import json
import os
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from core import uploads

MAX_FILES = 6


def max_bytes() -> int:
    return settings.COMPLAINT_UPLOAD_MAX_BYTES


def clean_upload(uploaded) -> tuple[ContentFile, str]:
    """Check one uploaded file; return (content with a random name, content type)."""
    checked = uploads.check_upload(
        uploaded, kinds={uploads.IMAGE, uploads.PDF}, max_bytes=max_bytes()
    )
    return checked.content, checked.content_type


def clean_uploads(files) -> list[tuple[ContentFile, str]]:
    files = [f for f in files if f]
    if len(files) > MAX_FILES:
        raise ValidationError(_("At most %(n)s files."), params={"n": MAX_FILES})
    return [clean_upload(f) for f in files]


# Files kept across a form that came back with errors: the reporter fixes the form and does not
# send the photos again. They are already checked and cleaned (clean_upload), kept in the media
# storage under a 256-bit random token (never served by path; the token is the only handle),
# and deleted when the tip-off is saved or after HELD_HOURS.
HELD_DIR = "held-uploads"
HELD_HOURS = 24
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def held_add(token: str | None, files) -> str:
    """Keep cleaned files (ContentFile, content type) under `token` (a new one when None or
    unknown); returns the token."""
    held_purge()
    if not token or not _TOKEN.match(token) or not _held_manifest(token):
        token = secrets.token_urlsafe(32)
        manifest = []
    else:
        manifest = _held_manifest(token)
    for content, content_type in files:
        name = default_storage.save(
            f"{HELD_DIR}/{token}/{secrets.token_hex(8)}", ContentFile(content.read())
        )
        manifest.append({"name": name, "content_type": content_type})
    default_storage.delete(f"{HELD_DIR}/{token}/manifest.json")
    default_storage.save(
        f"{HELD_DIR}/{token}/manifest.json", ContentFile(json.dumps(manifest).encode())
    )
    return token


def held_load(token: str | None) -> list[tuple[ContentFile, str]]:
    """The files kept under `token`, as clean_upload returns them; an unknown token holds none."""
    if not token or not _TOKEN.match(token):
        return []
    files = []
    for item in _held_manifest(token):
        with default_storage.open(item["name"]) as f:
            content = ContentFile(f.read(), name=uploads.random_name(_extension(item)))
        files.append((content, item["content_type"]))
    return files


def held_kinds(token: str | None) -> list[str]:
    """The content types kept under `token` (shown to the reporter as "2 photos, 1 PDF")."""
    if not token or not _TOKEN.match(token):
        return []
    return [item["content_type"] for item in _held_manifest(token)]


def held_discard(token: str | None) -> None:
    if token and _TOKEN.match(token):
        _delete_dir(f"{HELD_DIR}/{token}")


def held_purge(now=None) -> None:
    """Delete kept files older than HELD_HOURS (called whenever files are kept)."""
    now = now or timezone.now()
    try:
        dirs, _files = default_storage.listdir(HELD_DIR)
    except FileNotFoundError:
        return
    for name in dirs:
        path = f"{HELD_DIR}/{name}/manifest.json"
        try:
            stale = now - default_storage.get_modified_time(path) > dt.timedelta(hours=HELD_HOURS)
        except (FileNotFoundError, OSError):
            stale = True
        if stale:
            _delete_dir(f"{HELD_DIR}/{name}")


def _held_manifest(token):
    try:
        with default_storage.open(f"{HELD_DIR}/{token}/manifest.json") as f:
            return json.loads(f.read())
    except (FileNotFoundError, OSError, ValueError):
        return []


def _delete_dir(path):
    try:
        _dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{path}/{name}")
    if hasattr(default_storage, "path"):
        with contextlib.suppress(OSError):
            os.rmdir(default_storage.path(path))


def _extension(item):
    return {"application/pdf": "pdf", "image/png": "png"}.get(item["content_type"], "jpg")
