"""Demo tip-offs for `manage.py seed_demo`: about a hundred per demo district in every state of
the workflow, some overdue, some named with rewards, some refund disputes, and supervision
orders from the city. Idempotent: a district that already has tip-offs is skipped."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from bureaus.demo import DISTRICTS
from bureaus.models import Bureau, Membership, User
from complaints.models import Complaint
from complaints.services import handling, intake, orders, refunds, rewards
from institutions.models import Institution

PER_DISTRICT = 100

FREE_TEXT = [
    ("智慧树课外辅导", "某小区会所二楼"),
    ("学霸一对一", "商业街18号3楼"),
    ("英才思维训练营", "社区活动中心"),
    ("小状元托管班", "幼儿园对面民房"),
    ("名师堂", "写字楼1203室"),
]
DESCRIPTIONS = {
    "unlicensed": "没有办学许可证，在居民楼里招收中小学生上课。",
    "academic": "以“思维训练”名义讲授初中数学、英语课程。",
    "ahead": "给四年级学生讲六年级奥数内容。",
    "fees": "一次性收取一年学费两万元，现在拒不退费。",
    "teacher": "某中学在职数学老师周末在此有偿补课。",
    "safety": "教室只有一个出口，没有灭火器。",
    "advertising": "在校门口发传单宣传“提分保过”。",
    "other": "晚上九点半以后还在上课。",
}
REPLIES = {
    "substantiated": "经核查，举报问题属实。已责令该机构停止违规行为并限期整改。",
    "unsubstantiated": "经现场核查，未发现举报所述问题，将继续加强日常监管。",
    "false_report": "经核查，举报内容与事实不符。",
}
OUT_OF_SCOPE = "该事项不属于教育部门职责，请向市场监管部门反映。"
# Where each demo tip-off ends up: weights of the final states.
STATES = [
    ("received", 12),
    ("accepted", 8),
    ("assigned", 15),
    ("investigating", 15),
    ("concluded", 15),
    ("closed", 25),
    ("rejected", 5),
    ("merged", 5),
]


def _actor(username: str, bureau: Bureau):
    user = User.objects.get(username=username)
    user.membership = Membership.objects.select_related("bureau").get(user=user, bureau=bureau)
    return user


def seed() -> None:
    """Create the demo tip-offs (skips districts that already have them)."""
    for code, (_name, slug, _streets) in DISTRICTS.items():
        bureau = Bureau.objects.filter(code=code).first()
        if bureau is None or Complaint.objects.filter(bureau=bureau).exists():
            continue
        # A fixed seed: the same demo every time, not a secret.
        _seed_district(bureau, slug, random.Random(f"complaints-{code}"))  # noqa: S311
    _seed_orders()


@transaction.atomic
def _seed_district(bureau, slug, rng):
    admin = _actor(f"{slug}_admin", bureau)
    officer = _actor(f"{slug}_officer", bureau)
    institutions = list(Institution.objects.filter(bureau=bureau).order_by("id")[:40])
    now = timezone.now()
    made = []
    for n in range(PER_DISTRICT):
        institution = rng.choice(institutions) if institutions and rng.random() < 0.7 else None
        name, address = rng.choice(FREE_TEXT) if institution is None else ("", "")
        category = rng.choice(list(DESCRIPTIONS))
        named = rng.random() < 0.4
        channel = rng.choice(["web"] * 6 + ["phone", "letter", "visit", "hotline", "referral"])
        complaint, _secret = intake.complaint_receive(
            bureau=bureau,
            channel=channel,
            institution=institution,
            institution_name=name,
            institution_address=address,
            category=category,
            description=DESCRIPTIONS[category],
            observed_on=None,
            reporter_name=rng.choice(["张", "李", "王", "刘", "陈"]) + "女士" if named else "",
            reporter_phone=f"139{rng.randrange(10**7, 10**8)}" if named else "",
            external_ref=f"12345-{bureau.code}-{n:04d}" if channel == "hotline" else "",
            # Spread over the last two months, so some open ones are overdue.
            received_at=now - dt.timedelta(days=rng.randrange(0, 60), hours=rng.randrange(24)),
            actor=officer if channel != "web" else None,
        )
        state = rng.choices([s for s, _w in STATES], weights=[w for _s, w in STATES])[0]
        _advance(complaint, state, admin=admin, officer=officer, made=made, rng=rng)
        made.append(complaint)


def _advance(complaint, state, *, admin, officer, made, rng):
    if state == "received":
        return
    if state == "rejected":
        handling.complaint_reject(actor=admin, complaint=complaint, public_reply=OUT_OF_SCOPE)
        return
    if state == "merged":
        originals = [c for c in made if c.status in Complaint.OPEN_STATUSES]
        if originals:
            handling.complaint_merge(actor=admin, complaint=complaint, into=rng.choice(originals))
        return
    handling.complaint_accept(actor=admin, complaint=complaint)
    if state == "accepted":
        return
    handling.complaint_assign(actor=admin, complaint=complaint, assignee=officer)
    if state == "assigned":
        return
    handling.complaint_add_note(actor=officer, complaint=complaint, note="已到现场核查，拍照取证。")
    if state == "investigating":
        return
    outcome = rng.choices(list(REPLIES), weights=[6, 3, 1])[0]
    handling.complaint_conclude(
        actor=officer, complaint=complaint, outcome=outcome, public_reply=REPLIES[outcome]
    )
    if outcome == "substantiated" and rewards.reward_refusal(complaint) is None:
        reward = rewards.reward_decide(
            actor=admin, complaint=complaint, amount_fen=rng.choice([200, 500, 1000, 2000]) * 100
        )
        rewards.reward_notify(actor=admin, reward=reward)
    if complaint.category == "fees":
        disputed = rng.randrange(20, 400) * 10_000
        refunds.refund_dispute_record(
            actor=admin,
            complaint=complaint,
            students=rng.randrange(3, 60),
            amount_disputed_fen=disputed,
            amount_recovered_fen=disputed // rng.choice([1, 2, 3]),
            resolved=state == "closed",
        )
    if state == "closed":
        handling.complaint_close(actor=officer, complaint=complaint)


def _seed_orders():
    city = Bureau.objects.filter(code="3301").first()
    if city is None or not User.objects.filter(username="hangzhou_supervisor").exists():
        return
    supervisor = _actor("hangzhou_supervisor", city)
    from complaints.models import SupervisionOrder

    if SupervisionOrder.objects.filter(issued_by=city).exists():
        return
    for code in ("330106", "330102"):
        district = Bureau.objects.filter(code=code).first()
        complaint = (
            Complaint.objects.filter(bureau=district, status__in=Complaint.OPEN_STATUSES)
            .order_by("received_at")
            .first()
        )
        if complaint is None:
            continue
        orders.supervision_order_issue(
            actor=supervisor,
            district=district,
            complaint=complaint,
            subject=f"关于{complaint.institution_name}违规培训举报的督办",
            instructions="请于期限内完成核查，并将处理结果书面反馈市教育局。",
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
