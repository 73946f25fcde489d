"""Survey import: a bad file is refused whole with a clear Chinese message and nothing
written; a job runs once and its page polls until it is done."""

import pytest
from django.urls import reverse

from institutions.importing.jobs import import_job_create
from institutions.models import ImportJob, Institution
from institutions.tasks import import_run
from tests.institutions.imports import HEADERS, row, run, upload, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _refused(client, tree, data, name):
    client.force_login(tree.user("a", "officer"))
    response = client.post(reverse("institutions:importjob-create"), {"file": upload(data, name)})
    assert response.status_code == 200
    assert not ImportJob.objects.exists()
    assert not Institution.objects.exists()
    return response.content.decode()


def test_corrupt_xlsx_is_refused(client, tree):
    data = xlsx([row(1)])
    body = _refused(client, tree, data[: len(data) // 2], "坏文件.xlsx")
    assert "文件可能已损坏" in body


def test_executable_renamed_xlsx_is_refused(client, tree):
    elf = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
    body = _refused(client, tree, elf, "名单.xlsx")
    assert "不是Excel工作簿" in body


def test_oversized_file_is_refused(client, tree, settings):
    settings.INSTITUTION_IMPORT_MAX_BYTES = 2048
    body = _refused(client, tree, xlsx([row(n) for n in range(1, 40)]), "大文件.xlsx")
    assert "文件超过" in body


def test_wrong_headers_are_refused(client, tree):
    headers = ["名称", *HEADERS[1:]]
    body = _refused(client, tree, xlsx([row(1)], headers=headers), "表头.xlsx")
    assert "表头与模板不一致" in body and "机构名称" in body and "名称" in body


def test_other_extension_is_refused(client, tree):
    assert "请上传" in _refused(client, tree, b"hello", "名单.docx")


def test_file_broken_after_upload_fails_the_job_and_writes_nothing(tree, streets):
    from django.core.files.storage import default_storage

    job = import_job_create(actor=None, bureau=tree.a, upload=upload(xlsx([row(1)])))
    with default_storage.open(job.file, "wb") as f:
        f.write(b"PK\x03\x04 not really a zip")
    import_run.apply(args=[job.pk]).get()
    job.refresh_from_db()
    assert job.state == "failed" and "损坏" in job.message
    assert not Institution.objects.exists()


def test_finished_job_is_not_run_again(tree, streets):
    job = run(tree, xlsx([row(1)]))
    assert import_run.apply(args=[job.pk]).get() == {"skipped": True}


def test_progress_page_polls_until_done(client, tree, streets):
    job = import_job_create(actor=None, bureau=tree.a, upload=upload(xlsx([row(1)])))
    client.force_login(tree.user("a", "officer"))
    url = reverse("institutions:importjob-detail", args=[job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "排队中" in partial
    import_run.apply(args=[job.pk])
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page and "新建 1 家" in page
