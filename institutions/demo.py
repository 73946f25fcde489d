"""Demo registry: a few hundred institutions across the three demo districts, with licences,
staff, sites, list entries, annual reviews and some rule violations. Idempotent: institutions
are keyed by their credit code, and a district already seeded is left alone."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from bureaus.demo import DISTRICTS
from bureaus.models import Bureau, Street
from institutions.credit_code import make_code
from institutions.models import (
    AnnualReview,
    Credential,
    Institution,
    Site,
    Staff,
    StatusChange,
    pinyin_initials,
    search_bigrams,
)
from institutions.services.lists import list_entry_add
from institutions.services.registry import institution_refresh_warnings

PER_DISTRICT = 100

BRANDS = [
    "启航",
    "博雅",
    "童趣",
    "星辰",
    "小树苗",
    "睿思",
    "乐学",
    "翰墨",
    "青苗",
    "晨曦",
    "蓝天",
    "智慧树",
    "彩虹",
    "墨香",
    "金话筒",
    "飞跃",
    "优佳",
    "阳光",
    "育才",
    "明德",
    "知行",
    "梦想",
    "书香",
]
KINDS = {
    "arts": ["美术", "书法", "舞蹈", "钢琴", "声乐", "戏剧表演", "国画"],
    "sports": ["篮球", "游泳", "跆拳道", "围棋", "乒乓球", "击剑", "足球"],
    "science": ["机器人", "编程", "科学实验", "航模", "创客"],
    "vocational": ["职业技能", "会计", "电工", "育婴师"],
    "academic": ["学科辅导", "英语", "数学思维", "语文阅读"],
    "care": ["托管", "晚托", "午托"],
}
SUFFIX = {
    "company": ["培训有限公司", "教育科技有限公司", "艺术培训中心"],
    "pne": ["培训学校", "培训中心"],
}
CATEGORY_WEIGHTS = [
    ("arts", 32),
    ("sports", 24),
    ("science", 14),
    ("vocational", 6),
    ("academic", 12),
    ("care", 12),
]
STATUS_WEIGHTS = [
    ("normal", 74),
    ("suspended", 8),
    ("preparing", 8),
    ("banned", 4),
    ("deregistered", 3),
    ("closed", 3),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛"]
ROADS = [
    "文三路",
    "文二路",
    "教工路",
    "古墩路",
    "天目山路",
    "莫干山路",
    "湖墅南路",
    "解放路",
    "庆春路",
    "延安路",
    "凤起路",
    "体育场路",
    "学院路",
    "丰潭路",
    "留和路",
]


def demo_code(district_code: str, n: int) -> str:
    return make_code(division=district_code, organization_body=f"MA2{n:05d}")


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


@transaction.atomic
def seed() -> None:
    """Create the demo registry (skips districts that already have it)."""
    today = timezone.localdate()
    for district_code, (district_name, _slug, _streets) in DISTRICTS.items():
        bureau = Bureau.objects.get(code=district_code)
        codes = [demo_code(district_code, n) for n in range(1, PER_DISTRICT + 1)]
        if Institution.objects.filter(credit_code__in=codes).exists():
            continue
        rng = random.Random(district_code)  # noqa: S311 - demo data, reproducible on purpose
        _seed_district(bureau, district_name, codes, today, rng)


def _seed_district(bureau, district_name, codes, today, rng):
    streets = list(Street.objects.filter(bureau=bureau))
    names = set()
    institutions = []
    for code in codes:
        category = _pick(rng, CATEGORY_WEIGHTS)
        form = "pne" if category == "academic" or rng.random() < 0.25 else "company"
        while True:
            name = (
                f"{district_name[:2]}{rng.choice(BRANDS)}{rng.choice(KINDS[category])}"
                f"{rng.choice(SUFFIX[form])}"
            )
            if name not in names:
                names.add(name)
                break
        profit = "non_profit" if category == "academic" else "for_profit"
        if category == "academic" and rng.random() < 0.2:
            profit = "for_profit"  # not yet re-registered: seed 003 §13 warning
        street = rng.choice(streets) if streets else None
        institution = Institution(
            bureau=bureau,
            name=name,
            name_initials=(initials := pinyin_initials(name)),
            search_bigrams=search_bigrams(name, initials),
            credit_code=code,
            category=category,
            department=Institution.DEPARTMENT_FOR_CATEGORY[category],
            organization_form=form,
            profit=profit,
            delivery="online" if rng.random() < 0.08 else "offline",
            audience_compulsory=category != "care" or rng.random() < 0.5,
            audience_highschool=category in ("academic", "arts") and rng.random() < 0.3,
            status=_pick(rng, STATUS_WEIGHTS),
            street=street,
            address=f"杭州市{district_name}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
            f"{rng.randint(1, 6)}楼",
            contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        )
        institutions.append(institution)
    Institution.objects.bulk_create(institutions)

    credentials = []
    for n, i in enumerate(institutions):
        licensed = i.status != "preparing" and rng.random() > 0.12  # some run without one
        if licensed:
            issued = today - dt.timedelta(days=rng.randint(100, 1400))
            expires = issued + dt.timedelta(days=3 * 365)
            if n % 17 == 0:
                expires = today + dt.timedelta(days=rng.randint(5, 55))  # expiring soon
            credentials.append(
                Credential(
                    institution=i,
                    kind="school_licence",
                    number=f"教民{bureau.code}{n + 1:06d}号",
                    issuer=f"杭州市{district_name}教育局",
                    issued_on=issued,
                    expires_on=expires,
                    scope="、".join(
                        rng.sample(KINDS[i.category], k=min(2, len(KINDS[i.category])))
                    ),
                )
            )
        if i.status != "preparing":
            kind = "pne_certificate" if i.organization_form == "pne" else "business_licence"
            credentials.append(Credential(institution=i, kind=kind, number=i.credit_code))
    for c in credentials:
        c.expiry_state = c.expiry_on(today)
    Credential.objects.bulk_create(credentials)

    staff, sites, reviews = [], [], []
    for n, i in enumerate(institutions):
        for k in range(rng.randint(1, 3)):
            qualified = i.category != "academic" or rng.random() > 0.15
            staff.append(
                Staff(
                    institution=i,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    subjects="、".join(rng.sample(KINDS[i.category], k=1)),
                    qualification_number=f"2019330{n:05d}{k}" if qualified else "",
                    is_in_service_teacher=n % 41 == 0 and k == 0,  # seed 003 §22 violation
                )
            )
        sites.append(
            Site(
                institution=i,
                address=i.address,
                street=i.street,
                area_m2=rng.randint(80, 800),
                approved=n % 23 != 0,
                fire_safety="none" if n % 19 == 0 else rng.choice(["acceptance", "filing"]),
            )
        )
        if i.status in ("normal", "suspended"):
            reviews.append(
                AnnualReview(
                    institution=i,
                    year=today.year - 1,
                    result="fail"
                    if i.status == "suspended"
                    else rng.choice(["pass", "pass", "basic"]),
                    reviewed_on=dt.date(today.year - 1, 12, 15),
                )
            )
    Staff.objects.bulk_create(staff)
    history = {
        "suspended": "检查发现消防设施不全，责令停办整改",
        "banned": "无证办学，联合执法予以取缔",
        "deregistered": "机构申请注销",
        "closed": "机构自行停办",
    }
    StatusChange.objects.bulk_create(
        [
            StatusChange(
                institution=i,
                from_status="normal",
                to_status=i.status,
                reason=history[i.status],
                decided_on=today - dt.timedelta(days=rng.randint(10, 200)),
            )
            for i in institutions
            if i.status in history
        ]
    )
    Site.objects.bulk_create(sites)
    AnnualReview.objects.bulk_create(reviews)

    for i in institutions:
        institution_refresh_warnings(institution=i, today=today)
    white = [i for i in institutions if i.status == "normal" and not i.warning_codes][:12]
    for n, i in enumerate(white):
        list_entry_add(actor=None, institution=i, kind="white", publish=n < 10)
    black_reasons = [
        "无证无照开展学科类培训",
        "预收费未进入监管专户，卷款停业",
        "虚假宣传、超范围培训",
        "聘用在职中小学教师有偿补课",
    ]
    black = [i for i in institutions if i.status in ("banned", "suspended")][:4]
    for n, i in enumerate(black):
        list_entry_add(
            actor=None,
            institution=i,
            kind="black",
            reason=black_reasons[n % len(black_reasons)],
            publish=n < 3,
        )
