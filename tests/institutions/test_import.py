"""Survey import: good rows in, bad rows reported by row and column, re-import changes
nothing, bad files refused whole. The task runs for real (its function, then `.apply()`)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from bureaus.models import AuditEvent
from institutions.models import Credential, Institution, StatusChange
from tests.institutions.conftest import valid_code, wrong_code
from tests.institutions.imports import HEADERS, row, run, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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
