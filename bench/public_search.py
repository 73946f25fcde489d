"""Public search over 100,000 institutions: the lookup parents use before paying.

Seeds 100,000 institutions (once; a second run reuses them) in ten bench districts, with
licences and published list entries, then times the public search page end to end (request,
queries, template) for name fragments, pinyin initials, credit codes and misses.
Target (issue 3): p95 ≤ 100 ms. Run: DATABASE_URL=... .venv/bin/python bench/public_search.py
"""

import random
import statistics
import time

from _setup import bench_districts, django_setup, percentile

django_setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from institutions.credit_code import make_code  # noqa: E402
from institutions.demo import BRANDS  # noqa: E402
from institutions.models import (  # noqa: E402
    Credential,
    Institution,
    ListEntry,
    pinyin_initials,
    search_bigrams,
)

TOTAL = 100_000
DISTRICTS = 10
QUERIES = 400
rng = random.Random(2026)

PLACES = [
    "西湖",
    "上城",
    "拱墅",
    "滨江",
    "萧山",
    "余杭",
    "临平",
    "钱塘",
    "富阳",
    "临安",
    "桐庐",
    "淳安",
]
KINDS = [
    "美术",
    "书法",
    "舞蹈",
    "钢琴",
    "声乐",
    "围棋",
    "篮球",
    "游泳",
    "跆拳道",
    "编程",
    "机器人",
    "科学实验",
    "击剑",
    "足球",
    "国画",
    "戏剧",
    "口才",
    "播音主持",
    "托管",
    "航模",
]
SUFFIX = ["培训有限公司", "教育科技有限公司", "艺术培训中心", "培训学校", "俱乐部", "工作室"]


def code_for(district_code, n):
    # Benchmark districts (9801xx) are no real division: the code names a real one (330100).
    return make_code(
        division="330100", organization_body=f"M{district_code[-2:]}{n:05d}", authority_type="92"
    )


def seed():
    _city, districts = bench_districts(DISTRICTS)
    have = Institution.objects.filter(bureau__in=districts).count()
    if have >= TOTAL:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE institutions_institution")
        return districts
    print(f"seeding {TOTAL} institutions …")
    t = time.perf_counter()
    per = TOTAL // DISTRICTS
    for district in districts:
        rows = []
        for n in range(per):
            name = (
                f"{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(KINDS)}"
                f"{rng.choice(SUFFIX)}{n if rng.random() < 0.3 else ''}"
            )
            rows.append(
                Institution(
                    bureau=district,
                    name=name,
                    name_initials=(initials := pinyin_initials(name)),
                    search_bigrams=search_bigrams(name, initials),
                    credit_code=code_for(district.code, n),
                    category="arts",
                    department="culture",
                    status=rng.choice(["normal"] * 8 + ["suspended", "banned", "preparing"]),
                    address=f"{rng.choice(PLACES)}路{n}号",
                )
            )
        # Bench data only: written without the audit trail (the import bench covers audited
        # bulk writes); the public search reads the same tables either way.
        created = Institution.objects.dangerously_unaudited().bulk_create(rows, batch_size=5000)
        Credential.objects.dangerously_unaudited().bulk_create(
            [
                Credential(
                    institution=i,
                    kind="school_licence",
                    number=f"教民{i.pk}号",
                    scope="美术、书法",
                )
                for i in created
                if rng.random() < 0.7
            ],
            batch_size=5000,
        )
        ListEntry.objects.dangerously_unaudited().bulk_create(
            [
                ListEntry(
                    institution=i,
                    kind="black",
                    reason="无证办学",
                    published_on="2026-01-01",
                )
                for i in created
                if rng.random() < 0.02
            ],
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE institutions_institution")
        cursor.execute("ANALYZE institutions_credential")
        cursor.execute("ANALYZE institutions_listentry")
    print(f"seeded in {time.perf_counter() - t:.0f} s")
    return districts


def queries(districts):
    names = list(
        Institution.objects.filter(bureau__in=districts).values_list(
            "name", "name_initials", "credit_code"
        )[:: TOTAL // 500]
    )
    out = []
    for _ in range(QUERIES):
        name, initials, code = rng.choice(names)
        kind = rng.random()
        if kind < 0.35:
            start = rng.randint(0, max(0, len(name) - 4))
            out.append(("name fragment", name[start : start + rng.randint(2, 4)]))
        elif kind < 0.55:
            out.append(("full name", name))
        elif kind < 0.75:
            out.append(("pinyin initials", initials[: rng.randint(3, 6)]))
        elif kind < 0.9:
            out.append(("credit code", code))
        else:
            out.append(("miss", rng.choice(["不存在的机构", "火星补习班", "zzqxv"])))
    return out


def main():
    districts = seed()
    client = Client(HTTP_HOST="localhost")
    client.get("/public/institutions/", {"q": "西湖"})  # warm up
    timings = {}
    for kind, q in queries(districts):
        t = time.perf_counter()
        response = client.get("/public/institutions/", {"q": q})
        elapsed = (time.perf_counter() - t) * 1000
        assert response.status_code == 200
        timings.setdefault(kind, []).append(elapsed)
    every = [x for values in timings.values() for x in values]
    total = Institution.objects.count()
    print(f"public search over {total:,} institutions, {len(every)} requests end to end:")
    for kind, values in sorted(timings.items()):
        print(
            f"  {kind:<16} n={len(values):<4} p50={statistics.median(values):6.1f} ms  "
            f"p95={percentile(values, 95):6.1f} ms  max={max(values):6.1f} ms"
        )
    print(
        f"  {'all':<16} n={len(every):<4} p50={statistics.median(every):6.1f} ms  "
        f"p95={percentile(every, 95):6.1f} ms  max={max(every):6.1f} ms"
    )


if __name__ == "__main__":
    main()
