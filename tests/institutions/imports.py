"""Helpers of the survey-import tests: a row of the template with overrides, a workbook of
rows, an upload, and an import job run for real (its Celery task applied)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from institutions.importing.columns import COLUMNS
from institutions.importing.jobs import import_job_create
from institutions.tasks import import_run
from tests.institutions.conftest import valid_code
from tests.spreadsheets import workbook

HEADERS = [h for _k, h, _r in COLUMNS]


def row(n, **overrides):
    values = {
        "机构名称": f"西湖第{n}艺术培训学校",
        "统一社会信用代码": valid_code(n),
        "类别": "文化艺术",
        "组织形式": "公司",
        "营利性质": "营利",
        "培训方式": "线下",
        "培训对象": "义务教育、高中",
        "状态": "正常",
        "所在街道": "北山街道",
        "地址": f"文三路{n}号",
        "联系人": "王老师",
        "联系电话": "13800138000",
        "办学许可证编号": f"教民13301067{n:05d}号",
        "发证机关": "杭州市西湖区教育局",
        "发证日期": "2024-03-01",
        "有效期至": "2030-02-28",
        "核准办学范围": "书法、国画",
        "营业执照或登记证书编号": valid_code(n),
    }
    values.update(overrides)
    return [values.get(h, "") for h in HEADERS]


def xlsx(rows, headers=HEADERS) -> bytes:
    return workbook(headers, rows)


def upload(data: bytes, name="摸排.xlsx"):
    return SimpleUploadedFile(name, data)


def run(tree, data, name="摸排.xlsx"):
    job = import_job_create(
        actor=tree.user("a", "officer"), bureau=tree.a, upload=upload(data, name)
    )
    import_run.apply(args=[job.pk]).get()
    job.refresh_from_db()
    return job
