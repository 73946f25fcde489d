"""Seals (印章): the check of an uploaded seal image, and the round red seal drawn from the
bureau's name when none is uploaded.

Guarantee: `clean_seal_image` returns only a PNG re-encoded by Pillow from pixel data (no
metadata, no script, at most MAX_SIDE pixels a side), or raises ValidationError with a
message for the person uploading; it never decodes an image larger than that.
"""

import base64
import io
import math
from html import escape

import magic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
MAX_SIDE = 2000
ACCEPTED = {"image/png", "image/jpeg"}
RED = "#d40000"


def clean_seal_image(uploaded) -> bytes:
    """Check an uploaded seal by its content and return it as a clean PNG."""
    data = uploaded.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The seal image is too large: at most 2 MB."), code="too_large")
    if magic.from_buffer(data[:4096], mime=True) not in ACCEPTED:
        raise ValidationError(
            _("The seal must be a PNG or JPEG image (judged by its content, not its name)."),
            code="type",
        )
    wrong_size = ValidationError(
        _("The seal image must be between 50 and %(max)s pixels a side."),
        params={"max": MAX_SIDE},
        code="size",
    )
    try:
        with Image.open(io.BytesIO(data)) as img:
            # The size is in the header: refuse a decompression bomb before decoding any pixel.
            width, height = img.size
            if width > MAX_SIDE or height > MAX_SIDE or width < 50 or height < 50:
                raise wrong_size
            img.load()
            clean = Image.new("RGBA", img.size)
            clean.paste(img.convert("RGBA"))
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow refuses it already when opening
        raise wrong_size from exc
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("This image could not be read."), code="unreadable") from exc
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(name: str, *, size: int = 200) -> str:
    """A round red seal: the name around the upper arc, each character placed and rotated on
    its own (WeasyPrint's SVG has no textPath), a five-pointed star in the middle."""
    c = size / 2
    ring = size * 0.47
    text_radius = size * 0.35
    font = size * (0.16 if len(name) <= 8 else 0.13)
    chars = list(name)[:16]
    span = min(250.0, 45.0 * (len(chars) - 1))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        f'<circle cx="{c}" cy="{c}" r="{ring:.2f}" fill="none" stroke="{RED}" '
        f'stroke-width="{size * 0.035:.2f}"/>',
        f'<polygon points="{_star(c, c, size * 0.16)}" fill="{RED}"/>',
    ]
    for i, char in enumerate(chars):
        angle = -span / 2 + (span * i / (len(chars) - 1) if len(chars) > 1 else 0)
        parts.append(
            f'<text x="{c}" y="{c - text_radius + font / 2:.2f}" font-size="{font:.2f}" '
            f'font-family="WenQuanYi Micro Hei" font-weight="bold" fill="{RED}" '
            f'text-anchor="middle" transform="rotate({angle:.2f} {c} {c})">{escape(char)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def seal_data_uri(*, bureau, seal=None) -> str:
    """The seal to print: the uploaded image, else the drawn one, as a data: URI."""
    if seal is not None and seal.image:
        with seal.image.open("rb") as f:
            return "data:image/png;base64," + base64.b64encode(f.read()).decode()
    svg = seal_svg(bureau.name)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
