"""Official documents end to end: render (WeasyPrint), seal, number, sign (pyHanko), hash,
store and register, as `documents.services.document_issue` does for every app.

Times a 1-page notice (target ≤ 1 s including signing) and a list of about 20 pages (target
≤ 0.3 s per page), after one warm-up issue (the first pays WeasyPrint's import and the
bureau's key creation). Run: DATABASE_URL=... .venv/bin/python bench/documents_render.py
"""

import os
import statistics
import tempfile
import time

os.environ.setdefault("DJANGO_MEDIA_ROOT", tempfile.mkdtemp(prefix="jianguan-bench-docs-"))

from _setup import bench_districts, django_setup, percentile

django_setup()

from bureaus.context import acting, system_actor  # noqa: E402
from documents import services  # noqa: E402
from documents.models import IssuedDocument  # noqa: E402

NOTICES = 15
LIST_ROWS = 210  # about 20 A4 pages of a six-column table
RUN = str(time.time_ns())


def notice(bureau, n):
    paragraphs = [
        "根据《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》，经现场检查，"
        "你机构存在超范围培训、未公示收费标准等问题。",
        "请于收到本通知之日起十五个工作日内完成整改，并将整改情况书面报送我局。",
        "特此通知。",
    ]
    return services.document_issue(
        actor=None,
        bureau=bureau,
        kind=IssuedDocument.Kind.RECTIFICATION_NOTICE,
        title="关于责令限期整改的通知",
        template="documents/pdf/notice.html",
        context={"paragraphs": paragraphs},
        recipient="某某培训学校",
        idempotency_key=f"bench:{RUN}:notice:{n}",
    )


def black_list(bureau, n):
    rows = [
        [
            str(i),
            f"基准校外培训机构{i:04d}有限公司",
            f"91980101MA{i:08d}",
            f"基准市基准区文三路{i}号",
            "未取得办学许可证擅自开展学科类培训",
            "2026-11-25",
        ]
        for i in range(1, LIST_ROWS + 1)
    ]
    return services.document_issue(
        actor=None,
        bureau=bureau,
        kind=IssuedDocument.Kind.LIST,
        title="关于公布校外培训机构黑名单的公告",
        template="documents/pdf/table.html",
        context={
            "paragraphs": ["现将本区校外培训机构黑名单公布如下。"],
            "columns": ["序号", "机构名称", "统一社会信用代码", "地址", "列入事由", "公布日期"],
            "rows": rows,
            "closing": ["特此公告。"],
        },
        idempotency_key=f"bench:{RUN}:list:{n}",
        public=True,
    )


def main():
    _city, (bureau,) = bench_districts(1)
    with acting(system_actor("bench")):
        started = time.perf_counter()
        notice(bureau, "warm-up")
        print(
            f"first issue (WeasyPrint import, key creation): {time.perf_counter() - started:.2f} s"
        )
        times = []
        for n in range(NOTICES):
            started = time.perf_counter()
            document = notice(bureau, n)
            times.append(time.perf_counter() - started)
        print(
            f"1-page notice, end to end incl. signing ({NOTICES} runs, {document.pages} page): "
            f"median {statistics.median(times) * 1000:.0f} ms, "
            f"p95 {percentile(times, 95) * 1000:.0f} ms (target ≤ 1000 ms); "
            f"{document.file.size >> 10} KB"
        )
        list_times = []
        for n in range(3):
            started = time.perf_counter()
            document = black_list(bureau, n)
            list_times.append(time.perf_counter() - started)
        best = min(list_times)
        median = statistics.median(list_times)
        print(
            f"{document.pages}-page list ({LIST_ROWS} rows, 3 runs): median {median:.2f} s, "
            f"{median / document.pages * 1000:.0f} ms per page "
            f"(best {best / document.pages * 1000:.0f}; target ≤ 300 ms per page); "
            f"{document.file.size >> 10} KB"
        )


if __name__ == "__main__":
    main()
