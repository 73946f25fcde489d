"""First uses in the registry: a district's published lists and an institution's information
sheet, issued through documents/ (run here by calling the job, as the worker would)."""

import io

import pytest
import segno
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from bureaus.context import acting, system_actor
from documents import services
from documents.models import DocumentJob, IssuedDocument
from institutions.models import Institution, ListEntry
from tests.documents.conftest import pdftotext, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def black_list(tree):
    today = timezone.localdate()
    with acting(system_actor("tests")):
        entries = []
        for n, name in enumerate(("星光无证培训中心", "北山补习班", "乙区某机构")):
            bureau = tree.b if n == 2 else tree.a
            institution = Institution.objects.create(
                bureau=bureau, name=name, category="arts", address="文三路"
            )
            entries.append(
                ListEntry.objects.create(
                    bureau=bureau,
                    institution=institution,
                    kind=ListEntry.Kind.BLACK,
                    reason="无证办学",
                    published_on=today,
                )
            )
        unpublished = Institution.objects.create(bureau=tree.a, name="未公布机构", category="arts")
        ListEntry.objects.create(
            bureau=tree.a, institution=unpublished, kind=ListEntry.Kind.BLACK, reason="x"
        )
    return entries


def run_last_job():
    job = DocumentJob.objects.latest("pk")
    with acting(system_actor("tests")):
        return services.document_job_run(job_id=job.pk)


def test_black_list_pdf_has_the_published_rows_and_is_public(
    client, tree, black_list, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(tree.user("a", "officer"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("institutions:list-document"), {"kind": "black"})
    document = run_last_job()
    text = squeeze(pdftotext(document.file.read(), tmp_path))
    assert "星光无证培训中心" in text and "北山补习班" in text and "无证办学" in text
    assert "乙区某机构" not in text and "未公布机构" not in text
    assert document.number in text and "西湖区教育局" in text
    assert document.kind == IssuedDocument.Kind.LIST and document.public
    # The public lists page links the sealed PDF and its verification page.
    page = client.get(reverse("public_institutions:district-lists", args=[tree.a.code]))
    body = page.content.decode()
    assert reverse("public_documents:pdf", args=[document.token]) in body
    assert document.number in body
    other = client.get(reverse("public_institutions:district-lists", args=[tree.b.code]))
    assert document.token not in other.content.decode()


def test_the_qr_code_in_the_pdf_encodes_the_verification_address(
    client, tree, black_list, django_capture_on_commit_callbacks
):
    client.force_login(tree.user("a", "officer"))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("institutions:list-document"), {"kind": "black"})
    document = run_last_job()
    url = f"http://testserver/public/documents/verify/{document.token}/"
    expected = io.BytesIO()
    segno.make(url, error="m", micro=False).save(expected, kind="png", scale=4, border=2)
    want = Image.open(expected).convert("L")
    images = [i.image.convert("L") for p in PdfReader(document.file.path).pages for i in p.images]
    assert any(img.size == want.size and img.tobytes() == want.tobytes() for img in images)


def test_institution_sheet_links_its_subject(
    client, tree, black_list, tmp_path, django_capture_on_commit_callbacks
):
    institution = black_list[0].institution
    client.force_login(tree.user("a", "officer"))
    detail = client.get(reverse("institutions:institution-detail", args=[institution.pk]))
    assert (
        reverse("institutions:institution-sheet", args=[institution.pk]) in detail.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("institutions:institution-sheet", args=[institution.pk]))
    assert response.status_code == 302
    document = run_last_job()
    assert document.kind == IssuedDocument.Kind.INSTITUTION_SHEET and not document.public
    assert document.subject_type == ContentType.objects.get_for_model(Institution)
    assert document.subject_id == str(institution.pk)
    text = squeeze(pdftotext(document.file.read(), tmp_path))
    assert "星光无证培训中心机构信息表" in text and "无证办学" in text
    sibling = black_list[2].institution
    url = reverse("institutions:institution-sheet", args=[sibling.pk])
    assert client.post(url).status_code == 404
