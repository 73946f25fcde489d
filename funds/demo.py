"""Demo escrow for `manage.py seed_demo`: in each demo district, accounts for most operating
institutions (one left without, for the coverage figures) with a year of ledger history —
deposits, fees collected and deposited, lessons consumed and released, refunds — some fee-cap
violations, fees left undeposited, a large outflow, and warnings open, acknowledged and
resolved. Idempotent: a district that already has accounts is skipped."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from bureaus.demo import DISTRICTS
from bureaus.models import Bureau, Membership, User
from funds.models import EscrowAccount, FundWarning, LedgerEntry
from funds.services import accounts, fees, ledger, lessons, warnings
from institutions.models import Institution

ACCOUNTS_PER_DISTRICT = 4
STUDENTS = ["王小明", "李思源", "张一诺", "刘子涵", "陈雨桐", "杨浩然", "赵欣怡", "黄梓轩"]
COURSES = ["少儿美术", "围棋", "钢琴", "书法", "编程启蒙", "篮球", "舞蹈"]
BANKS = ["中国工商银行", "中国建设银行", "中国农业银行", "中国银行", "杭州银行"]


def _admin(slug: str, bureau: Bureau):
    user = User.objects.get(username=f"{slug}_admin")
    user.membership = Membership.objects.select_related("bureau").get(user=user, bureau=bureau)
    return user


def _history(rng, admin, institution, n: int, today: dt.date) -> None:
    start = today - dt.timedelta(days=360)
    custody = n % 2 == 0
    account = accounts.account_open(
        actor=admin,
        institution=institution,
        bank=f"{rng.choice(BANKS)}{institution.bureau.name[:2]}支行",
        account_number=f"62220{institution.pk:06d}{rng.randrange(10**7):07d}",
        agreed_on=start,
        mode=EscrowAccount.Mode.CUSTODY if custody else EscrowAccount.Mode.DEPOSIT,
        minimum_kind=EscrowAccount.MinimumKind.SHARE
        if custody
        else EscrowAccount.MinimumKind.FIXED,
        minimum_share_pct=30 if custody else 0,
        minimum_fixed_fen=0 if custody else 2_000_000,
        yellow_threshold_fen=3_000_000,
        single_outflow_limit_fen=1_500_000,
    )
    if not custody:
        ledger.entry_post(
            actor=admin, account=account, kind="deposit", amount_fen=2_500_000, booked_on=start
        )
    records = []
    for month in range(12):
        day = start + dt.timedelta(days=30 * month)
        for k in range(2):
            violation = n == 2 and month in (3, 7) and k == 0
            record = fees.fee_record_create(
                actor=admin,
                institution=institution,
                student_name=rng.choice(STUDENTS),
                course_name=rng.choice(COURSES),
                contract_number=f"HT{day:%Y%m%d}{n}{k}",
                amount_fen=800_000 if violation else rng.randrange(200_000, 480_000, 100),
                collected_on=day,
                period_start=day,
                period_end=day + dt.timedelta(days=150 if violation else 85),
                class_hours=96 if violation else rng.choice([24, 32, 48]),
                record_as_violation=violation,
            )
            # Institution 1 stops depositing its fees in the last two months (收费未进专户).
            if not (n == 1 and month >= 10):
                fees.fee_deposit(actor=admin, fee_record=record, booked_on=day)
            records.append(record)
        for record in records[-6:-2]:
            left = record.class_hours - sum(x.hours for x in record.lessons.all())
            if left <= 0:
                continue
            lesson = lessons.lesson_record(
                actor=admin, fee_record=record, hours=min(8, left), given_on=day
            )
            if rng.random() < 0.7 and not (n == 1 and month >= 10):
                lessons.lesson_confirm(actor=admin, lesson=lesson)
                lessons.lesson_release(actor=admin, lesson=lesson, booked_on=day)
        if month in (4, 9) and records:
            request = lessons.refund_request_record(
                actor=admin, fee_record=records[-4], amount_fen=50_000, requested_on=day
            )
            if month == 4:
                lessons.refund_answer(actor=admin, request=request, agree=True)
                lessons.refund_pay(actor=admin, request=request, booked_on=day)
    if n == 3:
        # 大额资金异动: a deposit institution takes back most of its deposit.
        ledger.entry_post(
            actor=admin,
            account=account,
            kind=LedgerEntry.Kind.REFUND,
            amount_fen=1_800_000,
            booked_on=today - dt.timedelta(days=2),
            note="集中退费",
        )
    lessons.lessons_apply_timers(today=today)
    warnings.account_evaluate(account, today=today)


def seed() -> None:
    rng = random.Random("funds")  # noqa: S311 - demo data, reproducible on purpose
    today = timezone.localdate()
    for code, (_name, slug, _streets) in DISTRICTS.items():
        district = Bureau.objects.filter(code=code).first()
        if district is None or EscrowAccount.objects.filter(bureau=district).exists():
            continue
        operating = Institution.objects.filter(bureau=district, status="normal").order_by("id")
        admin = _admin(slug, district)
        with transaction.atomic():
            for n, institution in enumerate(operating[:ACCOUNTS_PER_DISTRICT]):
                _history(rng, admin, institution, n, today)
            open_warnings = FundWarning.objects.filter(bureau=district, status="open")
            first = open_warnings.order_by("id").first()
            if first is not None:
                warnings.warning_acknowledge(
                    actor=admin, warning=first, note="已约谈机构负责人，要求三个工作日内补足。"
                )
