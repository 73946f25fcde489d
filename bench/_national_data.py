"""The national dataset of bench/national_dashboards.py: 31 provinces, 330 cities, 3,000
districts, and institutions, tip-offs, inspection visits, rectification notices, escrow
accounts and ledger entries in the numbers of COUNTS (times JIANGUAN_BENCH_SCALE; the bureau
tree is always whole). Made with INSERT … SELECT generate_series (set-based, no ORM row by
row), named 基准… so a re-run finds it and only tops it up. Import after django_setup()."""

import os
import time

from django.db import connection

from bureaus.context import acting, system_actor
from bureaus.models import Bureau, User

SCALE = float(os.environ.get("JIANGUAN_BENCH_SCALE", "1"))
PROVINCES, CITIES, DISTRICTS = 31, 330, 3000
COUNTS = {
    "institutions": 500_000,
    "complaints": 2_000_000,
    "visits": 1_000_000,
    "notices": 500_000,
    "accounts": 20_000,
    "ledger": 10_000_000,
}
COUNTS = {k: max(1, int(v * SCALE)) for k, v in COUNTS.items()}
PREFIX = "国基准"


def _columns(table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type, is_nullable, column_default, is_identity"
            " FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [table],
        )
        return cursor.fetchall()


_DEFAULTS = {
    "text": "''",
    "character varying": "''",
    "integer": "0",
    "smallint": "0",
    "bigint": "0",
    "boolean": "false",
    "date": "current_date",
    "timestamp with time zone": "now()",
    "jsonb": "'{}'::jsonb",
    "ARRAY": "'{}'",
    "double precision": "0",
    "numeric": "0",
    "inet": "NULL",
    "uuid": "gen_random_uuid()",
}


def insert_select(table, values: dict, source: str, params=None) -> int:
    """INSERT INTO table (…) SELECT <values, and a neutral value for every other NOT NULL
    column> <source>: one set-based statement, whatever the table's other columns."""
    names, exprs = [], []
    for name, data_type, nullable, default, identity in _columns(table):
        if name in values:
            names.append(name)
            exprs.append(values[name])
        elif identity == "YES" or default is not None or nullable == "YES":
            continue
        else:
            names.append(name)
            exprs.append(_DEFAULTS[data_type])
    sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def count(table, where="TRUE", params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or {})  # noqa: S608
        return cursor.fetchone()[0]


def make_tree():
    """31 provinces (codes 61–91), 10 or 11 cities each, 9 or 10 districts per city."""
    if count("bureaus_bureau", "name LIKE '国基准%%区'") >= DISTRICTS:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bureaus_bureau (code, name, level, parent_id, path)"
            " SELECT (60 + p)::text, '国基准' || p || '省', 'province', NULL,"
            "   '/' || (60 + p) || '/'"
            " FROM generate_series(1, %s) p ON CONFLICT DO NOTHING",
            [PROVINCES],
        )
        cursor.execute(
            "INSERT INTO bureaus_bureau (code, name, level, parent_id, path)"
            " SELECT pr.code || lpad((c / %(p)s + 1)::text, 2, '0'), '国基准' || c || '市', 'city',"
            "   pr.id, pr.path || pr.code || lpad((c / %(p)s + 1)::text, 2, '0') || '/'"
            " FROM generate_series(0, %(n)s - 1) c"
            " JOIN bureaus_bureau pr ON pr.code = (61 + c %% %(p)s)::text"
            " ON CONFLICT DO NOTHING",
            {"p": PROVINCES, "n": CITIES},
        )
        cursor.execute(
            "WITH cities AS (SELECT id, code, path, row_number() OVER (ORDER BY id) - 1 AS k"
            "   FROM bureaus_bureau WHERE level = 'city' AND name LIKE '国基准%%市')"
            " INSERT INTO bureaus_bureau (code, name, level, parent_id, path)"
            " SELECT ci.code || lpad((d / %(c)s + 1)::text, 2, '0'), '国基准' || d || '区',"
            "   'district', ci.id, ci.path || ci.code || lpad((d / %(c)s + 1)::text, 2, '0') || '/'"
            " FROM generate_series(0, %(n)s - 1) d JOIN cities ci ON ci.k = d %% %(c)s"
            " ON CONFLICT DO NOTHING",
            {"c": CITIES, "n": DISTRICTS},
        )


def district_ids() -> list[int]:
    return list(
        Bureau.objects.filter(level="district", name__startswith=PREFIX)
        .order_by("id")
        .values_list("id", flat=True)
    )


