"""The fee cap, 一课一消 (deemed confirmation across National Day 2026, the refund timer) by
running the periodic job, and warnings: raised idempotently, acknowledged, resolved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.models import Notification
from funds.models import FeeRecord, FundWarning, LedgerEntry, Lesson, RefundRequest
from funds.services import fees, ledger, lessons, warnings
from funds.tasks import funds_periodic
from tests.funds.conftest import act

pytestmark = pytest.mark.django_db
K = LedgerEntry.Kind
DAY = dt.date(2026, 9, 1)


def record(officer, institution, **extra):
    fields = {
        "actor": officer,
        "institution": institution,
        "student_name": "张小红",
        "course_name": "少儿美术",
        "contract_number": "HT-2026-001",
        "amount_fen": 480_000,
        "collected_on": DAY,
        "period_start": DAY,
        "period_end": DAY + dt.timedelta(days=85),
        "class_hours": 48,
        **extra,
    }
    return fees.fee_record_create(**fields)


@pytest.mark.parametrize(
    ("amount", "days", "hours", "breaks"),
    [
        (500_000, 92, 60, False),  # exactly the cap: 5000 yuan, 3 months, 60 hours
        (500_001, 30, 20, True),  # one fen over 5000 yuan
        (300_000, 120, 40, False),  # over 3 months but within 60 class hours
        (300_000, 60, 80, False),  # over 60 hours but within 3 months
        (300_000, 120, 80, True),  # over both
    ],
)
def test_fee_cap(amount, days, hours, breaks):
    start = dt.date(2026, 3, 1)
    found = fees.fee_cap_breaches(
        amount_fen=amount,
        period_start=start,
        period_end=start + dt.timedelta(days=days),
        class_hours=hours,
    )
    assert bool(found) is breaks


def test_a_violating_charge_is_only_accepted_as_a_recorded_violation(account_a, officer_a):
    with pytest.raises(ValidationError) as exc:
        record(officer_a, account_a.institution, amount_fen=800_000)
    assert "教监管函〔2021〕2号" in exc.value.message_dict["amount_fen"][0]
    assert not FeeRecord.objects.exists()
    kept = record(officer_a, account_a.institution, amount_fen=800_000, record_as_violation=True)
    assert kept.violates_cap and "教监管函〔2021〕2号" in kept.violation
    fine = record(officer_a, account_a.institution, contract_number="HT-2")
    assert not fine.violates_cap and fine.violation == ""


def test_fee_records_of_another_district_are_refused(tree, account_a):
    with pytest.raises(PermissionDenied):
        record(act(tree.user("b", "officer")), account_a.institution)


def test_deemed_confirmation_across_national_day_2026(account_a, officer_a):
    fee = record(officer_a, account_a.institution, collected_on=dt.date(2026, 9, 20))
    fees.fee_deposit(actor=officer_a, fee_record=fee, booked_on=dt.date(2026, 9, 20))
    lesson = lessons.lesson_record(
        actor=officer_a, fee_record=fee, hours=4, given_on=dt.date(2026, 9, 25)
    )
    # 15 working days after Friday 25 September: 28-30 Sep, then 8-10 Oct (Saturday 10 Oct is
    # a make-up working day), 12-16 and 19-22 Oct. Without the holiday it would be 16 Oct.
    assert lesson.confirm_by == dt.date(2026, 10, 22)
    assert lesson.amount_fen == 40_000
    funds_periodic.apply(args=["2026-10-22"]).get()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.PENDING
    with pytest.raises(ValidationError):
        lessons.lesson_release(actor=officer_a, lesson=lesson)
    result = funds_periodic.apply(args=["2026-10-23"]).get()
    assert result["lessons_deemed"] == 1
    assert funds_periodic.apply(args=["2026-10-24"]).get()["lessons_deemed"] == 0  # idempotent
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DEEMED
    lessons.lesson_release(actor=officer_a, lesson=lesson, booked_on=dt.date(2026, 10, 23))
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.RELEASED
    assert lesson.release.kind == K.RELEASE and lesson.release.amount_fen == -40_000
    account_a.refresh_from_db()
    assert account_a.balance_fen == 440_000
    assert ledger.unconsumed_fen(account_a.institution_id) == 440_000


def test_a_disputed_lesson_is_never_deemed(account_a, officer_a):
    fee = record(officer_a, account_a.institution)
    lesson = lessons.lesson_record(actor=officer_a, fee_record=fee, hours=2, given_on=DAY)
    lessons.lesson_dispute(actor=officer_a, lesson=lesson)
    funds_periodic.apply(args=["2026-12-31"]).get()
    lesson.refresh_from_db()
    assert lesson.status == Lesson.Status.DISPUTED


def test_lessons_cannot_exceed_the_hours_bought_and_the_last_takes_the_remainder(
    account_a, officer_a
):
    fee = record(officer_a, account_a.institution, amount_fen=100_000, class_hours=3)
    first = lessons.lesson_record(actor=officer_a, fee_record=fee, hours=2, given_on=DAY)
    with pytest.raises(ValidationError):
        lessons.lesson_record(actor=officer_a, fee_record=fee, hours=2, given_on=DAY)
    last = lessons.lesson_record(actor=officer_a, fee_record=fee, hours=1, given_on=DAY)
    assert first.amount_fen + last.amount_fen == 100_000


def test_refund_request_deemed_agreed_after_five_working_days(tree, account_a, officer_a):
    fee = record(officer_a, account_a.institution)
    fees.fee_deposit(actor=officer_a, fee_record=fee, booked_on=DAY)
    request = lessons.refund_request_record(
        actor=officer_a, fee_record=fee, amount_fen=120_000, requested_on=dt.date(2026, 9, 30)
    )
    assert request.answer_by == dt.date(2026, 10, 13)  # 8, 9, 10 (make-up), 12, 13 Oct
    assert funds_periodic.apply(args=["2026-10-13"]).get()["refunds_deemed"] == 0
    assert funds_periodic.apply(args=["2026-10-14"]).get()["refunds_deemed"] == 1
    assert funds_periodic.apply(args=["2026-10-15"]).get()["refunds_deemed"] == 0
    request.refresh_from_db()
    assert request.status == RefundRequest.Status.DEEMED
    told = Notification.objects.filter(key=f"refund-deemed:{request.pk}")
    assert set(told.values_list("user__username", flat=True)) == {"a_admin", "a_officer"}
    lessons.refund_pay(actor=officer_a, request=request, booked_on=dt.date(2026, 10, 14))
    request.refresh_from_db()
    assert request.status == RefundRequest.Status.PAID
    account_a.refresh_from_db()
    assert account_a.balance_fen == 360_000


def test_warnings_are_raised_once_acknowledged_and_resolved(tree, account_a, officer_a):
    # Minimum 1000 yuan, yellow below 3000 yuan (conftest); a deposit of 2000 yuan: yellow.
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=200_000, booked_on=DAY
    )
    # The account opened empty, below its minimum: that warning is resolved by the deposit.
    unresolved = FundWarning.objects.filter(status__in=FundWarning.UNRESOLVED)
    assert set(unresolved.values_list("kind", flat=True)) == {"below_threshold"}
    assert FundWarning.objects.get(kind="below_minimum").status == "resolved"
    # A refund of 1500 yuan: below the minimum (red); the yellow one is resolved by the check.
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.REFUND, amount_fen=150_000, booked_on=DAY
    )
    red = FundWarning.objects.get(kind="below_minimum", status="open")
    assert red.detail == "余额 500.00 元，低于最低存款余额 1,000.00 元。"
    assert red.level == "red"
    assert FundWarning.objects.get(kind="below_threshold").status == "resolved"
    assert Notification.objects.filter(key=f"fundwarning:{red.pk}").count() == 2
    funds_periodic.apply(args=["2026-09-02"]).get()
    funds_periodic.apply(args=["2026-09-02"]).get()
    assert FundWarning.objects.filter(kind="below_minimum", status="open").count() == 1
    with pytest.raises(ValidationError):
        warnings.warning_acknowledge(actor=officer_a, warning=red, note="  ")
    with pytest.raises(PermissionDenied):
        warnings.warning_acknowledge(actor=act(tree.user("b", "officer")), warning=red, note="x")
    with pytest.raises(PermissionDenied):
        warnings.warning_acknowledge(actor=act(tree.user("a", "auditor")), warning=red, note="x")
    warnings.warning_acknowledge(actor=officer_a, warning=red, note="已约谈机构负责人，限期补足。")
    red.refresh_from_db()
    assert red.status == "acknowledged"
    with pytest.raises(ValidationError, match="预警情形仍然存在"):
        warnings.warning_resolve(actor=officer_a, warning=red)
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=500_000, booked_on=DAY
    )
    red.refresh_from_db()
    assert red.status == "resolved"
    with pytest.raises(ValidationError):
        warnings.warning_acknowledge(actor=officer_a, warning=red, note="again")


def test_large_outflows_coverage_and_undeposited_fees_by_the_job(account_a, officer_a):
    account_a.single_outflow_limit_fen = 100_000
    account_a.daily_outflow_limit_fen = 150_000
    account_a.save(update_fields=["single_outflow_limit_fen", "daily_outflow_limit_fen"])
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=2_000_000, booked_on=DAY
    )
    big = ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.RELEASE, amount_fen=120_000, booked_on=DAY
    )
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.RELEASE, amount_fen=50_000, booked_on=DAY
    )
    keys = set(FundWarning.objects.values_list("key", flat=True))
    assert {f"large_outflow:{big.pk}", f"daily_outflow:{DAY}"} <= keys
    # Fees of 40,000 yuan recorded and never deposited: after 3 days they are "not in escrow"
    # and the balance no longer covers the unconsumed fees.
    for n in range(9):
        record(officer_a, account_a.institution, contract_number=f"U-{n}")
    funds_periodic.apply(args=["2026-09-03"]).get()
    assert not FundWarning.objects.filter(kind="undeposited").exists()
    funds_periodic.apply(args=["2026-09-05"]).get()
    funds_periodic.apply(args=["2026-09-05"]).get()
    assert FundWarning.objects.filter(kind="undeposited", status="open").count() == 1
    coverage = FundWarning.objects.get(kind="coverage")
    assert (coverage.status, coverage.level) == ("open", "red")
    assert "44%" in coverage.detail  # 18,300 of 41,500 yuan
    # An event warning resolved by staff is not raised again for the same outflow.
    large = FundWarning.objects.get(kind="large_outflow")
    warnings.warning_resolve(actor=officer_a, warning=large, note="核实为正常课消。")
    funds_periodic.apply(args=["2026-09-05"]).get()
    assert FundWarning.objects.filter(kind="large_outflow").count() == 1


def test_a_silent_account_is_flagged_and_cleared_by_its_next_movement(account_a, officer_a):
    ledger.entry_post(
        actor=officer_a, account=account_a, kind=K.DEPOSIT, amount_fen=500_000, booked_on=DAY
    )
    # Opened in November for an agreement of January, empty: silent until the deposit.
    assert FundWarning.objects.get(kind="silent").status == "resolved"
    funds_periodic.apply(args=["2026-10-01"]).get()  # 30 days after 1 September
    assert not FundWarning.objects.filter(kind="silent", status="open").exists()
    funds_periodic.apply(args=["2026-10-02"]).get()
    funds_periodic.apply(args=["2026-10-02"]).get()
    silent = FundWarning.objects.get(kind="silent", status="open")
    assert silent.status == "open" and "2026-09-01" in silent.detail
    ledger.entry_post(
        actor=officer_a,
        account=account_a,
        kind=K.DEPOSIT,
        amount_fen=100,
        booked_on=dt.date(2026, 10, 2),
    )
    silent.refresh_from_db()
    assert silent.status == "resolved"
