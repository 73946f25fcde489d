"""Files sent with a tip-off: photos and PDFs, through the platform's one upload checker
(core.uploads: judged by content, size- and pixel-limited, images re-encoded without EXIF, PDFs
without scripts and re-written).

Guarantee: `clean_upload` returns only a JPEG/PNG re-encoded from pixel data alone, or a PDF
re-written page by page without scripts; anything else raises ValidationError.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
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
