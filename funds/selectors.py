"""Reads of the escrow app: ledger with running balance and filters, violations, warnings, and
coverage figures per district (seed 004 江津, 永川)."""

import datetime as dt

from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce

from bureaus.models import Bureau
from funds.models import EscrowAccount, FeeRecord, FundWarning, LedgerEntry
from institutions.models import Institution

K = LedgerEntry.Kind
# Institutions required to hold an account: those operating or under rectification (they
# still hold parents' money).
REQUIRED_STATUSES = ("normal", "suspended")


def ledger_entries(*, account: EscrowAccount, kind: str = "", since=None, until=None):
    """An account's entries, oldest first, each with the balance after it (kept on the row
    when it was written under the account's lock)."""
    entries = LedgerEntry.objects.filter(account=account).select_related("fee_record")
    if kind:
        entries = entries.filter(kind=kind)
    if since:
        entries = entries.filter(booked_on__gte=since)
    if until:
        entries = entries.filter(booked_on__lte=until)
    return entries.order_by("id")


LEDGER_PAGE = 50


def ledger_page(
    *, account: EscrowAccount, kind: str = "", since=None, until=None, before=None, size=None
) -> tuple[list, int | None]:
    """One page of an account's ledger, newest first, by keyset (entries before the id
    `before`, on the index (account, id)): the cost of a page does not grow with the ledger.
    Each entry carries the balance after it (stored when it was written under the account's
    lock), so the running balance is right on every page and under any filter. Returns the
    entries and the id to ask the next (older) page with, or None on the last page."""
    size = size or LEDGER_PAGE
    entries = ledger_entries(account=account, kind=kind, since=since, until=until)
    if before:
        entries = entries.filter(id__lt=before)
    rows = list(entries.order_by("-id")[: size + 1])
    if len(rows) > size:
        return rows[:size], rows[size - 1].pk
    return rows, None


def coverage(*, bureau_ids, today: dt.date | None = None) -> list[dict]:
    """Per district: institutions required to have an account and those that have one, total
    supervised balance, unconsumed liability, coverage ratio, refunds paid."""
    rows = []
    districts = Bureau.objects.filter(pk__in=bureau_ids, level="district").order_by("code")
    for district in districts:
        required = Institution.objects.filter(bureau=district, status__in=REQUIRED_STATUSES)
        with_account = required.filter(
            pk__in=EscrowAccount.objects.exclude(status="closed").values("institution_id")
        )
        accounts = EscrowAccount.objects.filter(bureau=district).exclude(status="closed")
        balance = accounts.aggregate(s=Coalesce(Sum("balance_fen"), Value(0)))["s"]
        fees = FeeRecord.objects.filter(bureau=district).aggregate(
            s=Coalesce(Sum("amount_fen"), Value(0))
        )["s"]
        entries = LedgerEntry.objects.filter(bureau=district)
        paid_out = entries.filter(
            Q(kind__in=[K.RELEASE, K.REFUND])
            | Q(kind=K.ADJUSTMENT, reverses__kind__in=[K.RELEASE, K.REFUND])
        ).aggregate(s=Coalesce(Sum("amount_fen"), Value(0)))["s"]
        refunds = entries.filter(
            Q(kind=K.REFUND) | Q(kind=K.ADJUSTMENT, reverses__kind=K.REFUND)
        ).aggregate(s=Coalesce(Sum("amount_fen"), Value(0)))["s"]
        liability = fees + paid_out
        n_required, n_with = required.count(), with_account.count()
        rows.append(
            {
                "bureau": district,
                "required": n_required,
                "with_account": n_with,
                "share": (n_with / n_required) if n_required else None,
                "balance_fen": balance,
                "liability_fen": liability,
                "ratio": (balance / liability) if liability > 0 else None,
                "refunds_fen": -refunds,
            }
        )
    return rows


def coverage_total(rows: list[dict]) -> dict:
    required = sum(r["required"] for r in rows)
    with_account = sum(r["with_account"] for r in rows)
    balance = sum(r["balance_fen"] for r in rows)
    liability = sum(r["liability_fen"] for r in rows)
    return {
        "required": required,
        "with_account": with_account,
        "share": (with_account / required) if required else None,
        "balance_fen": balance,
        "liability_fen": liability,
        "ratio": (balance / liability) if liability > 0 else None,
        "refunds_fen": sum(r["refunds_fen"] for r in rows),
    }


def violations(queryset):
    """Fee-cap violations per institution."""
    return list(
        queryset.filter(violates_cap=True)
        .values("institution_id", institution_name=F("institution__name"))
        .annotate(count=Count("id"), amount_fen=Sum("amount_fen"))
        .order_by("-count", "institution_name")
    )


def unresolved_warnings(queryset):
    return queryset.filter(status__in=FundWarning.UNRESOLVED)


def warning_list_for_institution(*, institution_id: int):
    """The escrow warnings on one institution's accounts (its portal): unresolved first, then
    the newest. The account number is not among what the portal shows."""
    return (
        FundWarning.objects.filter(account__institution_id=institution_id)
        .select_related("account")
        .order_by(
            Case(When(status__in=FundWarning.UNRESOLVED, then=Value(0)), default=Value(1)),
            "-raised_at",
            "-pk",
        )
    )


# --- figures for dashboards and roll-ups (reports/) --------------------------------------------


def escrow_figures_by_bureau(*, bureau_ids) -> dict:
    """Escrow figures per district (seed 004 江津 "100%…3000余万元"): institutions required to
    hold an account and those that hold one (coverage), accounts and their total balance,
    unresolved warnings by colour. {bureau_id: {figure: n}}; three grouped queries whatever
    the number of districts."""
    figures: dict[int, dict] = {}
    held = EscrowAccount.objects.exclude(status="closed")
    required = (
        Institution.objects.filter(bureau_id__in=bureau_ids, status__in=REQUIRED_STATUSES)
        .values("bureau_id")
        .annotate(
            required=Count("pk"),
            covered=Count(
                "pk", filter=Q(pk__in=held.filter(bureau_id__in=bureau_ids).values("institution"))
            ),
        )
        .order_by()
    )
    for g in required:
        figures[g["bureau_id"]] = {"escrow_required": g["required"], "escrow_covered": g["covered"]}
    accounts = (
        held.filter(bureau_id__in=bureau_ids)
        .values("bureau_id")
        .annotate(n=Count("pk"), balance=Sum("balance_fen"))
        .order_by()
    )
    for g in accounts:
        figures.setdefault(g["bureau_id"], {}).update(
            escrow_accounts=g["n"], escrow_balance_fen=g["balance"] or 0
        )
    warnings = (
        FundWarning.objects.filter(bureau_id__in=bureau_ids, status__in=FundWarning.UNRESOLVED)
        .values("bureau_id")
        .annotate(
            yellow=Count("pk", filter=Q(level=FundWarning.Level.YELLOW)),
            red=Count("pk", filter=Q(level=FundWarning.Level.RED)),
        )
        .order_by()
    )
    for g in warnings:
        figures.setdefault(g["bureau_id"], {}).update(
            warnings_yellow=g["yellow"], warnings_red=g["red"]
        )
    return figures