def fill(_size):
    started = time.perf_counter()
    make_tree()
    ids = district_ids()
    n = len(ids)
    p = {"ids": ids, "n": n}
    with acting(system_actor("bench")):
        issuer, _ = User.objects.get_or_create(username="bench_national_issuer")
    made = {}
    have = count("institutions_institution", "name LIKE '基准机构%%'")
    if have < COUNTS["institutions"]:
        made["institutions"] = insert_select(
            "institutions_institution",
            {
                "bureau_id": "(%(ids)s::bigint[])[1 + g %% %(n)s]",
                "name": "'基准机构' || g",
                "category": "(ARRAY['academic','arts','sports','science','vocational','care'])"
                "[1 + g %% 6]",
                "status": "(ARRAY['normal','normal','normal','normal','suspended','banned',"
                "'closed','preparing'])[1 + (g / 7) %% 8]",
                "created_at": "now() - (g %% 400) * interval '1 day'",
                "updated_at": "now()",
            },
            "FROM generate_series(%(start)s, %(total)s) g",
            {**p, "start": have + 1, "total": COUNTS["institutions"]},
        )
        made["licences"] = insert_select(
            "institutions_credential",
            {
                "bureau_id": "i.bureau_id",
                "institution_id": "i.id",
                "kind": "'school_licence'",
                "number": "'教民' || i.id",
                "expires_on": "current_date + ((i.id %% 900) - 100) * interval '1 day'",
            },
            "FROM institutions_institution i WHERE i.name LIKE '基准机构%%' AND i.id %% 3 = 0"
            " AND NOT EXISTS (SELECT 1 FROM institutions_credential c"
            "   WHERE c.institution_id = i.id AND c.kind = 'school_licence')",
        )
        made["list entries"] = insert_select(
            "institutions_listentry",
            {
                "bureau_id": "i.bureau_id",
                "institution_id": "i.id",
                "kind": "CASE WHEN i.id %% 2 = 0 THEN 'white' ELSE 'black' END",
                "created_at": "now()",
            },
            "FROM institutions_institution i WHERE i.name LIKE '基准机构%%' AND i.id %% 40 = 1"
            # A top-up (a larger scale over a kept database) adds only what is missing.
            " AND NOT EXISTS (SELECT 1 FROM institutions_listentry e"
            "   WHERE e.institution_id = i.id)",
        )
    have = count("complaints_complaint", "tracking_code LIKE 'JBNAT%%'")
    if have < COUNTS["complaints"]:
        made["tip-offs"] = insert_select(
            "complaints_complaint",
            {
                "bureau_id": "(%(ids)s::bigint[])[1 + g %% %(n)s]",
                "tracking_code": "'JBNAT' || lpad(g::text, 10, '0')",
                "channel": "'web'",
                "institution_name": "'基准机构' || (g %% 5000)",
                "category": "'academic'",
                "description": "'基准举报内容'",
                "status": "(ARRAY['received','accepted','assigned','investigating','concluded',"
                "'closed','closed','closed'])[1 + (g / 11) %% 8]",
                "received_at": "now() - ((g / %(n)s) %% 365) * interval '1 day'",
                "due_on": "(now() - ((g / %(n)s) %% 365) * interval '1 day'"
                " + interval '14 days')::date",
            },
            "FROM generate_series(%(start)s, %(total)s) g",
            {**p, "start": have + 1, "total": COUNTS["complaints"]},
        )
    if not count("inspections_campaign", "name = '基准专项行动'"):
        with acting(system_actor("bench")):
            from inspections.models import ChecklistTemplate

            template, _ = ChecklistTemplate.objects.get_or_create(name="基准清单", bureau=None)
        insert_select(
            "inspections_campaign",
            {
                "bureau_id": "b.id",
                "name": "'基准专项行动'",
                "kind": "'special'",
                "template_id": str(template.pk),
                "template_version": "1",
                "starts_on": "current_date - 60",
                "ends_on": "current_date + 30",
                "report_days": "'{13,27}'",
                "created_at": "now()",
            },
            "FROM bureaus_bureau b WHERE b.id = ANY(%(ids)s)",
            p,
        )
        insert_select(
            "inspections_campaignshare",
            {"bureau_id": "c.bureau_id", "campaign_id": "c.id", "created_at": "now()"},
            "FROM inspections_campaign c WHERE c.name = '基准专项行动'",
        )
    have = count("inspections_inspection", "summary = '基准'")
    per = max(1, round(COUNTS["visits"] / max(1, COUNTS["institutions"])))
    if have < COUNTS["visits"]:
        made["visits"] = insert_select(
            "inspections_inspection",
            {
                "bureau_id": "i.bureau_id",
                "share_id": "s.id",
                "institution_id": "i.id",
                "planned_on": "current_date - (i.id %% 300)::int",
                "started_at": "now() - (i.id %% 300) * interval '1 day'",
                "personnel_times": "2 + k",
                "vehicle_trips": "1",
                "status": "CASE WHEN (i.id + k) %% 4 = 0 THEN 'planned' ELSE 'concluded' END",
                "outcome": "CASE WHEN (i.id + k) %% 3 = 0 THEN 'rectify' ELSE 'compliant' END",
                "summary": "'基准'",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "FROM institutions_institution i CROSS JOIN generate_series(1, %(per)s) k"
            " JOIN inspections_campaignshare s ON s.bureau_id = i.bureau_id"
            " JOIN inspections_campaign c ON c.id = s.campaign_id AND c.name = '基准专项行动'"
            " WHERE i.name LIKE '基准机构%%'"
            " AND NOT EXISTS (SELECT 1 FROM inspections_inspection x"
            "   WHERE x.institution_id = i.id AND x.summary = '基准')",
            {"per": per},
        )
    have = count("inspections_rectificationnotice", "requirements = '基准整改'")
    if have < COUNTS["notices"]:
        every = max(1, round(COUNTS["visits"] / COUNTS["notices"]))
        made["notices"] = insert_select(
            "inspections_rectificationnotice",
            {
                "bureau_id": "v.bureau_id",
                "inspection_id": "v.id",
                "number": "'基准整改' || v.id",
                "status": "(ARRAY['issued','submitted','closed','closed','rejected','escalated'])"
                "[1 + v.id %% 6]",
                "requirements": "'基准整改'",
                "working_days": "10",
                "issued_at": "v.started_at",
                "issued_by_id": str(issuer.pk),
                "due_on": "(v.started_at + interval '14 days')::date",
                "overdue_since": "CASE WHEN v.id %% 6 IN (0, 5) AND v.started_at < now() - "
                "interval '14 days' THEN (v.started_at + interval '15 days')::date END",
                "updated_at": "now()",
            },
            "FROM inspections_inspection v WHERE v.summary = '基准' AND v.id %% %(every)s = 0"
            " AND v.status <> 'planned'"
            " AND NOT EXISTS (SELECT 1 FROM inspections_rectificationnotice r"
            "   WHERE r.inspection_id = v.id)",
            {"every": every},
        )
    have = count("funds_escrowaccount", "bank = '基准银行'")
    if have < COUNTS["accounts"]:
        # Half the institutions operate (normal or suspended): take every n/2-th, then the limit.
        every = max(1, COUNTS["institutions"] // COUNTS["accounts"] // 2)
        made["escrow accounts"] = insert_select(
            "funds_escrowaccount",
            {
                "bureau_id": "i.bureau_id",
                "institution_id": "i.id",
                "bank": "'基准银行'",
                "account_number": "'bench'",
                "account_number_index": "md5(i.id::text)",
                "agreed_on": "current_date - 400",
                "mode": "'custody'",
                "minimum_kind": "'fixed'",
                "status": "'active'",
                "balance_fen": "(i.id %% 1000) * 100000",
                "created_at": "now()",
            },
            "FROM institutions_institution i WHERE i.name LIKE '基准机构%%'"
            " AND i.id %% %(every)s = 0 AND i.status IN ('normal', 'suspended')"
            " AND NOT EXISTS (SELECT 1 FROM funds_escrowaccount a WHERE a.institution_id = i.id)"
            " LIMIT %(limit)s",
            {"every": every, "limit": COUNTS["accounts"] - have},
        )
        insert_select(
            "funds_fundwarning",
            {
                "bureau_id": "a.bureau_id",
                "account_id": "a.id",
                "kind": "'below_threshold'",
                "level": "CASE WHEN a.id %% 2 = 0 THEN 'yellow' ELSE 'red' END",
                "key": "'below_threshold'",
                "detail": "'基准预警'",
                "status": "'open'",
                "raised_at": "now()",
            },
            "FROM funds_escrowaccount a WHERE a.bank = '基准银行' AND a.id %% 7 = 0"
            " AND NOT EXISTS (SELECT 1 FROM funds_fundwarning w WHERE w.account_id = a.id)",
        )
    have = count("funds_ledgerentry", "note = '基准'")
    if have < COUNTS["ledger"]:
        accounts = max(1, count("funds_escrowaccount", "bank = '基准银行'"))
        per = max(1, COUNTS["ledger"] // accounts)
        made["ledger entries"] = insert_select(
            "funds_ledgerentry",
            {
                "bureau_id": "a.bureau_id",
                "account_id": "a.id",
                "kind": "CASE WHEN k %% 3 = 0 THEN 'release' ELSE 'deposit' END",
                "amount_fen": "CASE WHEN k %% 3 = 0 THEN -5000 ELSE 10000 END",
                "balance_after_fen": "k * 5000",
                "booked_on": "current_date - (k %% 365)",
                "note": "'基准'",
                "created_at": "now()",
            },
            "FROM funds_escrowaccount a CROSS JOIN generate_series(1, %(per)s) k"
            " WHERE a.bank = '基准银行'"
            " AND NOT EXISTS (SELECT 1 FROM funds_ledgerentry e"
            "   WHERE e.account_id = a.id AND e.note = '基准')",
            {"per": per},
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if made:
        print(
            f"made {', '.join(f'{v:,} {k}' for k, v in made.items())} in "
            f"{time.perf_counter() - started:.1f} s (scale {SCALE})",
            flush=True,
        )
