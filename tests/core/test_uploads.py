"""The one upload checker (core.uploads), alone and where it is wired in: tip-off evidence and
the survey import. Files are made here the way an attacker would make them."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import translation
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter

from core import uploads
from tests.complaints.conftest import public_form
from tests.spreadsheets import workbook

MB = 1024 * 1024


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def check(name, data, kinds=(uploads.IMAGE, uploads.PDF), max_bytes=10 * MB):
    return uploads.check_upload(upload(name, data), kinds=set(kinds), max_bytes=max_bytes)


def refusal(name, data, **kwargs) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        check(name, data, **kwargs)
    return " ".join(caught.value.messages)


def png_header(width, height) -> bytes:
    """A PNG that claims width × height pixels: signature, IHDR, one tiny IDAT and IEND (the
    284 KB 10,000 × 10,000 bomb of issue 10 has the same header)."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * min((width + 1) * height, MB)))
        + chunk(b"IEND", b"")
    )


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def pdf(*, js=None, open_action=False) -> bytes:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(js or "app.alert(1)"),
        }
    )
    if js:  # a document-level script, run when the file opens
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("x"), action])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): tree}
        )
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = action
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def hand_made_pdf(catalog_extra: bytes = b"", page_extra: bytes = b"") -> bytes:
    """A minimal PDF written byte by byte, with a correct cross-reference table."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog_extra + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]" + page_extra + b">>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF" % (len(objects) + 1, xref)
    return out


def xlsx() -> bytes:
    return workbook(["机构名称", "统一社会信用代码"])


# Images ---------------------------------------------------------------------------------------


def test_a_photo_is_reencoded_without_exif_under_a_random_name():
    checked = check("IMG_0001.jpg", jpeg_with_exif())
    assert checked.content_type == "image/jpeg" and checked.kind == uploads.IMAGE
    assert "IMG_0001" not in checked.content.name
    with Image.open(io.BytesIO(checked.content.read())) as img:
        assert img.size == (40, 30) and not img.getexif()


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded(monkeypatch):
    from PIL import ImageFile

    decoded = []
    original = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda self: decoded.append(self.size) or original(self)
    )
    message = refusal("bomb.png", png_header(10_000, 10_000))
    assert "像素过多" in message and "50百万像素" in message
    assert decoded == []
    # One pixel row under the limit is accepted (and is then decoded).
    assert check("ok.png", png_header(100, 20)).content_type == "image/jpeg"


def test_svg_is_refused_with_its_reason():
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    assert "不接受SVG图片" in refusal("photo.jpg", svg)


def test_content_decides_not_the_name():
    assert "不是照片或PDF文件" in refusal("photo.jpg", b"MZ\x90\x00 not an image at all" * 10)


def test_size_is_limited_before_reading():
    assert "过大" in refusal("big.jpg", jpeg_with_exif(), max_bytes=100)


# PDFs -----------------------------------------------------------------------------------------


def test_a_pdf_is_rewritten_page_by_page():
    checked = check("scan.pdf", pdf())
    assert checked.content_type == "application/pdf"
    assert len(PdfReader(io.BytesIO(checked.content.read())).pages) == 1


@pytest.mark.parametrize("kwargs", [{"js": "app.alert(1)"}, {"open_action": True}])
def test_a_pdf_with_javascript_is_refused(kwargs):
    assert "含有脚本或自动操作" in refusal("evil.pdf", pdf(**kwargs))


def test_a_hand_made_pdf_with_an_escaped_script_name_is_refused():
    assert check("plain.pdf", hand_made_pdf(b"")).kind == uploads.PDF
    # "/J#61vaScript" is "/JavaScript" once the name is decoded.
    escaped = hand_made_pdf(b"/OpenAction<</S/J#61vaScript/JS(app.alert\\(1\\))>>")
    assert "含有脚本或自动操作" in refusal("evil.pdf", escaped)
    link = hand_made_pdf(
        page_extra=b"/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 5 5]"
        b"/A<</S/J#61vaScript/JS(app.alert\\(1\\))>>>>]"
    )
    assert "含有脚本或自动操作" in refusal("evil.pdf", link)


def test_a_broken_pdf_gets_a_clear_answer():
    assert "无法读取PDF文件" in refusal("broken.pdf", b"%PDF-1.4\n%%EOF")


# Workbooks ------------------------------------------------------------------------------------


def workbook_check(data, **kwargs):
    return check("survey.xlsx", data, kinds=(uploads.XLSX,), max_bytes=20 * MB, **kwargs)


def test_a_workbook_passes_and_a_zip_that_is_not_one_does_not():
    assert workbook_check(xlsx()).kind == uploads.XLSX
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "不是Excel工作簿" in refusal("survey.xlsx", plain.getvalue(), kinds=(uploads.XLSX,))


def _with_extra(entries: dict) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        for name, data in entries.items():
            dst.writestr(name, data)
    return out.getvalue()


def test_a_workbook_with_too_many_entries_is_refused():
    data = _with_extra({f"xl/media/{i}.bin": b"x" for i in range(1001)})
    assert "解压后数据量过大" in refusal("survey.xlsx", data, kinds=(uploads.XLSX,))


def test_a_zip_bomb_workbook_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES = 8 * MB
    data = _with_extra({"xl/worksheets/bomb.xml": b"\x00" * (9 * MB)})
    assert len(data) < 100_000  # small on the wire, 9 MB unpacked
    assert "解压后数据量过大" in refusal("survey.xlsx", data, kinds=(uploads.XLSX,))


def test_a_csv_must_be_text():
    assert check("s.csv", "名称,代码\n".encode(), kinds=(uploads.CSV,)).kind == uploads.CSV
    assert refusal("s.csv", b"\x00\x01\x02" * 100, kinds=(uploads.CSV,))


# Where the checker is wired in -----------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("bomb.png", png_header(10_000, 10_000), "像素过多"),
        ("evil.pdf", pdf(open_action=True), "含有脚本或自动操作"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "不接受SVG图片"),
    ],
)
def test_the_public_tip_off_form_refuses_dangerous_evidence(tree, _media, name, data, expected):
    from complaints.models import Complaint

    response = Client().post(
        reverse("public_complaints:complaint-submit"), public_form(tree, files=[upload(name, data)])
    )
    assert response.status_code == 400
    assert expected in str(response.context["form"].errors["files"])
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_the_survey_import_refuses_a_zip_bomb_and_stores_files_under_random_names(
    tree, _media, settings
):
    from core.spreadsheets import FileRefused
    from institutions.importing import columns, jobs

    settings.UPLOAD_ZIP_MAX_UNPACKED_BYTES = 8 * MB
    bomb = _with_extra({"xl/worksheets/bomb.xml": b"\x00" * (9 * MB)})
    with translation.override("zh-hans"), pytest.raises(FileRefused, match="数据量过大"):
        jobs.check_upload(upload("survey.xlsx", bomb))
    wb = Workbook()
    wb.active.append([header for _key, header, _required in columns.COLUMNS])
    out = io.BytesIO()
    wb.save(out)
    job = jobs.import_job_create(
        actor=None, bureau=tree.a, upload=upload("西湖区联系人电话.xlsx", out.getvalue())
    )
    assert "联系人" not in job.file and tree.a.code not in job.file


def test_uploaded_files_are_never_served_by_path():
    from django.views.static import serve

    for path in ("/media/complaints/1/a.jpg", "/media/imports/2026/11/x.xlsx"):
        with pytest.raises(Resolver404):
            resolve(path)

    def views(patterns):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from views(p.url_patterns)
            else:
                yield p.callback

    assert serve not in set(views(get_resolver().url_patterns))
