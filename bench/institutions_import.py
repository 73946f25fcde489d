"""Survey import at scale: a 10,000-row .xlsx with 1% bad rows, end to end (upload checks,
parsing, row checks, writes with their audit rows), then the same file again.

Target (issue 3): 10,000 rows under 30 s end to end, parsing at 20,000 rows/s or more.
Run: DATABASE_URL=... .venv/bin/python bench/institutions_import.py  (or `make bench`)
"""

import io
import random
import time
from unittest import mock

from _setup import ROOT, bench_district, django_setup

django_setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from bureaus.context import acting, system_actor  # noqa: E402
from bureaus.models import AuditEvent  # noqa: E402
from core.spreadsheets import check_header, read_rows  # noqa: E402
from institutions.credit_code import make_code  # noqa: E402
from institutions.importing.columns import COLUMNS  # noqa: E402
from institutions.importing.jobs import import_job_create, import_run  # noqa: E402
from institutions.importing.rows import check_row  # noqa: E402
from institutions.models import Institution  # noqa: E402

ROWS = 10_000
BAD_EVERY = 100  # 1% bad rows
CATEGORIES = ["文化艺术", "体育", "科技", "职业技能", "托管"]
KINDS = ["美术", "舞蹈", "钢琴", "篮球", "游泳", "围棋", "编程", "机器人", "书法", "跆拳道"]
BRANDS = ["启航", "博雅", "童趣", "星辰", "小树苗", "睿思", "乐学", "翰墨", "青苗", "晨曦"]


def make_district():
    rng = random.Random()
    code = f"99{rng.randint(0, 9999):04d}"
    return bench_district(
        code,
        f"基准区{code}",
        province=("99", "基准测试省"),
        city=("9901", "基准测试市"),
        streets=("北山街道", "西溪街道", "翠苑街道"),
    )


def credit_code(district_code, n):
    # Benchmark districts (9801xx) are no real division: the code names a real one (330100).
    return make_code(division="330100", organization_body=f"M{district_code[-2:]}{n:05d}")


def workbook(district_code) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("机构")
    ws.append([h for _k, h, _r in COLUMNS])
    rng = random.Random(7)
    for n in range(1, ROWS + 1):
        code = credit_code(district_code, n)
        category = rng.choice(CATEGORIES)
        expires = "2029-06-30"
        if n % BAD_EVERY == 0:
            kind = (n // BAD_EVERY) % 3
            if kind == 0:
                code = code[:-1] + ("0" if code[-1] != "0" else "1")  # wrong check digit
            elif kind == 1:
                category = "奥数"  # not a category
            else:
                expires = "明年六月"  # not a date
        ws.append(
            [
                f"{rng.choice(BRANDS)}{rng.choice(KINDS)}培训中心{n}号",
                code,
                category,
                "公司",
                "营利",
                "线下",
                "义务教育",
                "正常",
                rng.choice(["北山街道", "西溪街道", "翠苑街道"]),
                f"文三路{n}号",
                "王老师",
                f"138{n:08d}",
                f"教民{district_code}{n:07d}号",
                "基准区教育局",
                "2024-07-01",
                expires,
                "美术、书法",
                code,
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run_import(district, data):
    """The file imported end to end: (the job, seconds, audit rows the import wrote)."""
    audit_before = AuditEvent.objects.count()
    upload = SimpleUploadedFile("bench.xlsx", data)
    started = time.perf_counter()
    with acting(system_actor("bench")), mock.patch("institutions.tasks.import_run.apply_async"):
        job = import_job_create(actor=None, bureau=district, upload=upload)
        import_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    return job, elapsed, AuditEvent.objects.count() - audit_before


def main():
    district = make_district()
    t = time.perf_counter()
    data = workbook(district.code)
    print(
        f"file: {ROWS} rows, {len(data) / 1e6:.2f} MB, written in {time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    rows = read_rows(data, "xlsx")
    parse = time.perf_counter() - t
    count = len(rows) - 1
    print(f"parse (calamine): {count} rows in {parse:.3f} s = {count / parse:,.0f} rows/s")
    positions = check_header(rows[0], COLUMNS)
    streets = {"北山街道": 1, "西溪街道": 2, "翠苑街道": 3}
    t = time.perf_counter()
    for line, cells in enumerate(rows[1:], start=2):
        raw = {key: cells[i] for key, i in positions.items()}
        check_row(line, raw, streets=streets, today=None)
    check = time.perf_counter() - t
    print(
        f"row checks: {(len(rows) - 1) / check:,.0f} rows/s; parse + checks: "
        f"{(len(rows) - 1) / (parse + check):,.0f} rows/s"
    )

    job, elapsed, audit_rows = run_import(district, data)
    print(
        f"import 1: {elapsed:.1f} s end to end; created {job.created_count}, "
        f"errors {job.error_count} rows, audit rows written {audit_rows}"
    )
    assert job.created_count == ROWS - ROWS // BAD_EVERY, job.message
    assert job.error_count == ROWS // BAD_EVERY

    job2, elapsed2, audit_rows = run_import(district, data)
    print(
        f"import 2 (same file): {elapsed2:.1f} s; created {job2.created_count}, updated "
        f"{job2.updated_count}, unchanged {job2.unchanged_count}, audit rows {audit_rows} "
        "(the job's own)"
    )
    assert job2.created_count == 0 and job2.updated_count == 0
    assert Institution.objects.filter(bureau=district).count() == job.created_count
    (ROOT / "bench" / "out").mkdir(exist_ok=True)


if __name__ == "__main__":
    main()
