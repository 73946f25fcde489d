"""The one checker every uploaded file goes through (tip-off evidence, survey imports, and later
seals, inspection photos and statements).

Guarantees of `check_upload(uploaded, kinds=..., max_bytes=...)`:
- the type is judged by content (libmagic), never by the file name or the browser's claim;
- nothing larger than `max_bytes` is read into memory;
- an image is refused above `UPLOAD_MAX_IMAGE_PIXELS` before its pixels are decoded (a
  decompression bomb costs a header read), then re-encoded from pixel data alone: no EXIF
  (GPS position, camera serial), no XMP, no comment survives;
- SVG is refused (it can carry scripts), as is anything not asked for;
- a PDF is refused if it is encrypted or carries JavaScript or launch actions, and is otherwise
  re-written page by page (pypdf): document-level actions, forms, embedded files and page
  annotations are dropped;
- an .xlsx is refused if it is not a workbook, has too many entries or unpacks to more than
  `UPLOAD_ZIP_MAX_UNPACKED_BYTES` (counted while decompressing, not trusted from headers);
- a .csv must be text without NUL characters;
- the stored name is random (`random_name`): an uploader's file name never reaches the disk.
Each refusal is a ValidationError (or the caller's `error` class) with a message for the
uploader, translated into Chinese.
"""

import io
import re
import uuid
import warnings
import zipfile
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE = "image"
PDF = "pdf"
XLSX = "xlsx"
CSV = "csv"

IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp"}
SVG_TYPES = {"image/svg+xml", "image/svg"}
PDF_TYPE = "application/pdf"
XLSX_TYPES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Names that make a PDF act (run script, open a program or a URL on opening) rather than show.
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|OpenAction|AA|RichMedia|XFA|EmbeddedFiles?)\b")


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: safe bytes under a random name, and what it is."""

    content: ContentFile
    content_type: str
    kind: str

    @property
    def size(self) -> int:
        return self.content.size


def random_name(extension: str) -> str:
    """A stored file name that tells nothing and cannot be guessed."""
    return f"{uuid.uuid4().hex}.{extension.lstrip('.')}"


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}" if n >= 1024 * 1024 else f"{n / 1024 / 1024:.1f}"


def _read(uploaded, max_bytes: int, name: str, error) -> bytes:
    if getattr(uploaded, "size", 0) and uploaded.size > max_bytes:
        raise error(
            _("“%(name)s” is too large: at most %(mb)s MB.") % {"name": name, "mb": _mb(max_bytes)}
        )
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    data = uploaded.read(max_bytes + 1)
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    if len(data) > max_bytes:
        raise error(
            _("“%(name)s” is too large: at most %(mb)s MB.") % {"name": name, "mb": _mb(max_bytes)}
        )
    if not data:
        raise error(_("“%(name)s” is empty.") % {"name": name})
    return data


def check_upload(uploaded, *, kinds, max_bytes: int, error=ValidationError) -> CheckedFile:
    """Check one uploaded file against the kinds the caller accepts (IMAGE, PDF, XLSX, CSV)."""
    name = (getattr(uploaded, "name", "") or "")[-60:]
    data = _read(uploaded, max_bytes, name, error)
    detected = magic.from_buffer(data[:8192], mime=True)
    if detected in SVG_TYPES or (detected.startswith("text/") and b"<svg" in data[:4096].lower()):
        raise error(_("SVG images are not accepted (they can carry scripts): send a JPEG or PNG."))
    if IMAGE in kinds and detected in IMAGE_TYPES:
        return _image(data, name, error)
    if PDF in kinds and detected == PDF_TYPE and data.startswith(b"%PDF-"):
        return _pdf(data, name, error)
    if XLSX in kinds and detected in XLSX_TYPES and data.startswith(b"PK"):
        return _xlsx(data, name, error)
    if CSV in kinds and (detected.startswith("text/") or detected == "application/csv"):
        if b"\x00" in data:
            raise error(_("“%(name)s” is not a text file.") % {"name": name})
        return CheckedFile(ContentFile(data, name=random_name(CSV)), "text/csv", CSV)
    raise error(
        _("“%(name)s” is not a %(kinds)s file (judged by its content, not its name).")
        % {"name": name, "kinds": _kind_labels(kinds)}
    )


def _kind_labels(kinds) -> str:
    labels = {IMAGE: _("photo"), PDF: "PDF", XLSX: "Excel .xlsx", CSV: "CSV"}
    return _(" or ").join(labels[k] for k in (IMAGE, PDF, XLSX, CSV) if k in kinds)


def _image(data: bytes, name: str, error) -> CheckedFile:
    limit = settings.UPLOAD_MAX_IMAGE_PIXELS
    too_big = error(
        _("“%(name)s” has too many pixels: at most %(mp)s million. Send a smaller photo.")
        % {"name": name, "mp": limit // 1_000_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                # Only the header has been read: refuse a bomb before decoding its pixels.
                width, height = img.size
                if width * height > limit:
                    raise too_big
                img.load()
                img = ImageOps.exif_transpose(img)
                has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
                # A new image from the pixels alone: no EXIF, no XMP, no comments carry over.
                clean = Image.new("RGBA" if has_alpha else "RGB", img.size)
                clean.paste(img.convert(clean.mode))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_big from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise error(_("“%(name)s” could not be read as an image.") % {"name": name}) from exc
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
        return CheckedFile(ContentFile(out.getvalue(), name=random_name("png")), "image/png", IMAGE)
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return CheckedFile(ContentFile(out.getvalue(), name=random_name("jpg")), "image/jpeg", IMAGE)


def _pdf_active(reader) -> bool:
    """Whether the document asks to run anything: scripts, launch actions, actions on open or
    on page events, forms with scripts."""
    from pypdf.generic import DictionaryObject, IndirectObject

    root = reader.trailer["/Root"]
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    if any(key in root for key in ("/OpenAction", "/AA")):
        return True
    acroform = root.get("/AcroForm")
    if acroform is not None and "/XFA" in acroform.get_object():
        return True
    for page in reader.pages:
        if "/AA" in page:
            return True
        for annot in page.get("/Annots") or []:
            annot = annot.get_object() if isinstance(annot, IndirectObject) else annot
            if not isinstance(annot, DictionaryObject):
                continue
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            if "/AA" in annot or (
                isinstance(action, DictionaryObject)
                and action.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/SubmitForm")
            ):
                return True
    return False


def _pdf(data: bytes, name: str, error) -> CheckedFile:
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    unreadable = error(_("“%(name)s” could not be read as a PDF.") % {"name": name})
    scripted = error(
        _(
            "“%(name)s” contains scripts or automatic actions and is not accepted. "
            "Print it to a new PDF and send that."
        )
        % {"name": name}
    )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise error(
                _("“%(name)s” is protected by a password; send it without one.") % {"name": name}
            )
        if len(reader.pages) > settings.UPLOAD_PDF_MAX_PAGES:
            raise error(
                _("“%(name)s” has more than %(n)s pages.")
                % {"name": name, "n": settings.UPLOAD_PDF_MAX_PAGES}
            )
        if _pdf_active(reader):
            raise scripted
        # Re-written page by page: what the catalogue carried (actions, forms, embedded files,
        # outlines) is left behind, and so are annotations (links, widgets).
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        writer.remove_annotations(subtypes=None)
        for page in writer.pages:
            for key in ("/AA", "/Annots"):
                if key in page:
                    del page[key]
        out = io.BytesIO()
        writer.write(out)
    except (ValidationError, error):
        raise
    except (PdfReadError, RecursionError, Exception) as exc:
        # A parser of hostile input: whatever it trips on, the uploader gets one clear answer.
        raise unreadable from exc
    cleaned = out.getvalue()
    if _PDF_ACTIVE.search(cleaned):
        raise scripted
    return CheckedFile(ContentFile(cleaned, name=random_name("pdf")), PDF_TYPE, PDF)


def _xlsx(data: bytes, name: str, error) -> CheckedFile:
    not_workbook = error(
        _("“%(name)s” is not an Excel workbook, whatever its name says.") % {"name": name}
    )
    bomb = error(
        _("“%(name)s” unpacks to too much data for a workbook; split it into smaller files.")
        % {"name": name}
    )
    max_entries = settings.UPLOAD_ZIP_MAX_ENTRIES
    max_unpacked = settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise bomb
            names = {e.filename for e in entries}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise not_workbook
            if sum(e.file_size for e in entries) > max_unpacked:
                raise bomb
            # The headers may lie: count what decompressing really yields, and stop early.
            total = 0
            for entry in entries:
                with archive.open(entry) as member:
                    while chunk := member.read(1024 * 1024):
                        total += len(chunk)
                        if total > max_unpacked:
                            raise bomb
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
        raise error(
            _("“%(name)s” cannot be opened; it may be damaged. Save it again and retry.")
            % {"name": name}
        ) from exc
    return CheckedFile(ContentFile(data, name=random_name(XLSX)), XLSX_TYPE, XLSX)
