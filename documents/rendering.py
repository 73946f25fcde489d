"""Turn a Django template and a context into an A4 PDF in Chinese (WeasyPrint).

The document templates extend `documents/pdf/base.html`, which lays the page out after
GB/T 9704-2012 (党政机关公文格式) as far as the installed font allows: red header with the
issuing bureau, 发文字号, title, 主送, body, 落款 and 成文日期 under the seal, the number and
date on every page and "第 x 页 共 y 页". WeasyPrint is imported here, lazily: importing it
costs about a second, which Django's start-up should not pay.
"""

import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

FONT_FAMILY = "WenQuanYi Micro Hei"


@dataclass(frozen=True)
class Letterhead:
    """What every page of a document carries besides its own body."""

    bureau_name: str
    number: str
    date_text: str  # 2026年11月25日
    title: str
    recipient: str
    verify_url: str
    seal_uri: str


def qr_data_uri(url: str) -> str:
    """The verification link as a QR code (PNG, black on white, error correction M)."""
    import segno

    return segno.make(url, error="m", micro=False).png_data_uri(scale=4, border=2)


def render_html(template: str, context: dict, letterhead: Letterhead) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            template,
            {
                **context,
                "doc": letterhead,
                "qr_uri": qr_data_uri(letterhead.verify_url),
                "font_family": FONT_FAMILY,
            },
        )


_local = threading.local()


def _font_config():
    """WeasyPrint's font configuration, one per thread and reused: made anew for each
    document it reloads fontconfig's configuration and fonts and starts a new Pango font map
    (losing its caches of glyphs and shaping). Per thread: a Pango font map is not
    thread-safe. Our templates declare no @font-face, so nothing accumulates in it."""
    config = getattr(_local, "font_config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _local.font_config = FontConfiguration()
    return config


def render_pdf(template: str, context: dict, letterhead: Letterhead) -> tuple[bytes, int]:
    """The PDF bytes and the page count. Fonts are subsetted into the file."""
    # Its per-step progress messages (some at import) are INFO: keep the logs for what matters.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import weasyprint

    html = render_html(template, context, letterhead)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render(
        font_config=_font_config()
    )
    return document.write_pdf(), len(document.pages)
