"""Survey import: good rows in, bad rows reported by row and column, re-import changes
nothing, bad files refused whole. The task runs for real (its function, then `.apply()`)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from bureaus.models import AuditEvent, Street
from institutions.importing.columns import COLUMNS
from institutions.importing.jobs import import_job_create
from institutions.models import Credential, ImportJob, Institution, StatusChange
from institutions.tasks import import_run
from tests.institutions.conftest import valid_code, wrong_code

pytestmark = pytest.mark.django_db

HEADERS = [h for _k, h, _r in COLUMNS]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(data: bytes, name="摸排.xlsx"):
    return SimpleUploadedFile(name, data)


@pytest.fixture
def streets(tree, as_system):
    Street.objects.create(bureau=tree.a, name="北山街道")


def run(tree, data, name="摸排.xlsx"):
    job = import_job_create(
        actor=tree.user("a", "officer"), bureau=tree.a, upload=upload(data, name)
    )
    import_run.apply(args=[job.pk]).get()
    job.refresh_from_db()
    return job


def test_good_rows_imported_bad_rows_reported_and_reimport_changes_nothing(tree, streets):
    rows = [row(n) for n in range(1, 9)]
    rows.append(row(9, **{"统一社会信用代码": wrong_code(9)}))  # line 10
    rows.append(row(10, **{"类别": "奥数"}))  # line 11
    rows.append(row(11, **{"有效期至": "明年"}))  # line 12
    rows.append(row(12, **{"所在街道": "不存在街道"}))  # line 13
    rows.append(row(13, **{"统一社会信用代码": valid_code(1)}))  # line 14: duplicate of line 2
    # A new application (筹设) for compulsory-education academic training: seed 003 §12.
    rows.append(row(14, **{"类别": "学科类", "营利性质": "非营利", "状态": "筹设"}))  # line 15
    data = xlsx(rows)
    job = run(tree, data)
    assert job.state == "done", job.message
    assert (job.total_rows, job.created_count, job.updated_count, job.error_count) == (14, 8, 0, 6)
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {
        (10, "统一社会信用代码"),
        (11, "类别"),
        (12, "有效期至"),
        (13, "所在街道"),
        (14, "统一社会信用代码"),
        (15, "类别"),
    }
    reasons = " ".join(e["reason"] for e in job.errors)
    assert "校验位" in reasons and "第 2 行" in reasons and "义务教育" in reasons
    assert Institution.objects.filter(bureau=tree.a).count() == 8
    first = Institution.objects.get(credit_code=valid_code(1))
    assert first.name_initials == "xhdyspxxx"
    assert first.street.name == "北山街道"
    assert first.contact_phone == "13800138000"
    assert first.audience_compulsory and first.audience_highschool
    assert Credential.objects.filter(institution=first).count() == 2
    # Every created row is audited, with the phone redacted.
    event = AuditEvent.objects.get(model="institutions.institution", object_id=str(first.pk))
    assert event.changes["contact_phone"] == "***"
    assert AuditEvent.objects.filter(model="institutions.credential").count() == 16

    events = AuditEvent.objects.count()
    again = run(tree, data)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 8)
    assert again.error_count == 6
    assert Institution.objects.count() == 8
    assert not AuditEvent.objects.filter(
        model__in=["institutions.institution", "institutions.credential"], pk__gt=_last(events)
    ).exists()


def _last(count):
    return AuditEvent.objects.order_by("id").values_list("id", flat=True)[count - 1]


def test_reimport_updates_by_credit_code_with_audit_and_status_history(tree, streets):
    run(tree, xlsx([row(1), row(2)]))
    before = Institution.objects.get(credit_code=valid_code(1))
    changed = row(1, **{"地址": "天目山路88号", "状态": "停办整改", "有效期至": "2031-02-28"})
    job = run(tree, xlsx([changed, row(2)]))
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 1)
    after = Institution.objects.get(pk=before.pk)
    assert after.address == "天目山路88号" and after.status == "suspended"
    assert StatusChange.objects.get(institution=after).reason == "摸排导入"
    update = AuditEvent.objects.filter(
        model="institutions.institution", object_id=str(after.pk), action="update"
    ).get()
    assert update.changes["address"] == ["文三路1号", "天目山路88号"]
    licence = Credential.objects.get(institution=after, kind="school_licence")
    assert str(licence.expires_on) == "2031-02-28"


def test_refused_transition_in_a_reimport_is_a_row_error(tree, streets):
    run(tree, xlsx([row(1, **{"状态": "取缔"})]))
    job = run(tree, xlsx([row(1, **{"状态": "正常"})]))
    assert job.error_count == 1 and job.errors[0]["column"] == "状态"
    assert Institution.objects.get().status == "banned"


def test_other_districts_credit_code_is_not_taken_over(tree, streets, as_system):
    Institution.objects.create(
        bureau=tree.b, name="上城机构", category="arts", credit_code=valid_code(1)
    )
    job = run(tree, xlsx([row(1)]))
    assert job.error_count == 1 and "其他区县" in job.errors[0]["reason"]
    assert Institution.objects.get(credit_code=valid_code(1)).name == "上城机构"


def test_csv_in_gbk_is_accepted(tree, streets):
    lines = [",".join(HEADERS), ",".join(str(c) for c in row(1))]
    job = run(tree, "\n".join(lines).encode("gbk"), name="摸排.csv")
    assert job.created_count == 1, job.errors


def test_error_report_carries_the_rows_to_fix_and_upload_again(
    client, tree, streets, django_assert_max_num_queries
):
    bad_category = row(2, **{"类别": "奥数"})  # line 3
    bad_both = row(4, **{"有效期至": "明年", "状态": "营业"})  # line 5
    job = run(tree, xlsx([row(1), bad_category, row(3), bad_both]))
    assert (job.created_count, job.error_count) == (2, 2)
    client.force_login(tree.user("a", "officer"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("institutions:importjob-errors", args=[job.pk]))
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0] == [*HEADERS, "原文件行号", "错误原因"]
    assert len(rows) == 3  # the header and the two refused rows only
    by_name = {r[0]: r for r in rows[1:]}
    first = by_name["西湖第2艺术培训学校"]
    assert first[: len(HEADERS)] == bad_category
    assert first[-2] == 3 and first[-1].startswith("类别：") and "奥数" in first[-1]
    second = by_name["西湖第4艺术培训学校"]
    assert second[-2] == 5 and "有效期至：" in second[-1] and "状态：" in second[-1]

    # The user fixes the cells in place and uploads the report as it is.
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["机构"]
    column = {cell.value: cell.column for cell in sheet[1]}
    for line in (2, 3):
        name = sheet.cell(line, column["机构名称"]).value
        if name == "西湖第2艺术培训学校":
            sheet.cell(line, column["类别"]).value = "文化艺术"
        else:
            sheet.cell(line, column["有效期至"]).value = "2030-02-28"
            sheet.cell(line, column["状态"]).value = "正常"
    fixed = io.BytesIO()
    workbook.save(fixed)
    again = run(tree, fixed.getvalue(), name="摸排-已修改.xlsx")
    assert again.state == "done", again.message
    assert (again.created_count, again.error_count) == (2, 0), again.errors
    assert Institution.objects.filter(name__startswith="西湖第").count() == 4


def test_error_report_cells_are_never_formulas(client, tree, streets):
    import csv

    text = io.StringIO()
    named = row(1, **{"机构名称": '=HYPERLINK("http://x.example","点我")', "类别": "奥数"})
    csv.writer(text).writerows([HEADERS, named])
    job = run(tree, text.getvalue().encode(), name="摸排.csv")
    client.force_login(tree.user("a", "officer"))
    response = client.get(reverse("institutions:importjob-errors", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(response.content))["机构"]
    assert sheet["A2"].value.startswith("=HYPERLINK") and sheet["A2"].data_type == "s"


def test_error_report_of_a_file_gone_lists_row_column_reason(client, tree, streets):
    from django.core.files.storage import default_storage

    job = run(tree, xlsx([row(1, **{"类别": "奥数"})]))
    default_storage.delete(job.file)
    client.force_login(tree.user("a", "officer"))
    response = client.get(reverse("institutions:importjob-errors", args=[job.pk]))
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0] == ["行号", "列", "原因"]
    assert rows[1][:2] == [2, "类别"] and "奥数" in rows[1][2]


def test_template_has_drop_downs_for_choice_columns(client, tree):
    client.force_login(tree.user("a", "officer"))
    response = client.get(reverse("institutions:importjob-template"))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["机构"]
    choices = workbook["可选值"]
    assert choices.sheet_state == "hidden"
    letter = {cell.value: cell.column_letter for cell in sheet[1]}
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.showErrorMessage
        ref = validation.formula1.split("!")[1].replace("$", "")
        start, end = ref.split(":")
        values = [c.value for c in choices[start:end] for c in c]
        for cell_range in str(validation.sqref).split():
            lists[cell_range.split(":")[0].rstrip("0123456789")] = values
    assert lists[letter["类别"]] == ["学科类", "文化艺术", "体育", "科技", "职业技能", "托管"]
    assert "歇业" in lists[letter["状态"]] and "正常" in lists[letter["状态"]]
    assert lists[letter["营利性质"]] == ["营利", "非营利"]
    assert letter["机构名称"] not in lists and letter["培训对象"] not in lists


def test_template_has_the_chinese_headers_and_imports_cleanly(client, tree, streets):
    client.force_login(tree.user("a", "officer"))
    response = client.get(reverse("institutions:importjob-template"))
    assert response.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    assert sheet.to_python()[0] == HEADERS
    job = run(tree, response.content)
    assert job.created_count == 1, job.errors


# --- bad files: a clear Chinese message and nothing written -----------------------------


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


# --- the import applies exactly the services' rules (issue 8 item 7) -----------------------

NO_LICENCE = {
    "办学许可证编号": "",
    "发证机关": "",
    "发证日期": "",
    "有效期至": "",
    "核准办学范围": "",
}


def test_new_rows_are_refused_by_the_rules_of_a_registration(tree, streets):
    academic = {"类别": "学科类", "营利性质": "非营利", "培训对象": "义务教育", **NO_LICENCE}
    rows = [
        row(1, **academic),  # line 2: seed 003 §12, and no licence to operate
        row(2, **{**academic, "营利性质": "营利"}),  # line 3: and seed 003 §13
        row(3, **{"培训对象": "学龄前", **NO_LICENCE}),  # line 4: pre-school, seed 003 §12
        row(4, **NO_LICENCE),  # line 5: arts, 正常 without a school-running licence
        row(5, **{"状态": "停办整改", **NO_LICENCE}),  # line 6: 停办整改 passes through 正常
        row(6, **{"状态": "取缔", **NO_LICENCE}),  # line 7: 筹设 → 取缔 needs no licence
        row(7),  # line 8: licensed arts institution
    ]
    job = run(tree, xlsx(rows))
    assert (job.created_count, job.error_count) == (2, 5), job.errors
    errors = {(e["row"], e["column"]) for e in job.errors}
    assert errors == {
        (2, "类别"),
        (3, "类别"),
        (3, "营利性质"),
        (4, "类别"),
        (5, "状态"),
        (6, "状态"),
    }
    reasons = {(e["row"], e["column"]): e["reason"] for e in job.errors}
    assert "义务教育" in reasons[(2, "类别")] and "学龄前" in reasons[(4, "类别")]
    assert reasons[(5, "状态")] == reasons[(6, "状态")] == "正常办学须持有有效的办学许可证。"
    assert set(Institution.objects.values_list("credit_code", flat=True)) == {
        valid_code(6),
        valid_code(7),
    }


def test_a_credit_code_on_file_gets_one_message_on_every_path(tree, streets, as_system):
    from django.test import Client
    from rest_framework.test import APIClient

    from institutions.services.registry import institution_register

    institution_register(
        actor=None, bureau=tree.b, name="上城机构", category="arts", credit_code=valid_code(1)
    )
    job = run(tree, xlsx([row(1)]))
    by_import = job.errors[0]["reason"]
    api = APIClient()
    api.force_authenticate(tree.user("a", "officer"))
    by_api = api.post(
        reverse("institution-list"),
        {"name": "甲", "category": "arts", "credit_code": valid_code(1)},
        format="json",
    ).json()["credit_code"][0]
    client = Client()
    client.force_login(tree.user("a", "officer"))
    form = client.post(
        reverse("institutions:institution-create"),
        {
            "name": "甲",
            "category": "arts",
            "organization_form": "company",
            "profit": "for_profit",
            "delivery": "offline",
            "credit_code": valid_code(1),
        },
    ).content.decode()
    message = "该统一社会信用代码已登记（本区县或其他区县），不能重复登记。"
    assert by_import == by_api == message and message in form
